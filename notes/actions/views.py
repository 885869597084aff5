"""Pages of actions and proposals: the network's Proposals page, one proposal,
a cell's open actions, and marking an action done.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST, require_safe

from cells.access import get_visible_cell, is_insider
from cells.page_parts import render_shared, shared
from notes.actions.forms import ProposalStatusForm, filter_proposals
from notes.actions.models import Action, ActionStatus, Proposal
from notes.actions.queries import (
    cell_open_actions,
    comes_back_to,
    rediscussions,
)
from notes.actions.services import change_proposal_status, set_action_status

PROPOSALS_PER_PAGE = 25
ACTIONS_PER_PAGE = 30
LOOKUP_SIZE = 10
CSV_COLUMNS = [
    "number",
    "cell",
    "date",
    "summary",
    "status",
    "changed by",
    "why",
    "changed on",
    "themes",
    "point",
    "proposal",
]


@dataclass(frozen=True)
class ProposalsPage:
    """The Proposals page's parts shared by readers of the same cells: the
    filters, the list, and how many proposals it holds in all."""

    count: int
    filtered: bool
    filters: SafeString
    listing: SafeString


@require_safe
def proposal_list(request: HttpRequest) -> HttpResponse:
    # The filters and the list are the same for every reader of the same cells
    # until a proposal (or anything else) changes; the feed link, a member's
    # private one, is not.
    parts = shared(request, "proposals", lambda: _proposals_page(request))
    return render(request, "actions/proposal_list.html", {"parts": parts})


def _proposals_page(request: HttpRequest) -> ProposalsPage:
    form, proposals = filter_proposals(request.user, request.GET)
    listing = proposals.with_access(request.user).for_listing()
    page = Paginator(listing, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    filtered = any(form.cleaned_data.values())
    context = {"form": form, "page": page, "filtered": filtered}
    return ProposalsPage(
        count=page.paginator.count,
        filtered=filtered,
        filters=render_shared(request, "actions/_proposal_filters.html", context),
        listing=render_shared(request, "actions/_proposal_listing.html", context),
    )


@require_safe
def proposal_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, proposals = filter_proposals(request.user, request.GET)
    rows = proposals.with_access(request.user).select_related(
        "meeting__cell", "note", "status_changed_by"
    )
    response = StreamingHttpResponse(_csv_lines(request, rows), content_type="text/csv")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="proposals-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(request: HttpRequest, proposals: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for proposal in proposals.iterator(chunk_size=1000):
        readable = proposal.readable and proposal.note is not None
        changed_by = proposal.status_changed_by
        yield writer.writerow(
            _spreadsheet_safe(
                [
                    proposal.pk,
                    proposal.meeting.cell.name,
                    proposal.meeting.date.isoformat(),
                    proposal.summary,
                    proposal.get_status_display(),
                    changed_by.get_display_name() if changed_by else "",
                    proposal.status_note,
                    proposal.status_changed_at.date().isoformat()
                    if proposal.status_changed_at
                    else "",
                    proposal.note.theme_names if readable else "",
                    request.build_absolute_uri(proposal.note.get_absolute_url())
                    if readable
                    else "",
                    request.build_absolute_uri(proposal.get_absolute_url()),
                ]
            )
        )


def _spreadsheet_safe(row: list[Any]) -> list[Any]:
    """A cell a spreadsheet would run as a formula is kept as text."""
    return [
        f"'{value}" if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"} else value
        for value in row
    ]


def _visible_proposal(request: HttpRequest, pk: int) -> Proposal:
    proposals = Proposal.objects.visible_to(request.user).with_access(request.user)
    return get_object_or_404(proposals.for_listing(), pk=pk)


def _detail(
    request: HttpRequest, proposal: Proposal, status_form: ProposalStatusForm | None, status: int
) -> HttpResponse:
    """A proposal's page: its history, the chain across cells, the status form."""
    context = {
        "proposal": proposal,
        "changes": list(proposal.status_changes.select_related("changed_by")),
        "rediscussions": rediscussions(request.user, proposal),
        # Only a reader of the point may learn which proposal it came back to.
        "comes_back_to": comes_back_to(request.user, proposal)
        if getattr(proposal, "readable", False)
        else None,
        "status_form": status_form,
    }
    return render(request, "actions/proposal_detail.html", context, status=status)


@require_safe
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _visible_proposal(request, pk)
    form = None
    if proposal.may_change_status(request.user):
        form = ProposalStatusForm(initial={"status": proposal.status})
    return _detail(request, proposal, form, status=200)


@login_required
@require_POST
def proposal_status(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _visible_proposal(request, pk)
    if not proposal.may_change_status(request.user):
        raise PermissionDenied(
            "Only the network's administrators and the cell's facilitators change its status."
        )
    form = ProposalStatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, proposal, form, status=400)
    proposal = change_proposal_status(
        proposal, request.user, form.cleaned_data["status"], form.cleaned_data["note"]
    )
    messages.success(request, f"The proposal is now “{proposal.get_status_display()}”.")
    return redirect(proposal)


@login_required
@require_safe
def proposal_lookup(request: HttpRequest) -> JsonResponse:
    """Proposals a facilitator may link a point to, for the editor's search box."""
    text = request.GET.get("q", "").strip()[:200]
    proposals = Proposal.objects.visible_to(request.user).select_related("meeting__cell")
    if text.lstrip("#").isdigit():
        proposals = proposals.filter(pk=int(text.lstrip("#")[:9]))
    elif len(text) >= 2:
        proposals = proposals.filter(summary__icontains=text)
    else:
        proposals = proposals.none()
    found = [
        {
            "label": f"#{p.pk} {p.summary}",
            "detail": f"{p.meeting.cell.name}, {p.meeting.date:%-d %B %Y}",
        }
        for p in proposals.order_by("-pk")[:LOOKUP_SIZE]
    ]
    return JsonResponse({"proposals": found})


@require_safe
def cell_actions(request: HttpRequest, slug: str) -> HttpResponse:
    cell = get_visible_cell(request.user, slug)
    actions = cell_open_actions(request.user, cell)
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"cell": cell, "page": page, "insider": is_insider(request.user, cell.pk)}
    return render(request, "actions/cell_actions.html", context)


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.visible_to(request.user).select_related("meeting__cell", "note"), pk=pk
    )
    if not action.may_be_marked_by(request.user):
        raise PermissionDenied("Only the action's owner and the cell's facilitators mark it.")
    status = request.POST.get("status", ActionStatus.DONE)
    if status not in ActionStatus.values:
        return HttpResponse("Unknown status.", status=400, content_type="text/plain")
    set_action_status(action, status)
    word = {"done": "done", "open": "open again", "dropped": "dropped"}[status]
    messages.success(request, f"Marked “{action.what}” {word}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = action.get_absolute_url()
    return redirect(back)
