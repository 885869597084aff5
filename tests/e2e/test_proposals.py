"""End to end in a real Chromium: a cell's proposal to the network, from the
note it was made in to the Proposals page, where another cell finds it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from cells.models import MeetingStatus, Membership, Role, Visibility
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World

# A note in the shape cells write them (a header line, paragraphs, and a last
# paragraph proposing a follow-up), written for this test.
NOTE = """Note of Better Way cell discussion, Network cell, 14 May 2019

The topic of discussion was commissioning for outcomes and it was introduced by Priya Raman \
who said that contracts still count activity rather than change in people's lives.

One example was a county that paid providers for fewer hospital admissions, which led \
to arguments about who could claim the credit.

Looking at the whole, the group suggested that we further develop it in the Better Way \
network as a shared guide to outcome contracts."""


def test_a_proposal_travels_from_a_note_to_the_network(page: Page, world: World) -> None:
    cell = world.cells[Visibility.NETWORK]
    Membership.objects.create(user=world.users["facilitator"], cell=cell, role=Role.FACILITATOR)

    # The facilitator records the note and accepts the suggestion on its last point.
    log_in(page, "facilitator", PASSWORD)
    page.goto(cell.get_absolute_url())
    page.get_by_role("link", name="Record a new meeting").click()
    page.get_by_label("Paste the whole note").fill(NOTE)
    page.get_by_role("button", name="Split into points").click()
    expect(page.locator("details.point-card")).to_have_count(3)
    last = page.locator("details.point-card").nth(2)
    last.locator("summary").first.click()
    expect(last.get_by_text("because the text says “suggested that we”")).to_be_visible()
    summary = last.get_by_label("Proposal in one line")
    expect(summary).to_have_value(re.compile("suggested that we further develop it"))
    assert_accessible(page)
    last.get_by_label("Mark as a proposal to the network").check()
    summary.fill("A shared guide to outcome contracts")
    first = page.locator("details.point-card").nth(0)
    first.locator("summary").first.click()
    first.get_by_text("Actions and proposal").click()
    first.get_by_label("Action", exact=True).fill("Collect three outcome contracts")
    first.get_by_label("Or the owner's name").fill("Priya Raman")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    expect(page.locator("#point-3")).to_contain_text("Proposal to the network")
    expect(page.locator("#point-1")).to_contain_text("Collect three outcome contracts")
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    # A network administrator marks it taken up, saying why.
    log_in(page, "network_admin", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    page.get_by_role("link", name="A shared guide to outcome contracts").click()
    assert_accessible(page)
    page.get_by_label("New status").select_option(label="Taken up")
    page.get_by_label("Why").fill("The hub cell will draft the guide this autumn.")
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_role("status")).to_contain_text("Taken up")
    expect(page.locator(".timeline")).to_contain_text("The hub cell will draft the guide")
    page.get_by_role("button", name="Log out").click()

    # A member of another cell finds it and follows it to the exact point.
    log_in(page, "other_member", PASSWORD)
    page.goto("/proposals/")
    page.get_by_text("Filter and sort").click()
    page.get_by_label("Status").select_option(label="Taken up")
    page.get_by_role("button", name="Show").click()
    item = page.locator(".proposal-list__item", has_text="A shared guide to outcome contracts")
    expect(item).to_contain_text("Taken up by Network_Admin")
    expect(item).to_contain_text("Network cell")
    assert_accessible(page)
    item.get_by_role("link", name="A shared guide to outcome contracts").click()
    page.get_by_role("link", name=re.compile("^“point 3”$")).click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/#point-3$"))
    expect(page.locator("#point-3")).to_contain_text("shared guide to outcome contracts")
    expect(page.locator("#point-3")).to_be_in_viewport()
    assert_accessible(page)


def test_a_later_point_comes_back_to_a_proposal_found_by_search(page: Page, world: World) -> None:
    from notes.actions.models import Proposal

    earlier = world.meetings[(Visibility.PUBLIC, MeetingStatus.PUBLISHED)]
    proposal = Proposal.objects.create(
        meeting=earlier,
        note=earlier.notes.order_by("position").first(),
        summary="A shared guide to outcome contracts",
    )
    later = world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    log_in(page, "facilitator", PASSWORD)
    page.goto(f"/cells/private-cell/meetings/{later.pk}/edit/")
    point = page.locator("details.point-card").nth(1)
    point.locator("summary").first.click()
    point.get_by_text("Actions and proposal").click()
    box = point.get_by_label("Comes back to an earlier proposal")
    box.press_sequentially("outcome")
    label = f"#{proposal.pk} A shared guide to outcome contracts"
    expect(page.locator(f'#proposal-options option[value="{label}"]')).to_have_count(1)
    box.fill(label)
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#point-2")).to_contain_text(f"Discusses again proposal #{proposal.pk}")
    page.locator("#point-2").get_by_role("link", name=re.compile("proposal #")).click()
    expect(page.get_by_role("heading", name="Discussed again")).to_be_visible()
    expect(page.locator(".point-list")).to_contain_text("Private cell")
    assert_accessible(page)


def test_a_private_cells_facilitator_sees_exactly_what_the_network_will(
    page: Page, world: World
) -> None:
    meeting = world.meetings[(Visibility.PRIVATE, MeetingStatus.PUBLISHED)]
    log_in(page, "facilitator", PASSWORD)
    page.goto(f"/cells/private-cell/meetings/{meeting.pk}/edit/")
    point = page.locator("details.point-card").nth(0)
    point.locator("summary").first.click()
    point.get_by_text("Actions and proposal").click()
    point.get_by_label("Mark as a proposal to the network").check()
    point.get_by_label("Proposal in one line").fill("Pool training budgets across cells")
    point.get_by_label("Share this summary with the whole network").check()
    preview = point.locator(".shared-preview")
    expect(preview).to_have_text(
        re.compile(r"Private cell · 29 November 2017 · Proposed\s*Pool training budgets")
    )
    page.locator("#id_date").fill("2019-03-04")
    expect(preview).to_contain_text("4 March 2019")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, "other_member", PASSWORD)
    page.goto("/proposals/")
    item = page.locator(".proposal-list__item", has_text="Pool training budgets across cells")
    expect(item).to_contain_text("Private cell")
    expect(item).to_contain_text("4 March 2019")
    expect(item).to_contain_text("Summary shared by a private cell")
    expect(item.locator(".chip")).to_have_count(0)
    assert_accessible(page)


def test_pages_fit_a_phone_even_with_the_staff_menu(
    browser: Browser, live_server: object, world: World
) -> None:
    context = browser.new_context(
        base_url=live_server.url,  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 800},
    )
    page = context.new_page()
    log_in(page, "staff", PASSWORD)
    for url in ["/proposals/", "/cells/private-cell/actions/", "/cells/private-cell/meetings/new/"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide"
    context.close()
