"""Invitations: who may invite, the mail and its single-use link, and the CSV import."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from betterway.models import User
from cells.models import Invitation, Membership, Role
from tests.personas import PERSONAS, World, can_edit, can_read, deliver_mail, html_part, link_in

NEW_PASSWORD = "a-long-new-password-7"


def invitations_url(world: World, visibility: str = "private") -> str:
    return reverse("cells:invitations", kwargs={"slug": world.cells[visibility].slug})


def _invite(client: Any, world: World, email: str, role: str = "member") -> Any:
    return client.post(invitations_url(world), {"email": email, "role": role}, follow=True)


@pytest.fixture
def facilitator(client: Any, world: World) -> Any:
    client.force_login(world.users["facilitator"])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_cells_facilitators_and_staff_may_invite(
    login: Callable[[str], Any], world: World, persona: str
) -> None:
    client = login(persona)
    response = client.post(invitations_url(world), {"email": "x@example.org", "role": "member"})
    page = client.get(invitations_url(world))
    if persona == "anonymous":
        assert response.status_code == 302 and page.status_code == 302
    elif can_edit(persona, "private"):
        assert response.status_code == 302 and page.status_code == 200
    else:
        expected = 403 if can_read(persona, "private", "published") else 404
        assert response.status_code == expected and page.status_code == expected
    assert Invitation.objects.exists() is can_edit(persona, "private")


def test_a_facilitator_of_another_cell_cannot_invite_to_yours(client: Any, world: World) -> None:
    other = User.objects.create_user("other_facilitator", password="x-long-password-1")
    assert world.other_cell is not None
    Membership.objects.create(user=other, cell=world.other_cell, role=Role.FACILITATOR)
    client.force_login(other)
    response = client.post(invitations_url(world), {"email": "x@example.org", "role": "member"})
    assert response.status_code == 404
    for pk in [1, 99]:
        resend = reverse("cells:invitation_resend", args=["private-cell", pk])
        assert client.post(resend).status_code == 404
    assert not Invitation.objects.exists()


def test_an_invitee_follows_the_mail_sets_a_password_and_lands_in_the_cell(
    facilitator: Any, world: World
) -> None:
    response = _invite(facilitator, world, "Amara.Okafor@Example.org", role="member")
    assert "the mail is on its way" in response.text
    deliver_mail()
    (message,) = mail.outbox
    assert message.to == ["Amara.Okafor@example.org"]
    assert "Private cell" in message.subject
    html = html_part(message)
    link = link_in(message.body, "/cells/join/")
    assert link in html

    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200 and "Join Private cell" in page.text
    response = invitee.post(
        link,
        {"display_name": "Amara Okafor", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == world.cells["private"].get_absolute_url()
    assert "Welcome to Private cell" in response.text
    user = User.objects.get(email__iexact="amara.okafor@example.org")
    assert user.display_name == "Amara Okafor"
    assert Membership.objects.get(user=user).role == Role.MEMBER
    # The link works once; then log in with the address in any case.
    assert "has been used already" in Client().get(link).text
    fresh = Client()
    logged_in = fresh.post(
        reverse("login"), {"username": "AMARA.OKAFOR@EXAMPLE.ORG", "password": NEW_PASSWORD}
    )
    assert logged_in.status_code == 302


def test_inviting_an_existing_account_adds_it_and_tells_them(
    facilitator: Any, world: World
) -> None:
    outsider = world.users["outsider"]
    outsider.email = "outsider@example.org"
    outsider.save()
    response = _invite(facilitator, world, "OUTSIDER@example.org", role="facilitator")
    assert "they are now in the cell" in response.text
    assert Membership.objects.get(user=outsider, cell=world.cells["private"]).role == "facilitator"
    deliver_mail()
    assert mail.outbox[0].to == ["outsider@example.org"]
    assert "You are now in Private cell" in mail.outbox[0].subject
    again = _invite(facilitator, world, "outsider@example.org")
    assert "is a member of this cell already" in again.text


def test_inviting_twice_sends_one_invitation(facilitator: Any, world: World) -> None:
    _invite(facilitator, world, "new@example.org")
    response = _invite(facilitator, world, "NEW@example.org")
    assert "has an invitation already" in response.text
    assert Invitation.objects.count() == 1
    assert len(deliver_mail()) == 1


def test_a_bad_address_is_refused_and_kept(facilitator: Any, world: World) -> None:
    response = facilitator.post(
        invitations_url(world), {"email": "not-an-address", "role": "member"}
    )
    assert response.status_code == 400
    assert 'value="not-an-address"' in response.text
    assert "Enter a valid email address" in response.text


def test_resending_replaces_the_link_and_withdrawing_stops_it(
    facilitator: Any, world: World
) -> None:
    _invite(facilitator, world, "new@example.org")
    deliver_mail()
    first = link_in(mail.outbox[0].body, "/cells/join/")
    invitation = Invitation.objects.get()
    facilitator.post(reverse("cells:invitation_resend", args=["private-cell", invitation.pk]))
    deliver_mail()
    second = link_in(mail.outbox[1].body, "/cells/join/")
    assert first != second
    assert "replaced by a newer invitation" in Client().get(first).text
    assert Client().get(second).status_code == 200
    facilitator.post(reverse("cells:invitation_withdraw", args=["private-cell", invitation.pk]))
    response = Client().get(second)
    assert response.status_code == 410 and "withdrawn" in response.text


def test_expired_and_forged_links_say_what_happened(facilitator: Any, world: World) -> None:
    _invite(facilitator, world, "late@example.org")
    deliver_mail()
    link = link_in(mail.outbox[0].body, "/cells/join/")
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    expired = Client().get(link)
    assert expired.status_code == 410 and "has expired" in expired.text
    assert "send it again" in expired.text
    forged = Client().get(reverse("cells:invitation_accept", args=["made-up-token"]))
    assert forged.status_code == 410 and "not one we sent" in forged.text
    page = facilitator.get(invitations_url(world))
    assert "Expired" in page.text and "Send again" in page.text


def test_a_weak_or_mismatched_password_keeps_the_name(facilitator: Any, world: World) -> None:
    _invite(facilitator, world, "new@example.org")
    deliver_mail()
    link = link_in(mail.outbox[0].body, "/cells/join/")
    response = Client().post(
        link, {"display_name": "Ben", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 400 and 'value="Ben"' in response.text
    assert "entirely numeric" in response.text
    response = Client().post(
        link, {"display_name": "Ben", "password1": NEW_PASSWORD, "password2": "other-password-9"}
    )
    assert "The two passwords differ" in response.text
    assert not User.objects.filter(email="new@example.org").exists()


# CSV import in the admin ------------------------------------------------------

IMPORT = "/admin/cells/invitation/import/"


@pytest.fixture
def superuser(client: Any, world: World) -> Any:
    client.force_login(world.users["superuser"])
    return client


def _upload(client: Any, text: str | bytes, name: str = "people.csv") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


CSV = (
    "name,email,cell,role\n"
    "Amara Okafor,amara@example.org,private-cell,member\n"
    "Ben Doyle,ben@example.org,Public cell,facilitator\n"
    "Bad,not-an-address,private-cell,member\n"
    "Lost,lost@example.org,no-such-cell,member\n"
    "Odd,odd@example.org,private-cell,chair\n"
)


def test_csv_import_previews_then_invites_and_twice_changes_nothing(
    superuser: Any, world: World
) -> None:
    preview = _upload(superuser, CSV)
    assert preview.status_code == 200
    rows = {row.line: row for row in preview.context["rows"]}
    assert rows[2].outcome == "invite" and rows[3].outcome == "invite"
    assert "not an e-mail address" in rows[4].error
    assert "No cell called" in rows[5].error
    assert "Role must be" in rows[6].error
    assert not Invitation.objects.exists()  # nothing until confirmed

    done = superuser.post(IMPORT, {"csv_text": CSV, "apply": "1"}, follow=True)
    assert "Invited 2 new people" in done.text
    assert Invitation.objects.get(email="ben@example.org").role == "facilitator"
    assert Invitation.objects.get(email="amara@example.org").name == "Amara Okafor"
    assert len(deliver_mail()) == 2

    again = _upload(superuser, CSV)
    assert [row.outcome for row in again.context["rows"] if not row.error] == [
        "already invited",
        "already invited",
    ]
    superuser.post(IMPORT, {"csv_text": CSV, "apply": "1"})
    assert Invitation.objects.count() == 2
    assert deliver_mail() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("email,role\nx@example.org,member\n", "missing: name, cell"),
        ("name,email,cell,role\n", "no people in it"),
        (b"\xff\xfe\x00b\x00a\x00d", "not UTF-8 text"),
        (b"name,email,cell,role\n" + b"x" * (2 * 1024 * 1024), "larger than 1024 KB"),
    ],
)
def test_csv_import_refuses_a_bad_file_with_a_reason(
    superuser: Any, world: World, data: str | bytes, message: str
) -> None:
    response = _upload(superuser, data)
    assert response.status_code == 200
    assert message in response.text
    assert not Invitation.objects.exists()


def test_only_staff_who_may_change_invitations_can_import(client: Any, world: World) -> None:
    client.force_login(world.users["facilitator"])
    assert client.get(IMPORT).status_code == 302  # to the admin's log-in
    client.force_login(world.users["staff"])  # staff without permissions
    assert client.get(IMPORT).status_code == 403
