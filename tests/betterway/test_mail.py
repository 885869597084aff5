"""Mail: rendered with text and HTML parts, queued with its event, sent once by the worker."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from betterway.mail import queue_mail, render_mail
from betterway.models import Mail
from betterway.settings import email_settings
from betterway.tasks import send_mail
from tests.conftest import SmtpInbox
from tests.personas import deliver_mail, run_worker

BASE_DIR = Path(__file__).resolve().parents[2]
CONTEXT = {
    "cell": "Northern <cell>",
    "role": "member",
    "inviter": "Fran",
    "site_url": "https://notes.example.org/",
    "accept_url": "https://notes.example.org/cells/join/abc/",
    "expires": "3 December 2026",
}


def test_email_url_forms() -> None:
    smtp = email_settings("EMAIL_URL", "smtp://me%40x.org:p%2Fw@mail.example.org:587?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example.org" and smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "me@x.org" and smtp["EMAIL_HOST_PASSWORD"] == "p/w"
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_settings("EMAIL_URL", "smtp://mail.example.org?ssl=1")["EMAIL_PORT"] == 465
    assert "console" in email_settings("EMAIL_URL", "console:")["EMAIL_BACKEND"]
    assert email_settings("EMAIL_URL", "file:///var/mail/x")["EMAIL_FILE_PATH"] == "/var/mail/x"
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must be"):
        email_settings("EMAIL_URL", "mail.example.org")


def test_every_mail_has_text_and_html_naming_the_site_with_no_outside_assets() -> None:
    message = render_mail("invitation", "new@example.org", CONTEXT)
    assert message.subject == "You are invited to join Northern <cell> on Better Way Notes"
    assert "https://notes.example.org/cells/join/abc/" in message.body
    assert "Better Way Notes" in message.body and "https://notes.example.org/" in message.body
    content, kind = message.alternatives[0]
    assert kind == "text/html"
    html = str(content)
    assert "Northern &lt;cell&gt;" in html  # escaped in HTML
    assert "<img" not in html and "src=" not in html  # no tracking pixels, no assets
    hosts = set(re.findall(r'href="https?://([^/"]+)', html))
    assert hosts == {"notes.example.org"}


@pytest.mark.django_db
def test_the_same_event_queues_one_mail() -> None:
    queue_mail("event:1", "invitation", "a@example.org", CONTEXT)
    queue_mail("event:1", "invitation", "a@example.org", CONTEXT)
    assert Mail.objects.filter(key="event:1").count() == 1


@pytest.mark.django_db
def test_the_task_sends_once_however_often_it_runs() -> None:
    mail = queue_mail("event:2", "invitation", "a@example.org", CONTEXT)
    send_mail(mail_id=mail.pk)
    send_mail(mail_id=mail.pk)
    assert len(django_mail.outbox) == 1
    mail.refresh_from_db()
    assert mail.sent_at is not None and mail.attempts == 1


@pytest.mark.django_db
def test_a_refusing_server_leaves_the_mail_queued_with_its_error(
    smtp_server: SmtpInbox,
) -> None:
    smtp_server.refuse = True
    mail = queue_mail("event:3", "invitation", "a@example.org", CONTEXT)
    with pytest.raises(Exception, match="451"):
        send_mail(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.sent_at is None and mail.attempts == 1 and "451" in mail.last_error
    smtp_server.refuse = False
    deliver_mail()
    assert [m["To"] for m in smtp_server.messages] == ["a@example.org"]


def _jobs(status: str) -> int:
    """Mail jobs in ``status`` (the worker also queues its periodic maintenance job)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = %s AND queue_name = 'mail'",
            [status],
        )
        return int(cursor.fetchone()[0])


@pytest.mark.usefixtures("empty_queue")
def test_two_workers_send_each_mail_exactly_once(smtp_server: SmtpInbox) -> None:
    """30 events, each queued twice and given a duplicate job, two workers at once."""
    for number in range(30):
        to = f"p{number}@example.org"
        for _ in range(2):
            with transaction.atomic():
                mail = queue_mail(f"event:{number}", "invitation", to, CONTEXT)
        send_mail.defer(mail_id=mail.pk)  # a second job for the same mail
    assert _jobs("todo") == 60
    workers = [run_worker(smtp_server.url) for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output
    recipients = sorted(str(message["To"]) for message in smtp_server.messages)
    assert recipients == sorted(f"p{number}@example.org" for number in range(30))
    assert Mail.objects.filter(sent_at__isnull=True).count() == 0
    assert _jobs("succeeded") == 60


@pytest.mark.usefixtures("empty_queue")
def test_a_failing_send_is_retried_later_by_the_worker(smtp_server: SmtpInbox) -> None:
    smtp_server.refuse = True
    with transaction.atomic():
        mail = queue_mail("event:retry", "invitation", "r@example.org", CONTEXT)
    output, _ = run_worker(smtp_server.url).communicate(timeout=120)
    mail.refresh_from_db()
    assert mail.sent_at is None and mail.attempts == 1 and "451" in mail.last_error
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts, scheduled_at > now() FROM procrastinate_jobs "
            "WHERE queue_name = 'mail'"
        )
        assert cursor.fetchall() == [("todo", 1, True)], output  # back in the queue, later


@pytest.mark.usefixtures("empty_queue")
def test_a_crashed_workers_job_is_put_back_in_the_queue(smtp_server: SmtpInbox) -> None:
    with transaction.atomic():
        mail = queue_mail("event:crash", "invitation", "c@example.org", CONTEXT)
    with connection.cursor() as cursor:
        # A worker took the job, then stopped sending heartbeats (it crashed).
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - interval '10 minutes') RETURNING id"
        )
        worker_id = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s", [worker_id]
        )
    import asyncio

    from procrastinate.contrib.django import app

    from betterway.tasks import retry_stalled_jobs

    class _Context:
        def __init__(self, app: Any) -> None:
            self.app = app

    connector = app.connector.get_worker_connector()  # type: ignore[attr-defined]
    with app.replace_connector(connector) as worker_app:

        async def retry() -> None:
            async with worker_app.open_async():
                await retry_stalled_jobs.func(_Context(worker_app), 0)  # type: ignore[arg-type]

        asyncio.run(retry())
    assert _jobs("todo") == 1
    output, _ = run_worker(smtp_server.url).communicate(timeout=120)
    assert [str(m["To"]) for m in smtp_server.messages] == ["c@example.org"], output
    mail.refresh_from_db()
    assert mail.sent_at is not None
