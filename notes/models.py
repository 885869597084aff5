"""The content: discussion points (notes) and the themes they are tagged with."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, Func, OuterRef, Q, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce, Lower
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from betterway import content_version
from betterway.addresses import address
from betterway.indexes import search_index
from betterway.lookups import Ids
from cells.access import AnyUser, reader_of

SEARCH_CONFIG: str = settings.SEARCH_CONFIG
# Markers around the words a search or suggestion matched. Control characters
# never survive into saved text (see betterway.text), so they cannot be faked:
# a headline is escaped first, then the markers become <mark> tags.
HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"
# How a note's theme names are stored in its ``theme_names`` column (and shown
# in history and exports): sorted without regard to case, comma-separated.
THEME_NAMES_SEPARATOR = ", "


# PostgreSQL nests one NOT per "-" it is given, and a few dozen in a row
# overflow its query stack ("tsquery stack too small"). A run of minus signs
# means one; a minus before nothing excludes nothing.
_MINUS_RUN = re.compile(r"-{2,}")
_LONE_MINUS = re.compile(r"-(?=\s|$)")


def websearch_text(text: str) -> str:
    """What a reader typed, as websearch_to_tsquery may safely be given it."""
    return _LONE_MINUS.sub(" ", _MINUS_RUN.sub("-", text))


def websearch(text: str) -> SearchQuery:
    """The query for what a reader typed: words, "phrases", -exclusions, or."""
    return SearchQuery(websearch_text(text), config=SEARCH_CONFIG, search_type="websearch")


def heading_vector() -> SearchVector:
    """A point's heading as a text-search vector, as the ``note_heading_search`` index holds it.

    Search reaches heading matches through that index first: they rank
    highest, so the best matches are found however old they are.
    """
    return SearchVector("heading", config=SEARCH_CONFIG)


def search_document() -> CombinedExpression:
    """What search reads of a point: heading and themes (weight A), then body (B)."""
    return (
        SearchVector("heading", weight="A", config=SEARCH_CONFIG)
        + SearchVector("theme_names", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG)
    )


def format_theme_names(names: Iterable[str]) -> str:
    return THEME_NAMES_SEPARATOR.join(sorted(names, key=str.lower))


def split_stored_theme_names(text: str) -> list[str]:
    """The names in a note's ``theme_names``, as ``format_theme_names`` joined them."""
    return [name for name in text.split(THEME_NAMES_SEPARATOR) if name]


def visible_notes_q(user: AnyUser, prefix: str = "") -> Q | None:
    """The condition for notes ``user`` may read (None: all), reached through ``prefix``."""
    return reader_of(user).meetings_q(prefix=f"{prefix}meeting__")


class ThemeQuerySet(models.QuerySet["Theme"]):
    def named(self, name: str) -> ThemeQuerySet:
        return self.filter(name__iexact=name.strip())

    def visible_to(self, user: AnyUser) -> ThemeQuerySet:
        """Themes of at least one point the user may read.

        A theme's name can say a lot, so themes only on hidden points stay hidden.
        """
        tagged = TaggedNote.objects.filter(tag=OuterRef("pk"))
        condition = visible_notes_q(user, "content_object__")
        if condition is not None:
            tagged = tagged.filter(condition)
        return self.filter(Exists(tagged))

    def find_visible(self, user: AnyUser, condition: Q) -> list[Theme]:
        """The themes matching ``condition`` that ``user`` may see.

        For a handful of themes (by name or slug) this is far faster than
        ``visible_to``: each theme's check walks its own points and stops at
        the first readable one.
        """
        found = []
        for theme in self.filter(condition):
            tagged = TaggedNote.objects.filter(tag=theme)
            readable = visible_notes_q(user, "content_object__")
            if readable is None or tagged.filter(readable).exists():
                found.append(theme)
        return found

    def visible_at(self, user: AnyUser, slug: str) -> Theme | None:
        """The theme at this address, if the user may see it."""
        return next(iter(self.find_visible(user, Q(slug=slug))), None)

    def moved_from(self, user: AnyUser, slug: str) -> Theme | None:
        """The theme an old address (from a rename or a merge) now belongs to, if visible."""
        alias = ThemeAlias.objects.filter(slug=slug).first()
        if alias is None:
            return None
        return next(iter(self.find_visible(user, Q(pk=alias.theme_id))), None)


