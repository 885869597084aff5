"""End to end in a real Chromium: a facilitator records, publishes and edits a meeting."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from notes.models import Theme
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World

# A note in the shape cells write them, written for this test.
NOTE = """Note of Better Way cell discussion, Private cell, 3 March 2019

The topic of discussion was listening to residents and it was introduced by Dana Whitfield \
who said that councils hear complaints but rarely ask questions.

One example was a housing team whose leaders spent a week knocking on doors.

The group suggested that the network shares door-knocking guides."""


def test_facilitator_records_publishes_and_edits_a_meeting(page: Page, world: World) -> None:
    Theme.objects.filter(name="leadership").update(keywords="leader")
    log_in(page, "facilitator", PASSWORD)
    page.goto(world.cells["private"].get_absolute_url())
    page.get_by_role("link", name="Record a new meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a meeting of Private cell")
    assert_accessible(page)

    # Paste the whole note and split it: details come from its first lines.
    page.get_by_label("Paste the whole note").fill(NOTE)
    page.get_by_role("button", name="Split into points").click()
    expect(page.locator("details.point-card")).to_have_count(3)
    expect(page.locator(".notice")).to_contain_text("3 points added from the note")
    expect(page.locator("#points-0-title")).to_be_focused()
    expect(page.get_by_label("Date")).to_have_value("2019-03-03")
    expect(page.get_by_label("Topic")).to_have_value("Listening to residents")
    expect(page.get_by_label("Introduced by", exact=True)).to_have_value("Dana Whitfield")
    page.get_by_label("Member", exact=True).check()
    assert_accessible(page)

    # Tag the first point: Enter accepts a theme and never submits the page; a
    # half-typed name asks before becoming a theme, offering the one meant.
    page.locator("#points-0-title").click()
    themes = page.locator("#id_points-0-themes")
    themes.press_sequentially("lead")
    expect(page.locator('#theme-options option[value="leadership"]')).to_have_count(1)
    themes.press("Enter")
    page.get_by_role("button", name="Use “leadership”").click()
    themes.press_sequentially("listening")
    themes.press("Enter")
    page.get_by_role("button", name="Create “listening”").click()
    expect(page.locator("#id_points-0-themes-value")).to_have_value("leadership, listening")
    expect(page.get_by_role("button", name="Remove theme leadership")).to_be_visible()

    # Accept a suggestion on the second point: its reason names the matched word.
    page.locator("#points-1-title").click()
    suggestion = page.get_by_role("checkbox", name=re.compile("leadership because the text says"))
    expect(page.get_by_text("because the text says “leaders”")).to_be_visible()
    suggestion.check()
    expect(page.locator("#id_points-1-themes-value")).to_have_value("leadership")

    # Preview, then save a draft.
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("knocking")
    expect(preview).to_contain_text("Listening to residents")
    expect(preview).to_contain_text("Once published, the 2 members of Private cell can read it")
    expect(preview).to_be_focused()
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening to residents")
    expect(page.get_by_text("Draft: only facilitators and staff can see this")).to_be_visible()
    expect(page.locator("#point-2").get_by_role("link", name="leadership")).to_be_visible()
    assert_accessible(page)

    # Publish, then edit a point.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    expect(page.get_by_text("Draft: only facilitators")).to_have_count(0)
    page.get_by_role("link", name="Edit the meeting").click()
    page.locator("#points-2-title").click()
    page.locator("#id_points-2-body").fill("The group asked the network to share its guides.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#point-3")).to_contain_text("asked the network to share its guides")

    # The history shows what changed.
    page.get_by_role("link", name="History").click()
    expect(page.locator("ins").first).to_be_visible()
    expect(page.get_by_role("heading", name="Point 3 changed")).to_be_visible()
    assert_accessible(page)
    meeting_url = page.url.removesuffix("history/")

    # A member of the cell reads it; a member of another cell cannot.
    page.get_by_role("button", name="Log out").click()
    log_in(page, "member", PASSWORD)
    page.goto(meeting_url)
    expect(page.locator("#point-3")).to_contain_text("share its guides")
    expect(page.get_by_role("link", name="Edit the meeting")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()
    log_in(page, "other_member", PASSWORD)
    response = page.goto(meeting_url)
    assert response is not None and response.status == 404


def test_facilitator_reorders_points_with_the_move_buttons(page: Page, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    first, second = (note.body for note in meeting.notes.order_by("position"))
    log_in(page, "facilitator", PASSWORD)
    page.goto(f"/cells/private-cell/meetings/{meeting.pk}/edit/")
    page.locator("#points-0-title").click()
    page.get_by_role("button", name="Move Point 1 down").click()
    expect(page.locator("#id_points-0-ORDER")).to_have_value("2")
    expect(page.locator("#id_points-1-ORDER")).to_have_value("1")
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#point-1")).to_contain_text(second)
    expect(page.locator("#point-2")).to_contain_text(first)
