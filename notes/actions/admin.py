"""Admin of actions and proposals: filters (status, cell, overdue), bulk status
changes that keep history, and each object's history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from notes.actions.models import (
    Action,
    ActionStatus,
    Proposal,
    ProposalStatus,
    ProposalStatusChange,
)
from notes.actions.services import change_proposal_status, set_action_status

BULK_NOTE = "Changed in bulk in the admin."


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Overdue"), ("undated", "No due date")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "overdue":
            return queryset.filter(status=ActionStatus.OPEN, due__lt=timezone.localdate())
        if self.value() == "undated":
            return queryset.filter(due__isnull=True)
        return queryset


def _action_status_change(status: str, label: str) -> Any:
    @admin.action(description=f"Mark the selected actions {label}")
    def change(model_admin: Any, request: HttpRequest, queryset: QuerySet) -> None:
        for action in queryset:
            set_action_status(action, status)  # one history entry each
        messages.success(request, f"{queryset.count()} action(s) marked {label}.")

    change.__name__ = f"mark_{status}"
    return change


class _OfAMeeting:
    """Columns for objects recorded at a meeting: its cell and its date."""

    @admin.display(description="cell", ordering="meeting__cell__name")
    def cell(self, obj: Action | Proposal) -> str:
        return obj.meeting.cell.name

    @admin.display(description="meeting", ordering="meeting__date")
    def meeting_date(self, obj: Action | Proposal) -> Any:
        return obj.meeting.date


@admin.register(Action)
class ActionAdmin(_OfAMeeting, SimpleHistoryAdmin):
    list_display = ["what", "owner_name", "due", "status", "cell", "meeting_date", "from_point"]
    list_filter = ["status", OverdueFilter, "meeting__cell"]
    search_fields = ["what", "owner_name", "meeting__title"]
    list_select_related = ["meeting__cell", "note"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["meeting", "note"]
    readonly_fields = ["version", "created_by", "created_at", "updated_at"]
    date_hierarchy = "due"
    actions = [
        _action_status_change(ActionStatus.DONE, "done"),
        _action_status_change(ActionStatus.OPEN, "open"),
        _action_status_change(ActionStatus.DROPPED, "dropped"),
    ]

    @admin.display(description="point", boolean=False)
    def from_point(self, action: Action) -> str:
        return f"Point {action.note.position}" if action.note else "A deleted point"

    def save_model(self, request: HttpRequest, obj: Action, form: Any, change: bool) -> None:
        if obj.owner is not None:
            obj.owner_name = obj.owner.get_display_name()
        if change:
            obj.version += 1
        else:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)


class StatusChangeInline(admin.TabularInline):
    model = ProposalStatusChange
    extra = 0
    fields = ["changed_at", "old_status", "new_status", "changed_by", "note"]
    readonly_fields = ["changed_at", "old_status", "new_status", "changed_by", "note"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _proposal_status_change(status: str, label: str) -> Any:
    @admin.action(description=f"Set the selected proposals to “{label}”")
    def change(model_admin: Any, request: HttpRequest, queryset: QuerySet) -> None:
        changed = 0
        for proposal in queryset.exclude(status=status):
            change_proposal_status(proposal, request.user, status, BULK_NOTE)
            changed += 1
        messages.success(request, f"{changed} proposal(s) set to “{label}”.")

    change.__name__ = f"set_{status}"
    return change


@admin.register(Proposal)
class ProposalAdmin(_OfAMeeting, SimpleHistoryAdmin):
    list_display = ["summary", "status", "cell", "meeting_date", "shared_with_network"]
    list_filter = ["status", "shared_with_network", "meeting__cell"]
    search_fields = ["summary", "meeting__title", "status_note"]
    list_select_related = ["meeting__cell"]
    raw_id_fields = ["meeting", "note"]
    # The status changes through the actions (and the Proposals page), so
    # every change is logged with who made it and why.
    readonly_fields = [
        "status",
        "status_note",
        "status_changed_by",
        "status_changed_at",
        "created_by",
        "created_at",
    ]
    inlines = [StatusChangeInline]
    actions = [
        _proposal_status_change(value, str(label)) for value, label in ProposalStatus.choices
    ]

    def save_model(self, request: HttpRequest, obj: Proposal, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)
