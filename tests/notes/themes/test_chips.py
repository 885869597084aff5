"""A point's theme chips, as every listing and the meeting page show them."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.test.html import parse_html

from cells.models import Cell
from notes.models import Theme, attach_chips
from tests.personas import make_meeting

CHIPS = Template("{% load notes %}{% theme_chips themes plain=plain %}")


def _chips(themes: list[Theme], plain: bool = False) -> str:
    return CHIPS.render(Context({"themes": themes, "plain": plain}))


def test_chips_link_each_theme_and_escape_its_name(db: None) -> None:
    themes = [
        Theme.objects.create(name="care & <repair>"),
        Theme.objects.create(name='"quoted" trust'),
    ]
    escaped = ["care &amp; &lt;repair&gt;", "&quot;quoted&quot; trust"]
    expected = "".join(
        f'<li class="chip"><a href="{theme.get_absolute_url()}">{name}</a></li>'
        for theme, name in zip(themes, escaped, strict=True)
    )
    assert parse_html(_chips(themes)) == parse_html(
        f'<ul class="chips" aria-label="Themes">{expected}</ul>'
    )
    assert "<repair>" not in _chips(themes)


def test_plain_chips_have_no_links_and_no_themes_no_list(db: None) -> None:
    theme = Theme.objects.create(name="housing")
    assert parse_html(_chips([theme], plain=True)) == parse_html(
        '<ul class="chips" aria-label="Themes"><li class="chip">housing</li></ul>'
    )
    assert _chips([]) == ""


def test_a_renamed_theme_shows_its_new_name_and_address(db: None) -> None:
    # Chips are remembered per process: by everything they show, never by theme.
    theme = Theme.objects.create(name="allotments")
    assert 'href="/themes/allotments/">allotments</a>' in _chips([theme])
    theme.name, theme.slug = "Community gardens", "community-gardens"
    theme.save()
    chips = _chips([theme])
    assert 'href="/themes/community-gardens/">Community gardens</a>' in chips
    assert "allotments" not in chips


def test_attached_chips_are_each_points_themes_a_to_z_in_one_query(
    db: None, django_assert_num_queries: Any
) -> None:
    cell = Cell.objects.create(name="Chips cell", slug="chips-cell", visibility="public")
    meeting = make_meeting(cell, points=3)
    first, second, _ = meeting.notes.order_by("position")
    first.themes.set(["Zoning", "allotments", "Budgets"])
    second.themes.set(["budgets"])
    notes = list(meeting.notes.order_by("position"))
    with django_assert_num_queries(1):
        attach_chips(notes)
        chips = [[theme.name for theme in note.chips] for note in notes]
    assert chips == [["allotments", "Budgets", "Zoning"], ["Budgets"], []]
    # A theme shared by points is made once; what was not read loads on use.
    assert notes[0].chips[1] is notes[1].chips[0]
    assert notes[0].chips[0].get_absolute_url() == "/themes/allotments/"
    Theme.objects.filter(name="Zoning").update(description="Land use")
    assert notes[0].chips[2].description == "Land use"
    with django_assert_num_queries(0):
        attach_chips(notes)  # already given: nothing read again
