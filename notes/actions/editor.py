"""The editor's panel of each point: its actions, and whether it is a proposal
to the network (or discusses one again). Registered with ``notes.record.panels``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest

from cells.models import Cell, Meeting, Visibility
from notes.actions.forms import (
    ActionFormSet,
    PointProposalForm,
    owner_choices,
    proposal_label,
)
from notes.actions.models import Action, Proposal, Rediscussion
from notes.actions.services import (
    delete_action,
    save_action,
    save_proposal,
    set_rediscussion,
)
from notes.actions.suggestions import ProposalSuggestion, suggest_proposal
from notes.models import Note
from notes.record.history import HISTORY_KINDS, Entry, changes_between

_ACTION_FIELDS = ["id", "version", "status_was", "what", "owner", "owner_name", "due", "status"]
_PROPOSAL_FIELDS = ["is_proposal", "summary", "shared", "discussed_again"]


def _owners(request: HttpRequest, cell: Cell) -> list[Any]:
    """The cell's possible owners, read once per request for all points."""
    cached: dict[int, list[Any]] = request.__dict__.setdefault("_action_owners", {})
    if cell.pk not in cached:
        cached[cell.pk] = owner_choices(cell)
    return cached[cell.pk]


class ActionsPanel:
    """What ``notes.record.panels`` calls: initial values, one bound panel per point,
    and the entries of the meeting's History page.
    """

    def history(self, meeting: Meeting) -> list[Entry]:
        return history_entries(meeting)

    def initial(self, meeting: Meeting) -> dict[int, Any]:
        values: dict[int, dict[str, Any]] = defaultdict(lambda: {"actions": [], "proposal": {}})
        for action in Action.objects.filter(note__meeting=meeting).order_by("pk"):
            assert action.note_id is not None
            values[action.note_id]["actions"].append(
                {
                    "id": action.pk,
                    "version": action.version,
                    "status_was": action.status,
                    "what": action.what,
                    "owner": action.owner_id,
                    "owner_name": "" if action.owner_id else action.owner_name,
                    "due": action.due,
                    "status": action.status,
                }
            )
        for proposal in Proposal.objects.filter(note__meeting=meeting):
            assert proposal.note_id is not None
            values[proposal.note_id]["proposal"].update(
                is_proposal=True, summary=proposal.summary, shared=proposal.shared_with_network
            )
        rediscussions = Rediscussion.objects.filter(note__meeting=meeting).select_related(
            "proposal"
        )
        for rediscussion in rediscussions:
            values[rediscussion.note_id]["proposal"]["discussed_again"] = proposal_label(
                rediscussion.proposal
            )
        return dict(values)

    def bind(
        self,
        request: HttpRequest,
        cell: Cell,
        prefix: str,
        *,
        data: Any = None,
        initial: Any = None,
    ) -> PointActions:
        return PointActions(request, cell, prefix, data=data, initial=initial)


