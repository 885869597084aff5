from django.urls import path

from cells.models import MeetingStatus
from notes import export
from notes.record import history_views
from notes.record import views as record
from notes.search import views as search
from notes.themes import views as themes

app_name = "notes"

MEETING = "cells/<slug:slug>/meetings/<int:pk>/"

urlpatterns = [
    path("themes/", themes.theme_index, name="theme_index"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme"),
    path("themes/<slug:slug>/feed/", themes.theme_feed, name="theme_feed"),
    path("search/", search.search, name="search"),
    path("api/themes/", themes.theme_autocomplete, name="theme_autocomplete"),
    path(MEETING + "markdown/", export.meeting_markdown, name="meeting_markdown"),
    path("cells/<slug:slug>/meetings/new/", record.meeting_new, name="meeting_new"),
    path(MEETING + "edit/", record.meeting_edit, name="meeting_edit"),
    path(
        MEETING + "publish/",
        record.meeting_status,
        {"status": MeetingStatus.PUBLISHED},
        name="meeting_publish",
    ),
    path(
        MEETING + "unpublish/",
        record.meeting_status,
        {"status": MeetingStatus.DRAFT},
        name="meeting_unpublish",
    ),
    path(MEETING + "history/", history_views.meeting_history, name="meeting_history"),
    path(
        MEETING + "history/points/<int:history_id>/restore/",
        history_views.note_restore,
        name="note_restore",
    ),
    path(
        MEETING + "history/meeting/<int:history_id>/restore/",
        history_views.meeting_restore,
        name="meeting_restore",
    ),
]
