"""Mail: rendered from templates (a subject, a text part and an HTML part), queued
in the same transaction as the event that causes it, and sent by the worker.

Templates live in ``templates/mail/``: ``NAME_subject.txt``, ``NAME.txt`` and
``NAME.html`` (which extends ``mail/base.html``). Every mail names the site and
links back to it; none loads anything from elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from betterway.models import Mail

SITE_NAME = "Better Way Notes"


def render_mail(
    template: str, to: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """The message for ``template`` with ``context`` (plain values: it comes from JSON)."""
    context = {"site_name": SITE_NAME, **context}
    subject = " ".join(render_to_string(f"mail/{template}_subject.txt", context).split())
    text = render_to_string(f"mail/{template}.txt", context)
    html = render_to_string(f"mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or None
    )
    message.attach_alternative(html, "text/html")
    return message


def queue_mail(
    key: str,
    template: str,
    to: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Mail:
    """Queue one mail for the event ``key``; queueing the same event again does nothing.

    The job is deferred when the surrounding transaction commits, so a rolled
    back action sends nothing and the worker always finds the row.
    """
    render_mail(template, to, context, headers)  # a template error shows here, not in the worker
    mail, created = Mail.objects.get_or_create(
        key=key,
        defaults={"to": to, "template": template, "context": context, "headers": headers or {}},
    )
    if created:
        from betterway.tasks import send_mail

        transaction.on_commit(lambda: send_mail.defer(mail_id=mail.pk))
    return mail
