"""Theme names: splitting what was typed, finding or creating themes by name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower
from django.utils.text import slugify

from notes.models import Theme, ThemeAlias

THEME_NAME_MAX = 100
# Letters, digits, spaces, hyphens and common punctuation, starting with a
# letter or digit: no markup, no brackets or symbols that read as code.
_THEME_NAME = re.compile(r"[^\W_][\w\s\-'\u2019&.()/+:!?]*")
ALLOWED_PUNCTUATION = "' \u2019 & . ( ) / + : ! ? -"


def check_theme_name(name: str) -> None:
    """ValidationError, saying why, for a name that cannot be a theme's."""
    if len(name) > THEME_NAME_MAX:
        raise ValidationError(
            f"Theme names can be at most {THEME_NAME_MAX} characters; "
            f"“{name[:40]}…” has {len(name)}."
        )
    if not _THEME_NAME.fullmatch(name):
        raise ValidationError(
            f"“{name}” cannot be a theme: use letters, digits, spaces and "
            f"{ALLOWED_PUNCTUATION}, starting with a letter or digit."
        )


_SEPARATORS = r"[\s_-]+"


def same_theme_key(name: str) -> str:
    """Names that differ only in case, hyphens or spacing name one theme:
    "Systems-change" is "systems change". (``_name_key`` is the same in SQL.)
    """
    return re.sub(_SEPARATORS, " ", name.lower()).strip()


def _name_key() -> Func:
    return Func(
        Lower("name"), Value(_SEPARATORS), Value(" "), Value("g"), function="regexp_replace"
    )


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
    names = list(dict.fromkeys(" ".join(name.split()) for name in names if name.strip()))
    if not names:
        return []
    found = _existing(names)
    created: dict[str, Theme] = {}  # by same_theme_key, for names typed twice
    for name in names:
        if name.lower() not in found:
            key = same_theme_key(name)
            theme = created.get(key) if key else None
            found[name.lower()] = theme or _create_theme(name)
            created[key] = found[name.lower()]
    # Two names typed for one theme ("Systems change, systems-change") give it once.
    return list(dict.fromkeys(found[name.lower()] for name in names))


def _existing(names: list[str]) -> dict[str, Theme]:
    """Existing themes by the lower-case names asked for, matched by name or by
    ``same_theme_key`` (so "systems-change" finds "systems change").
    """
    wanted = [name.lower() for name in names]
    keys = [same_theme_key(name) for name in names]
    themes = list(
        Theme.objects.annotate(lower_name=Lower("name"), key=_name_key()).filter(
            Q(lower_name__in=wanted) | Q(key__in=keys)
        )
    )
    by_name = {theme.name.lower(): theme for theme in themes}
    by_key = {same_theme_key(theme.name): theme for theme in themes}
    found: dict[str, Theme] = {}
    for lower, key in zip(wanted, keys, strict=True):
        theme = by_name.get(lower) or by_key.get(key)
        if theme is not None:
            found[lower] = theme
    return found


def _create_theme(name: str) -> Theme:
    base = slugify(name)[:90] or "theme"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Theme.objects.create(name=name, slug=_free_slug(base))
        except IntegrityError:
            # Either the name now exists (a concurrent editor) or the slug was
            # taken meanwhile; look again.
            existing = Theme.objects.named(name).first()
            if existing is not None:
                return existing
    raise IntegrityError(f"Could not find a free address for the theme “{name}”.")


def _free_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``…: the first not used by a theme or an old address.

    Many names slugify alike ("slugx", "slugx!", "slugx?"), so the used
    ones are read in one query rather than tried one by one.
    """
    taken = set(Theme.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(ThemeAlias.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
