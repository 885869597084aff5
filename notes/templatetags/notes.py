"""Template pieces the notes app lends to other pages: ``{% load notes %}``."""

from __future__ import annotations

from typing import Any

from django import template

from cells.models import Cell
from notes.themes.stats import top_themes_of_cell

register = template.Library()


@register.inclusion_tag("themes/_cell_themes.html", takes_context=True)
def cell_themes(context: dict[str, Any], cell: Cell) -> dict[str, Any]:
    """The cell's most discussed themes, counting only points the viewer may read."""
    return {"cell": cell, "themes": top_themes_of_cell(context["request"].user, cell.pk)}
