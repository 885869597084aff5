"""Inputs that once answered 500: each is refused with a message or handled."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cells.models import Meeting
from notes.models import Theme
from tests.personas import World, editor_data

NEW = reverse("notes:meeting_new", kwargs={"slug": "private-cell"})


@pytest.fixture
def facilitator(client: Any, world: World) -> Any:
    client.force_login(world.users["facilitator"])
    return client


def test_control_characters_never_reach_a_feed(facilitator: Any, world: World) -> None:
    data = editor_data(
        [{"heading": "Bell\x01 ringing", "body": "Ding\x01dong\x00.", "themes": "leadership"}],
        action="publish",
        title="Topic\x01 with a bell",
    )
    facilitator.post(NEW, data)
    meeting = Meeting.objects.get(title="Topic with a bell")
    note = meeting.notes.get()
    assert (note.heading, note.body) == ("Bell ringing", "Dingdong.")
    for url in [
        reverse("cells:feed", kwargs={"slug": "private-cell"}),
        reverse("notes:theme_feed", kwargs={"slug": "leadership"}),
    ]:
        assert facilitator.get(url).status_code == 200


def test_a_meeting_before_1900_is_refused(facilitator: Any) -> None:
    response = facilitator.post(NEW, editor_data([{"body": "Old."}], date="0001-01-01"))
    assert response.status_code == 400
    assert "1900" in response.content.decode()
    assert not Meeting.objects.filter(date__year=1).exists()


@pytest.mark.parametrize("action", ["save", "preview", "split"])
def test_nul_anywhere_in_the_editor(facilitator: Any, action: str) -> None:
    data = editor_data(
        [{"heading": "A\x00", "body": "B\x00ody", "themes": "x\x00y", "accept": "lead\x00ership"}],
        action=action,
    )
    data["text"] = "Pasted\x00 text.\n\nSecond."
    response = facilitator.post(NEW, data)
    assert response.status_code in {200, 302}


def test_nul_in_the_autocomplete(facilitator: Any) -> None:
    response = facilitator.get(reverse("notes:theme_autocomplete"), {"q": "lea\x00d"})
    assert response.status_code == 200


@pytest.mark.parametrize("action", ["split", "preview"])
def test_a_huge_text_of_distinct_words(facilitator: Any, action: str) -> None:
    words = " ".join(f"w{index:07x}" for index in range(160_000))  # about 1.4 MB
    data = editor_data([{"body": words if action == "preview" else "Short."}], action=action)
    data["text"] = words if action == "split" else ""
    response = facilitator.post(NEW, data)
    assert response.status_code == 200


def _docx_with(document_xml: bytes) -> bytes:
    source = io.BytesIO()
    docx.Document().save(source)
    source.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            copy.writestr(item, document_xml if item.filename == "word/document.xml" else data)
    return out.getvalue()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize(
    "document_xml", [b"<?xml version='1.0'?><w:document xmlns:w='urn:x'><w:bo", BOMB]
)
def test_a_damaged_word_file_is_refused(facilitator: Any, document_xml: bytes) -> None:
    upload = SimpleUploadedFile("note.docx", _docx_with(document_xml))
    data = editor_data([], action="import", upload=upload)
    response = facilitator.post(NEW, data)
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


def test_theme_names_that_slugify_alike(facilitator: Any) -> None:
    marks = ["!", "?", ".", ":", "+", "&", "'", "(", ")", "/", "!!", "??", "..", "::", "++"]
    marks += ["&&", "!?", "?!", ".!", "!.", "(!)"]
    names = ", ".join(["slugx"] + [f"slugx{mark}" for mark in marks])
    response = facilitator.post(NEW, editor_data([{"body": "Many.", "themes": names}]))
    assert response.status_code == 302
    slugs = set(Theme.objects.filter(name__startswith="slugx").values_list("slug", flat=True))
    assert len(slugs) == 22 and "slugx-22" in slugs


def test_a_search_of_many_hyphens(client: Any, world: World) -> None:
    for query in ["-" * 40, "a" + "-" * 40 + "b", "-a " * 40, "!" * 50, '"' * 41]:
        assert client.get(reverse("notes:search"), {"q": query}).status_code == 200


def test_the_admin_merge_with_a_non_numeric_id(client: Any, world: World) -> None:
    client.force_login(world.users["superuser"])
    response = client.post(reverse("admin:notes_theme_merge"), {"target": "x", "source": "1"})
    assert response.status_code in {302, 404}


def test_the_earliest_date_allowed_charts(client: Any, world: World) -> None:
    meeting = world.meetings[("public", "published")]
    Meeting.objects.filter(pk=meeting.pk).update(date=datetime.date(1900, 1, 1))
    response = client.get(reverse("notes:theme", kwargs={"slug": "leadership"}))
    assert response.status_code == 200 and "1900" in response.text


def test_the_admin_refuses_a_meeting_before_1900(client: Any, world: World) -> None:
    client.force_login(world.users["superuser"])
    meeting = world.meetings[("public", "published")]
    url = reverse("admin:cells_meeting_change", args=[meeting.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"date": "0001-01-01"})
    response = client.post(url, data)
    assert response.status_code == 200 and "before 1900" in response.text


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "package",
    [
        # A few hundred kB that would unpack to 60 MB.
        lambda: _zip({"word/document.xml": b"<w:t>" + b" " * 60_000_000}),
        lambda: _zip({f"word/part{index}.xml": b"<x/>" for index in range(1001)}),
    ],
)
def test_a_word_file_that_unpacks_too_large_is_refused_before_reading(
    facilitator: Any, package: Any
) -> None:
    data = package()
    assert len(data) < 1_000_000
    upload = SimpleUploadedFile("n.docx", data)
    response = facilitator.post(
        NEW, editor_data([{"body": "Kept."}], action="import", upload=upload)
    )
    assert "could not be read" in response.text
    assert response.context["points"].forms[0].initial["body"] == "Kept."


def test_control_characters_in_a_query_string(client: Any, world: World) -> None:
    response = client.get(reverse("notes:search"), {"q": "lead\x01ership\x00"})
    assert response.status_code == 200
    assert response.context["form"]["q"].value() == "leadership"


def test_a_note_of_too_many_points_is_refused_and_kept(facilitator: Any) -> None:
    text = "\n\n".join(f"Paragraph {index}." for index in range(20_000))
    data = editor_data([{"body": "Typed before."}], action="split")
    data["text"] = text
    response = facilitator.post(NEW, data)
    assert response.status_code == 200
    assert "splits into 20,000 points" in response.text and "at most 500" in response.text
    assert response.context["paste"]["text"].value() == text
    assert len(response.context["points"].forms) == 1
