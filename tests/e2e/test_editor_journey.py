"""End to end in Chromium, by keyboard alone at desktop and phone width: a
10-point note recorded, three points tagged, previewed and published; work is
never lost on leaving; two editors at once merge, or decide a clash.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from cells.models import MeetingStatus, Visibility
from notes.models import Note, Theme
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World

# Ten paragraphs in the shape of a cell note, written for this test.
NOTE = "Note of Better Way cell discussion, Private cell, 5 June 2019\n\n" + "\n\n".join(
    f"Point {n} of the discussion: the group compared how councils and charities "
    f"listen to residents, and what leaders could learn from it ({n})."
    for n in range(1, 11)
)


def _tab_to(page: Page, element_id: str, limit: int = 200) -> int:
    """Press Tab until the element has the focus; how many presses it took."""
    for presses in range(1, limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"Tab never reached #{element_id}")


def _tag(page: Page, index: int, theme: str) -> None:
    """Open point ``index`` and give it ``theme``, by keyboard."""
    _tab_to(page, f"points-{index}-title")
    page.keyboard.press("Enter")
    _tab_to(page, f"id_points-{index}-themes")
    page.keyboard.type(theme)
    page.keyboard.press("Enter")  # accepts the theme; never submits the page


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_ten_point_note_is_recorded_by_keyboard_alone(
    browser: Browser, live_server: object, world: World, width: int
) -> None:
    context = browser.new_context(
        base_url=live_server.url,  # type: ignore[attr-defined]
        viewport={"width": width, "height": 800},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "facilitator", PASSWORD)
    page.goto("/cells/private-cell/meetings/new/")
    _tab_to(page, "id_title")
    page.keyboard.type("Listening to residents")
    _tab_to(page, "id_text")
    page.keyboard.insert_text(NOTE)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Split into points
    expect(page.locator("details.point-card")).to_have_count(10)
    expect(page.locator("#points-0-title")).to_be_focused()  # back where the work is
    assert_accessible(page)

    _tag(page, 0, "leadership")
    expect(page.locator("#id_points-0-themes-value")).to_have_value("leadership")
    _tag(page, 4, "listening")
    page.get_by_role("button", name="Create “listening”").press("Enter")
    expect(page.locator("#id_points-4-themes-value")).to_have_value("listening")
    _tag(page, 9, "leadership")
    expect(page.locator("#id_points-9-themes-value")).to_have_value("leadership")
    assert page.url.endswith("/meetings/new/#points")  # Enter never submitted the page

    _tab_to(page, "editor-preview")
    page.keyboard.press("Enter")
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("Point 10 of the discussion")
    expect(preview).to_contain_text("Once published, the 2 members of Private cell can read it")
    assert_accessible(page)

    _tab_to(page, "editor-publish")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        "Published: the 2 members of Private cell can read it now."
    )
    tagged = Note.objects.filter(meeting__cell__slug="private-cell", meeting__date="2019-06-05")
    assert tagged.count() == 10
    assert list(tagged.get(position=5).themes.names()) == ["listening"]
    assert Theme.objects.filter(name="listening").count() == 1
    context.close()


def test_leaving_after_a_split_warns_before_the_points_are_lost(page: Page, world: World) -> None:
    log_in(page, "facilitator", PASSWORD)
    page.goto("/cells/private-cell/meetings/new/")
    page.get_by_label("Paste the whole note").fill(NOTE)
    page.get_by_role("button", name="Split into points").click()
    expect(page.locator("details.point-card")).to_have_count(10)
    dialogs: list[str] = []

    def dismiss(dialog: object) -> None:
        dialogs.append(dialog.type)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dismiss)
    page.locator("#editor-actions").get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/meetings/new/" in page.url  # still here, points and all


def test_move_buttons_keep_every_label_true(page: Page, world: World) -> None:
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.DRAFT)]
    log_in(page, "facilitator", PASSWORD)
    page.goto(f"/cells/private-cell/meetings/{meeting.pk}/edit/")
    page.locator("#points-0-title").click()
    page.get_by_role("button", name="Move Point 1 down").click()
    cards = page.locator("details.point-card")
    expect(cards.nth(0).locator("[data-point-number]")).to_have_text("Point 1")
    expect(cards.nth(1).locator("[data-point-number]")).to_have_text("Point 2")
    expect(cards.nth(1)).to_have_attribute("open", "")  # the moved point, now second
    expect(cards.nth(1).get_by_role("button", name="Move Point 2 up")).to_be_visible()
    expect(page.get_by_role("button", name="Move Point 2 down")).to_be_focused()
    expect(page.locator(".editor__jump-list a").first).to_have_attribute(
        "href", re.compile("#points-1-title")
    )


def _editor(browser: Browser, live_server: object, username: str, url: str) -> Page:
    context = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, username, PASSWORD)
    page.goto(url)
    return page


def test_two_editors_at_once_merge_and_then_decide_a_clash(
    browser: Browser, live_server: object, world: World
) -> None:
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    url = f"/cells/private-cell/meetings/{meeting.pk}/edit/"
    mine = _editor(browser, live_server, "facilitator", url)
    theirs = _editor(browser, live_server, "staff", url)
    # Different fields: both kept.
    theirs.locator("#id_venue").fill("Their venue")
    theirs.get_by_role("button", name="Save changes").click()
    mine.locator("#points-1-title").click()
    mine.locator("#id_points-1-body").fill("My own words.")
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.get_by_role("status")).to_contain_text("your changes and theirs are both kept")
    meeting.refresh_from_db()
    assert meeting.venue == "Their venue"
    assert meeting.notes.get(position=2).body == "My own words."
    # The same field: a clash to decide, side by side.
    mine.get_by_role("link", name="Edit the meeting").click()
    theirs.goto(url)
    theirs.get_by_label("Topic").fill("Their topic")
    theirs.get_by_role("button", name="Save changes").click()
    mine.get_by_label("Topic").fill("My topic")
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.get_by_role("heading", level=1)).to_contain_text("Not saved yet")
    expect(mine.locator("ins")).to_contain_text(["My"])
    assert_accessible(mine)
    mine.get_by_role("radio", name="Keep theirs").check()
    mine.get_by_role("button", name="Save with these choices").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Their topic")


def test_a_half_typed_theme_is_never_saved_as_a_theme(page: Page, world: World) -> None:
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.DRAFT)]
    Note.objects.filter(meeting=meeting, position=1).update(body="Our leaders listened.")
    Theme.objects.filter(name="leadership").update(keywords="leader")
    Note.objects.get(meeting=meeting, position=1).themes.clear()
    log_in(page, "facilitator", PASSWORD)
    page.goto(f"/cells/private-cell/meetings/{meeting.pk}/edit/")
    page.locator("#points-0-title").click()
    entry = page.locator("#id_points-0-themes")
    entry.press_sequentially("leader")
    page.get_by_role("checkbox", name=re.compile("^leadership because")).check()
    expect(page.locator("#id_points-0-themes-value")).to_have_value("leadership")
    expect(entry).to_have_value("leader")  # the half-typed word stays apart
    page.get_by_role("button", name="Save draft").click()
    # Not saved: the page asks about "leader" first.
    question = "Create a new theme “leader”? Did you mean “leadership”?"
    expect(page.get_by_text(question)).to_be_visible()
    page.get_by_role("button", name="Use “leadership”").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#point-1")).to_contain_text("leadership")
    assert not Theme.objects.filter(name__iexact="leader").exists()


def test_suggestions_follow_the_text_as_it_is_typed(page: Page, world: World) -> None:
    Theme.objects.create(name="trust", keywords="trusted", curated=True)
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.DRAFT)]
    log_in(page, "facilitator", PASSWORD)
    page.goto(f"/cells/private-cell/meetings/{meeting.pk}/edit/")
    page.locator("#points-1-title").click()
    page.locator("#id_points-1-body").fill(
        "Residents trusted the housing team more after the visits."
    )
    suggestion = page.get_by_role(
        "checkbox", name=re.compile("^trust because the text says “trusted”")
    )
    expect(suggestion).to_be_visible()  # without Preview or any reload
    suggestion.check()
    expect(page.locator("#id_points-1-themes-value")).to_have_value(re.compile("trust"))
    assert_accessible(page)
