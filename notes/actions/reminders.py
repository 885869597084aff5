"""Reminders of actions by mail: two days before the due date, and the day after
it passes, once each, to an owner with an account who may still read the meeting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from betterway.mail import queue_mail
from notes.actions.models import Action
from notes.following.mailing import common_context, site_link, unsubscribe_link

DAYS_BEFORE = 2
# An overdue reminder still goes out this many days late (after a worker
# outage, say); an action overdue for longer when first seen gets none.
OVERDUE_GRACE = datetime.timedelta(days=7)


@dataclass
class ReminderRun:
    """How many reminders a run found due (each is queued once, however many runs)."""

    due_soon: int = 0
    overdue: int = 0


def due_reminders(today: datetime.date) -> list[tuple[Action, str]]:
    """(action, "soon" or "overdue") for every open action with an owner that is due one."""
    soon = Q(due__gte=today, due__lte=today + datetime.timedelta(days=DAYS_BEFORE))
    overdue = Q(due__lt=today, due__gte=today - OVERDUE_GRACE)
    actions = (
        Action.objects.open()
        .filter(soon | overdue, owner__isnull=False, owner__is_active=True)
        .exclude(owner__email="")
        .exclude(owner__subscriber__action_reminders=False)
        .select_related("owner", "meeting__cell", "note")
        .order_by("pk")
    )
    return [(a, "soon" if a.due and a.due >= today else "overdue") for a in actions]


def send_reminders(today: datetime.date | None = None) -> ReminderRun:
    """Queue the reminders due ``today``. The mail key names the action, the kind
    and the due date: two runs (or two workers) queue each reminder once, and a
    changed due date earns new ones.
    """
    today = today or timezone.localdate()
    run = ReminderRun()
    for action, kind in due_reminders(today):
        owner = action.owner
        assert owner is not None and action.due is not None
        if not Action.objects.visible_to(owner).filter(pk=action.pk).exists():
            continue  # the owner left a private cell, or the meeting went back to draft
        url, headers = unsubscribe_link(owner.pk, "reminders")
        context = {
            **common_context(owner),
            "kind": kind,
            "what": action.what,
            "due": f"{action.due.day} {action.due:%B %Y}",
            "cell": action.meeting.cell.name,
            "meeting": action.meeting.title,
            "action_url": site_link(action.get_absolute_url()),
            "actions_url": site_link(
                reverse("notes:cell_actions", args=[action.meeting.cell.slug])
            ),
            "unsubscribe_url": url,
        }
        key = f"action-{kind}:{action.pk}:{action.due.isoformat()}"
        queue_mail(key, "action_reminder", owner.email, context, headers)
        if kind == "soon":
            run.due_soon += 1
        else:
            run.overdue += 1
    return run
