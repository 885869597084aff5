from django.urls import path

from notes import feeds, views

app_name = "notes"

urlpatterns = [
    path("themes/", views.theme_index, name="theme_index"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("search/", views.search, name="search"),
    path(
        "cells/<slug:slug>/meetings/<int:pk>/markdown/",
        views.meeting_markdown,
        name="meeting_markdown",
    ),
]
