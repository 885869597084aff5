import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models


# A point's adjacent words, hashed: each pair of positions p and p + 1 of its
# search vector (heading, themes, body), as hashtext('word1 word2'). A hash
# shared by two pairs only makes an extra candidate: the phrase itself is
# always checked against the vector.
WORD_PAIRS = """
CREATE FUNCTION note_word_pairs(vector tsvector) RETURNS int4[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT hashtext(first.lexeme || ' ' || second.lexeme)), '{}')
    FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(vector)) AS first
    JOIN (SELECT lexeme, unnest(positions) AS position FROM unnest(vector)) AS second
        ON second.position = first.position + 1
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0006_meeting_date_from_1900"),
        ("notes", "0009_note_headings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(WORD_PAIRS, "DROP FUNCTION note_word_pairs(tsvector);"),
        migrations.AddField(
            model_name="note",
            name="word_pairs",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.SearchVector(
                                "heading", config="english", weight="A"
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                "theme_names", config="english", weight="A"
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "body", config="english", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    function="note_word_pairs",
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.IntegerField(), size=None
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="note",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["word_pairs"], name="note_word_pairs"
            ),
        ),
        # Statistics for the new column, without which the planner cannot tell
        # that its index narrows a phrase's points.
        migrations.RunSQL("ANALYZE notes_note", migrations.RunSQL.noop),
    ]
