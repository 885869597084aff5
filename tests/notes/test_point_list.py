"""The list of points every listing shows (search, theme pages, following, the dashboard)."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from cells.models import Cell, MeetingStatus
from notes.models import Note
from tests.personas import make_meeting

POINT_LIST = Template("{% load notes %}{% point_list notes %}")


def _listed(notes: list[Note], **context: Any) -> str:
    return POINT_LIST.render(Context({"notes": notes, **context}))


def _notes(**meeting: Any) -> list[Note]:
    cell = Cell.objects.create(name="Tea & <Talk>", slug="tea-talk", visibility="public")
    made = make_meeting(cell, points=2, **meeting)
    made.title = "Parks & <gardens>"
    made.save()
    first, second = made.notes.order_by("position")
    first.heading = "Budgets <script>alert(1)</script>"
    first.body = "We read the **RSA report** at [the library](https://example.org/report)."
    first.save()
    first.themes.set(["allotments", "Budgets"])
    second.heading = ""
    second.save()
    return list(Note.objects.filter(meeting=made).order_by("position").for_listing())


def test_a_point_shows_its_heading_meeting_excerpt_and_themes_escaped(db: None) -> None:
    first, second = _notes()
    html = _listed([first, second])
    item = html[: html.index('<li class="point-list__item">', 30)]
    assert parse_html(item + "</ol>") == parse_html(
        '<ol class="point-list"><li class="point-list__item">'
        '<h3 class="point-list__title"><a href="/cells/tea-talk/meetings/'
        f'{first.meeting_id}/#point-1">Budgets &lt;script&gt;alert(1)&lt;/script&gt;</a></h3>'
        '<p class="meta"><a href="/cells/tea-talk/">Tea &amp; &lt;Talk&gt;</a> · '
        '<time datetime="2017-11-29">29 November 2017</time> · Parks &amp; &lt;gardens&gt;</p>'
        '<p class="point-list__excerpt">We read the RSA report at the library.</p>'
        '<ul class="chips" aria-label="Themes">'
        '<li class="chip"><a href="/themes/allotments/">allotments</a></li>'
        '<li class="chip"><a href="/themes/budgets/">Budgets</a></li></ul>'
        "</li></ol>"
    )
    # A point without a heading is named by its meeting; no themes, no chips.
    rest = html[html.index('<li class="point-list__item">', 30) :]
    assert "Parks &amp; &lt;gardens&gt; · point 2</a></h3>" in rest
    assert "chip" not in rest


def test_themes_of_a_whole_list_come_in_one_query(db: None, django_assert_num_queries: Any) -> None:
    notes = _notes()
    with django_assert_num_queries(1):
        _listed(notes)


def test_a_listing_reads_only_the_columns_it_shows(db: None) -> None:
    sql = str(Note.objects.for_listing().query)
    for shown in ['"notes_note"."heading"', '"cells_meeting"."title"', '"cells_cell"."slug"']:
        assert shown in sql
    for unread in ["search_vector", "word_pairs", "theme_names", "guest_names", "description"]:
        assert unread not in sql, unread


def test_a_search_hit_opens_its_meeting_with_the_words_marked(db: None) -> None:
    first, _ = _notes()
    first.snippet = mark_safe("the <mark>RSA</mark> report …")
    html = _listed([first], hit_query="highlight=rsa&back=%2Fsearch%2F%3Fq%3Drsa")
    assert (
        f'href="/cells/tea-talk/meetings/{first.meeting_id}/'
        '?highlight=rsa&amp;back=%2Fsearch%2F%3Fq%3Drsa#point-1"'
    ) in html
    assert '<p class="point-list__excerpt">the <mark>RSA</mark> report …</p>' in html
    first.snippet = "plain <b>text</b>"  # not marked safe: escaped
    assert "plain &lt;b&gt;text&lt;/b&gt;" in _listed([first])


def test_a_draft_meetings_points_are_marked_draft(db: None) -> None:
    notes = _notes(status=MeetingStatus.DRAFT)
    assert _listed(notes).count('<span class="badge badge--draft">Draft</span>') == 2
    assert "Draft" not in _listed(_notes_published_elsewhere())


def _notes_published_elsewhere() -> list[Note]:
    cell = Cell.objects.create(name="Other", slug="other", visibility="public")
    return list(make_meeting(cell, points=1).notes.for_listing())
