"""End to end in a real Chromium: an admin sets up a cell and merges themes."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cells.models import Cell, Role
from notes.models import Theme
from tests.e2e.conftest import assert_accessible, log_in
from tests.personas import PASSWORD, World


def _choose_user(page: Page, row: int, username: str, role: str) -> None:
    page.locator(f"#id_memberships-{row}-user + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(username)
    page.locator(".select2-results__option", has_text=username.title()).first.click()
    page.locator(f"#id_memberships-{row}-role").select_option(role)


def test_admin_creates_a_cell_with_people_and_merges_themes(page: Page, world: World) -> None:
    staff = world.users["staff"]
    staff.is_superuser = True
    staff.save()
    Theme.objects.create(name="Leadershp", slug="leadershp")
    world.meetings[("public", "published")].notes.earliest("position").themes.add("Leadershp")

    page.goto("/admin/")
    page.get_by_label("E-mail address or username").fill("staff")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Run the network")).to_be_visible()

    # A new cell with a facilitator and two members, in one form.
    page.goto("/admin/cells/cell/add/")
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.get_by_label("Name").press_sequentially("Harbour cell")
    expect(page.get_by_label("Slug")).to_have_value("harbour-cell")
    page.get_by_label("Visibility").select_option("private")
    _choose_user(page, 0, "outsider", Role.FACILITATOR)
    page.get_by_text("Add another Membership").click()
    _choose_user(page, 1, "member", Role.MEMBER)
    page.get_by_text("Add another Membership").click()
    _choose_user(page, 2, "other_member", Role.MEMBER)
    page.get_by_role("button", name="Save", exact=True).click()
    assert errors == []  # the admin's scripts all run under the Content-Security-Policy
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    harbour = Cell.objects.get(slug="harbour-cell")
    roles = dict(harbour.memberships.values_list("user__username", "role"))
    assert roles == {"outsider": "facilitator", "member": "member", "other_member": "member"}

    # Merge the misspelt theme into the right one.
    page.goto("/admin/notes/theme/")
    for name in ["leadership", "Leadershp"]:
        page.get_by_role("row", name=name, exact=False).filter(
            has=page.get_by_role("link", name=name, exact=True)
        ).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("merge")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("leadership", exact=True).check()
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".messagelist")).to_contain_text("Merged “Leadershp” into “leadership”")
    assert not Theme.objects.filter(name="Leadershp").exists()

    # The new facilitator finds the cell on the site and can start a meeting there.
    page.context.clear_cookies()
    log_in(page, "outsider", PASSWORD)
    page.get_by_role("link", name="Harbour cell", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour cell")
    assert_accessible(page)
    page.get_by_role("link", name="Record a new meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a meeting of Harbour cell")
    assert_accessible(page)
