"""Themes while writing: autocomplete, suggestions, creating themes safely, bulk import."""

from __future__ import annotations

import threading
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from cells.models import Cell, Meeting
from notes.models import Note, Theme
from notes.themes import naming
from notes.themes.naming import check_theme_name, split_theme_names, themes_named
from notes.themes.suggestions import suggest_themes
from tests.personas import Library, World

AUTOCOMPLETE = reverse("notes:theme_autocomplete")
NOTE = (
    "Note of Better Way cell discussion, {cell}, 12 June 2019\n\n"
    "The topic of discussion was trust in data and it was introduced by Sam Ortiz, "
    "who opened with a story.\n\nA second paragraph.\n\nA third paragraph.\n"
)


def _names(client: Any, typed: str) -> list[str]:
    return [theme["name"] for theme in client.get(AUTOCOMPLETE, {"q": typed}).json()["themes"]]


def test_autocomplete_is_case_insensitive_exact_first_then_most_used(
    client: Any, library: Library
) -> None:
    client.force_login(library.world.users["staff"])
    Theme.objects.create(name="Preventive care", slug="preventive-care", curated=True)
    names = _names(client, "PREVENT")
    assert names[0] == "prevention"  # used most
    assert "Preventive care" in names
    assert _names(client, "prevention")[0] == "prevention"  # exact match first
    assert _names(client, "") == []


def test_autocomplete_is_for_logged_in_writers_only(client: Any, library: Library) -> None:
    response = client.get(AUTOCOMPLETE, {"q": "prev"})
    assert response.status_code == 403
    assert "themes" not in response.json()


def test_autocomplete_hides_themes_only_on_points_the_user_cannot_read(
    login: Callable[[str], Any], library: Library
) -> None:
    secret = Theme.objects.create(name="ministerial secrets", slug="ministerial-secrets")
    library.note("secret").themes.add(secret)
    assert _names(login("outsider"), "ministerial") == []
    assert _names(login("member"), "ministerial") == ["ministerial secrets"]


@pytest.mark.parametrize("persona", ["outsider", "other_member", "member", "staff"])
def test_autocomplete_counts_only_the_points_the_user_can_read(
    login: Callable[[str], Any], library: Library, persona: str
) -> None:
    theme = Theme.objects.get(name="leadership")
    readable = Note.objects.visible_to(library.world.users[persona]).filter(themes=theme)
    total = Note.objects.filter(themes=theme).count()
    [found] = login(persona).get(AUTOCOMPLETE, {"q": "leadership"}).json()["themes"]
    assert found["uses"] == readable.count()
    if persona != "staff":
        assert found["uses"] < total


def test_a_private_theme_re_tagged_away_is_offered_to_no_one(
    login: Callable[[str], Any], library: Library
) -> None:
    note = library.note("secret")
    secret = Theme.objects.create(name="ministerial secrets", slug="ministerial-secrets")
    note.themes.add(secret)
    note.themes.remove(secret)  # re-tagged: the theme is used nowhere now
    suggest = reverse("notes:theme_suggestions")
    for persona in ["other_member", "member", "facilitator"]:
        client = login(persona)
        assert _names(client, "ministerial") == []
        text = {"text": "We spoke of ministerial secrets."}
        assert client.post(suggest, text).json()["suggestions"] == []
    # The network's vocabulary, curated in the admin, is offered before any use.
    Theme.objects.filter(pk=secret.pk).update(curated=True)
    assert _names(login("other_member"), "ministerial") == ["ministerial secrets"]


def test_theme_names_split_trim_and_drop_duplicates() -> None:
    assert split_theme_names(" Trust ,  systems   change,, trust, ") == ["Trust", "systems change"]


def test_themes_named_reuses_any_case_and_creates_the_rest(db: None) -> None:
    existing = Theme.objects.create(name="Trust", slug="trust")
    themes = themes_named(["trust", "Co-production", "co production"])
    assert themes[0] == existing
    assert themes[1].slug == "co-production"
    # The same name but for a hyphen is the same theme, given once.
    assert len(themes) == 2
    # A slug taken by a theme of another name: a free slug is found instead of failing.
    Theme.objects.create(name="Place", slug="local")
    [local] = themes_named(["Local"])
    assert local.name == "Local" and local.slug == "local-2"


