"""The demo network command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from betterway.models import User
from cells.models import Cell, Meeting, Membership, Visibility
from notes.actions.models import Action, Proposal, Rediscussion
from notes.following.models import Follow
from notes.models import Note, TaggedNote, Theme


def _snapshot() -> dict[str, list[tuple]]:
    return {
        "users": list(User.objects.values_list("username", "display_name", "password")),
        "cells": list(Cell.objects.values_list("slug", "name", "visibility", "is_active")),
        "memberships": list(Membership.objects.values_list("user__username", "cell__slug", "role")),
        "themes": list(Theme.objects.values_list("name", "description", "keywords")),
        "meetings": list(Meeting.objects.values_list("pk", "title", "status", "updated_at")),
        "notes": list(Note.objects.values_list("pk", "body", "theme_names", "updated_at")),
        "tags": list(TaggedNote.objects.values_list("pk", "tag__name")),
        "follows": list(Follow.objects.values_list("pk", "user__username", "name")),
        "actions": list(Action.objects.values_list("pk", "what", "status", "updated_at")),
        "proposals": list(Proposal.objects.values_list("pk", "summary", "status", "updated_at")),
        "rediscussions": list(Rediscussion.objects.values_list("pk", "proposal_id")),
    }


def test_demo_network_has_what_the_demo_needs(db: None, settings: Any) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert set(Cell.objects.values_list("visibility", flat=True)) == set(Visibility.values)
    assert Meeting.objects.count() >= 8
    assert Note.objects.count() >= 40
    assert Theme.objects.exclude(description="").count() >= 15
    assert Meeting.objects.filter(status="draft").exists()
    assert User.objects.filter(is_staff=True).exists()
    assert "Demo logins" in out.getvalue()
    # A member of one cell only, and someone in no cell, for trying the reading rules.
    otto = User.objects.get(username="otto")
    assert otto.memberships.count() == 1
    assert not User.objects.get(username="olu").memberships.exists()
    # Demo members follow themes, cells and a search, so Following has content.
    kinds = {follow.kind for follow in Follow.objects.select_related("theme", "cell")}
    assert kinds == {"theme", "cell", "search"}
    # Proposals (one taken up, one discussed again) and actions (one overdue, one done).
    assert Proposal.objects.count() >= 3
    assert Proposal.objects.filter(status="taken_up", status_changes__isnull=False).exists()
    assert Rediscussion.objects.exists()
    assert Action.objects.overdue().exists() and Action.objects.filter(status="done").exists()


def test_loading_the_demo_twice_changes_nothing(db: None, settings: Any) -> None:
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    first = _snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _snapshot() == first
    assert "created 0 people, 0 cells, 0 themes, 0 meetings, 0 notes" in out.getvalue()


def test_demo_refuses_to_create_known_passwords_in_production(db: None, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG off"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
