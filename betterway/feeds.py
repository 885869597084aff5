"""What every Atom feed of the site shares: the format, the size, and the reader.

Feed objects outlive a request, so each feed's subject travels with the user
it is read for; every item list is filtered by that reader's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

FEED_SIZE = 30
SITE_NAME = "Better Way Notes"

Subject = TypeVar("Subject")


@dataclass(frozen=True)
class ForReader(Generic[Subject]):
    subject: Subject
    user: AbstractBaseUser | AnonymousUser


class ReaderFeed(Feed):
    feed_type = Atom1Feed
    size = FEED_SIZE

    def link(self, obj: ForReader[Any]) -> str:
        return obj.subject.get_absolute_url()
