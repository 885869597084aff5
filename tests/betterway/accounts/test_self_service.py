"""People look after their own accounts: password reset, profile, a new e-mail address."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from betterway.accounts.views import EMAIL_CHANGE_SALT
from betterway.models import Mail, User
from tests.personas import PASSWORD, World, deliver_mail, html_part, link_in

NEW_PASSWORD = "another-long-password-3"


@pytest.fixture
def mia(db: None) -> User:
    return User.objects.create_user(
        "mia", email="mia@example.org", password=PASSWORD, display_name="Mia"
    )


def test_forgotten_password_by_mail_end_to_end(client: Any, mia: User) -> None:
    login_page = client.get(reverse("login"))
    assert reverse("password_reset") in login_page.text
    response = client.post(reverse("password_reset"), {"email": "MIA@example.org"}, follow=True)
    assert "Check your mail" in response.text
    deliver_mail()
    (message,) = mail.outbox
    assert message.to == ["mia@example.org"] and "new password" in message.subject
    assert "new password" in html_part(message)
    link = link_in(message.body, "/accounts/password/reset/")
    browser = Client()
    page = browser.get(link, follow=True)
    form_url = page.redirect_chain[-1][0]
    done = browser.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Your new password is saved" in done.text
    assert (
        Client().post(reverse("login"), {"username": "mia", "password": NEW_PASSWORD}).status_code
        == 302
    )
    # The link worked once.
    assert "This link no longer works" in Client().get(link, follow=True).text


def test_reset_answers_the_same_whether_or_not_the_address_exists(client: Any, mia: User) -> None:
    known = client.post(reverse("password_reset"), {"email": "mia@example.org"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert Mail.objects.filter(to="nobody@example.org").count() == 0
    assert Mail.objects.filter(to="mia@example.org").count() == 1


def test_profile_needs_a_login(client: Any, db: None) -> None:
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_member_changes_their_display_name(client: Any, mia: User) -> None:
    client.force_login(mia)
    response = client.post(
        reverse("profile"), {"action": "name", "display_name": "Mia K."}, follow=True
    )
    assert "Your name is saved" in response.text
    mia.refresh_from_db()
    assert mia.display_name == "Mia K."


def test_a_new_email_address_is_confirmed_by_mail(client: Any, mia: User) -> None:
    client.force_login(mia)
    response = client.post(
        reverse("profile"), {"action": "email", "email": "mia.k@example.org"}, follow=True
    )
    assert "We sent a link to mia.k@example.org" in response.text
    mia.refresh_from_db()
    assert mia.email == "mia@example.org"  # unchanged until confirmed
    deliver_mail()
    assert mail.outbox[0].to == ["mia.k@example.org"]
    link = link_in(mail.outbox[0].body, "/accounts/profile/email/")
    confirmed = client.get(link, follow=True)
    assert "Your e-mail address is now mia.k@example.org" in confirmed.text
    mia.refresh_from_db()
    assert mia.email == "mia.k@example.org"


def test_an_address_in_use_is_not_revealed_and_not_taken(
    client: Any, mia: User, world: World
) -> None:
    other = world.users["member"]
    other.email = "taken@example.org"
    other.save()
    client.force_login(mia)
    response = client.post(
        reverse("profile"), {"action": "email", "email": "TAKEN@example.org"}, follow=True
    )
    assert "We sent a link to TAKEN@example.org" in response.text  # the same answer
    assert deliver_mail() == []  # but nothing is sent to the other account's address


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("forged-token", "not one we sent"),
        (
            signing.dumps({"user": 1, "email": "x@example.org"}, salt="another.salt"),
            "not one we sent",
        ),
    ],
)
def test_bad_email_links_say_why(client: Any, mia: User, token: str, reason: str) -> None:
    response = client.get(reverse("email_confirm", kwargs={"token": token}))
    assert response.status_code == 400 and reason in response.text


def test_an_expired_email_link_says_so(client: Any, mia: User) -> None:
    token = signing.dumps({"user": mia.pk, "email": "new@example.org"}, salt=EMAIL_CHANGE_SALT)
    # Read ten thousand years later.
    with mock.patch("django.core.signing.time.time", return_value=10**12):
        response = client.get(reverse("email_confirm", kwargs={"token": token}))
    assert response.status_code == 400 and "has expired" in response.text
    mia.refresh_from_db()
    assert mia.email == "mia@example.org"


def test_password_change_from_the_profile(client: Any, mia: User) -> None:
    client.force_login(mia)
    assert reverse("password_change") in client.get(reverse("profile")).text
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.check_password(NEW_PASSWORD)
