"""The one write path: every door to a meeting record locks it, bumps its version
once and records one history entry, so no change is silently overwritten.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from cells.models import Meeting, MeetingStatus
from notes.models import Note, Theme
from notes.record import services
from tests.personas import World, edit_url, editor_data, existing_points

ROUNDS = 15


@pytest.fixture
def admin(client: Any, world: World) -> Any:
    from django.test import Client

    admin_client = Client()
    admin_client.force_login(world.users["superuser"])
    return admin_client


def _meeting_admin_form(meeting: Meeting, admin: Any) -> dict[str, Any]:
    """The meeting's admin change form as the page holds it, ready to post."""
    page = admin.get(reverse("admin:cells_meeting_change", args=[meeting.pk]))
    assert page.status_code == 200
    data: dict[str, Any] = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is None:
                    continue
                if name == "themes":
                    value = (
                        ", ".join(tag.name for tag in value)
                        if not isinstance(value, str)
                        else value
                    )
                data[form.add_prefix(name)] = value
    return data


def test_admin_inline_edit_then_a_stale_editor_save_is_refused_and_keeps_both_texts(
    client: Any, admin: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    opened_version, mine = meeting.version, existing_points(meeting)

    data = _meeting_admin_form(meeting, admin)
    data["notes-0-body"] = "The administrator's correction."
    response = admin.post(reverse("admin:cells_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    meeting.refresh_from_db()
    assert meeting.version == opened_version + 1
    first = meeting.notes.get(position=1)
    assert first.body == "The administrator's correction."
    assert first.version == mine[0]["version"] + 1

    mine[0]["body"] = "The facilitator's own words."
    response = client.post(
        edit_url(meeting), editor_data(mine, version=opened_version, title=meeting.title)
    )
    assert response.status_code == 409
    assert "The facilitator&#x27;s own words." in response.text
    assert "The administrator&#x27;s correction." in response.text
    assert meeting.notes.get(position=1).body == "The administrator's correction."


def test_an_admin_form_opened_before_an_editor_save_is_refused(
    client: Any, admin: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    data = _meeting_admin_form(meeting, admin)
    client.force_login(world.users["facilitator"])
    points = existing_points(meeting)
    points[0]["body"] = "Saved from the editor meanwhile."
    client.post(edit_url(meeting), editor_data(points, version=meeting.version, title="New"))

    data["notes-0-body"] = "The administrator's late change."
    response = admin.post(reverse("admin:cells_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "Someone saved this meeting after you opened this page" in response.text
    assert "The administrator&#x27;s late change." in response.text  # kept in the form
    assert meeting.notes.get(position=1).body == "Saved from the editor meanwhile."


def test_admin_action_then_a_stale_editor_save_is_refused(
    client: Any, admin: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    opened_version, mine = meeting.version, existing_points(meeting)
    changelist = reverse("admin:cells_meeting_changelist")
    response = admin.post(
        changelist,
        {
            "action": "add_theme_to_points",
            "_selected_action": [meeting.pk],
            "apply": "1",
            "name": "housing",
        },
    )
    assert response.status_code == 302
    assert all("housing" in note.theme_names for note in meeting.notes.all())

    mine[0]["body"] = "Typed before the administrator tagged the points."
    response = client.post(
        edit_url(meeting), editor_data(mine, version=opened_version, title=meeting.title)
    )
    assert response.status_code == 409
    assert all("housing" in note.theme_names for note in meeting.notes.all())
    # Each tagged point has a history entry showing the new theme.
    assert Note.history.filter(meeting_id=meeting.pk, theme_names__contains="housing").count() == 2


def test_admin_publish_action_then_an_older_editor_save_merges_and_stays_published(
    client: Any, admin: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    opened_version, mine = meeting.version, existing_points(meeting)
    admin.post(
        reverse("admin:cells_meeting_changelist"),
        {"action": "publish", "_selected_action": [meeting.pk]},
    )
    meeting.refresh_from_db()
    assert meeting.is_published
    response = client.post(
        edit_url(meeting), editor_data(mine, version=opened_version, title="Older page's title")
    )
    # Different fields: the editor's title and the admin's publication are both kept.
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Older page's title" and meeting.is_published


def test_admin_edit_of_one_point_bumps_its_meeting(admin: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    note = meeting.notes.get(position=1)
    page = admin.get(reverse("admin:notes_note_change", args=[note.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["themes"] = "leadership"
    data["body"] = "Corrected in the point's own admin page."
    response = admin.post(reverse("admin:notes_note_change", args=[note.pk]), data)
    assert response.status_code == 302
    before = meeting.version
    meeting.refresh_from_db()
    note.refresh_from_db()
    assert meeting.version == before + 1
    assert note.version == 2
    assert note.history.first().theme_names == "leadership"


def test_save_and_publish_makes_one_version_and_one_history_entry(
    client: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    before_version, before_history = meeting.version, meeting.history.count()
    points = existing_points(meeting)
    points[0]["body"] = "Ready to publish."
    response = client.post(
        edit_url(meeting),
        editor_data(points, action="publish", version=meeting.version, title=meeting.title),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_published
    assert meeting.version == before_version + 1
    assert meeting.history.count() == before_history + 1
    assert meeting.history.first().status == MeetingStatus.PUBLISHED


def test_editing_a_published_meeting_says_readers_see_it_now(client: Any, world: World) -> None:
    meeting = world.meetings[("private", "published")]
    client.force_login(world.users["facilitator"])
    points = existing_points(meeting)
    response = client.post(
        edit_url(meeting),
        editor_data(points, version=meeting.version, title=meeting.title),
        follow=True,
    )
    assert "readers see the new version now" in response.text
    assert "Publish the meeting when it is ready" not in response.text


def _race_once(meeting: Meeting, user: Any, label: str) -> dict[str, str]:
    """A save and a publish of ``meeting`` from the same version, released together."""
    version = meeting.version
    points = [
        services.PointInput(heading="", body=label, id=note.pk, version=note.version)
        for note in meeting.notes.order_by("position")
    ]
    target = MeetingStatus.DRAFT if meeting.is_published else MeetingStatus.PUBLISHED
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def attempt(name: str, write: Any) -> None:
        barrier.wait()
        try:
            write()
            outcome[name] = "ok"
        except services.StaleRecord:
            outcome[name] = "stale"
        finally:
            connection.close()

    def save() -> None:
        services.save_record(
            meeting, user, version=version, details={"title": label}, points=points
        )

    def publish() -> None:
        services.set_status(meeting, target, version=version)

    threads = [
        threading.Thread(target=attempt, args=("save", save)),
        threading.Thread(target=attempt, args=("publish", publish)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


@pytest.mark.django_db(transaction=True)
def test_a_save_and_a_publish_racing_never_both_succeed() -> None:
    """Both start from the same version: one wins, the other is told, nothing is lost."""
    from tests.personas import build_world

    world = build_world()
    meeting = world.meetings[("private", "draft")]
    for round_number in range(ROUNDS):
        meeting.refresh_from_db()
        version, label = meeting.version, f"Round {round_number}"
        outcome = _race_once(meeting, world.users["facilitator"], label)
        assert sorted(outcome.values()) == ["ok", "stale"], (round_number, outcome)
        meeting.refresh_from_db()
        assert meeting.version == version + 1
        if outcome["save"] == "ok":
            assert meeting.title == label


def test_restoring_a_point_moved_to_another_meeting_is_refused(client: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    elsewhere = world.meetings[("private", "published")]
    client.force_login(world.users["facilitator"])
    note = meeting.notes.get(position=1)
    old = note.history.earliest()
    note.body = "Changed before the move."
    services.save_note_from_admin(note, version=note.version, meeting_version_bumped=False)
    note.meeting, note.position = elsewhere, 99
    services.save_note_from_admin(note, version=note.version, meeting_version_bumped=False)

    url = reverse(
        "notes:note_restore",
        kwargs={"slug": meeting.cell.slug, "pk": meeting.pk, "history_id": old.history_id},
    )
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "moved to another meeting" in response.text
    note.refresh_from_db()
    assert note.meeting_id == elsewhere.pk and note.body == "Changed before the move."


def test_restoring_the_current_version_is_refused(client: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    note = meeting.notes.get(position=1)
    current = note.history.latest("history_date", "history_id")
    before = meeting.version
    url = reverse(
        "notes:note_restore",
        kwargs={"slug": meeting.cell.slug, "pk": meeting.pk, "history_id": current.history_id},
    )
    response = client.post(url, follow=True)
    assert "nothing to restore" in response.text
    meeting.refresh_from_db()
    assert meeting.version == before


def test_control_characters_are_stripped_on_save(client: Any, world: World) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    points = existing_points(meeting)
    points[0]["body"] = "Bell\x07 and\x02 marker\x03 characters\ttabs\nlines"
    client.post(
        edit_url(meeting),
        editor_data(points, version=meeting.version, title="Topic\x01 here"),
    )
    meeting.refresh_from_db()
    assert meeting.title == "Topic here"
    assert meeting.notes.get(position=1).body == "Bell and marker characters\ttabs\nlines"


def test_renaming_a_theme_then_a_stale_editor_save_is_refused(
    client: Any, admin: Any, world: World
) -> None:
    meeting = world.meetings[("private", "draft")]
    client.force_login(world.users["facilitator"])
    opened_version, mine = meeting.version, existing_points(meeting)
    theme = Theme.objects.get(name="leadership")
    response = admin.post(
        reverse("admin:notes_theme_change", args=[theme.pk]),
        {
            "name": "shared leadership",
            "slug": theme.slug,
            "description": theme.description,
            "keywords": "",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert meeting.notes.get(position=1).theme_names == "shared leadership"
    response = client.post(
        edit_url(meeting), editor_data(mine, version=opened_version, title=meeting.title)
    )
    assert response.status_code == 409  # the old name is not brought back
    assert not Theme.objects.filter(name="leadership").exists()
