"""End to end in a real Chromium: log in, see the home page, open a meeting."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World


def test_member_logs_in_and_reads_a_meeting_of_their_private_cell(page: Page, world: World) -> None:
    log_in(page, "member", PASSWORD)

    # Logged in, the home page is the member's dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Member")
    expect(page.get_by_role("heading", name="Your cells")).to_be_visible()
    expect(page.get_by_text("Member", exact=False).first).to_be_visible()
    assert_accessible(page)

    meeting = world.meetings[("private", "published")]
    page.get_by_role("link", name=meeting.title).click()
    expect(page).to_have_url(re.compile(re.escape(meeting.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)
    expect(page.locator("#point-1")).to_contain_text("Point heading 1")
    expect(page.locator("#point-2").get_by_text("leadership")).to_be_visible()
    assert_accessible(page)

    # The draft of the same cell is for facilitators: the member gets 404.
    draft = world.meetings[("private", "draft")]
    response = page.goto(draft.get_absolute_url())
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_visitor_reads_public_cells_only_and_logs_in_from_the_header(
    page: Page, world: World
) -> None:
    page.goto("/cells/")
    expect(page.get_by_role("link", name="Public cell")).to_be_visible()
    expect(page.get_by_role("link", name="Private cell")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Public cell").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public cell")
    assert_accessible(page)

    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("E-mail address or username").fill("member")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("E-mail address or username")).to_have_value("member")
    assert_accessible(page)


def test_keyboard_user_can_skip_to_the_content(page: Page, world: World) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
