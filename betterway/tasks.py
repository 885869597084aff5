"""Background work of the site, run by ``manage.py procrastinate worker``."""

from __future__ import annotations

import logging
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from betterway.mail import render_mail
from betterway.models import Mail

log = logging.getLogger(__name__)

# An SMTP server that refuses or is down is tried again: after 10 s, 20 s,
# 40 s … for about 3 hours, then the job is recorded as failed (admin:
# Procrastinate jobs) with the mail's last error on the Mail row.
MAIL_RETRY = RetryStrategy(max_attempts=11, exponential_wait=10)
# A worker that stopped sending heartbeats this long ago has crashed.
STALLED_AFTER_SECONDS = 60


@app.task(queue="mail", retry=MAIL_RETRY)
def send_mail(mail_id: int) -> None:
    """Send one queued mail unless it was sent already: exactly once per event."""
    try:
        _send(mail_id)
    except Exception as error:
        # The failed send rolled its transaction back; keep why, for the admin.
        Mail.objects.filter(pk=mail_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise


def _send(mail_id: int) -> None:
    with transaction.atomic():
        # The row lock makes a second worker holding the same mail wait, then skip it.
        mail = Mail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.sent_at is not None:
            return
        render_mail(mail.template, mail.to, mail.context, mail.headers).send()
        mail.attempts += 1
        mail.sent_at = timezone.now()
        mail.last_error = ""
        mail.save(update_fields=["attempts", "sent_at", "last_error"])


@app.periodic(cron="* * * * *")
@app.task(queue="maintenance", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Put back in the queue the jobs of workers that crashed mid-job."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS):
        log.warning("Retrying job %s (%s) of a stalled worker", job.id, job.task_name)
        await manager.retry_job(job)


@app.periodic(cron="40 3 * * *")
@app.task(queue="maintenance", queueing_lock="clear_expired_sessions")
def clear_expired_sessions(timestamp: int) -> None:
    """Each night: delete the sessions past their expiry, which Django keeps until
    asked (its ``clearsessions``), so the table holds only live logins.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
