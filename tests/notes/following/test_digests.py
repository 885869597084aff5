"""Digests: what each member receives, when, exactly once; unsubscribing; notices."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from betterway.models import Mail
from cells.models import Meeting, MeetingStatus, Membership, Visibility
from notes.following import mailing
from notes.following.mailing import DIGEST_POINTS, send_digests, unsubscribe_token
from notes.following.models import DigestFrequency, Follow, Subscriber
from notes.models import Note, TaggedNote, Theme
from notes.record.services import set_status
from tests.conftest import SmtpInbox
from tests.personas import (
    PERSONAS,
    STATUSES,
    VISIBILITIES,
    World,
    build_world,
    can_read,
    deliver_mail,
    html_part,
    link_in,
    make_meeting,
    make_user,
    run_at_once,
)

MONTH_AGO = datetime.timedelta(days=30)


def _subscribe(user: Any, **settings: Any) -> Subscriber:
    if not user.email:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    defaults = {"digest_sent_until": timezone.now() - MONTH_AGO, **settings}
    subscriber, _ = Subscriber.objects.update_or_create(user=user, defaults=defaults)
    return subscriber


def _age(world: World) -> None:
    """What the world holds was published a month ago, before anyone subscribed."""
    long_ago = timezone.now() - 2 * MONTH_AGO
    Meeting.objects.exclude(published_at=None).update(published_at=long_ago)
    Note.objects.update(created_at=long_ago)


def _new_meetings(world: World) -> dict[tuple[str, str], Meeting]:
    """A new meeting on leadership in each cell, published and draft."""
    leadership = Theme.objects.get(name="leadership")
    return {
        (visibility, status): make_meeting(
            world.cells[visibility],
            status=status,
            title=f"New {visibility} {status}",
            themes=[leadership],
            date=datetime.date(2026, 11, 20),
        )
        for visibility in VISIBILITIES
        for status in STATUSES
    }


def _part(message: Any, kind: str) -> str:
    body = message.get_body((kind,))
    assert body is not None
    return str(body.get_content())


def _mail_to(user: Any) -> list[Mail]:
    return list(Mail.objects.filter(to=user.email, template="digest"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_digest_holds_exactly_what_the_member_may_read_at_send_time(
    persona: str, world: World
) -> None:
    _age(world)
    user = world.users[persona]
    Follow.objects.create(user=user, theme=Theme.objects.get(name="leadership"))
    _subscribe(user)
    new = _new_meetings(world)
    send_digests(everyone=True)
    [mail] = _mail_to(user)
    sent = {point["url"] for group in mail.context["groups"] for point in group["points"]}
    expected = {
        f"http://127.0.0.1:8000{note.get_absolute_url()}"
        for (visibility, status), meeting in new.items()
        if status == MeetingStatus.PUBLISHED and can_read(persona, visibility, status)
        for note in meeting.notes.all()
    }
    assert sent == expected
    assert mail.context["total"] == len(expected)


@pytest.mark.django_db
def test_a_member_who_left_the_cell_gets_none_of_its_points(world: World) -> None:
    _age(world)
    member = world.users["member"]
    Follow.objects.create(user=member, cell=world.cells[Visibility.PRIVATE])
    _subscribe(member)
    _new_meetings(world)
    Membership.objects.filter(user=member).delete()
    assert send_digests(everyone=True).mails == 0
    assert _mail_to(member) == []


@pytest.mark.django_db
def test_nothing_new_sends_nothing(world: World) -> None:
    _age(world)
    Follow.objects.create(user=world.users["member"], theme=Theme.objects.get(name="leadership"))
    _subscribe(world.users["member"])
    run = send_digests(everyone=True)
    assert (run.members, run.mails) == (1, 0)
    assert not Mail.objects.exists()


@pytest.mark.django_db
def test_the_digest_mail_links_to_the_exact_point_and_unsubscribes(
    world: World, smtp_server: SmtpInbox, client: Client
) -> None:
    _age(world)
    member = world.users["other_member"]
    Follow.objects.create(user=member, theme=Theme.objects.get(name="leadership"))
    Follow.objects.create(user=member, cell=world.cells["public"])
    Follow.objects.create(user=member, query="q=councils", name="Councils")
    _subscribe(member)
    meeting = _new_meetings(world)[(Visibility.NETWORK, MeetingStatus.PUBLISHED)]
    send_digests(everyone=True)
    deliver_mail()
    [message] = smtp_server.messages
    assert message["Subject"] == "4 new points in what you follow"
    text = _part(message, "plain")
    assert "you follow 1 theme, 1 cell and 1 search" in text
    assert "== Theme: leadership ==" in text
    point = meeting.notes.get(position=1)
    assert f"http://127.0.0.1:8000{point.get_absolute_url()}" in text
    assert "Discussion of Network cell, point 1, about local councils." in text
    html = _part(message, "html")
    assert f'href="http://127.0.0.1:8000{point.get_absolute_url()}"' in html
    unsubscribe = link_in(text, "/unsubscribe/")
    assert message["List-Unsubscribe"].strip() == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail client posts this body, with no session and no CSRF token.
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert Subscriber.objects.get(user=member).digest == DigestFrequency.NEVER


@pytest.mark.django_db
def test_unsubscribe_page_asks_before_changing_anything(world: World, client: Client) -> None:
    member = world.users["member"]
    _subscribe(member, notify_on_publish=True)
    url = reverse("notes:unsubscribe", args=[unsubscribe_token(member.pk, "published")])
    page = client.get(url).content.decode()
    assert "Stop sending member@example.org mail when a cell you follow publishes" in page
    assert Subscriber.objects.get(user=member).notify_on_publish is True
    client.post(url)
    subscriber = Subscriber.objects.get(user=member)
    assert subscriber.notify_on_publish is False and subscriber.digest == DigestFrequency.WEEKLY


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        unsubscribe_token(1, "digest")[:-2] + "xx",
        "W1swLCJkaWdlc3QiXV0:1vXyzA:forged",
    ],
)
def test_a_forged_unsubscribe_link_changes_nothing(
    token: str, world: World, client: Client
) -> None:
    member = world.users["member"]
    _subscribe(member)
    for method in (client.get, client.post):
        response = method(reverse("notes:unsubscribe", args=[token]))
        assert response.status_code == 404
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert Subscriber.objects.get(user=member).digest == DigestFrequency.WEEKLY


@pytest.mark.django_db
def test_an_unsubscribe_link_for_another_purpose_is_refused(world: World, client: Client) -> None:
    from django.core import signing

    token = signing.dumps([world.users["member"].pk, "everything"], salt="following.unsubscribe")
    assert client.post(reverse("notes:unsubscribe", args=[token])).status_code == 404


# When digests are due


@pytest.mark.django_db
def test_digests_come_at_each_members_rhythm(world: World) -> None:
    _age(world)
    monday = timezone.make_aware(datetime.datetime(2026, 11, 23, 7, 0))
    users = {name: make_user(name) for name in ["daily", "weekly_monday", "weekly_friday", "never"]}
    settings: dict[str, dict[str, Any]] = {
        "daily": {"digest": DigestFrequency.DAILY},
        "weekly_monday": {"digest": DigestFrequency.WEEKLY, "digest_day": 0},
        "weekly_friday": {"digest": DigestFrequency.WEEKLY, "digest_day": 4},
        "never": {"digest": DigestFrequency.NEVER},
    }
    for name, user in users.items():
        Follow.objects.create(user=user, cell=world.cells["public"])
        _subscribe(user, digest_sent_until=monday - datetime.timedelta(days=8), **settings[name])
    make_meeting(world.cells["public"], title="New")
    Meeting.objects.filter(title="New").update(published_at=monday - datetime.timedelta(days=2))
    Note.objects.filter(meeting__title="New").update(created_at=monday - datetime.timedelta(days=2))

    def mailed() -> set[str]:
        return set(Mail.objects.values_list("to", flat=True))

    send_digests(monday)
    assert mailed() == {"daily@example.org", "weekly_monday@example.org"}
    # An hour later, nobody is due again.
    assert send_digests(monday + datetime.timedelta(hours=1)).members == 0
    # --now: everyone with something new, except those who chose never.
    send_digests(monday + datetime.timedelta(hours=2), everyone=True)
    assert mailed() == {
        "daily@example.org",
        "weekly_monday@example.org",
        "weekly_friday@example.org",
    }


@pytest.mark.django_db
def test_a_digest_of_thousands_of_points_is_capped_with_a_link(world: World) -> None:
    _age(world)
    member = world.users["member"]
    theme = Theme.objects.get(name="leadership")
    Follow.objects.create(user=member, theme=theme)
    _subscribe(member)
    meeting = make_meeting(world.cells["public"], points=0, title="Marathon")
    notes = Note.objects.bulk_create(
        [
            Note(meeting=meeting, position=i, body=f"Point {i} on leadership.")
            for i in range(1, 2001)
        ]
    )
    TaggedNote.objects.bulk_create([TaggedNote(content_object=note, tag=theme) for note in notes])
    send_digests(everyone=True)
    [mail] = _mail_to(member)
    shown = sum(len(group["points"]) for group in mail.context["groups"])
    assert (mail.context["total"], shown, mail.context["more"]) == (2000, DIGEST_POINTS, 1950)
    text = mail.context  # the template says where the rest are
    from betterway.mail import render_mail

    message = render_mail("digest", member.email, text)
    assert "And 1950 more: http://127.0.0.1:8000/following/" in message.body


# Exactly once


@pytest.mark.django_db
def test_a_run_that_crashes_half_way_sends_nobody_a_second_digest(world: World) -> None:
    _age(world)
    members = [make_user(f"reader{i}") for i in range(4)]
    for user in members:
        Follow.objects.create(user=user, cell=world.cells["public"])
        _subscribe(user)
    make_meeting(world.cells["public"], title="New")
    real = mailing.queue_mail
    calls = {"n": 0}

    def crash_on_third(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("the worker died")
        return real(*args, **kwargs)

    with mock.patch.object(mailing, "queue_mail", crash_on_third), pytest.raises(ConnectionError):
        send_digests(everyone=True)
    assert Mail.objects.count() == 2
    send_digests(everyone=True)
    send_digests(everyone=True)
    assert sorted(Mail.objects.values_list("to", flat=True)) == sorted(u.email for u in members)


@pytest.mark.usefixtures("empty_queue")
def test_two_runs_at_once_send_one_digest_per_member() -> None:
    world = build_world()
    _age(world)
    members = [make_user(f"reader{i}") for i in range(30)]
    for user in members:
        Follow.objects.create(user=user, cell=world.cells["public"])
        Follow.objects.create(user=user, theme=Theme.objects.get(name="leadership"))
        _subscribe(user)
    make_meeting(world.cells["public"], title="New", themes=[Theme.objects.get(name="leadership")])
    outputs = run_at_once("send_digests", "--now")
    sent = list(Mail.objects.filter(template="digest").values_list("to", flat=True))
    assert sorted(sent) == sorted(user.email for user in members), outputs


# Mail as soon as a followed cell publishes


@pytest.mark.django_db
def test_followers_who_asked_hear_once_when_a_cell_publishes(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    eager, quiet, outsider = make_user("eager"), make_user("quiet"), world.users["outsider"]
    public = world.cells["public"]
    for user, notify in [(eager, True), (quiet, False), (outsider, True)]:
        Follow.objects.create(user=user, cell=public)
        _subscribe(user, notify_on_publish=notify)
    draft = make_meeting(public, status=MeetingStatus.DRAFT, title="Fresh ideas")
    with django_capture_on_commit_callbacks(execute=True):
        set_status(draft, MeetingStatus.PUBLISHED)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args->>'meeting_id' FROM procrastinate_jobs WHERE task_name LIKE %s",
            ["%notify_publication"],
        )
        assert cursor.fetchall() == [(str(draft.pk),)]
    mailing.notify_followers(draft.pk)
    mailing.notify_followers(draft.pk)  # a retried job
    assert sorted(Mail.objects.filter(template="published").values_list("to", flat=True)) == [
        "eager@example.org",
        "outsider@example.org",
    ]
    mail = Mail.objects.filter(to="eager@example.org").get()
    assert mail.context["meeting"] == "Fresh ideas" and mail.headers["List-Unsubscribe"]
    # Unpublished and published again: no second notice.
    with django_capture_on_commit_callbacks(execute=True):
        set_status(draft, MeetingStatus.DRAFT)
        set_status(draft, MeetingStatus.PUBLISHED)
    mailing.notify_followers(draft.pk)
    assert Mail.objects.filter(template="published").count() == 2


@pytest.mark.django_db
def test_a_private_cells_publication_reaches_only_its_members(world: World) -> None:
    private = world.cells[Visibility.PRIVATE]
    member, former = world.users["member"], make_user("former")
    for user in (member, former):
        Follow.objects.create(user=user, cell=private)
        _subscribe(user, notify_on_publish=True)
    meeting = make_meeting(private, title="Closed doors")
    assert mailing.notify_followers(meeting.pk) == 1
    assert list(Mail.objects.values_list("to", flat=True)) == ["member@example.org"]
    draft = make_meeting(private, status=MeetingStatus.DRAFT)
    assert mailing.notify_followers(draft.pk) == 0


@pytest.mark.usefixtures("empty_queue")
def test_a_digest_never_moves_past_a_publication_still_being_committed() -> None:
    """A meeting published in a transaction still open is sent by the next run."""
    import threading

    world = build_world()
    _age(world)
    member = world.users["member"]
    Follow.objects.create(user=member, cell=world.cells["public"])
    _subscribe(member)
    started, finish = threading.Event(), threading.Event()

    def publish_slowly() -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            make_meeting(world.cells["public"], title="Slow to commit")
            started.set()
            finish.wait(30)
        connection.close()

    writer = threading.Thread(target=publish_slowly)
    writer.start()
    assert started.wait(30)
    first = send_digests(everyone=True)  # the meeting is not committed yet
    finish.set()
    writer.join()
    second = send_digests(everyone=True)
    assert (first.mails, second.mails) == (0, 1)
    assert [m.context["groups"][0]["points"][0]["meeting"] for m in Mail.objects.all()] == [
        "Slow to commit"
    ]


@pytest.mark.usefixtures("empty_queue")
def test_a_session_that_only_reads_does_not_hold_digests_back() -> None:
    import threading

    world = build_world()
    _age(world)
    member = world.users["member"]
    Follow.objects.create(user=member, cell=world.cells["public"])
    _subscribe(member)
    started, finish = threading.Event(), threading.Event()

    def read_and_wait() -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            list(Meeting.objects.all()[:1])  # a report, say, left open
            started.set()
            finish.wait(30)
        connection.close()

    reader = threading.Thread(target=read_and_wait)
    reader.start()
    assert started.wait(30)
    make_meeting(world.cells["public"], title="Published meanwhile")
    try:
        assert send_digests(everyone=True).mails == 1
    finally:
        finish.set()
        reader.join()


@pytest.mark.django_db
def test_send_digests_command_reports_what_it_queued(world: World) -> None:
    from io import StringIO

    _age(world)
    Follow.objects.create(user=world.users["member"], cell=world.cells["public"])
    _subscribe(world.users["member"])
    make_meeting(world.cells["public"], title="New")
    out = StringIO()
    call_command("send_digests", "--now", stdout=out)
    assert out.getvalue().strip() == "1 digest queued (2 points) for 1 member due."
    assert html_part(mailing_message()).count("point-") >= 1


def mailing_message() -> Any:
    from betterway.mail import render_mail

    mail = Mail.objects.get()
    return render_mail(mail.template, mail.to, mail.context, mail.headers)


@pytest.mark.django_db
def test_the_workers_hourly_job_sends_the_digests_that_are_due(world: World) -> None:
    from notes.following.tasks import send_due_digests

    _age(world)
    member = world.users["member"]
    Follow.objects.create(user=member, cell=world.cells["public"])
    today = timezone.localtime().weekday()
    _subscribe(member, digest_day=today)
    make_meeting(world.cells["public"], title="New")
    # The job's time is the hour it was due: here, the second after the meeting.
    send_due_digests(timestamp=int(timezone.now().timestamp()) + 1)
    assert [mail.to for mail in Mail.objects.all()] == ["member@example.org"]


def test_the_reason_counts_in_plurals_as_written() -> None:
    from types import SimpleNamespace

    from notes.following.mailing import _reason

    follows: list[Any] = [SimpleNamespace(kind=kind) for kind in ["theme", "theme", "search"]]
    follows += [SimpleNamespace(kind="search")]
    assert _reason(follows) == "you follow 2 themes and 2 searches"
