"""Set-based theme changes from the admin: merge themes, add or remove one on many points.

Plain UPDATE/DELETE statements send no signals, so each function refreshes the
affected notes' theme names itself; ``changing_points`` (the record's write
path) locks their meetings and bumps their versions, so an editor holding an
older page is told rather than overwriting the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.dispatch import Signal

from notes.models import Note, TaggedNote, Theme, ThemeAlias
from notes.record.services import changing_points

# Sent inside the merge's transaction, before the sources are deleted, so what
# refers to them (follows) can move to the target.
themes_merged = Signal()


@dataclass
class MergeResult:
    target: Theme
    merged: list[str]
    points: int


def merge_themes(target: Theme, sources: Iterable[Theme]) -> MergeResult:
    """Move every point of ``sources`` to ``target`` and delete the sources.

    No point ends up with the same theme twice; the sources' addresses become
    aliases of the target, so old links keep working.
    """
    sources = [theme for theme in sources if theme.pk != target.pk]
    source_ids = [theme.pk for theme in sources]
    if not source_ids:
        return MergeResult(target, [], 0)
    affected = list(
        TaggedNote.objects.filter(tag_id__in=source_ids)
        .values_list("content_object_id", flat=True)
        .distinct()
    )
    with changing_points(affected):
        params = {"sources": source_ids, "target": target.pk}
        with connection.cursor() as cursor:
            # Drop source tags on points that have the target already, and all
            # but one source tag on points that have several sources.
            cursor.execute(
                """
                DELETE FROM notes_taggednote AS t
                WHERE t.tag_id = ANY(%(sources)s) AND (
                    EXISTS (SELECT 1 FROM notes_taggednote AS x
                            WHERE x.content_object_id = t.content_object_id
                              AND x.tag_id = %(target)s)
                    OR EXISTS (SELECT 1 FROM notes_taggednote AS y
                               WHERE y.content_object_id = t.content_object_id
                                 AND y.tag_id = ANY(%(sources)s) AND y.id < t.id))
                """,
                params,
            )
            cursor.execute(
                "UPDATE notes_taggednote SET tag_id = %(target)s WHERE tag_id = ANY(%(sources)s)",
                params,
            )
        Note.objects.filter(pk__in=affected).refresh_theme_names()
        ThemeAlias.objects.filter(theme_id__in=source_ids).update(theme=target)
        ThemeAlias.objects.bulk_create(
            [ThemeAlias(slug=theme.slug, theme=target) for theme in sources],
            ignore_conflicts=True,
        )
        themes_merged.send(sender=Theme, target=target, source_ids=source_ids)
        Theme.objects.filter(pk__in=source_ids).delete()
    return MergeResult(target, [theme.name for theme in sources], len(affected))


def add_theme(notes: QuerySet[Note], theme: Theme) -> int:
    """Tag these notes with ``theme`` (those that have it already are left alone)."""
    with changing_points(notes.values_list("pk", flat=True)) as ids:
        TaggedNote.objects.bulk_create(
            [TaggedNote(content_object_id=pk, tag=theme) for pk in ids], ignore_conflicts=True
        )
        Note.objects.filter(pk__in=ids).refresh_theme_names()
    return len(ids)


def remove_theme(notes: QuerySet[Note], theme: Theme) -> int:
    tagged = notes.filter(tagged_items__tag=theme).values_list("pk", flat=True)
    with changing_points(tagged) as ids, connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM notes_taggednote WHERE tag_id = %s AND content_object_id = ANY(%s)",
            [theme.pk, ids],
        )
        Note.objects.filter(pk__in=ids).refresh_theme_names()
    return len(ids)
