"""Template pieces the notes app lends to other pages: ``{% load notes %}``."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import QuerySet
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from betterway.highlighting import mark_words
from betterway.markdown import plain_excerpt, render_markdown
from betterway.templatetags.betterway import time_element
from cells.models import Cell
from cells.page_parts import shareable
from cells.sharing import cached
from notes.models import Note, Theme, attach_chips
from notes.templatetags.actions import may_mark_done, point_extras
from notes.themes.stats import top_themes_of_cell

register = template.Library()


@register.inclusion_tag("themes/_cell_themes.html", takes_context=True)
def cell_themes(context: dict[str, Any], cell: Cell) -> dict[str, Any]:
    """The cell's most discussed themes, counting only points the viewer may read."""
    return {"cell": cell, "themes": top_themes_of_cell(context["request"].user, cell.pk)}


@register.simple_tag
def theme_chips(themes: Sequence[Theme], plain: bool = False) -> str:
    """A point's themes as chips linking to their pages (``plain``: names only).

    Written here rather than by an included template, which cost about 120
    microseconds a point: a meeting of a hundred points spent 12 ms on it.
    """
    if not themes:
        return ""
    prefix = get_script_prefix()
    chips = "".join(_chip(prefix, theme.name, theme.slug, plain) for theme in themes)
    html: SafeString = mark_safe(  # noqa: S308 - every chip escaped by _chip
        f'<ul class="chips" aria-label="Themes">{chips}</ul>'
    )
    return html


@functools.lru_cache(maxsize=4096)
def _chip(script_prefix: str, name: str, slug: str, plain: bool) -> str:
    """One theme's chip, remembered per process: a meeting of a hundred points
    shows two hundred chips of the same few hundred themes, and escaping and
    addressing each took 5 microseconds. Keyed by everything the chip shows
    (the script prefix for its address), so a renamed theme is a new chip.
    """
    if plain:
        return f'<li class="chip">{escape(name)}</li>'
    return f'<li class="chip"><a href="{escape(Theme.address_of(slug))}">{escape(name)}</a></li>'


@dataclass(frozen=True)
class RenderedPoint:
    """A point of a meeting's record as HTML, but for what was agreed under it
    (the reader's own: its forms post), which goes between ``before`` and ``after``.
    """

    pk: int | None  # None: a point of the editor's preview, not saved yet
    anchor: str
    before: str
    after: str


def render_points(
    notes: Sequence[Any], point_tag: str, *, preview: bool = False, words: set[str] | None = None
) -> list[RenderedPoint]:
    """The points of a meeting's record, their themes read here in one query.

    ``preview``: the editor's preview points (no links, ids of their own);
    ``words``: the search words to mark.
    """
    words = words or set()
    attach_chips(note for note in notes if isinstance(note, Note))
    rendered = []
    for note in notes:
        anchor = escape(f"preview-{note.anchor}" if preview else note.anchor)
        before = (
            f'<li class="point" id="{anchor}">\n'
            f'    <section aria-labelledby="{anchor}-heading">\n'
            f'      <{point_tag} class="point__heading" id="{anchor}-heading">'
            f"{_point_title(note, anchor, preview, words)}</{point_tag}>\n"
            f'      <div class="prose">{mark_words(render_markdown(note.body), words)}</div>\n'
            f"      {theme_chips(note.chips, plain=preview)}\n      "
        )
        after = "\n    </section>\n  </li>"
        rendered.append(RenderedPoint(getattr(note, "pk", None), note.anchor, before, after))
    return rendered


