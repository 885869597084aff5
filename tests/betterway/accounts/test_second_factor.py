"""Staff open the admin with a code from an authenticator app, when the settings ask for it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD, World

ADMIN = reverse("admin:index")
SECOND = reverse("second_factor")


@pytest.fixture(autouse=True)
def _second_factor_on(settings: Any) -> None:
    settings.ADMIN_REQUIRES_SECOND_FACTOR = True  # as in production


def _code(device: TOTPDevice) -> str:
    """The code the member's app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _log_in(world: World, persona: str) -> Client:
    client = Client()
    response = client.post(
        reverse("admin:login") + f"?next={ADMIN}",
        {"username": persona, "password": PASSWORD, "next": ADMIN},
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("persona", ["staff", "network_admin", "superuser"])
def test_staff_set_up_an_app_then_open_the_admin(world: World, persona: str, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code below
    client = _log_in(world, persona)
    # The password alone does not open the admin: it leads to the second factor.
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(SECOND)
    assert "Set up your second factor" in response.text and "<svg" in response.text
    secret = re.search(r'<code class="qr__secret">([A-Z2-7 ]+)</code>', response.text)
    assert secret is not None
    device = TOTPDevice.objects.get(user=world.users[persona])
    assert not device.confirmed

    wrong = client.post(SECOND, {"code": "000000", "next": ADMIN})
    assert wrong.status_code == 400 and "not right" in wrong.text
    assert client.get(ADMIN).status_code == 302

    right = client.post(SECOND, {"code": _code(device), "next": ADMIN})
    assert right.status_code == 302 and right["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_next_time_only_the_code_is_asked_and_a_used_code_is_refused(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.users["staff"], name="phone", confirmed=True)
    first = _log_in(world, "staff")
    page = first.get(SECOND)
    assert "Your code, please" in page.text and "<svg" not in page.text
    code = _code(device)
    assert first.post(SECOND, {"code": code}).status_code == 302
    # The same code again (a second browser, replaying it) is refused.
    second = _log_in(world, "staff")
    assert second.post(SECOND, {"code": code}).status_code == 400
    assert second.get(ADMIN).status_code == 302


def test_wrong_codes_make_the_next_try_wait(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.users["staff"], name="phone", confirmed=True)
    client = _log_in(world, "staff")
    assert client.post(SECOND, {"code": "000000"}).status_code == 400
    throttled = client.post(SECOND, {"code": _code(device)})
    assert throttled.status_code == 400 and "Too many wrong codes" in throttled.text
    assert client.get(ADMIN).status_code == 302


def test_members_have_no_second_factor_page(login: Any, world: World) -> None:
    assert login("member").get(SECOND).status_code == 404
    assert Client().get(SECOND).status_code == 302  # log in first


def test_a_foreign_next_address_is_not_followed(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.users["staff"], name="phone", confirmed=True)
    client = _log_in(world, "staff")
    response = client.post(SECOND, {"code": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == ADMIN


def test_the_demo_may_turn_it_off(world: World, settings: Any) -> None:
    settings.ADMIN_REQUIRES_SECOND_FACTOR = False
    client = _log_in(world, "staff")
    assert client.get(ADMIN).status_code == 200
