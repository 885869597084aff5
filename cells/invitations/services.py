"""Inviting, re-sending, withdrawing and accepting invitations."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from betterway.mail import queue_mail
from betterway.models import User
from cells.models import Cell, Invitation, Membership


class InvitationUnusable(Exception):
    """The link cannot be used; ``reason`` says why, for the person holding it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InviteOutcome:
    """What inviting one address did: "invited", "added" (an existing account),
    "already member" or "already invited" (nothing changed).
    """

    kind: str
    invitation: Invitation | None = None

    @property
    def changed(self) -> bool:
        return self.kind in {"invited", "added"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + datetime.timedelta(days=settings.INVITATION_DAYS)
    return token


def invite(
    cell: Cell, email: str, role: str, invited_by: Any, site_url: str, name: str = ""
) -> InviteOutcome:
    """Invite ``email`` to ``cell``; an existing account is added and told.

    Running it again for the same address and cell changes nothing.
    """
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            if Membership.objects.filter(user=user, cell=cell).exists():
                return InviteOutcome("already member")
            Membership.objects.create(user=user, cell=cell, role=role)
            queue_mail(
                f"added:{cell.pk}:{user.pk}",
                "added_to_cell",
                user.email,
                _context(cell, role, invited_by, site_url, cell_url=_cell_url(cell, site_url)),
            )
            return InviteOutcome("added")
        existing = cell.invitations.open().filter(email__iexact=email).first()
        if existing is not None:
            return InviteOutcome("already invited", existing)
        invitation = Invitation(cell=cell, email=email, name=name.strip(), role=role)
        invitation.invited_by = invited_by if getattr(invited_by, "pk", None) else None
        token = _new_token(invitation)
        invitation.save()
        _mail(invitation, token, site_url)
        return InviteOutcome("invited", invitation)


def resend(invitation: Invitation, site_url: str) -> Invitation:
    """A new link (the old one stops working) valid for another full period."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at or locked.withdrawn_at:
            raise InvitationUnusable(f"This invitation was {locked.status}; it cannot be sent.")
        token = _new_token(locked)
        locked.sends += 1
        locked.save()
        _mail(locked, token, site_url)
    return locked


def withdraw(invitation: Invitation) -> None:
    Invitation.objects.open().filter(pk=invitation.pk).update(withdrawn_at=timezone.now())


def usable(token: str) -> Invitation:
    """The invitation this link belongs to, or InvitationUnusable saying why not."""
    invitation = Invitation.objects.select_related("cell").filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationUnusable(
            "This link is not one we sent, or it has been replaced by a newer invitation."
        )
    if invitation.status == "accepted":
        raise InvitationUnusable("This invitation has been used already. Log in instead.")
    if invitation.status == "withdrawn":
        raise InvitationUnusable("This invitation was withdrawn by the cell.")
    if invitation.status == "expired":
        raise InvitationUnusable("This invitation has expired.")
    return invitation


def accept(token: str, display_name: str, password: str) -> User:
    """Create the invitee's account and membership; the link then stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=usable(token).pk)
        usable(token)  # again, under the lock: two clicks cannot both succeed
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User(
                username=_free_username(invitation.email),
                email=invitation.email,
                display_name=display_name.strip(),
            )
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(
            user=user, cell=invitation.cell, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _free_username(email: str) -> str:
    base = slugify(email.split("@")[0])[:140] or "member"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _cell_url(cell: Cell, site_url: str) -> str:
    return site_url.rstrip("/") + cell.get_absolute_url()


def _context(cell: Cell, role: str, invited_by: Any, site_url: str, **extra: str) -> dict[str, Any]:
    inviter = invited_by.get_display_name() if getattr(invited_by, "pk", None) else ""
    return {
        "cell": cell.name,
        "role": "facilitator" if role == "facilitator" else "member",
        "inviter": inviter,
        "site_url": site_url,
        **extra,
    }


def _mail(invitation: Invitation, token: str, site_url: str) -> None:
    accept_url = site_url.rstrip("/") + reverse("cells:invitation_accept", kwargs={"token": token})
    context = _context(
        invitation.cell, invitation.role, invitation.invited_by, site_url, accept_url=accept_url
    )
    context["expires"] = f"{timezone.localtime(invitation.expires_at):%-d %B %Y}"
    queue_mail(
        f"invitation:{invitation.pk}:{invitation.sends}", "invitation", invitation.email, context
    )
