"""Builders for the actions and proposals tests."""

from __future__ import annotations

from typing import Any

from cells.models import Meeting
from notes.actions.models import Action, Proposal
from notes.models import Note

ACTION_FIELDS = ["id", "version", "status_was", "what", "owner", "owner_name", "due", "status"]


def with_panel(
    data: dict[str, Any],
    index: int,
    *,
    actions: list[dict[str, Any]] | None = None,
    proposal: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Add point ``index``'s actions and proposal fields to editor post data."""
    prefix = f"points-{index}-actions-"
    rows = actions or []
    data[prefix + "TOTAL_FORMS"] = len(rows)
    data[prefix + "INITIAL_FORMS"] = sum(1 for row in rows if row.get("id"))
    data[prefix + "MIN_NUM_FORMS"] = 0
    data[prefix + "MAX_NUM_FORMS"] = 1000
    for number, row in enumerate(rows):
        for name in ACTION_FIELDS:
            data[f"{prefix}{number}-{name}"] = row.get(name, "open" if name == "status" else "")
        if row.get("delete"):
            data[f"{prefix}{number}-DELETE"] = "on"
    proposal_prefix = f"points-{index}-proposal-"
    data[proposal_prefix + "present"] = "True"
    for name, value in (proposal or {}).items():
        if value is True:
            data[proposal_prefix + name] = "on"
        elif value:
            data[proposal_prefix + name] = value
    return data


def add_action(note: Note, what: str = "Write up the note", **fields: Any) -> Action:
    if fields.get("owner") is not None and "owner_name" not in fields:
        fields["owner_name"] = fields["owner"].get_display_name()
    return Action.objects.create(meeting=note.meeting, note=note, what=what, **fields)


def add_proposal(
    note: Note, summary: str = "Develop it across the network", **fields: Any
) -> Proposal:
    return Proposal.objects.create(meeting=note.meeting, note=note, summary=summary, **fields)


def first_note(meeting: Meeting) -> Note:
    note = meeting.notes.order_by("position").first()
    assert note is not None
    return note
