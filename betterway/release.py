"""The running code's release, which the shared cache's entries are kept under.

Rendered parts of pages, readers and follow states live in a cache that every
process and server shares, for minutes. A new release may render a part
differently, or give a kept class a field it lacks (a reader kept before a
field was added would be read without it), so entries one release made are
never read by another. Servers running the same code compute the same
fingerprint and share entries; any change to the code, the templates or the
locked dependencies makes a new one. The content's version is not kept under
it: a change saved by a server still running the old release during a
deploy shows at once on the new ones.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

_TEMPLATE_SUFFIXES = {".html", ".txt"}
_SOURCE_SUFFIXES = {".py", *_TEMPLATE_SUFFIXES}
# Not part of what runs.
_SKIPPED = {"tests"}


def fingerprint(base: Path) -> str:
    """A short hash of the project's code, templates and locked dependencies under ``base``."""
    digest = hashlib.sha256()
    for path in sorted(_sources(base)):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sources(base: Path) -> Iterator[Path]:
    lock = base / "requirements.lock"
    if lock.is_file():
        yield lock
    for folder in base.iterdir():
        package = (folder / "__init__.py").is_file() and folder.name not in _SKIPPED
        if not (package or folder.name == "templates"):
            continue
        for root, folders, files in os.walk(folder):
            folders[:] = [name for name in folders if name != "__pycache__"]
            yield from (Path(root, name) for name in files if Path(name).suffix in _SOURCE_SUFFIXES)


def renew_after_template_edit(sender: object, file_path: Path, **kwargs: Any) -> None:
    """The development server reloads an edited template without restarting (an
    edited module restarts it, and a new process computes its fingerprint): the
    release is computed again, so pages show the edit at once rather than the
    parts the old template rendered, kept for minutes.

    Returns nothing, so Django still decides whether the edit needs a restart.
    """
    base = Path(settings.BASE_DIR)
    if file_path.suffix in _TEMPLATE_SUFFIXES and base in file_path.parents:
        settings.RELEASE = fingerprint(base)
