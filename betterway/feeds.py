"""What every Atom feed of the site shares: the format, the size, and the reader.

Feed objects outlive a request, so each feed's subject travels with the user
it is read for; every item list is filtered by that reader's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed

FEED_SIZE = 30
SITE_NAME = "Better Way Notes"

Subject = TypeVar("Subject")


@dataclass(frozen=True)
class ForReader(Generic[Subject]):
    subject: Subject
    user: AbstractBaseUser | AnonymousUser


class ReaderFeed(Feed):
    """An Atom feed read as one user: the request's, or the owner of a private feed link.

    RFC 4287 wants an author on the feed or on every entry: the feed's is the
    site, and each entry names the cell it comes from.
    """

    feed_type = Atom1Feed
    size = FEED_SIZE
    author_name = SITE_NAME

    def reader(self, request: HttpRequest, **kwargs: Any) -> AbstractBaseUser | AnonymousUser:
        """Whose reading rules apply; private feeds resolve their link's token here."""
        return request.user

    def link(self, obj: ForReader[Any]) -> str:
        return obj.subject.get_absolute_url()
