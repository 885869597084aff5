"""Form widgets the project adds to Django's."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A select of flat choices whose options are written out in Python.

    Django renders each option through a template of its own: for the two
    hundred cells of a large network that was 10 ms of every search page.
    The options are joined as plain strings (escaped here) rather than
    through ``format_html``, which costs as much again per option.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(item) for item in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(choice))}"'
            f"{' selected' if str(choice) in chosen else ''}>{escape(str(label))}</option>"
            for choice, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308 - every value and label is escaped above
            f'<select name="{escape(name)}"{attributes}>{options}</select>'
        )
