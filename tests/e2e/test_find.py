"""End to end in a real Chromium: a member finds past discussions by theme and search."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, Library


def test_member_finds_a_point_by_theme_and_by_search(page: Page, library: Library) -> None:
    log_in(page, "member", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Themes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes")
    assert_accessible(page)

    page.get_by_role("link", name="prevention", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("prevention")
    expect(page.get_by_role("figure")).to_contain_text("3 points from May 2016")
    assert_accessible(page)

    # Follow a hit to the exact paragraph of its meeting.
    budget = library.note("budget")
    page.get_by_role("link", name="Budgets · point 1").click()
    expect(page).to_have_url(re.compile(re.escape(budget.get_absolute_url()) + "$"))
    point = page.locator(f"#{budget.anchor}")
    expect(point).to_contain_text("Prevention budgets lose to acute services")
    expect(point).to_be_in_viewport()
    assert_accessible(page)

    # Words and an operator in the search box of the header.
    box = page.get_by_role("search", name="Site").get_by_role("searchbox")
    box.fill("pantry or patients after:2016")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the notes")
    results = page.get_by_role("region", name=re.compile("found"))
    expect(results.get_by_role("heading", level=2)).to_have_text("4 points found")
    expect(page.locator("mark").first).to_be_visible()
    assert_accessible(page)

    # Narrow with a facet: only the cell's points remain.
    page.get_by_role("complementary", name="Narrow the results").get_by_role(
        "link", name="Private cell"
    ).click()
    expect(results.get_by_role("heading", level=2)).to_have_text("1 point found")
    expect(results).to_contain_text("confidential pantry")
    assert_accessible(page)

    # A bad operator value gets a message next to the box, and the input is kept.
    box = page.get_by_role("searchbox", name="Search notes").first
    box.fill("pantry after:yesterdayish")
    box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("“yesterdayish” is not a date")
    expect(page.locator("#id_q")).to_have_value("pantry after:yesterdayish")
    assert_accessible(page)


def _sees_no_private_content(page: Page) -> None:
    page.goto("/search/?q=confidential")
    expect(page.get_by_text("No points you can read match this search.")).to_be_visible()
    page.goto("/themes/")
    expect(page.get_by_role("link", name="Private cell")).to_have_count(0)
    page.goto("/search/?q=ministerial")
    expect(page.locator(".point-list")).to_have_count(0)


def test_visitors_and_other_cells_never_see_private_content(page: Page, library: Library) -> None:
    _sees_no_private_content(page)
    assert_accessible(page)
    private = library.note("secret").meeting
    response = page.goto(private.get_absolute_url())
    assert response is not None and response.status == 404

    log_in(page, "other_member", PASSWORD)
    _sees_no_private_content(page)
    response = page.goto(private.get_absolute_url())
    assert response is not None and response.status == 404
