from django.urls import path

from cells.models import MeetingStatus
from notes import editor, history, views

app_name = "notes"

MEETING = "cells/<slug:slug>/meetings/<int:pk>/"

urlpatterns = [
    path("themes/", views.theme_index, name="theme_index"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("themes/<slug:slug>/feed/", views.theme_feed, name="theme_feed"),
    path("search/", views.search, name="search"),
    path("api/themes/", views.theme_autocomplete, name="theme_autocomplete"),
    path(MEETING + "markdown/", views.meeting_markdown, name="meeting_markdown"),
    path("cells/<slug:slug>/meetings/new/", editor.meeting_new, name="meeting_new"),
    path(MEETING + "edit/", editor.meeting_edit, name="meeting_edit"),
    path(
        MEETING + "publish/",
        editor.meeting_status,
        {"status": MeetingStatus.PUBLISHED},
        name="meeting_publish",
    ),
    path(
        MEETING + "unpublish/",
        editor.meeting_status,
        {"status": MeetingStatus.DRAFT},
        name="meeting_unpublish",
    ),
    path(MEETING + "history/", history.meeting_history, name="meeting_history"),
    path(
        MEETING + "history/points/<int:history_id>/restore/",
        history.note_restore,
        name="note_restore",
    ),
    path(
        MEETING + "history/meeting/<int:history_id>/restore/",
        history.meeting_restore,
        name="meeting_restore",
    ),
]
