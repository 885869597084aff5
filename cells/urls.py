from django.urls import path

from cells import feeds, views

app_name = "cells"

urlpatterns = [
    path("", views.cell_list, name="list"),
    path("<slug:slug>/", views.cell_detail, name="detail"),
    path("<slug:slug>/feed/", feeds.CellFeed(), name="feed"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
]
