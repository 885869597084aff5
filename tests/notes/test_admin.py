"""The content admin: merges, renames, bulk theme actions, search, export, permissions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from betterway.models import User
from cells.models import Meeting, MeetingStatus
from notes.models import Note, TaggedNote, Theme, ThemeAlias
from notes.permissions import NETWORK_ADMINS, ensure_network_admin_group
from tests.personas import Library, World, make_user


@pytest.fixture
def admin_client(client: Any, world: World) -> Any:
    superuser = world.users["staff"]
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    return client


@pytest.fixture
def network_admin(client: Any, db: None) -> Any:
    user = make_user("netadmin", is_staff=True)
    user.groups.add(ensure_network_admin_group())
    client.force_login(user)
    return client


def _action(client: Any, changelist: str, action: str, objects: list[Any], **extra: Any) -> Any:
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(reverse(changelist), data)


# Merging and renaming themes -------------------------------------------------


def test_merging_themes_moves_points_once_and_keeps_old_addresses(
    admin_client: Any, library: Library
) -> None:
    prevention = Theme.objects.get(name="prevention")
    systems = Theme.objects.get(name="systems change")
    # "budget" has both themes: after the merge it must have the target once.
    budget = library.note("budget")
    assert {prevention, systems} <= set(budget.themes.all())
    points = set(Note.objects.filter(tagged_items__tag__in=[prevention, systems]))
    old_url = systems.get_absolute_url()

    page = _action(admin_client, "admin:notes_theme_changelist", "merge", [prevention, systems])
    assert "Keep this theme" in page.text  # the confirmation step
    response = _action(
        admin_client,
        "admin:notes_theme_changelist",
        "merge",
        [prevention, systems],
        apply="1",
        target=prevention.pk,
    )
    assert response.status_code == 302

    assert not Theme.objects.filter(pk=systems.pk).exists()
    assert set(Note.objects.filter(tagged_items__tag=prevention)) == points
    assert TaggedNote.objects.filter(tag=prevention, content_object=budget).count() == 1
    budget.refresh_from_db()
    assert budget.theme_names == "prevention"
    assert Note.objects.filter(pk=budget.pk, search_vector="systems").exists() is False
    # The old address redirects, and the merge is in the target's history.
    redirect = admin_client.get(old_url)
    assert redirect.status_code == 301 and redirect["Location"] == prevention.get_absolute_url()
    feed = admin_client.get(old_url + "feed/")
    assert feed.status_code == 301
    log = LogEntry.objects.get(object_id=str(prevention.pk))
    assert "Merged “systems change” into “prevention”" in log.change_message


def test_merging_two_sources_on_one_point_leaves_the_target_once(library: Library) -> None:
    from notes.themes.merging import merge_themes

    a = Theme.objects.create(name="alpha", slug="alpha")
    b = Theme.objects.create(name="beta", slug="beta")
    target = Theme.objects.create(name="gamma", slug="gamma")
    note = library.note("pantry")
    note.themes.add(a, b)
    result = merge_themes(target, [a, b])
    assert result.points == 1
    assert TaggedNote.objects.filter(content_object=note, tag=target).count() == 1
    assert set(ThemeAlias.objects.values_list("slug", flat=True)) >= {"alpha", "beta"}


def test_renaming_a_theme_redirects_its_old_address(admin_client: Any, library: Library) -> None:
    theme = Theme.objects.get(name="prevention")
    response = admin_client.post(
        reverse("admin:notes_theme_change", args=[theme.pk]),
        {
            "name": "early action",
            "slug": "early-action",
            "description": "",
            "keywords": "",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.text[:2000]
    old = admin_client.get("/themes/prevention/")
    assert old.status_code == 301 and old["Location"] == "/themes/early-action/"
    note = library.note("budget")
    note.refresh_from_db()
    assert "early action" in note.theme_names


def test_alias_redirects_never_reveal_hidden_themes(client: Any, library: Library) -> None:
    secret = Theme.objects.create(name="secret plans", slug="secret-plans")
    library.note("secret").themes.add(secret)
    ThemeAlias.objects.create(slug="old-secret", theme=secret)
    assert client.get("/themes/old-secret/").status_code == 404


def test_similar_themes_page_lists_look_alikes_and_merges(
    admin_client: Any, library: Library
) -> None:
    typo = Theme.objects.create(name="preventon", slug="preventon")
    library.note("trust").themes.add(typo)
    page = admin_client.get(reverse("admin:notes_theme_similar"))
    assert page.status_code == 200
    assert "preventon" in page.text and "prevention" in page.text
    prevention = Theme.objects.get(name="prevention")
    admin_client.post(
        reverse("admin:notes_theme_merge"), {"target": prevention.pk, "source": typo.pk}
    )
    assert not Theme.objects.filter(name="preventon").exists()
    assert library.note("trust").themes.filter(pk=prevention.pk).exists()


# Bulk actions -----------------------------------------------------------------


def test_adding_and_removing_a_theme_in_bulk(admin_client: Any, library: Library) -> None:
    notes = [library.note("pantry"), library.note("trust")]
    changelist = "admin:notes_note_changelist"
    assert "Theme" in _action(admin_client, changelist, "add_theme_to_notes", notes).text
    _action(admin_client, changelist, "add_theme_to_notes", notes, apply="1", name="KINDNESS")
    _action(admin_client, changelist, "add_theme_to_notes", notes, apply="1", name="kindness")
    kindness = Theme.objects.get(name__iexact="kindness")
    assert TaggedNote.objects.filter(tag=kindness).count() == 2  # never twice
    for note in notes:
        note.refresh_from_db()
        assert "KINDNESS" in note.theme_names
    _action(
        admin_client, changelist, "remove_theme_from_notes", notes, apply="1", theme=kindness.pk
    )
    assert not TaggedNote.objects.filter(tag=kindness).exists()
    assert LogEntry.objects.filter(object_id=str(kindness.pk)).count() == 3


def test_meeting_actions_publish_unpublish_and_tag_every_point(
    admin_client: Any, world: World
) -> None:
    drafts = [m for (v, s), m in world.meetings.items() if s == "draft"]
    changelist = "admin:cells_meeting_changelist"
    _action(admin_client, changelist, "publish", drafts)
    assert all(Meeting.objects.get(pk=m.pk).status == MeetingStatus.PUBLISHED for m in drafts)
    assert drafts[0].history.count() == 2  # the change is in the meeting's history
    _action(admin_client, changelist, "unpublish", drafts)
    assert all(Meeting.objects.get(pk=m.pk).status == MeetingStatus.DRAFT for m in drafts)
    _action(admin_client, changelist, "add_theme_to_points", drafts[:1], apply="1", name="trust")
    assert all("trust" in n.theme_names for n in drafts[0].notes.all())


def test_admin_search_of_notes_and_meetings_is_full_text(
    admin_client: Any, library: Library
) -> None:
    notes = admin_client.get(reverse("admin:notes_note_changelist"), {"q": "redesigning"})
    assert list(notes.context["cl"].result_list) == [library.note("coaching")]
    excluded = admin_client.get(reverse("admin:notes_note_changelist"), {"q": "patients -money"})
    assert list(excluded.context["cl"].result_list) == [library.note("coaching")]
    meetings = admin_client.get(reverse("admin:cells_meeting_changelist"), {"q": "homework"})
    assert [m.title for m in meetings.context["cl"].result_list] == ["Food pantries"]
    by_title = admin_client.get(reverse("admin:cells_meeting_changelist"), {"q": "Coaching in"})
    assert [m.title for m in by_title.context["cl"].result_list] == ["Coaching in hospitals"]


def test_theme_filter_on_notes_and_meetings(admin_client: Any, library: Library) -> None:
    notes = admin_client.get(reverse("admin:notes_note_changelist"), {"theme": "co-production"})
    assert set(notes.context["cl"].result_list) == {
        library.note("coaching"),
        library.note("pantry"),
    }
    meetings = admin_client.get(
        reverse("admin:cells_meeting_changelist"), {"theme": "co-production"}
    )
    assert {m.title for m in meetings.context["cl"].result_list} == {
        "Coaching in hospitals",
        "Food pantries",
    }


def test_csv_export_of_selected_points(admin_client: Any, library: Library) -> None:
    note = library.note("pantry")
    note.heading = '=HYPERLINK("https://evil.example")'
    note.save()
    response = _action(
        admin_client, "admin:notes_note_changelist", "export_csv", [note, library.note("coaching")]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["cell", "meeting", "date", "position", "heading", "themes", "text"]
    by_meeting = {row[1]: row for row in rows[1:]}
    pantry = by_meeting["Food pantries"]
    assert pantry[0] == "Public cell" and pantry[2] == "2018-09-12"
    assert pantry[4].startswith("'=HYPERLINK")  # a formula is defused
    assert pantry[5] == "co-production, systems change"
    assert pantry[6].startswith("Residents run a food pantry")


# Who may do what --------------------------------------------------------------


def test_network_admins_manage_content_but_not_people_s_privileges(
    network_admin: Any, world: World
) -> None:
    for name in ["cells_cell", "cells_meeting", "notes_note", "notes_theme", "cells_membership"]:
        assert network_admin.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert network_admin.get(reverse(f"admin:{name}_add")).status_code == 200
    root = User.objects.create_superuser("root", password="x-long-password-1")
    users = network_admin.get(reverse("admin:betterway_user_changelist"))
    assert "root" not in {u.username for u in users.context["cl"].result_list}
    # The admin answers an object outside its queryset by going back to the index.
    hidden = network_admin.get(reverse("admin:betterway_user_change", args=[root.pk]))
    assert hidden.status_code == 302
    member = world.users["member"]
    password_url = reverse("admin:auth_user_password_change", args=[member.pk])
    assert network_admin.get(password_url).status_code == 403
    change = network_admin.get(reverse("admin:betterway_user_change", args=[member.pk]))
    assert change.status_code == 200
    assert 'name="is_superuser"' not in change.text and 'name="is_staff"' not in change.text
    assert network_admin.get(reverse("admin:betterway_user_add")).status_code == 403


def test_network_admin_cannot_make_themselves_superuser(network_admin: Any, world: World) -> None:
    me = User.objects.get(username="netadmin")
    network_admin.post(
        reverse("admin:betterway_user_change", args=[me.pk]),
        {
            "username": "netadmin",
            "display_name": "Net",
            "is_superuser": "on",
            "is_staff": "on",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    me.refresh_from_db()
    assert not me.is_superuser


def test_network_admins_cannot_deactivate_or_rename_other_staff(
    network_admin: Any, world: World
) -> None:
    other = world.users["staff"]
    url = reverse("admin:betterway_user_change", args=[other.pk])
    page = network_admin.get(url)
    assert page.status_code == 200  # they may see the account…
    assert 'name="is_active"' not in page.text and 'name="username"' not in page.text
    data = {
        "username": "renamed",
        "display_name": "Renamed",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    assert network_admin.post(url, data).status_code == 403  # …not change it
    other.refresh_from_db()
    assert other.username == "staff" and other.is_active
    # A member's account is still theirs to update.
    member = world.users["member"]
    member_url = reverse("admin:betterway_user_change", args=[member.pk])
    response = network_admin.post(member_url, {**data, "username": "member2"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.username == "member2" and not member.is_active


def test_the_network_admin_group_exists_after_migrating(db: None) -> None:
    group = Group.objects.get(name=NETWORK_ADMINS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_theme", "delete_note", "add_cell", "change_user"} <= codenames
    assert "add_user" not in codenames and "delete_user" not in codenames


def test_superuser_adds_a_person_and_their_cells_in_one_form(
    admin_client: Any, world: World
) -> None:
    response = admin_client.post(
        reverse("admin:betterway_user_add"),
        {
            "username": "newbie",
            "display_name": "New Person",
            "email": "",
            "password1": "a-long-enough-password-9",
            "password2": "a-long-enough-password-9",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-cell": world.cells["network"].pk,
            "memberships-0-role": "facilitator",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    newbie = User.objects.get(username="newbie")
    assert newbie.memberships.get().cell == world.cells["network"]


def test_content_changelists_run_constant_queries(
    admin_client: Any, library: Library, count_queries: Callable[[Any, str], int]
) -> None:
    urls = [
        reverse("admin:notes_themealias_changelist"),
        reverse("admin:notes_theme_similar"),
        reverse("admin:notes_note_changelist") + "?theme=prevention",
        reverse("admin:cells_meeting_changelist") + "?q=pantry",
    ]
    Theme.objects.create(name="preventions", slug="preventions")  # a look-alike pair
    before = [count_queries(admin_client, url) for url in urls]
    for n in range(15):
        theme = Theme.objects.create(name=f"prevention {n}", slug=f"prevention-{n}")
        ThemeAlias.objects.create(slug=f"old-{n}", theme=theme)
        note = Note.objects.create(
            meeting=library.note("pantry").meeting, position=10 + n, body="pantry prevention"
        )
        note.themes.add(theme, "prevention")
    after = [count_queries(admin_client, url) for url in urls]
    assert before == after


def test_staff_without_theme_permissions_cannot_see_similar_themes(client: Any, db: None) -> None:
    client.force_login(make_user("bare-staff", is_staff=True))
    assert client.get(reverse("admin:notes_theme_similar")).status_code == 403
    assert (
        client.post(reverse("admin:notes_theme_merge"), {"target": 1, "source": 2}).status_code
        == 302
    )
