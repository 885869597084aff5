"""The worker's jobs for following: digests every hour, notices on publication."""

from __future__ import annotations

import datetime
import logging

from procrastinate.contrib.django import app

from notes.following.mailing import notify_followers, send_digests

log = logging.getLogger(__name__)


@app.periodic(cron="0 * * * *")
@app.task(queue="digests", queueing_lock="send_digests")
def send_due_digests(timestamp: int) -> None:
    """Each hour, the digests that are due: daily ones, and weekly ones on their day."""
    now = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    run = send_digests(now)
    log.info("Digests: %s members due, %s mails, %s points", run.members, run.mails, run.points)


@app.task(queue="mail")
def notify_publication(meeting_id: int) -> None:
    notify_followers(meeting_id)
