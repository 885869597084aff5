"""Theme names: splitting what was typed, finding or creating themes by name."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from notes.models import Theme

THEME_NAME_MAX = 100


def split_theme_names(text: str) -> list[str]:
    """“Leadership, systems change,, leadership” -> ["Leadership", "systems change"]."""
    names: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


def themes_named(names: Iterable[str]) -> list[Theme]:
    """The themes with these names, whatever their case; missing ones are created.

    Safe when two editors create the same new theme at once: the database's
    case-insensitive unique constraint decides, and the loser reuses the winner's.
    """
    names = list(dict.fromkeys(name for name in names if name))
    if not names:
        return []
    found = _existing(names)
    for name in names:
        if name.lower() not in found:
            found[name.lower()] = _create_theme(name)
    return [found[name.lower()] for name in names]


def _existing(names: list[str]) -> dict[str, Theme]:
    wanted = [name.lower() for name in names]
    themes = Theme.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=wanted)
    return {theme.name.lower(): theme for theme in themes}


def _create_theme(name: str) -> Theme:
    base = slugify(name)[:90] or "theme"
    for attempt in range(20):
        slug = base if attempt == 0 else f"{base}-{attempt + 1}"
        try:
            with transaction.atomic():
                return Theme.objects.create(name=name, slug=slug)
        except IntegrityError:
            # Either the name now exists (a concurrent editor) or the slug is taken.
            existing = Theme.objects.named(name).first()
            if existing is not None:
                return existing
    raise IntegrityError(f"Could not find a free address for the theme “{name}”.")
