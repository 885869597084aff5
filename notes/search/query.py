"""The query language of the search box, and the criteria it makes.

The box takes PostgreSQL's websearch syntax (``"exact phrase"``, ``-word``,
``or``) and the operators ``theme:``, ``cell:``, ``by:``, ``after:`` and
``before:`` (quote values with spaces: ``theme:"systems change"``). Every
operator can also be set through the form's filters; both are merged.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
)
from django.db.models import (
    Q,
)

from cells.access import AnyUser
from cells.models import Cell
from notes.models import Theme, websearch

OPERATORS = ("theme", "cell", "by", "after", "before")


_OPERATOR = re.compile(
    r'(?<![\w-])(?P<name>theme|cell|by|after|before):(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S*))',
    re.IGNORECASE,
)


_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")


class SearchError(ValueError):
    """An operator value that cannot be used; the message is shown to the user."""


def split_operators(text: str) -> tuple[str, dict[str, list[str]]]:
    """Separate ``theme:x`` style operators from the words of a query."""
    found: dict[str, list[str]] = {name: [] for name in OPERATORS}

    def take(match: re.Match[str]) -> str:
        value = match["quoted"] if match["quoted"] is not None else match["bare"]
        found[match["name"].lower()].append(value.strip())
        return " "

    words = _OPERATOR.sub(take, text)
    return " ".join(words.split()), found


def parse_date(value: str) -> datetime.date:
    """``2017``, ``2017-11`` or ``2017-11-29``: the first day of that period.

    Raises SearchError with a message naming the value when it is not a date.
    """
    match = _DATE.match(value.strip())
    if not match:
        raise SearchError(f"“{value}” is not a date: use a year, 2017-11 or 2017-11-29.")
    try:
        return datetime.date(int(match["year"]), int(match["month"] or 1), int(match["day"] or 1))
    except ValueError:
        raise SearchError(f"“{value}” is not a real date.") from None


@dataclass
class Criteria:
    """What to search for, after operators and form filters are merged and checked."""

    words: str = ""
    themes: list[Theme] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    after: datetime.date | None = None
    before: datetime.date | None = None
    sort: str = "relevance"

    @property
    def query(self) -> SearchQuery | None:
        if not self.words:
            return None
        return websearch(self.words)


def _by_name_or_slug(names: Iterable[str], find: Callable[[Q], list[Any]]) -> tuple[list, list]:
    """Objects named (any case) or slugged as ``names``; and the names not found."""
    names = [name for name in names if name]
    if not names:
        return [], []
    wanted = Q()
    for name in names:
        wanted |= Q(name__iexact=name) | Q(slug=name.lower())
    found = find(wanted)
    missing = [
        name
        for name in names
        if not any(o.name.lower() == name.lower() or o.slug == name.lower() for o in found)
    ]
    return found, missing


def resolve_themes(user: AnyUser, names: Iterable[str]) -> tuple[list[Theme], list[str]]:
    """Themes the user may see, by name or slug; and the names not found."""
    return _by_name_or_slug(names, lambda wanted: Theme.objects.find_visible(user, wanted))


def resolve_cells(user: AnyUser, names: Iterable[str]) -> tuple[list[Cell], list[str]]:
    """Cells the user may read, by name or slug; and the names not found."""
    return _by_name_or_slug(
        names, lambda wanted: list(Cell.objects.visible_to(user).filter(wanted))
    )
