"""Private feeds: a member's feed link carries their token, so a feed reader (which
has no session) sees exactly what that member may read. A revoked or unknown
token answers 404, like a hidden page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from betterway.feeds import SITE_NAME, ForReader
from cells.feeds import CellFeed, calendar_of
from notes.following.models import Follow, Subscriber
from notes.following.queries import Followed, search_criteria, visible_follows
from notes.models import Note
from notes.search.engine import matching_notes
from notes.themes.feeds import PointFeed, ThemeFeed


def owner_of(token: str) -> Any:
    subscriber = (
        Subscriber.objects.select_related("user")
        .filter(feed_token=token, user__is_active=True)
        .first()
        if token
        else None
    )
    if subscriber is None:
        raise Http404("No such feed.")
    return subscriber.user


class _TokenReader:
    def reader(self, request: HttpRequest, **kwargs: Any) -> Any:
        return owner_of(kwargs["token"])


class PrivateThemeFeed(_TokenReader, ThemeFeed):
    pass


class PrivateCellFeed(_TokenReader, CellFeed):
    pass


class FollowingFeed(_TokenReader, PointFeed):
    """The newest points across everything the member follows."""

    def get_object(self, request: HttpRequest, token: str) -> ForReader[None]:
        return ForReader(None, self.reader(request, token=token))

    def title(self, obj: ForReader[None]) -> str:
        return f"What {obj.user} follows · {SITE_NAME}"

    def link(self, obj: ForReader[None]) -> str:
        return reverse("notes:following")

    def items(self, obj: ForReader[None]) -> list[Note]:
        followed = Followed.of(obj.user, visible_follows(obj.user))
        notes = followed.notes(obj.user).newest_first().select_related("meeting__cell")
        return list(notes[: self.size])


class SavedSearchFeed(_TokenReader, PointFeed):
    """The newest points matching one of the member's saved searches."""

    def get_object(self, request: HttpRequest, token: str, pk: int) -> ForReader[Follow]:
        user = self.reader(request, token=token)
        follow = get_object_or_404(Follow, pk=pk, user=user, theme=None, cell=None)
        return ForReader(follow, user)

    def title(self, obj: ForReader[Follow]) -> str:
        return f"Search “{obj.subject.name}” · {SITE_NAME}"

    def link(self, obj: ForReader[Follow]) -> str:
        return obj.subject.target_url()

    def items(self, obj: ForReader[Follow]) -> list[Note]:
        criteria = search_criteria(obj.user, obj.subject.query)
        if criteria is None:
            return []
        notes = matching_notes(obj.user, criteria).newest_first().select_related("meeting__cell")
        return list(notes[: self.size])


@require_safe
def private_calendar(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    return calendar_of(request, owner_of(token), slug)
