"""The shared cache's entries are each release's own: a deploy never reads an older one's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils.autoreload import file_changed

from betterway.release import fingerprint
from cells.models import Membership, Visibility
from notes.following.models import Follow
from notes.models import Theme
from tests.notes.actions.helpers import first_note
from tests.personas import World, client_of


def _project(base: Path) -> Path:
    for name, text in {
        "requirements.lock": "django==5.2.8 --hash=sha256:aa\n",
        "site/__init__.py": "",
        "site/views.py": "def page(): ...\n",
        "site/__pycache__/views.cpython-311.pyc": "compiled",
        "templates/page.html": "<p>{{ text }}</p>\n",
        "tests/__init__.py": "",
        "tests/test_views.py": "def test(): ...\n",
        "README.md": "About the site.\n",
    }.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return base


def test_the_fingerprint_follows_code_templates_and_locked_dependencies(tmp_path: Path) -> None:
    base = _project(tmp_path)
    first = fingerprint(base)
    assert fingerprint(base) == first  # the same code, the same release on every server
    for changed in ["site/views.py", "templates/page.html", "requirements.lock"]:
        path = base / changed
        original = path.read_text()
        path.write_text(original + "\n")
        assert fingerprint(base) != first, changed
        path.write_text(original)
    assert fingerprint(base) == first
    # What does not run leaves it as it was.
    for unchanged in ["tests/test_views.py", "README.md", "site/__pycache__/views.cpython-311.pyc"]:
        (base / unchanged).write_text("changed")
    assert fingerprint(base) == first


# Content versions are bumped when a transaction commits (hence transaction=True).
# Each test below changes the data without the signals that make a new content
# version or drop a follow state, so only an entry computed afresh shows it.


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_cache")
def test_a_reader_kept_by_another_release_is_resolved_afresh(world: World, settings: Any) -> None:
    outsider = world.users["outsider"]
    client = client_of(outsider)
    url = world.meetings[("private", "published")].get_absolute_url()
    settings.RELEASE = "before"
    assert client.get(url).status_code == 404
    Membership.objects.bulk_create(
        [Membership(user=outsider, cell=world.cells[Visibility.PRIVATE])]
    )
    assert client.get(url).status_code == 404  # the reader this release kept
    settings.RELEASE = "after"
    assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_cache")
def test_a_part_rendered_by_another_release_is_rendered_afresh(world: World, settings: Any) -> None:
    note = first_note(world.meetings[("public", "published")])
    note.body = "Allotment keys were shared."
    note.save()
    client = client_of(world.users["member"])
    url = reverse("notes:search") + "?q=allotment"
    settings.RELEASE = "before"
    assert "keys were shared" in client.get(url).text
    type(note).objects.filter(pk=note.pk).update(body="Allotment gates were mended.")
    assert "keys were shared" in client.get(url).text  # the part this release kept
    settings.RELEASE = "after"
    assert "gates were mended" in client.get(url).text


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_cache")
def test_a_follow_state_kept_by_another_release_is_read_afresh(world: World, settings: Any) -> None:
    member = world.users["member"]
    theme = Theme.objects.create(name="allotments", slug="allotments")
    first_note(world.meetings[("public", "published")]).themes.add(theme)
    client = client_of(member)
    url = theme.get_absolute_url()
    settings.RELEASE = "before"
    assert 'aria-pressed="false"' in client.get(url).text
    Follow.objects.bulk_create([Follow(user=member, theme=theme)])
    assert 'aria-pressed="false"' in client.get(url).text  # the state this release kept
    settings.RELEASE = "after"
    assert 'aria-pressed="true"' in client.get(url).text


def test_the_development_server_renews_the_release_when_a_template_is_edited(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The development server reloads an edited template without restarting, and
    # sends this signal; an edited module restarts it instead.
    monkeypatch.setattr("betterway.release.fingerprint", lambda base: "renewed")
    settings.RELEASE = "before"
    base = Path(settings.BASE_DIR)
    file_changed.send(sender=None, file_path=base / "notes" / "models.py")
    file_changed.send(sender=None, file_path=Path("/elsewhere/templates/page.html"))
    assert settings.RELEASE == "before"
    file_changed.send(sender=None, file_path=base / "templates" / "search" / "search.html")
    assert settings.RELEASE == "renewed"
