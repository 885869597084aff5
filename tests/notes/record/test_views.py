"""The meeting editor: who may use it, saving, splitting, importing, errors, conflicts."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cells.models import Meeting, MeetingStatus, Membership
from notes.models import Note, Theme
from tests.personas import (
    PERSONAS,
    World,
    can_edit,
    can_read,
    edit_url,
    editor_data,
    existing_points,
)

NOTE = (
    "Note of Better Way cell discussion, Private cell, 3 March 2019\n\n"
    "The topic of discussion was listening to residents and it was introduced by Dana "
    "Whitfield who said that councils hear complaints but rarely ask questions.\n\n"
    "One example was a housing team whose leaders spent a week knocking on doors.\n\n"
    "The group suggested that the network shares door-knocking guides.\n"
)


def new_url(cell_slug: str = "private-cell") -> str:
    return reverse("notes:meeting_new", kwargs={"slug": cell_slug})


def meeting_url(name: str, meeting: Meeting, history_id: int) -> str:
    kwargs = {"slug": meeting.cell.slug, "pk": meeting.pk, "history_id": history_id}
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def facilitator(client: Any, world: World) -> Any:
    client.force_login(world.users["facilitator"])
    return client


# Who may do what -------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("visibility", ["public", "network", "private"])
def test_only_facilitators_and_staff_open_the_new_meeting_page(
    login: Callable[[str], Any], world: World, persona: str, visibility: str
) -> None:
    response = login(persona).get(new_url(f"{visibility}-cell"))
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif can_edit(persona, visibility):
        assert response.status_code == 200
    else:
        # Visible but not theirs: 403; hidden: 404, so its existence does not leak.
        readable = can_read(persona, visibility, "published")
        assert response.status_code == (403 if readable else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("status", ["published", "draft"])
def test_only_facilitators_and_staff_edit_publish_or_see_history(
    login: Callable[[str], Any], world: World, persona: str, status: str
) -> None:
    meeting = world.meetings[("private", status)]
    client = login(persona)
    kwargs = {"slug": meeting.cell.slug, "pk": meeting.pk}
    # (method, url, what an editor gets): pages 200, buttons redirect back to
    # the meeting, and an edit posting only a version is refused as incomplete.
    requests = [
        ("get", edit_url(meeting), 200),
        ("get", reverse("notes:meeting_history", kwargs=kwargs), 200),
        ("post", reverse("notes:meeting_publish", kwargs=kwargs), 302),
        ("post", reverse("notes:meeting_unpublish", kwargs=kwargs), 302),
        ("post", edit_url(meeting), 400),
    ]
    for method, url, for_editor in requests:
        response = getattr(client, method)(url, {"record_version": meeting.version})
        if persona == "anonymous":
            assert response.status_code == 302, url
        elif can_edit(persona, "private"):
            assert response.status_code == for_editor, (url, persona)
        else:
            expected = 403 if can_read(persona, "private", status) else 404
            assert response.status_code == expected, (url, persona)
    meeting.refresh_from_db()
    if not can_edit(persona, "private"):
        assert meeting.status == status  # nothing changed


def test_member_sees_no_edit_controls_and_facilitator_does(
    login: Callable[[str], Any], world: World
) -> None:
    meeting = world.meetings[("private", "published")]
    assert "Edit the meeting" not in login("member").get(meeting.get_absolute_url()).text
    assert "Record a new meeting" not in login("member").get(meeting.cell.get_absolute_url()).text
    page = login("facilitator").get(meeting.get_absolute_url()).text
    assert "Edit the meeting" in page and "Unpublish" in page and "History" in page
    assert "Record a new meeting" in login("facilitator").get(meeting.cell.get_absolute_url()).text


def test_inactive_cell_takes_no_new_meetings(facilitator: Any, world: World) -> None:
    cell = world.cells["private"]
    cell.is_active = False
    cell.save()
    assert facilitator.get(new_url()).status_code == 403
    assert "Record a new meeting" not in facilitator.get(cell.get_absolute_url()).text


# Recording a meeting ---------------------------------------------------------


def test_facilitator_saves_a_new_meeting_as_a_draft(facilitator: Any, world: World) -> None:
    member = world.users["member"]
    data = editor_data(
        [
            {
                "heading": "Door knocking",
                "body": "A week of *knocking*.",
                "themes": "Listening, trust",
            },
            {"body": "Share the guides.", "themes": "listening"},
        ],
        attendees=[member.pk],
        guest_names="Priya Shah",
    )
    response = facilitator.post(new_url(), data)
    meeting = Meeting.objects.get(title="Listening to residents")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.created_by == world.users["facilitator"]
    assert list(meeting.attendees.all()) == [member]
    notes = list(meeting.notes.order_by("position"))
    assert [note.body for note in notes] == ["A week of *knocking*.", "Share the guides."]
    assert notes[0].heading == "Door knocking"
    assert notes[0].theme_names == "Listening, trust"
    # "listening" reused the theme created a moment before, whatever the case.
    assert Theme.objects.filter(name__iexact="listening").count() == 1
    assert notes[1].themes.get().name == "Listening"


def test_save_and_publish_makes_it_readable(
    facilitator: Any, login: Callable[[str], Any], world: World
) -> None:
    facilitator.post(new_url(), editor_data([{"body": "Published point."}], action="publish"))
    meeting = Meeting.objects.get(title="Listening to residents")
    assert meeting.status == MeetingStatus.PUBLISHED and meeting.published_at
    assert login("member").get(meeting.get_absolute_url()).status_code == 200


def test_publish_and_unpublish_buttons(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    kwargs = {"slug": meeting.cell.slug, "pk": meeting.pk}
    facilitator.post(
        reverse("notes:meeting_publish", kwargs=kwargs), {"record_version": meeting.version}
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    # A stale page's button changes nothing.
    facilitator.post(reverse("notes:meeting_unpublish", kwargs=kwargs), {"record_version": 1})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    facilitator.post(
        reverse("notes:meeting_unpublish", kwargs=kwargs), {"record_version": meeting.version}
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT


def test_pasted_note_splits_into_points_for_confirmation(facilitator: Any, world: World) -> None:
    data = editor_data([{}], action="split", date="", title="", introduced_by="", text=NOTE)
    response = facilitator.post(new_url(), data)
    assert response.status_code == 200
    assert not Meeting.objects.filter(title__icontains="residents").exists()  # nothing saved
    points = response.context["points"]
    assert [form.initial["body"][:30] for form in points.forms] == [
        "The topic of discussion was li",
        "One example was a housing team",
        "The group suggested that the n",
    ]
    details = response.context["details"]
    assert details.initial["date"] == "2019-03-03"
    assert details.initial["title"] == "Listening to residents"
    assert details.initial["introduced_by"] == "Dana Whitfield"


def test_theme_suggestions_explain_which_words_matched(facilitator: Any, world: World) -> None:
    Theme.objects.create(
        name="leadership", slug="leadership-2", keywords="leader"
    ) if False else None
    theme = Theme.objects.get(name="leadership")
    theme.keywords = "leader, leading"
    theme.save()
    data = editor_data([{"body": "Its leaders knocked on doors."}], action="preview")
    response = facilitator.post(new_url(), data)
    form = response.context["points"].forms[0]
    assert [s.theme.name for s in form.suggestions] == ["leadership"]
    assert form.suggestions[0].matched_words == ["leaders"]
    assert "because the text says “leaders”" in response.text


def test_accepting_a_suggestion_without_javascript_adds_the_theme(
    facilitator: Any, world: World
) -> None:
    data = editor_data(
        [{"body": "Leadership matters.", "themes": "trust", "accept": ["leadership"]}]
    )
    facilitator.post(new_url(), data)
    note = Note.objects.get(body="Leadership matters.")
    assert note.theme_names == "leadership, trust"


def test_preview_renders_markdown_safely_and_saves_nothing(facilitator: Any, world: World) -> None:
    body = "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
    response = facilitator.post(new_url(), editor_data([{"body": body}], action="preview"))
    page = response.content.decode()
    preview = page.split('id="preview"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Bold</strong>" in preview
    # The script is text; the javascript: link is no link (its text may stay).
    assert "<script>" not in preview and 'href="javascript' not in preview
    assert "&lt;script&gt;" in preview
    assert not Meeting.objects.filter(title="Listening to residents").exists()


def test_add_a_point_keeps_what_was_typed(facilitator: Any, world: World) -> None:
    response = facilitator.post(new_url(), editor_data([{"body": "Typed."}], action="add"))
    forms = response.context["points"].forms
    assert len(forms) == 2 and forms[0].initial["body"] == "Typed."


@pytest.mark.parametrize("suffix", ["txt", "md", "docx"])
def test_uploaded_note_lands_in_the_split_step(facilitator: Any, world: World, suffix: str) -> None:
    if suffix == "docx":
        document = docx.Document()
        for paragraph in NOTE.split("\n\n"):
            document.add_paragraph(paragraph.strip())
        buffer = io.BytesIO()
        document.save(buffer)
        content = buffer.getvalue()
    else:
        content = NOTE.encode()
    data = editor_data([{}], action="import", date="", title="")
    data["upload"] = SimpleUploadedFile(f"note.{suffix}", content)
    response = facilitator.post(new_url(), data)
    assert len(response.context["points"].forms) == 3
    assert response.context["details"].initial["title"] == "Listening to residents"


def test_a_malformed_upload_is_refused_and_keeps_the_typing(facilitator: Any, world: World) -> None:
    data = editor_data([{"body": "Kept point."}], action="import")
    data["upload"] = SimpleUploadedFile("note.docx", b"this is not a word file")
    response = facilitator.post(new_url(), data)
    assert "could not be read as a Word document" in response.text
    assert response.context["points"].forms[0].initial["body"] == "Kept point."


# Bad input keeps everything typed ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"date": (datetime.date.today() + datetime.timedelta(days=400)).isoformat()},
            "more than a year ahead",
        ),
        ({"title": ""}, "This field is required"),
        ({"points": [{"body": "x" * 2_000_000}]}, "at most 100,000 characters"),
        ({"points": [{"body": "Fine.", "themes": "t" * 300}]}, "at most 100 characters"),
        ({"points": []}, "A meeting needs at least one discussion point"),
        ({"points": [{"heading": "Only a heading"}]}, "Write what was said"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(
    facilitator: Any, world: World, change: dict[str, Any], message: str
) -> None:
    points = change.pop("points", [{"heading": "Kept heading", "body": "Kept body."}])
    data = editor_data(points, **change)
    data["guest_names"] = "Typed guest"
    response = facilitator.post(new_url(), data)
    assert response.status_code == 400
    assert message in response.text
    assert "Typed guest" in response.text
    if points and points[0].get("heading") == "Kept heading":
        assert "Kept body." in response.text
    assert not Meeting.objects.filter(title="Listening to residents").exists()


# Editing, conflicts and history ---------------------------------------------


def test_edit_reorders_changes_and_deletes_points(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    first, second = existing_points(meeting)
    first.update(order=2, body="First, changed.")
    second.update(order=1)
    added = {"body": "A new third point.", "order": 3}
    response = facilitator.post(
        edit_url(meeting),
        editor_data([first, second, added], version=meeting.version, title=meeting.title),
    )
    assert response.status_code == 302
    bodies = list(meeting.notes.order_by("position").values_list("body", flat=True))
    assert bodies == [second["body"], "First, changed.", "A new third point."]
    meeting.refresh_from_db()
    assert meeting.version == 2
    # Deleting the new point; its history keeps it.
    points = existing_points(meeting)
    points[2]["delete"] = True
    facilitator.post(
        edit_url(meeting), editor_data(points, version=meeting.version, title=meeting.title)
    )
    assert meeting.notes.count() == 2
    assert Note.history.filter(body="A new third point.", history_type="-").exists()


def test_a_stale_edit_is_refused_and_shows_both_texts(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    mine = existing_points(meeting)
    stale_version = meeting.version
    # Someone else saves first.
    theirs = existing_points(meeting)
    theirs[0]["body"] = "Their words."
    facilitator.post(
        edit_url(meeting), editor_data(theirs, version=stale_version, title=meeting.title)
    )
    mine[0]["body"] = "My words."
    response = facilitator.post(
        edit_url(meeting), editor_data(mine, version=stale_version, title=meeting.title)
    )
    assert response.status_code == 409
    assert "My words." in response.text and "Their words." in response.text
    assert meeting.notes.get(position=1).body == "Their words."


def test_an_edit_from_before_a_change_to_the_same_point_shows_the_clash(
    facilitator: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    points = existing_points(meeting)
    note = Note.objects.get(pk=points[0]["id"])
    note.body, note.version = "Changed in the admin.", note.version + 1
    note.save()  # with its history entry, as the admin's write path does
    points[0]["body"] = "Changed in the editor."
    response = facilitator.post(
        edit_url(meeting), editor_data(points, version=meeting.version, title=meeting.title)
    )
    assert response.status_code == 409
    assert "Changed in the admin." in response.text and "Changed in the editor." in response.text


def test_history_shows_differences_and_restores_a_version(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    points = existing_points(meeting)
    original = points[0]["body"]
    points[0]["body"] = original.replace("local councils", "parish councils")
    facilitator.post(
        edit_url(meeting), editor_data(points, version=meeting.version, title=meeting.title)
    )
    history_url = reverse(
        "notes:meeting_history", kwargs={"slug": meeting.cell.slug, "pk": meeting.pk}
    )
    page = facilitator.get(history_url)
    assert "<del>local</del> <ins>parish</ins>" in page.text
    entry = next(
        e
        for e in page.context["page"]
        if e.is_note and e.kind == "added" and e.record.position == 1
    )
    facilitator.post(meeting_url("notes:note_restore", meeting, entry.record.history_id))
    assert meeting.notes.get(position=1).body == original


def test_a_deleted_point_can_be_restored(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    points = existing_points(meeting)
    deleted_body = points[1]["body"]
    points[1]["delete"] = True
    facilitator.post(
        edit_url(meeting), editor_data(points, version=meeting.version, title=meeting.title)
    )
    assert not meeting.notes.filter(body=deleted_body).exists()
    record = Note.history.get(body=deleted_body, history_type="-")
    facilitator.post(meeting_url("notes:note_restore", meeting, record.history_id))
    restored = meeting.notes.get(body=deleted_body)
    assert restored.theme_names == "leadership"
    assert list(restored.themes.names()) == ["leadership"]


def test_restoring_meeting_details(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    old_title = meeting.title
    points = existing_points(meeting)
    facilitator.post(
        edit_url(meeting), editor_data(points, version=meeting.version, title="Renamed")
    )
    record = meeting.history.filter(title=old_title).earliest()
    facilitator.post(meeting_url("notes:meeting_restore", meeting, record.history_id))
    meeting.refresh_from_db()
    assert meeting.title == old_title


def test_history_offers_restore_only_where_it_changes_something(
    facilitator: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    points = existing_points(meeting)
    points[0]["body"] = "Changed once."
    facilitator.post(
        edit_url(meeting), editor_data(points, version=meeting.version, title=meeting.title)
    )
    history_url = reverse(
        "notes:meeting_history", kwargs={"slug": meeting.cell.slug, "pk": meeting.pk}
    )
    entries = list(facilitator.get(history_url).context["page"])
    first_point = [e for e in entries if e.is_note and e.record.id == points[0]["id"]]
    assert [(e.kind, e.restorable) for e in first_point] == [("changed", False), ("added", True)]
    untouched = [e for e in entries if e.is_note and e.record.id == points[1]["id"]]
    assert [(e.kind, e.restorable) for e in untouched] == [("added", False)]


def test_the_editor_refuses_a_theme_name_with_markup_and_keeps_the_typing(
    facilitator: Any, world: World
) -> None:
    data = editor_data([{"body": "Kept text.", "themes": "trust, <b>bold</b>"}])
    response = facilitator.post(new_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be a theme" in page and "Kept text." in page
    assert not Theme.objects.filter(name__icontains="bold").exists()


def test_a_hyphenated_name_reuses_the_theme_with_spaces(facilitator: Any, world: World) -> None:
    Theme.objects.create(name="systems change")
    data = editor_data([{"body": "Text.", "themes": "Systems-change"}])
    assert facilitator.post(new_url(), data).status_code == 302
    assert list(Note.objects.get(body="Text.").themes.names()) == ["systems change"]
    assert Theme.objects.filter(name__icontains="systems").count() == 1


def _missing_descriptions(html: str) -> set[str]:
    """Ids named by aria-describedby (or aria-labelledby) that no element has."""
    import re

    ids = set(re.findall(r'\sid="([^"]+)"', html))
    named = {
        name
        for value in re.findall(r'aria-(?:describedby|labelledby)="([^"]*)"', html)
        for name in value.split()
    }
    return named - ids


def test_hints_and_errors_are_tied_to_their_fields(facilitator: Any, world: World) -> None:
    blank = facilitator.get(new_url()).content.decode()
    assert 'aria-describedby="id_points-0-heading_helptext"' in blank
    assert _missing_descriptions(blank) == set()
    data = editor_data([{"body": "", "heading": "Only a heading"}], date="", title="")
    invalid = facilitator.post(new_url(), data).content.decode()
    assert 'aria-invalid="true"' in invalid
    assert _missing_descriptions(invalid) == set()
    assert 'id="id_date_error"' in invalid


def test_saving_a_published_meeting_says_readers_see_it_now(facilitator: Any, world: World) -> None:
    meeting = world.meetings[("private", "published")]
    data = editor_data(existing_points(meeting), version=meeting.version)
    response = facilitator.post(edit_url(meeting), data, follow=True)
    page = response.content.decode()
    assert "Saved: readers see the new version now." in page
    assert "Publish the meeting when it is ready" not in page


def test_an_archived_cells_facilitator_is_told_it_is_archived(
    facilitator: Any, world: World
) -> None:
    cell = world.cells["private"]
    cell.is_active = False
    cell.save()
    response = facilitator.get(new_url())
    page = response.content.decode()
    assert response.status_code == 403
    assert "Private cell is archived" in page and "takes no new meetings" in page
    assert "Only the cell's facilitators" not in page
    meeting = world.meetings[("private", "published")]
    assert facilitator.get(edit_url(meeting)).status_code == 200  # its meetings stay editable


def _note_file(text: str = "First paragraph.\n\nSecond paragraph.") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("note.md", text.encode(), content_type="text/markdown")


def test_a_chosen_file_is_imported_not_ignored_when_saving(facilitator: Any, world: World) -> None:
    data = editor_data([{"body": ""}])
    data["upload"] = _note_file()
    response = facilitator.post(new_url(), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "First paragraph." in page and "Second paragraph." in page
    assert not Meeting.objects.filter(title="Listening to residents").exists()


def test_import_without_a_file_and_split_without_text_say_so(
    facilitator: Any, world: World
) -> None:
    imported = facilitator.post(new_url(), editor_data([{"body": ""}], action="import"))
    assert "Choose a .docx, .md or .txt file first" in imported.content.decode()
    assert 'class="error-summary"' in imported.content.decode()
    split = facilitator.post(new_url(), editor_data([{"body": ""}], action="split"))
    assert "Paste the note here first" in split.content.decode()
    assert 'class="error-summary"' in split.content.decode()


def test_preview_shows_the_meeting_as_published_and_who_will_read_it(
    facilitator: Any, world: World
) -> None:
    Membership.objects.create(user=world.users["outsider"], cell=world.cells["private"])
    data = editor_data(
        [{"heading": "Doors", "body": "Knocking on *doors*.", "themes": "leadership, door work"}],
        action="preview",
        guest_names="Gita Guest",
    )
    response = facilitator.post(new_url(), data)
    preview = response.content.decode().split('id="preview"', 1)[1].split('class="editor__jump"')[0]
    assert "Listening to residents" in preview  # the meeting header
    assert "3 March 2019" in preview and "Dana Whitfield" in preview and "Online" in preview
    assert "1. Doors" in preview and "<em>doors</em>" in preview
    assert "leadership" in preview and "door work" in preview
    assert "Private to Private cell" in preview and "Draft" in preview
    assert "the 3 members of Private cell can read it" in preview
    assert not Theme.objects.filter(name="door work").exists()  # nothing created


def test_saving_a_second_meeting_on_the_same_day_asks_first(facilitator: Any, world: World) -> None:
    first = editor_data([{"body": "One."}], title="Listening to residents")
    assert facilitator.post(new_url(), first).status_code == 302
    original = Meeting.objects.get(title="Listening to residents")
    again = editor_data([{"body": "Two."}], title="Listening to the residents")
    response = facilitator.post(new_url(), again)
    page = response.content.decode()
    assert response.status_code == 400
    assert "already has a meeting on 3 March 2019" in page
    assert original.get_absolute_url() in page
    assert Meeting.objects.filter(cell=world.cells["private"], date="2019-03-03").count() == 1
    confirmed = facilitator.post(new_url(), {**again, "confirm_duplicate": str(original.pk)})
    assert confirmed.status_code == 302
    other_topic = editor_data([{"body": "Three."}], title="Budgets and prevention")
    assert facilitator.post(new_url(), other_topic).status_code == 302  # a different topic
