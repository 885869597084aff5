"""A point's theme chips, as every listing and the meeting page show them."""

from __future__ import annotations

from django.template import Context, Template
from django.test.html import parse_html

from notes.models import Theme

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
