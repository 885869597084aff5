"""The Atom feed of the Proposals page, with its filters, under the reader's rules."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.html import escape

from betterway.feeds import SITE_NAME, ForReader, ReaderFeed
from notes.actions.forms import filter_proposals
from notes.actions.models import Proposal
from notes.following.feeds import owner_of


class ProposalFeed(ReaderFeed):
    def get_object(self, request: HttpRequest, **kwargs: Any) -> ForReader[QueryDict]:
        return ForReader(request.GET.copy(), self.reader(request, **kwargs))

    def title(self, obj: ForReader[QueryDict]) -> str:
        return f"Proposals to the network · {SITE_NAME}"

    def link(self, obj: ForReader[QueryDict]) -> str:
        query = obj.subject.urlencode()
        return reverse("notes:proposals") + (f"?{query}" if query else "")

    def subtitle(self, obj: ForReader[QueryDict]) -> str:
        return "What cells have proposed to the whole network, and what became of it."

    def items(self, obj: ForReader[QueryDict]) -> list[Proposal]:
        _form, proposals = filter_proposals(obj.user, obj.subject)
        return list(proposals.select_related("meeting__cell", "status_changed_by")[: self.size])

    def item_title(self, proposal: Proposal) -> str:
        return f"{proposal.summary} ({proposal.get_status_display()})"

    def item_description(self, proposal: Proposal) -> str:
        meeting = proposal.meeting
        text = f"{meeting.cell.name}, {meeting.date:%-d %B %Y}. {proposal.get_status_display()}"
        if proposal.status_note:
            by = proposal.status_changed_by
            text += f" ({by.get_display_name()}: " if by else " ("
            text += f"{proposal.status_note})"
        return escape(text)

    def item_author_name(self, proposal: Proposal) -> str:
        return proposal.meeting.cell.name

    def item_link(self, proposal: Proposal) -> str:
        return proposal.get_absolute_url()

    def item_pubdate(self, proposal: Proposal) -> datetime.datetime:
        return proposal.created_at

    def item_updateddate(self, proposal: Proposal) -> datetime.datetime:
        return proposal.updated_at


class PrivateProposalFeed(ProposalFeed):
    """The same feed read as the owner of a private feed link: what they may read."""

    def reader(self, request: HttpRequest, **kwargs: Any) -> Any:
        return owner_of(kwargs["token"])
