"""The apps' imports go one way: ``notes`` builds on ``cells``, never the reverse."""

from __future__ import annotations

import re
from pathlib import Path

import cells

_IMPORTS_NOTES = re.compile(r"^\s*(?:from|import)\s+notes\b", re.MULTILINE)


def test_cells_never_imports_notes() -> None:
    package = Path(cells.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if _IMPORTS_NOTES.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
