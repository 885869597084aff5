"""Following, the dashboard and mail of what members follow."""

from __future__ import annotations

import html
import re


def dashboard_section(page: str, section: str) -> str:
    """The HTML of one of the dashboard's sections, by the id of its heading
    ("drafts-heading", "recent", "your-actions", "your-cells"); "" when absent.
    """
    found = re.search(rf'<section aria-labelledby="{section}">(.*?)</section>', page, re.S)
    return found[1] if found else ""


def dashboard_titles(page: str, section: str) -> list[str]:
    """The titles of the meetings listed in one of the dashboard's sections, in order."""
    titles = re.findall(
        r'class="meeting-list__title"><a href="[^"]*">([^<]*)</a>', dashboard_section(page, section)
    )
    return [html.unescape(title) for title in titles]
