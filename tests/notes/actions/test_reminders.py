"""Reminders of actions: two days before the due date and the day after, once
each, only to owners who may read the meeting and want them; two workers at once.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from betterway.models import Mail
from cells.models import MeetingStatus, Membership, Visibility
from notes.actions.models import Action, ActionStatus
from notes.actions.reminders import send_reminders
from notes.following.mailing import unsubscribe_token
from notes.following.models import Subscriber
from tests.conftest import SmtpInbox
from tests.notes.actions.helpers import add_action, first_note
from tests.personas import (
    World,
    build_world,
    deliver_mail,
    link_in,
    make_user,
    run_at_once,
    run_worker,
)

TODAY = datetime.date(2026, 3, 10)


def _action(world: World, due: datetime.date | None, **fields: Any) -> Action:
    member = world.users["member"]
    member.email = "member@example.org"
    member.save(update_fields=["email"])
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    return add_action(
        first_note(meeting), what="Write to the council", owner=member, due=due, **fields
    )


def _day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due_in", "kind"),
    [
        (3, None),
        (2, "soon"),
        (1, "soon"),
        (0, "soon"),
        (-1, "overdue"),
        (-7, "overdue"),
        (-8, None),
    ],
)
def test_which_day_brings_which_reminder(world: World, due_in: int, kind: str | None) -> None:
    action = _action(world, _day(due_in))
    send_reminders(TODAY)
    keys = list(Mail.objects.values_list("key", flat=True))
    assert keys == ([f"action-{kind}:{action.pk}:{_day(due_in).isoformat()}"] if kind else [])


@pytest.mark.django_db
def test_each_reminder_goes_once_however_many_runs(world: World, mailoutbox: list[Any]) -> None:
    _action(world, _day(2))
    for day in [0, 1, 2]:
        send_reminders(_day(day))
    send_reminders(_day(3))
    send_reminders(_day(4))
    deliver_mail()
    subjects = sorted(message.subject for message in mailoutbox)
    due = f"{_day(2).day} {_day(2):%B %Y}"
    assert subjects == [
        f"Due {due}: Write to the council",
        f"Overdue since {due}: Write to the council",
    ]


@pytest.mark.django_db
def test_a_new_due_date_earns_new_reminders(world: World) -> None:
    action = _action(world, _day(1))
    send_reminders(TODAY)
    action.due = _day(20)
    action.save()
    send_reminders(_day(18))
    assert Mail.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        "done",
        "dropped",
        "no owner",
        "opted out",
        "left the cell",
        "back to draft",
        "no e-mail",
        "inactive",
    ],
)
def test_no_reminder_when_it_would_be_wrong(world: World, change: str) -> None:
    action = _action(world, _day(1))
    owner = world.users["member"]
    if change in {"done", "dropped"}:
        action.status = ActionStatus(change)
        action.save()
    elif change == "no owner":
        action.owner = None
        action.save()
    elif change == "opted out":
        Subscriber.objects.create(user=owner, action_reminders=False)
    elif change == "left the cell":
        Membership.objects.filter(user=owner).delete()
    elif change == "back to draft":
        action.meeting.status = MeetingStatus.DRAFT
        action.meeting.save()
    elif change == "no e-mail":
        owner.email = ""
        owner.save()
    else:
        owner.is_active = False
        owner.save()
    send_reminders(TODAY)
    assert not Mail.objects.exists()


@pytest.mark.django_db
def test_the_reminder_links_to_the_action_and_unsubscribes(
    world: World, client: Client, mailoutbox: list[Any]
) -> None:
    action = _action(world, _day(2))
    send_reminders(TODAY)
    deliver_mail()
    [message] = mailoutbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Write to the council" in message.body
    assert (
        link_in(message.body, action.meeting.get_absolute_url())
        == action.meeting.get_absolute_url()
    )
    unsubscribe = link_in(message.extra_headers["List-Unsubscribe"].strip("<>"), "/unsubscribe/")
    assert client.post(unsubscribe).status_code == 200
    assert Subscriber.objects.get(user=world.users["member"]).action_reminders is False
    Mail.objects.all().delete()
    send_reminders(TODAY)
    assert not Mail.objects.exists()


@pytest.mark.django_db
def test_members_turn_reminders_off_in_their_mail_settings(world: World, client: Client) -> None:
    client.force_login(world.users["member"])
    page = client.get(reverse("notes:following_settings")).content.decode()
    assert "Remind me of actions I own" in page
    response = client.post(
        reverse("notes:following_settings"), {"digest": "never", "digest_day": "0"}
    )
    assert response.status_code == 302
    assert Subscriber.objects.get(user=world.users["member"]).action_reminders is False
    assert unsubscribe_token(world.users["member"].pk, "reminders")


@pytest.mark.usefixtures("empty_queue")
def test_two_runs_and_two_workers_send_each_reminder_exactly_once(smtp_server: SmtpInbox) -> None:
    world = build_world()
    private = world.cells[Visibility.PRIVATE]
    today = timezone.localdate()
    owners = [make_user(f"owner{i}", email=f"owner{i}@example.org") for i in range(12)]
    note = first_note(world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)])
    for number, owner in enumerate(owners):
        Membership.objects.create(user=owner, cell=private, role="member")
        due = today + datetime.timedelta(days=1 if number % 2 else -1)
        add_action(note, what=f"Task {number}", owner=owner, due=due)
    outputs = run_at_once("send_reminders")
    assert Mail.objects.filter(template="action_reminder").count() == len(owners), outputs
    workers = [run_worker(smtp_server.url) for _ in range(2)]
    logs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), logs
    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == sorted(owner.email for owner in owners), logs
    assert not Mail.objects.filter(sent_at__isnull=True).exists()
