"""The worker's job for actions: reminders, checked every hour."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from notes.actions.reminders import send_reminders

log = logging.getLogger(__name__)


@app.periodic(cron="15 * * * *")
@app.task(queue="digests", queueing_lock="send_action_reminders")
def send_action_reminders(timestamp: int) -> None:
    """Each hour: reminders that became due (each goes out once, whichever run sees it)."""
    run = send_reminders()
    log.info("Action reminders: %s due soon, %s overdue", run.due_soon, run.overdue)
