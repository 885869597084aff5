"""Actions and proposals in the admin: filters, bulk status changes with history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cells.models import MeetingStatus, Visibility
from notes.actions.models import ActionStatus, ProposalStatus
from notes.permissions import ensure_network_admin_group
from tests.notes.actions.helpers import add_action, add_proposal, first_note
from tests.personas import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_admin(client: Client, world: World) -> Client:
    user = make_user("netadmin", is_staff=True)
    user.groups.add(ensure_network_admin_group())
    client.force_login(user)
    return client


def _note(world: World, visibility: str = Visibility.PUBLIC) -> Any:
    return first_note(world.meetings[(visibility, MeetingStatus.PUBLISHED)])


def test_actions_filter_by_status_cell_and_overdue(network_admin: Client, world: World) -> None:
    today = datetime.date.today()
    add_action(_note(world), what="Late task", due=today - datetime.timedelta(days=2))
    add_action(_note(world), what="Future task", due=today + datetime.timedelta(days=2))
    add_action(_note(world, Visibility.PRIVATE), what="Done task", status=ActionStatus.DONE)
    url = reverse("admin:notes_action_changelist")
    overdue = network_admin.get(url, {"due": "overdue"}).content.decode()
    assert "Late task" in overdue and "Future task" not in overdue
    done = network_admin.get(url, {"status__exact": "done"}).content.decode()
    assert "Done task" in done and "Late task" not in done
    private = world.cells[Visibility.PRIVATE]
    in_cell = network_admin.get(url, {"meeting__cell__id__exact": private.pk}).content.decode()
    assert "Done task" in in_cell and "Future task" not in in_cell


def test_bulk_marking_actions_keeps_a_history_entry_each(
    network_admin: Client, world: World
) -> None:
    actions = [add_action(_note(world), what=f"Task {n}") for n in range(3)]
    response = network_admin.post(
        reverse("admin:notes_action_changelist"),
        {"action": "mark_done", "_selected_action": [a.pk for a in actions]},
    )
    assert response.status_code == 302
    for action in actions:
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE
        assert action.history.count() == 2


def test_bulk_proposal_status_is_logged_with_who_and_why(
    network_admin: Client, world: World
) -> None:
    proposals = [
        add_proposal(_note(world, visibility), summary=f"Idea {n}")
        for n, visibility in enumerate([Visibility.PUBLIC, Visibility.NETWORK])
    ]
    response = network_admin.post(
        reverse("admin:notes_proposal_changelist"),
        {"action": "set_not_taken_forward", "_selected_action": [p.pk for p in proposals]},
    )
    assert response.status_code == 302
    for proposal in proposals:
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.NOT_TAKEN_FORWARD
        change = proposal.status_changes.get()
        assert change.changed_by is not None and change.changed_by.username == "netadmin"
        assert change.note == "Changed in bulk in the admin."
    history = network_admin.get(
        reverse("admin:notes_proposal_history", args=[proposals[0].pk])
    ).content.decode()
    assert "Changed" in history or "changed" in history
    change_page = network_admin.get(
        reverse("admin:notes_proposal_change", args=[proposals[0].pk])
    ).content.decode()
    assert "Changed in bulk in the admin." in change_page  # the status log inline


def test_proposal_filters_and_a_member_without_staff_is_kept_out(
    network_admin: Client, world: World
) -> None:
    add_proposal(_note(world), summary="Shared one", shared_with_network=True)
    add_proposal(_note(world, Visibility.NETWORK), summary="Kept one")
    url = reverse("admin:notes_proposal_changelist")
    shared = network_admin.get(url, {"shared_with_network__exact": "1"}).content.decode()
    assert "Shared one" in shared and "Kept one" not in shared
    member = Client()
    member.force_login(world.users["member"])
    assert member.get(url).status_code == 302  # to the admin's login
