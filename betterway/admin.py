"""The people admin: superusers manage everything; network admins only names and cells."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from betterway.models import Mail, User

# Fields only superusers may change: who is staff or superuser, and what they may do.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ())[:1],
        ("Personal info", {"fields": ("display_name", "first_name", "last_name", "email")}),
        *(DjangoUserAdmin.fieldsets or ())[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "email", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "last_login")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        # Network admins never see, let alone change, a superuser's account.
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *PRIVILEGE_FIELDS, "last_login", "date_joined")

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Network admins update members' names and addresses, not other staff's:
        a staff account (username, name, active or not) is changed by its owner
        or a superuser, so one network admin cannot lock out or rename another.
        """
        if (
            obj is not None
            and obj.is_staff
            and obj.pk != request.user.pk
            and not request.user.is_superuser
        ):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied("Only superusers set passwords.")
        return super().user_change_password(request, id, form_url)


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """Mail the site sent or is sending; a failing one shows its last error."""

    list_display = ["key", "to", "template", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "template"]
    search_fields = ["to", "key"]
    readonly_fields = [f.name for f in Mail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Mail | None = None) -> bool:
        return False
