"""Forms of the notes app."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import QueryDict

from betterway.widgets import LongSelect
from cells.access import AnyUser
from cells.models import Cell
from notes.search.engine import similar_themes
from notes.search.query import (
    OPERATORS,
    Criteria,
    SearchError,
    parse_date,
    resolve_cells,
    resolve_themes,
    split_operators,
)

SORTS = [("relevance", "Best match"), ("date", "Newest first")]
QUERY_HELP = (
    'Words, "an exact phrase", -leave-out, this or that; '
    'theme:"systems change", cell:northern, by:name, after:2017-06, before:2019.'
)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search notes",
        required=False,
        max_length=500,
        help_text=QUERY_HELP,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    theme = forms.CharField(label="Theme", required=False, max_length=100)
    # Any text: the cell is looked up among those the reader may read, as
    # cell: in the box is, and an unknown one is explained by name.
    cell = forms.CharField(label="Cell", required=False, widget=LongSelect)
    by = forms.CharField(
        label="Introduced or written by",
        required=False,
        max_length=100,
        help_text="Part of a name, e.g. “Fran”.",
    )
    after = forms.DateField(
        label="On or after", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateField(
        label="Before", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label="Order", choices=SORTS, required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cells = Cell.objects.visible_to(user).values_list("slug", "name")
        cast(LongSelect, self.fields["cell"].widget).choices = [("", "Any cell"), *cells]
        self.criteria = Criteria()
        # Suggested corrections: (theme, URL query string that uses it instead).
        self.suggestions: list[tuple[Any, str]] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        words, operators = split_operators(data.get("q") or "")
        if data.get("theme"):
            operators["theme"].append(data["theme"])
        if data.get("cell"):
            operators["cell"].append(data["cell"])
        if data.get("by"):
            operators["by"].append(data["by"])
        criteria = Criteria(words=words, by=operators["by"], sort=data.get("sort") or "relevance")
        self._check_empty_values(operators)
        criteria.themes = self._themes(operators["theme"])
        criteria.cells = self._cells(operators["cell"])
        criteria.after = self._latest(operators["after"], data.get("after"))
        criteria.before = self._earliest(operators["before"], data.get("before"))
        if criteria.after and criteria.before and criteria.after >= criteria.before:
            self.add_error("q", "The “after” date must come before the “before” date.")
        self.criteria = criteria
        return data

    def _check_empty_values(self, operators: dict[str, list[str]]) -> None:
        for name, values in operators.items():
            if any(not value for value in values):
                self.add_error("q", f"“{name}:” needs a value, e.g. {name}:{_EXAMPLES[name]}.")

    def _themes(self, names: list[str]) -> list[Any]:
        themes, missing = resolve_themes(self.user, names)
        for name in missing:
            from_filter = name == self.data.get("theme")
            similar = similar_themes(self.user, name)
            message = f"No theme called “{name}” on points you can read."
            for theme in similar:
                params = cast(QueryDict, self.data).copy()
                params.pop("page", None)
                if from_filter:
                    params["theme"] = theme.name
                else:
                    params["q"] = _replace_value(params.get("q", ""), "theme", name, theme.name)
                self.suggestions.append((theme, params.urlencode()))
            self.add_error("theme" if from_filter else "q", message)
        return themes

    def _cells(self, names: list[str]) -> list[Cell]:
        cells, missing = resolve_cells(self.user, names)
        for name in missing:
            field = "cell" if name == self.data.get("cell") else "q"
            self.add_error(field, f"No cell called “{name}” that you can read.")
        return cells

    def _dates(self, values: list[str]) -> list[datetime.date]:
        dates = []
        for value in values:
            try:
                dates.append(parse_date(value))
            except SearchError as error:
                self.add_error("q", str(error))
        return dates

    def _latest(self, values: list[str], field: datetime.date | None) -> datetime.date | None:
        dates = self._dates(values) + ([field] if field else [])
        return max(dates, default=None)

    def _earliest(self, values: list[str], field: datetime.date | None) -> datetime.date | None:
        dates = self._dates(values) + ([field] if field else [])
        return min(dates, default=None)

    def active_filters(self) -> list[ActiveFilter]:
        """Each filter in force, from the box's operators or the filter fields,
        with the address of the same search without it.
        """
        if not self.is_bound or self.errors:
            return []
        data = cast(QueryDict, self.data)
        found = []
        _, operators = split_operators(data.get("q", ""))
        for name, values in operators.items():
            for value in values:
                params = data.copy()
                params["q"] = _without_operator(params.get("q", ""), name, value)
                found.append(_filter(name, value, params))
        for name in OPERATORS:
            field_value = data.get(name)
            if field_value:
                params = data.copy()
                params.pop(name)
                found.append(_filter(name, str(field_value), params))
        return found

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in OPERATORS)


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


_LABELS = {"theme": "Theme", "cell": "Cell", "by": "By", "after": "After", "before": "Before"}


def _filter(name: str, value: str, params: QueryDict) -> ActiveFilter:
    params.pop("page", None)
    if not params.get("q"):
        params.pop("q", None)
    return ActiveFilter(f"{_LABELS[name]}: {value}", f"?{params.urlencode()}")


def _without_operator(q: str, operator: str, value: str) -> str:
    """The query ``q`` without its first ``operator:value`` (quoted or not)."""
    pattern = re.compile(
        rf'(?<![\w-]){operator}:(?:"{re.escape(value)}"?|{re.escape(value)}(?!\S))', re.IGNORECASE
    )
    return " ".join(pattern.sub(" ", q, count=1).split())


_EXAMPLES = {
    "theme": '"systems change"',
    "cell": "northern",
    "by": "fran",
    "after": "2017-06",
    "before": "2019",
}


def _replace_value(q: str, operator: str, old: str, new: str) -> str:
    """The query ``q`` with ``operator:old`` replaced by ``operator:"new"``."""
    pattern = re.compile(rf'{operator}:(?:"{re.escape(old)}"?|{re.escape(old)})', re.IGNORECASE)
    replaced, count = pattern.subn(f'{operator}:"{new}"', q, count=1)
    return replaced if count else f'{q} {operator}:"{new}"'.strip()