class PointActions:
    """One point's actions and proposal, as forms."""

    template_name = "actions/_editor_panel.html"

    def __init__(
        self, request: HttpRequest, cell: Cell, prefix: str, *, data: Any, initial: Any
    ) -> None:
        self.user = request.user
        self.cell = cell
        self.cell_is_private = cell.visibility == Visibility.PRIVATE
        initial = initial or {}
        actions_prefix, proposal_prefix = f"{prefix}-actions", f"{prefix}-proposal"
        # A post from a page without this panel (an older page, a script) leaves
        # the point's actions and proposal as they are.
        self.actions_posted = data is not None and f"{actions_prefix}-TOTAL_FORMS" in data
        self.proposal_posted = data is not None and f"{proposal_prefix}-present" in data
        owners = _owners(request, cell)
        self.actions = ActionFormSet(
            data if self.actions_posted else None,
            prefix=actions_prefix,
            initial=initial.get("actions") or [],
            owners=owners,
        )
        self.proposal = PointProposalForm(
            data if self.proposal_posted else None,
            prefix=proposal_prefix,
            initial=initial.get("proposal") or {},
            user=request.user,
        )
        self.suggestion: ProposalSuggestion | None = None

    # The protocol of notes.record.panels.BoundPanel

    def is_valid(self) -> bool:
        actions_valid = not self.actions_posted or self.actions.is_valid()
        proposal_valid = not self.proposal_posted or self.proposal.is_valid()
        return actions_valid and proposal_valid

    def errors(self) -> list[tuple[str, str]]:
        found = []
        for number, form in enumerate(self.actions.forms, start=1):
            for field in form:
                found += [
                    (field.id_for_label, f"action {number}, {error}") for error in field.errors
                ]
        found += [("", str(error)) for error in self.actions.non_form_errors()]
        for field in self.proposal:
            found += [(field.id_for_label, f"{field.label.lower()}: {e}") for e in field.errors]
        return found

    def typed(self) -> dict[str, Any]:
        actions = []
        for form in self.actions.forms:
            values = {name: form[name].value() for name in _ACTION_FIELDS}
            if form["DELETE"].value() or not (values["what"] or values["id"]):
                continue
            actions.append(values)
        proposal = {name: self.proposal[name].value() for name in _PROPOSAL_FIELDS}
        return {"actions": actions, "proposal": proposal}

    def suggest(self, text: str) -> None:
        if not self.proposal["is_proposal"].value():
            self.suggestion = suggest_proposal(text)

    def save(self, note: Note) -> None:
        if self.actions_posted:
            for form in self.actions.forms:
                data = form.cleaned_data
                if not data:
                    continue  # the blank row for a new action, left blank
                if data.get("DELETE"):
                    if data.get("id"):
                        delete_action(note, data["id"])
                elif data.get("what"):
                    save_action(note, self.user, form.to_input())
        if self.proposal_posted:
            data = self.proposal.cleaned_data
            save_proposal(
                note,
                self.user,
                summary=data["summary"] if data.get("is_proposal") else None,
                shared=bool(data.get("shared")) and self.cell_is_private,
            )
            set_rediscussion(note, self.user, self.proposal.rediscussed)

    def describe(self) -> list[str]:
        lines = []
        for form in self.actions.forms:
            if form.is_bound and not form.is_valid():
                continue
            if not form.is_bound or not form.cleaned_data.get("what"):
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            given = form.to_input()
            who = given.owner.get_display_name() if given.owner else given.owner_name
            due = f", due {given.due.day} {given.due:%B %Y}" if given.due else ""
            lines.append(f"Action: {given.what} ({who or 'no owner'}{due}, {given.status})")
        if self.proposal.is_bound and self.proposal.is_valid():
            data = self.proposal.cleaned_data
            if data.get("is_proposal"):
                lines.append(f"Proposal to the network: {data['summary']}")
            if data.get("discussed_again"):
                lines.append(f"Comes back to proposal: {data['discussed_again']}")
        return lines

    # For the template

    @property
    def action_count(self) -> int:
        return sum(1 for form in self.actions.forms if form["what"].value())

    @property
    def is_open(self) -> bool:
        """Shown opened when it holds anything, an error or a suggestion."""
        proposal = self.proposal
        return bool(
            self.action_count
            or proposal["is_proposal"].value()
            or proposal["discussed_again"].value()
            or self.suggestion
            or self.errors()
        )


_ACTION_HISTORY = {"what": "Action", "owner_name": "Owner", "due": "Due", "status": "Status"}
_PROPOSAL_HISTORY = {
    "summary": "Proposal",
    "shared_with_network": "Shared with the network",
    "status": "Status",
}


def history_entries(meeting: Meeting) -> list[Entry]:
    """Every version of the meeting's actions and proposals, for its History page."""
    found: list[Entry] = []
    sources = [
        (Action.history.filter(meeting_id=meeting.pk), _ACTION_HISTORY, "Action"),
        (Proposal.history.filter(meeting_id=meeting.pk), _PROPOSAL_HISTORY, "Proposal"),
    ]
    for records, fields, name in sources:
        previous_of: dict[int, Any] = {}
        for record in records.select_related("history_user").order_by("id", "history_date"):
            before = previous_of.get(record.id)
            kind = HISTORY_KINDS[record.history_type]
            changes = [] if kind == "deleted" else changes_between(before, record, fields)
            if changes or kind != "changed":
                label = record.what if name == "Action" else record.summary
                found.append(
                    Entry(
                        record.history_date,
                        record.history_user,
                        f"{name} “{label}”",
                        kind,
                        record,
                        changes,
                    )
                )
            previous_of[record.id] = record
    return found