class Theme(TagBase):
    """A theme notes are tagged with, such as “distributed leadership”."""

    # TagBase ships no types, so these fields are annotated by hand.
    description: models.TextField[str, str] = models.TextField(
        blank=True, help_text="One or two sentences saying what the theme covers."
    )
    keywords: models.TextField[str, str] = models.TextField(
        "match keywords",
        blank=True,
        help_text=(
            "Comma-separated words or phrases that suggest this theme when they occur in a "
            "note, besides the theme's own name."
        ),
    )
    curated: models.BooleanField[bool, bool] = models.BooleanField(
        "offered to every writer",
        default=False,
        help_text=(
            "Suggest this theme to every facilitator even while no point uses it. Themes "
            "made while writing are offered only where their points can be read, so a "
            "private cell's theme names stay private."
        ),
    )
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(auto_now_add=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ignoring_case"),
        ]

    def get_absolute_url(self) -> str:
        return Theme.address_of(self.slug)

    @staticmethod
    def address_of(slug: str) -> str:
        """The page of the theme with this slug."""
        return address("notes:theme", slug=slug)

    @classmethod
    def listed(cls, pk: int, name: str, slug: str) -> Theme:
        """The theme as a chip or a facet shows it, from its id, name and slug
        read with something else; any other field loads on first use.
        """
        return cls.from_db("default", ["id", "name", "slug"], [pk, name, slug])

    def chip_order(self) -> tuple[str, int]:
        """Where the theme's chip stands among a point's: A to Z, whatever the case."""
        return (self.name.lower(), self.pk)

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


class ThemeAlias(models.Model):
    """An old address of a theme (after a rename or a merge), kept so links still work."""

    slug = models.SlugField(max_length=100, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "theme aliases"

    def __str__(self) -> str:
        return f"{self.slug} → {self.theme.slug}"


# What a listing shows of a point, its meeting and its cell (``for_listing``).
LISTED = (
    "meeting",
    "position",
    "heading",
    "body",
    "meeting__cell",
    "meeting__date",
    "meeting__status",
    "meeting__title",
    "meeting__cell__name",
    "meeting__cell__slug",
)


class NoteQuerySet(models.QuerySet["Note"]):
    def visible_to(self, user: AnyUser) -> NoteQuerySet:
        condition = visible_notes_q(user)
        return self.all() if condition is None else self.filter(condition)

    def newest_first(self) -> NoteQuerySet:
        return self.order_by("-meeting__date", "-meeting_id", "position")

    def for_listing(self) -> NoteQuerySet:
        """What a list of points shows, and no more: with meeting and cell in the
        same query (the ``point_list`` tag reads their themes, with ``attach_chips``).

        Every column read costs each row its conversion, and the search columns
        far more (the driver parses every word of a tsvector): reading only these
        made a page of twenty search hits a millisecond faster to fetch.
        """
        return self.select_related("meeting__cell").only(*LISTED)

    def refresh_theme_names(self) -> int:
        """Recompute the denormalised theme names of these notes in one UPDATE.

        The search vector is generated from ``theme_names``, so this is what
        keeps theme names searchable after themes are added, removed or renamed.
        """
        names = (
            TaggedNote.objects.filter(content_object=OuterRef("pk"))
            .values("content_object")
            .annotate(
                names=StringAgg(
                    "tag__name", delimiter=THEME_NAMES_SEPARATOR, order_by=Lower("tag__name")
                )
            )
            .values("names")
        )
        content_version.bump()  # a set-based change: no save signals fire
        return self.update(theme_names=Coalesce(Subquery(names), Value("")))


class Note(models.Model):  # type: ignore[django-manager-missing]  # taggit: no types
    """One discussion point of a meeting; a meeting's record is its notes in order."""

    meeting = models.ForeignKey("cells.Meeting", on_delete=models.CASCADE, related_name="notes")
    position = models.PositiveIntegerField(help_text="Order of the point within its meeting.")
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="What was said, in Markdown.")
    themes = TaggableManager(
        through="TaggedNote",
        blank=True,
        # Without it taggit orders a point's themes by nothing (the table's
        # physical order, which a restored copy changes); the chips read A-Z.
        ordering=[Lower("name"), "pk"],
        verbose_name="themes",
        help_text="Comma-separated themes, e.g. “leadership, systems change”.",
    )
    # Theme names, kept in step by signals (see notes/signals.py). Feeds the
    # search vector and is captured by the history, which cannot see tags.
    theme_names = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: an edit names the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    search_vector = models.GeneratedField(
        expression=search_document(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The point's pairs of neighbouring words, hashed (``note_word_pairs``,
    # created by migration 0010). The words index keeps no positions, so a
    # phrase of common words was checked against every point holding them
    # all; this column's index finds the points where they stand together,
    # and the phrase is checked on those alone.
    word_pairs = models.GeneratedField(
        expression=Func(
            search_document(),
            function="note_word_pairs",
            output_field=ArrayField(models.IntegerField()),
        ),
        output_field=ArrayField(models.IntegerField()),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector", "word_pairs"])
    objects = NoteQuerySet.as_manager()
    # Set on the points of a page of search results: the matching words in context.
    snippet: str

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="note_position_unique_in_meeting",
                # Checked at commit, so points can be reordered in one transaction.
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]
        indexes = [
            search_index(fields=("search_vector",), name="note_search_vector"),
            search_index(heading_vector(), name="note_heading_search"),
            search_index(fields=("word_pairs",), name="note_word_pairs"),
            # Points added to a meeting after it was published are new to followers.
            models.Index(fields=["created_at"], name="note_created_at"),
            # Counting themes, cells and months over the points a reader may
            # read joins each tagged point to its meeting: this index answers
            # that from itself, where the table's rows (with the point's text
            # and search columns) are many times larger. At 1,000,000 points
            # it took a cold theme page from 3.7 s to 1.3 s (README, Performance).
            models.Index(fields=["id"], include=["meeting"], name="note_id_with_meeting"),
        ]

    def __str__(self) -> str:
        label = self.heading or self.body[:60]
        return f"{self.meeting.title}, point {self.position}: {label}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"point-{self.position}"

    @property
    def chips(self) -> list[Theme]:
        """The point's themes A to Z: given to a list by ``attach_chips()`` or
        prefetched through another model (``theme_links()``), else queried.
        """
        attached: list[Theme] | None = getattr(self, "attached_chips", None)
        if attached is not None:
            return attached
        links = getattr(self, "theme_links", None)
        if links is None:
            return list(self.themes.all())
        return sorted((link.tag for link in links), key=Theme.chip_order)


class TaggedNote(TaggedItemBase):
    """A note's theme, with a real foreign key so counts per cell are one join."""

    content_object: models.ForeignKey[Note, Note] = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag: models.ForeignKey[Theme, Theme] = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="tagged_notes"
    )

    class Meta:
        verbose_name = "note theme"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="note_theme_once"),
        ]
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_note_by_theme")]


