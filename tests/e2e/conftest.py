"""Browser tests: Playwright driving a real Chromium against the live server.

Playwright's own Chromium is used when installed; otherwise the system's
(Debian's ``chromium`` package), or the one named by BETTERWAY_CHROMIUM. With
no browser at all the tests fail with a clear message: they never skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there are ordinary blocking calls, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SYSTEM_CHROMIUMS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
_axe = Axe()


def chromium_executable(playwright: Playwright) -> str | None:
    """The browser to launch; None means Playwright's own build."""
    configured = os.environ.get("BETTERWAY_CHROMIUM")
    if configured:
        if not Path(configured).exists():
            pytest.fail(f"BETTERWAY_CHROMIUM={configured} does not exist.", pytrace=False)
        return configured
    if Path(playwright.chromium.executable_path).exists():
        return None
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "No Chromium for the browser tests. Install one (Debian: apt-get install chromium; "
        "or `playwright install chromium`) or set BETTERWAY_CHROMIUM to its path.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        executable = chromium_executable(playwright)
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 A/AA or best-practice violations on the page."""
    results = _axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail address or username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
