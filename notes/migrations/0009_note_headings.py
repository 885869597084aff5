import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# notes_noteheading follows notes_note and cells_meeting: a row for every point
# with a heading, its vector made as the note_heading_search index makes it
# ('english', the project's search configuration), with its meeting's cell,
# status and date. Saves that change none of these (most saves) touch nothing.
TRIGGERS = """
CREATE FUNCTION notes_heading_follow_note() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM notes_noteheading WHERE note_id = OLD.id;
    ELSIF NEW.heading = '' THEN
        DELETE FROM notes_noteheading WHERE note_id = NEW.id;
    ELSE
        INSERT INTO notes_noteheading (note_id, meeting_id, cell_id, status, date, vector)
        SELECT NEW.id, meeting.id, meeting.cell_id, meeting.status, meeting.date,
               to_tsvector('english'::regconfig, NEW.heading)
        FROM cells_meeting AS meeting WHERE meeting.id = NEW.meeting_id
        ON CONFLICT (note_id) DO UPDATE
        SET meeting_id = EXCLUDED.meeting_id, cell_id = EXCLUDED.cell_id,
            status = EXCLUDED.status, date = EXCLUDED.date, vector = EXCLUDED.vector;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER notes_heading_on_insert AFTER INSERT ON notes_note
FOR EACH ROW EXECUTE FUNCTION notes_heading_follow_note();

CREATE TRIGGER notes_heading_on_update AFTER UPDATE OF heading, meeting_id ON notes_note
FOR EACH ROW WHEN (OLD.heading IS DISTINCT FROM NEW.heading
                   OR OLD.meeting_id IS DISTINCT FROM NEW.meeting_id)
EXECUTE FUNCTION notes_heading_follow_note();

CREATE TRIGGER notes_heading_on_delete AFTER DELETE ON notes_note
FOR EACH ROW EXECUTE FUNCTION notes_heading_follow_note();

CREATE FUNCTION notes_heading_follow_meeting() RETURNS trigger AS $$
BEGIN
    UPDATE notes_noteheading
    SET cell_id = NEW.cell_id, status = NEW.status, date = NEW.date
    WHERE meeting_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER notes_heading_on_meeting_update AFTER UPDATE OF cell_id, status, date
ON cells_meeting
FOR EACH ROW WHEN (OLD.cell_id IS DISTINCT FROM NEW.cell_id
                   OR OLD.status IS DISTINCT FROM NEW.status
                   OR OLD.date IS DISTINCT FROM NEW.date)
EXECUTE FUNCTION notes_heading_follow_meeting();

INSERT INTO notes_noteheading (note_id, meeting_id, cell_id, status, date, vector)
SELECT note.id, meeting.id, meeting.cell_id, meeting.status, meeting.date,
       to_tsvector('english'::regconfig, note.heading)
FROM notes_note AS note JOIN cells_meeting AS meeting ON meeting.id = note.meeting_id
WHERE note.heading <> '';
"""

DROP_TRIGGERS = """
DROP TRIGGER notes_heading_on_meeting_update ON cells_meeting;
DROP FUNCTION notes_heading_follow_meeting();
DROP TRIGGER notes_heading_on_insert ON notes_note;
DROP TRIGGER notes_heading_on_update ON notes_note;
DROP TRIGGER notes_heading_on_delete ON notes_note;
DROP FUNCTION notes_heading_follow_note();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0006_meeting_date_from_1900"),
        ("notes", "0008_search_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="NoteHeading",
            fields=[
                (
                    "note",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="notes.note",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cells.meeting",
                    ),
                ),
                (
                    "cell",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cells.cell",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published")], max_length=10
                    ),
                ),
                ("date", models.DateField()),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["vector"], name="note_heading_vector"
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