def theme_links(path: str = "") -> models.Prefetch:
    """The themes of points reached through another model, for ``Note.chips``, in
    one query for the whole list; ``path`` reaches the notes, e.g. ``"note__"``
    from proposals. (A list of the notes themselves uses ``attach_chips``.)

    Taggit's own prefetch builds a query object for every point, which costs
    more than the query itself on a list of a hundred points.
    """
    return models.Prefetch(
        f"{path}tagged_items",
        queryset=TaggedNote.objects.select_related("tag"),
        to_attr="theme_links",
    )


def attach_chips(notes: Iterable[Note]) -> None:
    """Give these notes their ``chips`` in one query, each theme made once.

    Prefetching ``theme_links()`` makes a link and a theme for every chip: four
    hundred model instances for a meeting of a hundred points. Only the names
    and addresses are read; any other field of a theme loads on first use.
    """
    waiting = {
        note.pk: note
        for note in notes
        if not hasattr(note, "attached_chips") and not hasattr(note, "theme_links")
    }
    if not waiting:
        return
    chips: dict[int, list[Theme]] = {pk: [] for pk in waiting}
    themes: dict[int, Theme] = {}
    links = (
        TaggedNote.objects.filter(content_object__any=Ids(waiting))
        .order_by(Lower("tag__name"), "tag_id")
        .values_list("content_object_id", "tag_id", "tag__name", "tag__slug")
    )
    for note_id, theme_id, name, slug in links:
        theme = themes.get(theme_id)
        if theme is None:
            theme = themes[theme_id] = Theme.listed(theme_id, name, slug)
        chips[note_id].append(theme)
    for pk, note in waiting.items():
        note.attached_chips = chips[pk]  # type: ignore[attr-defined]


# The models of the packages, so Django finds them in this app.
from notes.actions.models import (  # noqa: E402, F401
    Action,
    Proposal,
    ProposalStatusChange,
    Rediscussion,
)
from notes.following.models import Follow, Subscriber  # noqa: E402, F401
from notes.search.models import HeadingTerm, NoteHeading, SearchWord  # noqa: E402, F401
