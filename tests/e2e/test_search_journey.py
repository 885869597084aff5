"""End to end in Chromium: a misspelt search, a filter chip removed, results grouped by
meeting, and a hit opened with its words marked and a way back."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from cells.models import Cell
from notes.search.words import refresh_cells
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, Library


def test_member_corrects_narrows_groups_and_opens_a_hit(page: Page, library: Library) -> None:
    refresh_cells(Cell.objects.values_list("pk", flat=True))
    log_in(page, "member", PASSWORD)

    box = page.get_by_role("search", name="Site").get_by_role("searchbox")
    box.fill("pantrey")
    box.press("Enter")
    results = page.get_by_role("region", name=re.compile("found"))
    expect(results.get_by_role("heading", level=2)).to_have_text("0 points found")
    expect(results).to_contain_text("Did you mean pantry?")
    assert_accessible(page)
    results.get_by_role("link", name="pantry").click()
    expect(results.get_by_role("heading", level=2)).not_to_have_text("0 points found")
    found = results.get_by_role("heading", level=2).inner_text()

    # A filter in the box shows as a chip; removing it widens the search again.
    search = page.get_by_role("searchbox", name="Search notes").first
    search.fill('pantry theme:"co-production"')
    search.press("Enter")
    chips = page.get_by_role("list", name="Filters in use")
    expect(chips.get_by_role("listitem")).to_have_text([re.compile("^Theme: co-production")])
    assert_accessible(page)
    chips.get_by_role("link", name="Remove the filter Theme: co-production").click()
    expect(page.get_by_role("list", name="Filters in use")).to_have_count(0)
    expect(search).to_have_value("pantry")
    expect(results.get_by_role("heading", level=2)).to_have_text(found)

    # One result per meeting, its matching points beneath.
    results.get_by_role("link", name="group by meeting").click()
    expect(results.get_by_role("heading", level=2)).to_contain_text(re.compile(r"in \d+ meeting"))
    assert_accessible(page)

    # A hit opens its meeting with the words marked, and leads back.
    note = library.note("pantry")
    results.get_by_role("link", name=re.compile(r"Point \d|pantr", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"highlight=pantry"))
    expect(page.locator(f"#{note.anchor} mark").first).to_have_text(re.compile("pantry", re.I))
    assert_accessible(page)
    page.get_by_role("link", name="Back to results").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=pantry&group=meeting"))
    expect(results.get_by_role("heading", level=2)).to_contain_text("found in")
