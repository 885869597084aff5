from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from betterway.admin import UserAdmin
from betterway.models import User
from cells.invitations import csv_import
from cells.invitations.services import invite
from cells.models import Cell, Invitation, Meeting, Membership


def _count_of(queryset: QuerySet, counted: str = "pk") -> Coalesce:
    """A correlated subquery counting a cell's rows (or their ``counted`` relations).

    One per row, without the joins of several counts multiplying each other.
    """
    per_cell = queryset.filter(cell=OuterRef("pk")).order_by().values("cell")
    total = per_cell.annotate(n=Count(counted)).values("n")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "visibility",
        "is_active",
        "member_count",
        "meeting_count",
        "point_count",
        "site_link",
    ]
    list_filter = ["visibility", "is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cell]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_total=_count_of(Membership.objects.all()),
                meeting_total=_count_of(Meeting.objects.all()),
                point_total=_count_of(Meeting.objects.all(), counted="notes"),
            )
        )

    @admin.display(description="members", ordering="member_total")
    def member_count(self, cell: Cell) -> int:
        return cell.member_total  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="meetings", ordering="meeting_total")
    def meeting_count(self, cell: Cell) -> int:
        return cell.meeting_total  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="points", ordering="point_total")
    def point_count(self, cell: Cell) -> int:
        return cell.point_total  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="on the site")
    def site_link(self, cell: Cell) -> str:
        return format_html('<a href="{}">View</a>', cell.get_absolute_url())


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "cell", "role", "joined_at"]
    list_filter = ["role", "cell"]
    list_select_related = ["user", "cell"]
    search_fields = ["user__username", "user__display_name", "cell__name"]
    autocomplete_fields = ["user", "cell"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["cell"]
    fields = ["cell", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name = "cell membership"


# People and their cells in one place: the user admin gains the memberships.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [UserMembershipInline]


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns name, email, cell (name or slug), role (member or facilitator); "
        f"at most {csv_import.MAX_BYTES // 1024} KB.",
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "cell", "role", "status", "sent_at", "sends", "invited_by"]
    list_filter = ["cell", "role", ("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["cell", "invited_by"]
    search_fields = ["email", "name", "cell__name"]
    readonly_fields = ["token_hash", "sends", "created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["cell", "invited_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent from a cell's page or imported, never typed here

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="cells_invitation_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload, preview every row, then invite: the same file twice changes nothing."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        rows: list[csv_import.Row] = []
        text = request.POST.get("csv_text", "")
        try:
            if "apply" in request.POST and text:
                rows = csv_import.read_rows(text.encode())
                return self._apply(request, rows)
            if request.method == "POST" and form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read(csv_import.MAX_BYTES + 1)
                rows = csv_import.read_rows(data)
                text = data.decode("utf-8-sig")
        except csv_import.UnreadableFile as error:
            form.add_error("file", str(error))
        context = {
            **self.admin_site.each_context(request),
            "title": "Invite people from a CSV file",
            "opts": self.model._meta,
            "form": form,
            "rows": rows,
            "csv_text": text,
            "ready": sum(1 for row in rows if row.outcome in {"invite", "add existing account"}),
            "errors": sum(1 for row in rows if row.error),
        }
        return TemplateResponse(request, "admin/cells/invitation_import.html", context)

    def _apply(self, request: HttpRequest, rows: list[csv_import.Row]) -> HttpResponse:
        site_url = request.build_absolute_uri("/")
        done = {"invited": 0, "added": 0}
        for row in rows:
            if row.cell is None or row.error:
                continue
            outcome = invite(row.cell, row.email, row.role, request.user, site_url, name=row.name)
            if outcome.kind in done:
                done[outcome.kind] += 1
        skipped = len(rows) - sum(done.values())
        self.message_user(
            request,
            f"Invited {done['invited']} new people and added {done['added']} existing accounts; "
            f"{skipped} row(s) changed nothing (already there, or with errors).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:cells_invitation_changelist"))
