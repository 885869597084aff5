"""Admin for meetings, points and themes (the meeting admin lives in notes, not
cells, because it shows a meeting's points inline and cells never import notes).
"""

from __future__ import annotations

from django.contrib import admin
from taggit.models import Tag

from notes.actions import admin as actions_admin
from notes.following import admin as following_admin
from notes.record import admin as record_admin
from notes.themes import admin as themes_admin

# Themes are this project's tags; taggit's generic tags are unused and would confuse.
admin.site.unregister(Tag)

__all__ = ["actions_admin", "following_admin", "record_admin", "themes_admin"]
