"""Load the demo network: people, cells, themes, meetings and their notes.

Running it again changes nothing: every object is looked up first and only
created when missing. It creates accounts with a known password, so it refuses
to run with DJANGO_DEBUG off unless told ``--allow-production``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from betterway.dev import demo_network as network
from cells.models import Cell, Meeting, MeetingStatus, Membership, Role, Visibility
from notes.actions.models import Action, Proposal
from notes.actions.services import (
    ActionInput,
    change_proposal_status,
    save_action,
    save_proposal,
    set_rediscussion,
)
from notes.actions.suggestions import suggest_proposal
from notes.following.services import follow_cell, follow_search, follow_theme
from notes.models import Note, Theme
from notes.record.services import PointInput, create_meeting

User = get_user_model()


class Command(BaseCommand):
    help = "Load the demo network (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DJANGO_DEBUG off (the demo accounts share a known password).",
        )

    def handle(self, *args: Any, allow_production: bool, **options: Any) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with DJANGO_DEBUG off. "
                "Pass --allow-production if this really is a demo site."
            )
        with transaction.atomic():
            created = self._load()
        summary = ", ".join(f"{count} {label}" for label, count in created.items())
        self.stdout.write(f"Demo data: created {summary}.")
        self._print_logins()

    def _load(self) -> dict[str, int]:
        """Each step looks its objects up first, so a second run creates nothing."""
        self.created = dict.fromkeys(["people", "cells", "themes", "meetings", "notes"], 0)
        people = self._people()
        cells = self._cells(people)
        self._themes()
        self._meetings(people, cells)
        self._follows(people, cells)
        self._actions_and_proposals(people)
        return self.created

    def _people(self) -> dict[str, Any]:
        people = {}
        for username, (display_name, is_staff, _role) in network.PEOPLE.items():
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.org",
                    "display_name": display_name,
                    "is_staff": is_staff,
                    "is_superuser": is_staff,
                },
            )
            if made:
                user.set_password(network.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            elif not user.email:  # loaded before demo accounts had addresses
                user.email = f"{username}@example.org"
                user.save(update_fields=["email"])
            people[username] = user
            self.created["people"] += made
        return people

    def _cells(self, people: dict[str, Any]) -> dict[str, Cell]:
        cells = {}
        for slug, spec in network.CELLS.items():
            name, visibility, active, description, facilitators, members = spec
            cell, made = Cell.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "visibility": visibility,
                    "is_active": active,
                    "description": description,
                },
            )
            cells[slug] = cell
            self.created["cells"] += made
            roles = [(u, Role.FACILITATOR) for u in facilitators]
            roles += [(u, Role.MEMBER) for u in members]
            for username, role in roles:
                Membership.objects.get_or_create(
                    user=people[username], cell=cell, defaults={"role": role}
                )
        return cells

    def _themes(self) -> None:
        for name, (description, keywords) in network.THEMES.items():
            if not Theme.objects.named(name).exists():
                Theme.objects.create(
                    name=name, description=description, keywords=keywords, curated=True
                )
                self.created["themes"] += 1

    def _meetings(self, people: dict[str, Any], cells: dict[str, Cell]) -> None:
        """Through the record's write path, like any other meeting."""
        for spec in network.MEETINGS:
            cell = cells[spec["cell"]]
            date = datetime.date.fromisoformat(spec["date"])
            if Meeting.objects.filter(cell=cell, date=date, title=spec["title"]).exists():
                continue
            details = {
                "date": date,
                "title": spec["title"],
                "introduced_by": spec["introduced_by"],
                "introduced_by_user": people.get(spec["introducer"] or ""),
                "guest_names": "\n".join(spec["guests"]),
                "venue": spec["venue"],
                # As the editor's default: names shown outside network cells, not public ones.
                "show_attendees": cell.visibility == Visibility.NETWORK,
            }
            points = [
                PointInput(heading=heading, body=body, themes=theme_names)
                for heading, body, theme_names in spec["points"]
            ]
            attendees = [people[username] for username in spec["attendees"]]
            author = people[network.CELLS[spec["cell"]][4][0]]
            create_meeting(cell, author, details, points, attendees, status=spec["status"])
            self.created["meetings"] += 1
            self.created["notes"] += len(points)

    def _follows(self, people: dict[str, Any], cells: dict[str, Cell]) -> None:
        for username, wanted in network.FOLLOWS.items():
            user = people[username]
            for name in wanted["themes"]:
                theme = Theme.objects.named(name).first()
                if theme is not None:
                    follow_theme(user, theme)
            for slug in wanted["cells"]:
                follow_cell(user, cells[slug])
            for query in wanted["searches"]:
                follow_search(user, query, query.removeprefix("q="))

    def _actions_and_proposals(self, people: dict[str, Any]) -> None:
        """Points whose text proposes something become proposals, as a facilitator
        accepting the editor's suggestion would make them; a few actions besides.
        """
        for note in Note.objects.filter(meeting__status=MeetingStatus.PUBLISHED).select_related(
            "meeting__cell"
        ):
            suggestion = suggest_proposal(f"{note.heading}\n{note.body}")
            if suggestion is not None and not Proposal.objects.filter(note=note).exists():
                author = people[network.CELLS[note.meeting.cell.slug][4][0]]
                save_proposal(note, author, summary=suggestion.sentence, shared=False)
        for title, status, why in network.PROPOSAL_DECISIONS:
            proposal = Proposal.objects.filter(meeting__title=title).first()
            if proposal is not None and proposal.status != status:
                change_proposal_status(proposal, people["admin"], status, why)
        for title, position, earlier in network.REDISCUSSIONS:
            later = Note.objects.filter(meeting__title=title, position=position).first()
            proposal = Proposal.objects.filter(meeting__title=earlier).first()
            if later is not None and proposal is not None:
                set_rediscussion(later, people["admin"], proposal)
        today = timezone.localdate()
        for title, position, what, owner, due_in, status in network.ACTIONS:
            point = Note.objects.filter(meeting__title=title, position=position).first()
            if point is None or Action.objects.filter(note=point, what=what).exists():
                continue
            user = people.get(owner)
            due = today + datetime.timedelta(days=due_in) if due_in is not None else None
            given = ActionInput(
                what=what,
                owner=user,
                owner_name="" if user else owner,
                due=due,
                status=status,
            )
            save_action(point, people["admin"], given)

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {network.DEMO_PASSWORD}):")
        for username, (display_name, _staff, role) in network.PEOPLE.items():
            self.stdout.write(f"  {username:<7} {display_name:<14} {role}")
