from django.urls import path

from cells import feeds, views
from cells.invitations import views as invitations

app_name = "cells"

urlpatterns = [
    path("", views.cell_list, name="list"),
    # Before "<slug>/…": an invitation link has two segments of its own.
    path("join/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/", views.cell_detail, name="detail"),
    path("<slug:slug>/feed/", feeds.CellFeed(), name="feed"),
    path("<slug:slug>/calendar.ics", feeds.cell_calendar, name="calendar"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("<slug:slug>/invitations/", invitations.cell_invitations, name="invitations"),
    path(
        "<slug:slug>/invitations/<int:pk>/resend/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        invitations.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
