"""The search indexes keep their pending lists small (see betterway.indexes).

Only the storage parameter changes: the indexes are altered in place, not
built again, which at 1,000,000 notes would hold up writes for minutes.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations

SEARCH_INDEXES = (
    "note_search_vector",
    "note_heading_search",
    "note_word_pairs",
    "note_heading_vector",
    "search_word_trigrams",
)


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0006_meeting_date_from_1900"),
        ("notes", "0012_note_id_with_meeting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        f"ALTER INDEX {name} SET (gin_pending_list_limit = 256)"
                        for name in SEARCH_INDEXES
                    ],
                    reverse_sql=[
                        f"ALTER INDEX {name} RESET (gin_pending_list_limit)"
                        for name in SEARCH_INDEXES
                    ],
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="note",
                    name="note_search_vector",
                ),
                migrations.RemoveIndex(
                    model_name="note",
                    name="note_heading_search",
                ),
                migrations.RemoveIndex(
                    model_name="note",
                    name="note_word_pairs",
                ),
                migrations.RemoveIndex(
                    model_name="noteheading",
                    name="note_heading_vector",
                ),
                migrations.RemoveIndex(
                    model_name="searchword",
                    name="search_word_trigrams",
                ),
                migrations.AddIndex(
                    model_name="note",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"],
                        gin_pending_list_limit=256,
                        name="note_search_vector",
                    ),
                ),
                migrations.AddIndex(
                    model_name="note",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.search.SearchVector("heading", config="english"),
                        gin_pending_list_limit=256,
                        name="note_heading_search",
                    ),
                ),
                migrations.AddIndex(
                    model_name="note",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["word_pairs"], gin_pending_list_limit=256, name="note_word_pairs"
                    ),
                ),
                migrations.AddIndex(
                    model_name="noteheading",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["vector"], gin_pending_list_limit=256, name="note_heading_vector"
                    ),
                ),
                migrations.AddIndex(
                    model_name="searchword",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass("word", name="gin_trgm_ops"),
                        gin_pending_list_limit=256,
                        name="search_word_trigrams",
                    ),
                ),
            ],
        ),
    ]
