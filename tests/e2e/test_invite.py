"""End to end in a real Chromium, with a real SMTP server and a real worker: an
administrator invites a new member, the mail arrives, the invitee joins and logs in.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SmtpInbox
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World, link_in, run_worker

NEW_PASSWORD = "join-the-cell-2026"


@pytest.mark.usefixtures("empty_queue")
def test_an_invited_member_joins_and_logs_in_with_their_email_in_capitals(
    page: Page, world: World, smtp_server: SmtpInbox
) -> None:
    log_in(page, "staff", PASSWORD)
    cell = world.cells["private"]
    page.goto(cell.get_absolute_url())
    page.get_by_role("link", name=f"Invite people to {cell.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invite people to {cell.name}")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("Amara.Okafor@example.org")
    page.get_by_label("Role").select_option("member")
    invited_at = time.monotonic()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("the mail is on its way")
    expect(page.get_by_role("cell", name="Amara.Okafor@example.org", exact=True)).to_be_visible()
    assert_accessible(page)

    worker = run_worker(smtp_server.url)
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    (message,) = smtp_server.messages
    delivered_after = time.monotonic() - invited_at
    assert message["To"] == "Amara.Okafor@example.org"
    assert delivered_after < 60
    plain, rich = (message.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert plain is not None and rich is not None  # both parts
    text, html = plain.get_content(), rich.get_content()
    link = link_in(text, "/cells/join/")
    assert link in html

    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {cell.name}")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Amara Okafor")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Join the cell").click()
    expect(page).to_have_url(re.compile(re.escape(cell.get_absolute_url()) + "$"))
    expect(page.get_by_role("status")).to_contain_text(f"Welcome to {cell.name}")
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    log_in(page, "AMARA.OKAFOR@EXAMPLE.ORG", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Your cells")).to_be_visible()
    expect(page.get_by_role("link", name=cell.name).first).to_be_visible()
    page.get_by_role("link", name=cell.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cell.name)
    assert_accessible(page)
