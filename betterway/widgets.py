"""Form widgets the project adds to Django's."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe


def option_tags(choices: Iterable[tuple[Any, Any]], chosen: set[str]) -> str:
    """Flat choices as ``<option>`` elements, those in ``chosen`` selected, escaped.

    Joined as plain strings: Django's one template per option, or
    ``format_html`` per option, cost tens of microseconds each, and selects
    list hundreds of cells or themes.
    """
    return "".join(
        f'<option value="{escape(str(choice))}"'
        f"{' selected' if str(choice) in chosen else ''}>{escape(str(label))}</option>"
        for choice, label in choices
    )


class LongSelect(forms.Select):
    """A select of flat choices whose options are written out in Python.

    Django renders each option through a template of its own: for the two
    hundred cells of a large network that was 10 ms of every search page.
    Its choices are kept as given, a list of (value, label) pairs: Django
    normalises them (and a choice field does so twice) at a cost per choice on
    every form built.
    """

    @property
    def choices(self) -> list[tuple[Any, Any]]:
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[tuple[Any, Any]]) -> None:
        self._choices = list(value)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        options = option_tags(self.choices, {str(item) for item in self.format_value(value)})
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308 - option_tags escapes; the name is escaped here
            f'<select name="{escape(name)}"{attributes}>{options}</select>'
        )
