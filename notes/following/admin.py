"""Admin of follows and members' mail settings: for answering "why did I get this?"."""

from __future__ import annotations

from django.contrib import admin

from notes.following.models import Follow, Subscriber


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "theme", "cell", "name", "created_at", "seen_at"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "user__email", "theme__name", "cell__name", "name"]
    autocomplete_fields = ["user", "theme", "cell"]
    list_select_related = ["user", "theme", "cell"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "digest_day", "notify_on_publish", "digest_sent_until"]
    list_filter = ["digest", "digest_day", "notify_on_publish"]
    search_fields = ["user__username", "user__email"]
    # The feed secret is the member's own; administrators revoke it by clearing it.
    readonly_fields = ["digest_sent_until", "last_visit_at", "previous_visit_at", "created_at"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
