"""The admin: who may open it, and changelists whose query count does not grow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cells.models import Membership, Role
from notes.models import Note
from tests.personas import World, make_meeting, make_user

CHANGELISTS = [
    "admin:betterway_user_changelist",
    "admin:cells_cell_changelist",
    "admin:cells_membership_changelist",
    "admin:cells_meeting_changelist",
    "admin:notes_note_changelist",
    "admin:notes_theme_changelist",
]


def _superuser(world: World) -> Any:
    staff = world.users["staff"]
    staff.is_superuser = True
    staff.save()
    return staff


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_staff_open_every_changelist_and_add_page(client: Any, world: World, url_name: str) -> None:
    client.force_login(_superuser(world))
    assert client.get(reverse(url_name)).status_code == 200
    assert client.get(reverse(url_name.replace("changelist", "add"))).status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "member", "facilitator"])
def test_everyone_else_is_sent_to_the_admin_login(
    login: Callable[[str], Any], persona: str
) -> None:
    response = login(persona).get(reverse("admin:cells_cell_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_change_pages_open_for_a_cell_a_meeting_and_a_note(client: Any, world: World) -> None:
    client.force_login(_superuser(world))
    meeting = world.meetings[("private", "draft")]
    note = meeting.notes.earliest("position")
    for url in [
        reverse("admin:cells_cell_change", args=[meeting.cell.pk]),
        reverse("admin:cells_meeting_change", args=[meeting.pk]),
        reverse("admin:notes_note_change", args=[note.pk]),
        reverse("admin:cells_meeting_history", args=[meeting.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_cell_changelist_shows_member_and_meeting_counts(client: Any, world: World) -> None:
    client.force_login(_superuser(world))
    page = client.get(reverse("admin:cells_cell_changelist")).text
    # The private cell: a member and a facilitator, a published and a draft meeting.
    row = page[page.index("Private cell") :].split("</tr>")[0]
    assert '<td class="field-member_count">2</td>' in row
    assert '<td class="field-meeting_count">2</td>' in row


def test_editing_themes_in_the_admin_updates_the_search_text(client: Any, world: World) -> None:
    client.force_login(_superuser(world))
    note = world.notes_of("public", "published")[0]
    response = client.post(
        reverse("admin:notes_note_change", args=[note.pk]),
        {
            "meeting": note.meeting.pk,
            "position": note.position,
            "heading": note.heading,
            "body": note.body,
            "themes": "prevention, Trust",
            "author": "",
        },
    )
    assert response.status_code == 302, response.content
    note.refresh_from_db()
    assert note.theme_names == "prevention, Trust"
    assert Note.objects.filter(pk=note.pk, search_vector="trust").exists()


def _grow(world: World) -> None:
    for n in range(12):
        user = make_user(f"extra{n}")
        cell = world.cells["network"]
        Membership.objects.create(user=user, cell=cell, role=Role.MEMBER)
        make_meeting(cell, points=3, title=f"Extra meeting {n}", themes=[])
        Note.objects.filter(meeting__title=f"Extra meeting {n}").earliest("pk").themes.add(
            f"theme {n}"
        )


def test_changelist_query_counts_do_not_grow_with_rows(
    client: Any, world: World, count_queries: Callable[[Any, str], int]
) -> None:
    client.force_login(_superuser(world))
    before = {name: count_queries(client, reverse(name)) for name in CHANGELISTS}
    _grow(world)
    after = {name: count_queries(client, reverse(name)) for name in CHANGELISTS}
    assert before == after


def test_admin_index_offers_themes_not_taggits_unused_tags(client: Any, world: World) -> None:
    client.force_login(_superuser(world))
    page = client.get(reverse("admin:index")).text
    assert reverse("admin:notes_theme_changelist") in page
    assert "/admin/taggit/" not in page
