from django.urls import path

from cells.models import MeetingStatus
from notes import export
from notes.actions import feeds as action_feeds
from notes.actions import views as actions
from notes.following import feeds as following_feeds
from notes.following import views as following
from notes.record import history_views
from notes.record import views as record
from notes.search import views as search
from notes.themes import views as themes

app_name = "notes"

MEETING = "cells/<slug:slug>/meetings/<int:pk>/"
FEEDS = "feeds/<str:token>/"

urlpatterns = [
    path("themes/", themes.theme_index, name="theme_index"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme"),
    path("themes/<slug:slug>/feed/", themes.theme_feed, name="theme_feed"),
    path("search/", search.search, name="search"),
    path("api/themes/", themes.theme_autocomplete, name="theme_autocomplete"),
    path("api/theme-suggestions/", themes.theme_suggestions, name="theme_suggestions"),
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
    path("proposals/", actions.proposal_list, name="proposals"),
    path("proposals/feed/", action_feeds.ProposalFeed(), name="proposal_feed"),
    path("proposals/proposals.csv", actions.proposal_csv, name="proposal_csv"),
    path("proposals/lookup/", actions.proposal_lookup, name="proposal_lookup"),
    path("proposals/<int:pk>/", actions.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/status/", actions.proposal_status, name="proposal_status"),
    path("cells/<slug:slug>/actions/", actions.cell_actions, name="cell_actions"),
    path("actions/<int:pk>/status/", actions.action_status, name="action_status"),
    path("following/", following.following, name="following"),
    path("following/settings/", following.mail_settings, name="following_settings"),
    path("following/feed-token/", following.feed_token, name="feed_token"),
    path("following/seen/", following.mark_all_seen, name="following_seen"),
    path("following/themes/<slug:slug>/", following.follow_theme, name="follow_theme"),
    path("following/cells/<slug:slug>/", following.follow_cell, name="follow_cell"),
    path("following/searches/", following.follow_search, name="follow_search"),
    path("following/<int:pk>/", following.follow_open, name="follow_open"),
    path("following/<int:pk>/unfollow/", following.unfollow, name="unfollow"),
    path("unsubscribe/<str:token>/", following.unsubscribe, name="unsubscribe"),
    path(FEEDS + "following/", following_feeds.FollowingFeed(), name="following_feed"),
    path(
        FEEDS + "themes/<slug:slug>/", following_feeds.PrivateThemeFeed(), name="private_theme_feed"
    ),
    path(FEEDS + "cells/<slug:slug>/", following_feeds.PrivateCellFeed(), name="private_cell_feed"),
    path(
        FEEDS + "cells/<slug:slug>/calendar.ics",
        following_feeds.private_calendar,
        name="private_calendar",
    ),
    path(FEEDS + "searches/<int:pk>/", following_feeds.SavedSearchFeed(), name="search_feed"),
    path(FEEDS + "proposals/", action_feeds.PrivateProposalFeed(), name="private_proposal_feed"),
]
