from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.html import format_html

from betterway.admin import UserAdmin
from betterway.models import User
from cells.models import Cell, Meeting, Membership


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
