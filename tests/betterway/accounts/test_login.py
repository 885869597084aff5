"""Logging in by e-mail or username in any case, and lock-outs that hold across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import reverse

from betterway.accounts.lockout import client_ip
from betterway.models import User
from tests.personas import PASSWORD, World, database_url_of_tests

LOGIN = "/accounts/login/"
PAUSED = "Logging in is paused"


@pytest.fixture
def mia(db: None) -> User:
    return User.objects.create_user("mia", email="Mia.Kowalski@example.org", password=PASSWORD)


@pytest.mark.parametrize(
    "typed", ["mia", "Mia", "MIA", "mia.kowalski@example.org", "MIA.KOWALSKI@EXAMPLE.ORG"]
)
def test_log_in_with_username_or_email_in_any_case(client: Any, mia: User, typed: str) -> None:
    response = client.post(LOGIN, {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(mia.pk)


def test_a_wrong_password_by_email_is_refused(client: Any, mia: User) -> None:
    response = client.post(LOGIN, {"username": "mia.kowalski@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_email_addresses_are_unique_whatever_their_case(mia: User) -> None:
    with pytest.raises(IntegrityError):
        User.objects.create_user("other", email="mia.KOWALSKI@example.org", password=PASSWORD)


def test_accounts_without_email_do_not_clash(db: None) -> None:
    User.objects.create_user("a", password=PASSWORD)
    User.objects.create_user("b", password=PASSWORD)
    assert User.objects.filter(email="").count() == 2


@pytest.mark.parametrize("url", [LOGIN, "/admin/login/"])
def test_five_failures_pause_the_account_even_for_the_right_password(
    world: World, client: Any, url: str
) -> None:
    for _ in range(4):
        response = client.post(url, {"username": "staff", "password": "wrong"})
        assert PAUSED not in response.text
    # The fifth failure pauses the account, and says so.
    response = client.post(url, {"username": "staff", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert PAUSED in response.text and "set a new one by e-mail" in response.text
    assert "_auth_user_id" not in client.session


def test_case_and_email_variants_count_against_one_account(client: Any, mia: User) -> None:
    for typed in ["mia", "MIA", "Mia", "mia.kowalski@example.org", "MIA.kowalski@example.org"]:
        client.post(LOGIN, {"username": typed, "password": "wrong"})
    response = client.post(LOGIN, {"username": "mia", "password": PASSWORD})
    assert response.status_code == 429


def test_an_address_alone_is_never_locked_out(world: World, client: Any) -> None:
    """Many failures from one address (a shared office, a proxy) lock those usernames only."""
    for username in ["member", "outsider", "other_member"]:
        for _ in range(5):
            client.post(LOGIN, {"username": username, "password": "wrong"})
    response = client.post(LOGIN, {"username": "facilitator", "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_login_clears_the_failures(world: World, client: Any) -> None:
    for _ in range(4):
        client.post(LOGIN, {"username": "member", "password": "wrong"})
    assert client.post(LOGIN, {"username": "member", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        client.post(LOGIN, {"username": "member", "password": "wrong"})
    assert client.post(LOGIN, {"username": "member", "password": PASSWORD}).status_code == 302


def test_a_forwarded_header_is_ignored_unless_configured(world: World, settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_REAL_IP="203.0.113.7")
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(request) == "10.0.0.9"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request) == "203.0.113.7"


def _failure_in_another_process(username: str) -> int:
    """One failed log-in from a separate Python process on the same database."""
    url = database_url_of_tests()
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        f"r = Client(HTTP_HOST='localhost').post('{LOGIN}', "
        f"{{'username': '{username}', 'password': 'wrong'}});"
        "print(r.status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "betterway.settings",
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_the_lock_out_holds_across_processes(client: Any) -> None:
    """Five failures spread over five server processes lock the account in a sixth."""
    User.objects.create_user("ada", password=PASSWORD)
    codes = [_failure_in_another_process("ada") for _ in range(5)]
    # Each process saw the failures of the others: the fifth was told of the pause.
    assert codes == [200, 200, 200, 200, 429]
    response = client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
