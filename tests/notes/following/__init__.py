"""Following, the dashboard and mail of what members follow."""

from __future__ import annotations

import html
import re


def dashboard_titles(page: str, section: str) -> list[str]:
    """The titles of the meetings listed in one of the dashboard's sections
    ("drafts-heading" or "recent"), in order; [] when the section is absent.
    """
    found = re.search(rf'<section aria-labelledby="{section}">(.*?)</section>', page, re.S)
    if found is None:
        return []
    titles = re.findall(r'class="meeting-list__title"><a href="[^"]*">([^<]*)</a>', found[1])
    return [html.unescape(title) for title in titles]