@register.simple_tag(takes_context=True)
def points(
    context: template.Context, notes: QuerySet[Note] | Sequence[Any], point_tag: str
) -> SafeString:
    """A meeting's points as its record shows them, each an ``<li>`` of the list
    ("" for none): a list of notes or of the editor's preview points, rendered
    now, or the meeting's points as a query, rendered once for every reader of
    the same cells until the content changes (most of a long meeting's page).

    Reads from the record's context: ``meeting``, ``preview`` (the editor's
    preview: no links, ids of their own, no extras), ``highlight_words`` (the
    search words to mark) and ``extras`` (what was agreed under the points, see
    ``actions_of_meeting``), which holds the reader's own forms and is added
    to the rendered points on every view.

    Written here rather than as a loop in the template, which took four times
    as long (80 microseconds a point).
    """
    preview = bool(context.get("preview"))
    extras = None if preview else context.get("extras")
    if isinstance(notes, QuerySet):
        rendered = cached(
            context["request"].user,
            "meeting-points",
            lambda: render_points(list(notes), point_tag),
            context["meeting"].pk,
            point_tag,
        )
    else:
        words = context.get("highlight_words")
        rendered = render_points(notes, point_tag, preview=preview, words=words)
    agreed = _agreed(context, extras, rendered) if extras else {}
    items = [f"{point.before}{agreed.get(point.pk, '')}{point.after}" for point in rendered]
    html: SafeString = mark_safe("\n  ".join(items))  # noqa: S308 - each part escaped
    return html


def _agreed(
    context: template.Context, extras: dict[str, Any], rendered: Sequence[RenderedPoint]
) -> dict[int | None, str]:
    """What was agreed under each point that has any, rendered.

    Readers of the same cells who see the same names and own none of the
    open actions get the same HTML: it is kept for them, as the points are,
    until anything changes or the day does (an action falls overdue). Only
    an owner's page holds forms ("Mark done"), rendered on every view.
    """
    request = context["request"]
    # As an inclusion tag renders: in a context of its own (``point_extras`` passes
    # on the CSRF token for the actions' forms).
    extras_template = template.Engine.get_default().get_template("actions/_point_extras.html")

    def render() -> dict[int | None, str]:
        return {
            point.pk: extras_template.render(context.new(point_extras(context, extras, point)))
            for point in rendered
            if point.pk in extras["points"]
        }

    if may_mark_done(request.user, extras):
        return render()
    return cached(
        request.user,
        "meeting-agreed",
        lambda: {pk: shareable(html) for pk, html in render().items()},
        context["meeting"].pk,
        extras["insider"],
        timezone.localdate(),
    )


def _point_title(note: Any, anchor: str, preview: bool, words: set[str]) -> str:
    """The point's title: "3. Heading" linking to the point (plain in the preview),
    or "Point 3" without a heading.
    """
    heading = mark_words(conditional_escape(note.heading), words)
    if preview:
        return f"{note.position}. {heading}" if note.heading else f"Point {note.position}"
    if note.heading:
        return f'<a class="point__anchor" href="#{anchor}">{note.position}.</a> {heading}'
    return f'<a class="point__anchor" href="#{anchor}">Point {note.position}</a>'


@register.simple_tag(takes_context=True)
def point_list(context: template.Context, notes: Sequence[Note]) -> SafeString:
    """Points as every listing shows them: heading, meeting, excerpt and themes
    (read here in one query unless the notes have them already).

    Notes from search carry a ``snippet`` (their matching words marked); a
    search's ``hit_query`` in the context opens each hit with them marked.
    Written here rather than as a loop in the template, which took three times
    as long (100 microseconds a point).
    """
    hit_query = context.get("hit_query") or ""
    attach_chips(notes)
    items = []
    for note in notes:
        meeting = note.meeting
        if hit_query:
            url = f"{meeting.get_absolute_url()}?{hit_query}#{note.anchor}"
        else:
            url = note.get_absolute_url()
        title = note.heading or f"{meeting.title} · point {note.position}"
        about = f" · {escape(meeting.title)}" if note.heading else ""
        draft = "" if meeting.is_published else ' <span class="badge badge--draft">Draft</span>'
        excerpt = getattr(note, "snippet", "") or plain_excerpt(note.body)
        items.append(
            '<li class="point-list__item">\n'
            f'    <h3 class="point-list__title"><a href="{escape(url)}">{escape(title)}</a></h3>\n'
            f'    <p class="meta"><a href="{escape(meeting.cell.get_absolute_url())}">'
            f"{escape(meeting.cell.name)}</a> · {time_element(meeting.date)}{about}{draft}</p>\n"
            f'    <p class="point-list__excerpt">{conditional_escape(excerpt)}</p>\n'
            f"    {theme_chips(note.chips)}\n"
            "  </li>"
        )
    listed = "\n  ".join(items)
    html: SafeString = mark_safe(f'<ol class="point-list">\n  {listed}\n</ol>')  # noqa: S308
    return html
