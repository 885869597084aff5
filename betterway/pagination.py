"""Pagination helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told its total, for lists whose size is already known.

    Saves the COUNT(*) Django would otherwise run over the whole list.
    """

    def __init__(self, *args: Any, known_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known_count = known_count

    @property
    def count(self) -> int:
        return self._known_count
