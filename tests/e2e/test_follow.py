"""End to end in a real Chromium, with a real SMTP server and a real worker: a member
follows a theme, another cell publishes a point on it, the digest brings the
member to that exact point, and the member unsubscribes from the mail's link.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cells.models import Membership, Role
from notes.following.mailing import send_digests
from notes.following.models import DigestFrequency, Follow, Subscriber
from tests.conftest import SmtpInbox
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World, link_in, run_worker

NOTE = """Note of Better Way cell discussion, Network cell, 12 November 2026

The topic of discussion was who leads a place and it was introduced by Dana Whitfield \
who said that leadership in a town is shared by more people than the council.

One example was a library whose volunteers ran the budget consultation."""


@pytest.mark.usefixtures("empty_queue")
def test_a_member_follows_a_theme_and_the_digest_brings_them_to_the_new_point(
    page: Page, world: World, smtp_server: SmtpInbox, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    member = world.users["other_member"]  # reads the network cell, not a member of it
    member.email = "other_member@example.org"
    member.save()
    facilitator = world.users["facilitator"]
    network = world.cells["network"]
    Membership.objects.create(user=facilitator, cell=network, role=Role.FACILITATOR)

    # The member follows "leadership" from its page, without a page reload.
    log_in(page, "other_member", PASSWORD)
    page.goto("/themes/leadership/")
    follow = page.get_by_role("button", name="Follow leadership")
    page.evaluate("window.notReloaded = true")
    follow.click()
    expect(page.get_by_role("button", name="Following leadership")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("status").first).to_contain_text("You follow leadership")
    assert page.evaluate("window.notReloaded") is True
    assert Follow.objects.filter(user=member, theme__name="leadership").exists()
    assert_accessible(page)
    # And a search, named, also without a reload.
    page.goto("/search/?q=councils")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Follow this search as").fill("Councils")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("You follow the search “Councils”")
    assert page.evaluate("window.notReloaded") is True
    assert Follow.objects.filter(user=member, name="Councils", query="q=councils").exists()
    assert_accessible(page)
    page.get_by_role("link", name="Following", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Following")
    expect(page.get_by_role("region", name="What you follow")).to_contain_text("leadership")
    assert_accessible(page)

    # A facilitator of another cell publishes a meeting with a point on leadership.
    page.get_by_role("button", name="Log out").click()
    log_in(page, "facilitator", PASSWORD)
    page.goto(network.get_absolute_url())
    page.get_by_role("link", name="Record a new meeting").click()
    page.get_by_label("Paste the whole note").fill(NOTE)
    page.get_by_role("button", name="Split into points").click()
    page.locator("#points-0-title").click()
    page.locator("#id_points-0-themes").fill("leadership")
    page.locator("#id_points-0-themes").press("Enter")
    expect(page.locator("#id_points-0-themes-value")).to_have_value("leadership")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who leads a place")
    page.get_by_role("button", name="Log out").click()

    # The digest run sends the member one mail, through the worker.
    assert send_digests(everyone=True).mails == 1
    worker = run_worker(smtp_server.url)
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    (message,) = smtp_server.messages
    assert message["To"] == "other_member@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Who leads a place" in text and "because you follow 1 theme and 1 search" in text
    point_url = re.search(r"http://\S+/cells/network-cell/meetings/\d+/#point-1", text)
    assert point_url is not None, text

    # The mail's link opens that exact point.
    log_in(page, "other_member", PASSWORD)
    page.goto(point_url.group(0))
    point = page.locator("#point-1")
    expect(point).to_contain_text("leadership in a town is shared")
    assert page.evaluate("document.querySelector(':target').id") == "point-1"
    assert_accessible(page)

    # The member unsubscribes from the mail's link, logged out.
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + link_in(text, "/unsubscribe/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_accessible(page)
    assert Subscriber.objects.get(user=member).digest == DigestFrequency.NEVER
