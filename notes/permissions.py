"""The "Network admins" group: staff who run cells, meetings, notes and themes.

Its members manage the network's content in the admin but cannot touch
passwords, permissions or superusers (see betterway/admin.py).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

NETWORK_ADMINS = "Network admins"
_MANAGED = {
    "cells": ["cell", "membership", "meeting", "invitation"],
    "notes": ["note", "theme", "themealias", "action", "proposal", "proposalstatuschange"],
}
_ACTIONS = ["add", "change", "delete", "view"]
# People: they may see and update users (names, e-mail, memberships), no more.
_PEOPLE = [("betterway", "view_user"), ("betterway", "change_user")]


def ensure_network_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=NETWORK_ADMINS)
    wanted = [
        (app, f"{action}_{model}")
        for app, models in _MANAGED.items()
        for model in models
        for action in _ACTIONS
    ] + _PEOPLE
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted}
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    group.permissions.set(permissions)
    return group