def test_a_theme_created_by_someone_else_meanwhile_is_reused(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = Theme.objects.create(name="Kindness", slug="kindness")
    # As if the other editor's insert landed after we looked.
    monkeypatch.setattr(naming, "_existing", lambda names: {})
    assert themes_named(["kindness"]) == [theirs]
    assert Theme.objects.filter(name__iexact="kindness").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_of_a_new_theme_makes_one_theme() -> None:
    barrier = threading.Barrier(4)
    results: list[Any] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            results.append(themes_named(["Radical kindness"])[0].pk)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Theme.objects.filter(name__iexact="radical kindness").count() == 1
    assert len(set(results)) == 1


def test_suggestions_use_english_stemming_and_say_which_words_matched(library: Library) -> None:
    Theme.objects.filter(name="prevention").update(keywords="early action, acting early")
    staff = library.world.users["staff"]
    texts = ["The leaders were acting early.", "Nothing to see.", "Preventing harm."]
    first, second, third = suggest_themes(staff, texts)
    by_name = {s.theme.name: s for s in first}
    assert "leadership" not in by_name  # "leaders" does not stem to "leadership"...
    assert by_name["prevention"].matched_words == ["acting", "early"]
    Theme.objects.filter(name="leadership").update(keywords="leader")
    (with_keyword,) = suggest_themes(staff, ["The leaders were acting early."])[:1]
    # ...but it does match the keyword "leader".
    assert {s.theme.name: s.matched_words for s in with_keyword}["leadership"] == ["leaders"]
    assert second == []
    assert [s.theme.name for s in third] == ["prevention"]  # "Preventing" ~ "prevention"


def test_suggestions_never_offer_themes_of_hidden_points(library: Library) -> None:
    secret = Theme.objects.create(name="ministers", slug="ministers")
    library.note("secret").themes.add(secret)
    outsider = library.world.users["outsider"]
    (suggestions,) = suggest_themes(outsider, ["The ministers met."])
    assert "ministers" not in [s.theme.name for s in suggestions]


# Bulk import -------------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_import_command_creates_meetings_and_reports_skips(tmp_path: Path, world: World) -> None:
    _write(tmp_path, "a.txt", NOTE.format(cell="Private cell"))
    _write(tmp_path, "b.md", NOTE.format(cell="Nowhere cell"))
    _write(tmp_path, "c.txt", "No header here.\n\nJust text.")
    _write(tmp_path, "d.pdf", "ignored: not a note file")
    out = StringIO()
    call_command("import_notes", str(tmp_path), stdout=out)
    text = out.getvalue()
    meeting = Meeting.objects.get(cell=world.cells["private"], title="Trust in data")
    assert meeting.introduced_by == "Sam Ortiz"
    assert meeting.notes.count() == 3
    assert meeting.status == "draft"
    assert "[1/3] a.txt: “Trust in data”, Private cell, 12 June 2019, 3 points" in text
    assert "no cell called “Nowhere cell” (use --create-cells" in text
    assert "no date" in text
    assert "created 1 meeting(s), skipped 2 file(s)" in text
    # Running again skips what is already there.
    again = StringIO()
    call_command("import_notes", str(tmp_path / "a.txt"), stdout=again)
    assert "already imported" in again.getvalue()
    assert Meeting.objects.filter(title="Trust in data").count() == 1


def test_import_command_can_create_cells_publish_and_dry_run(tmp_path: Path, db: None) -> None:
    path = _write(tmp_path, "note.txt", NOTE.format(cell="2nd cell"))
    call_command("import_notes", str(path), "--create-cells", "--dry-run", stdout=StringIO())
    assert not Cell.objects.filter(name="2nd cell").exists()
    call_command("import_notes", str(path), "--create-cells", "--publish", stdout=StringIO())
    meeting = Meeting.objects.get(cell__name="2nd cell")
    assert meeting.cell.visibility == "private"
    assert meeting.status == "published"


def test_import_command_refuses_bad_arguments(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_notes", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="No note files"):
        call_command("import_notes", str(tmp_path))
    _write(tmp_path, "n.txt", NOTE.format(cell="x"))
    with pytest.raises(CommandError, match="No cell with the slug"):
        call_command("import_notes", str(tmp_path), "--cell", "nope")


@pytest.mark.django_db
def test_names_that_differ_in_hyphens_or_spacing_are_one_theme() -> None:
    systems = Theme.objects.create(name="systems change")
    assert themes_named(["Systems-change"]) == [systems]
    assert themes_named(["systems  change", "SYSTEMS-CHANGE"]) == [systems]
    assert Theme.objects.count() == 1
    [new] = themes_named(["Place based", "place-based", "PLACE  BASED"])
    assert new.name == "Place based" and Theme.objects.count() == 2


@pytest.mark.parametrize(
    "name", ["<b>bold</b>", "a{b}", "-leading hyphen", "`code`", "x" * 101, "semi;colon", "#tag"]
)
def test_names_with_markup_or_symbols_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        check_theme_name(name)


@pytest.mark.parametrize(
    "name",
    ["systems change", "co-production", "NHS (England)", "Children's services", "A&E", "Ōtautahi"],
)
def test_ordinary_names_are_accepted(name: str) -> None:
    check_theme_name(name)
