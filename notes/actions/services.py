"""Writes of actions and proposals. Each runs in a transaction and leaves a
history entry (django-simple-history), as the points' writes do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from betterway.text import strip_control_characters
from notes.actions.models import (
    Action,
    ActionStatus,
    Proposal,
    ProposalStatusChange,
    Rediscussion,
)
from notes.models import Note


@dataclass
class ActionInput:
    """One action as the editor submitted it; ``id``, ``version`` and the status
    the editor was opened with (``status_was``) for an existing one.
    """

    what: str
    status: str = ActionStatus.OPEN
    owner: Any = None
    owner_name: str = ""
    due: datetime.date | None = None
    id: int | None = None
    version: int | None = None
    status_was: str = ""


def save_action(note: Note, user: Any, given: ActionInput) -> Action | None:
    """Create or update an action of ``note``'s meeting, under ``note``.

    The owner may mark the action done while a facilitator has the editor
    open: when the row changed since the editor's version and the editor left
    the status as it found it, the owner's status is kept.
    """
    owner_name = given.owner.get_display_name() if given.owner else given.owner_name
    fields = {
        "note": note,
        "what": strip_control_characters(given.what).strip(),
        "owner": given.owner,
        "owner_name": strip_control_characters(owner_name).strip(),
        "due": given.due,
        "status": given.status,
    }
    with transaction.atomic():
        if given.id is None:
            return Action.objects.create(meeting=note.meeting, created_by=user, **fields)
        # Only an action of this meeting: an id from elsewhere is not this editor's.
        action = (
            Action.objects.select_for_update().filter(pk=given.id, meeting=note.meeting).first()
        )
        if action is None:
            return None
        if action.version != given.version and given.status == given.status_was:
            fields["status"] = action.status
        if all(getattr(action, name) == value for name, value in fields.items()):
            return action
        for name, value in fields.items():
            setattr(action, name, value)
        action.version += 1
        action.save()
        return action


def delete_action(note: Note, action_id: int) -> None:
    Action.objects.filter(pk=action_id, meeting=note.meeting).delete()


def set_action_status(action: Action, status: str) -> Action:
    """Mark an action done, dropped or open again (from its page, or in bulk)."""
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.status != status:
            locked.status = status
            locked.version += 1
            locked.save()
    return locked


def save_proposal(note: Note, user: Any, *, summary: str | None, shared: bool) -> None:
    """Make ``note`` a proposal with this summary, or (``summary`` None) no longer one."""
    with transaction.atomic():
        current = Proposal.objects.select_for_update().filter(note=note).first()
        if summary is None:
            if current is not None:
                current.delete()
            return
        summary = strip_control_characters(summary).strip()
        if current is None:
            Proposal.objects.create(
                meeting=note.meeting,
                note=note,
                summary=summary,
                shared_with_network=shared,
                created_by=user,
            )
        elif (current.summary, current.shared_with_network) != (summary, shared):
            current.summary, current.shared_with_network = summary, shared
            current.save()


def change_proposal_status(proposal: Proposal, user: Any, status: str, note: str) -> Proposal:
    """Record a new status with who changed it and why."""
    note = strip_control_characters(note).strip()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        now = timezone.now()
        ProposalStatusChange.objects.create(
            proposal=locked,
            old_status=locked.status,
            new_status=status,
            note=note,
            changed_by=user,
            changed_at=now,
        )
        locked.status = status
        locked.status_note = note
        locked.status_changed_by = user
        locked.status_changed_at = now
        locked.save()
    return locked


def set_rediscussion(note: Note, user: Any, proposal: Proposal | None) -> None:
    """Say that ``note`` discussed ``proposal`` again (None: it does not)."""
    if proposal is not None and proposal.note_id == note.pk:
        proposal = None  # a point does not discuss itself again
    with transaction.atomic():
        current = Rediscussion.objects.filter(note=note).first()
        if proposal is None:
            if current is not None:
                current.delete()
        elif current is None:
            Rediscussion.objects.create(note=note, proposal=proposal, created_by=user)
        elif current.proposal_id != proposal.pk:
            current.proposal = proposal
            current.save()
