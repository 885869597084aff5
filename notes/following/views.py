"""Pages of following: follow buttons, the Following page, the dashboard, settings,
unsubscribing from mail, and private feeds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from betterway.models import User
from betterway.views import home as public_home
from cells.access import get_visible_cell
from cells.choices import MeetingStatus
from cells.models import Meeting, MeetingQuerySet
from cells.page_parts import render_shared
from cells.sharing import cached
from notes.following import services
from notes.following.forms import FollowSearchForm, MailSettingsForm, normalised_query
from notes.following.mailing import UNSUBSCRIBE_CHOICES, read_unsubscribe_token
from notes.following.models import DigestFrequency, Follow, Subscriber
from notes.following.queries import Followed, arrived_between, new_counts, visible_follows
from notes.models import Note, Theme

POINTS_PER_PAGE = 20
DASHBOARD_POINTS = 10
DASHBOARD_DRAFTS = 10
DASHBOARD_RECENT = 10
# A member of many cells sees these first and follows a link to the rest.
DASHBOARD_CELLS = 12


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the button was on (a local address only)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target)


def _answer(
    request: HttpRequest, follow: Follow | None, fallback: str, message: str
) -> HttpResponse:
    """JSON for the enhanced button, or a redirect with a message without JavaScript."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "following": follow is not None,
                "follow_id": follow.pk if follow else None,
                "message": message,
                "unfollow_url": reverse("notes:unfollow", args=[follow.pk]) if follow else None,
            }
        )
    messages.success(request, message)
    return _back(request, fallback)


@login_required
@require_POST
def follow_theme(request: HttpRequest, slug: str) -> HttpResponse:
    theme = Theme.objects.visible_at(request.user, slug)
    if theme is None:
        raise Http404("No such theme.")
    follow = services.follow_theme(request.user, theme)
    return _answer(request, follow, theme.get_absolute_url(), f"You follow {theme.name}.")


@login_required
@require_POST
def follow_cell(request: HttpRequest, slug: str) -> HttpResponse:
    cell = get_visible_cell(request.user, slug)
    follow = services.follow_cell(request.user, cell)
    return _answer(request, follow, cell.get_absolute_url(), f"You follow {cell.name}.")


@login_required
@require_POST
def follow_search(request: HttpRequest) -> HttpResponse:
    form = FollowSearchForm(request.POST)
    # Re-encoded: the query comes back from the page and goes into a Location header.
    query = normalised_query(QueryDict(request.POST.get("query", "")[:1000]))
    search_url = f"{reverse('notes:search')}?{query}"
    if not form.is_valid():
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"The search was not followed. {errors}")
        return redirect(search_url)
    try:
        follow = services.follow_search(
            request.user, form.cleaned_data["query"], form.cleaned_data["name"]
        )
    except services.TooManySearches:
        messages.error(
            request, "You follow as many searches as one may: unfollow one on your Following page."
        )
        return redirect(search_url)
    return _answer(request, follow, search_url, f"You follow the search “{follow.name}”.")


@login_required
@require_POST
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    follow = get_object_or_404(
        Follow.objects.select_related("theme", "cell"), pk=pk, user=request.user
    )
    label = follow.label
    services.unfollow(request.user, follow.pk)
    return _answer(request, None, reverse("notes:following"), f"You no longer follow {label}.")


@login_required
@require_safe
def follow_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open what a follow points at, marking its points as seen."""
    follow = get_object_or_404(
        Follow.objects.select_related("theme", "cell"), pk=pk, user=request.user
    )
    services.mark_seen(request.user, [follow.pk])
    return redirect(follow.target_url())


@login_required
@require_POST
def mark_all_seen(request: HttpRequest) -> HttpResponse:
    services.mark_seen(request.user)
    messages.success(request, "Everything you follow is marked as seen.")
    return redirect("notes:following")


@login_required
@require_safe
def following(request: HttpRequest) -> HttpResponse:
    follows = visible_follows(request.user)
    followed = Followed.of(request.user, follows)
    counts = new_counts(request.user, follows, followed)
    notes = followed.notes(request.user).newest_first().for_listing()
    page = Paginator(notes, POINTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "follows": [(follow, counts.get(follow.pk, 0)) for follow in follows],
        "page": page,
        "subscriber": services.subscriber_of(request.user),
    }
    return render(request, "following/following.html", context)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """A member's dashboard; logged-out visitors get the site's home page."""
    if not request.user.is_authenticated:
        return public_home(request)
    return _dashboard(request)


def _dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    subscriber = services.record_visit(user)
    # A hidden theme brings no points, so the dashboard need not check themes;
    # it names none of them, so it need not read them either.
    follows = visible_follows(user, check_themes=False, with_targets=False)
    since = subscriber.previous_visit_at or subscriber.created_at
    new_points: list[Note] = []
    if follows:  # nothing followed, nothing to look for
        new = arrived_between(Followed.of(user, follows).notes(user), since)
        new_points = list(new.newest_first().for_listing()[: DASHBOARD_POINTS + 1])
    # The same for every reader of the same cells (drafts: of the cells they
    # facilitate) until the content changes: building their query was a fifth
    # of the page, rendering them another.
    drafts, recent = cached(user, "dashboard-meetings", lambda: _drafts_and_recent(request))
    # The member's own, kept until anything changes (a membership or cell saved
    # makes a new content version).
    memberships = cached(
        user,
        "your-cells",
        lambda: list(user.memberships.facilitated_first()[: DASHBOARD_CELLS + 1]),
        user.pk,
    )
    context = {
        "since": since,
        "follows": follows,
        "new_points": new_points[:DASHBOARD_POINTS],
        "more_new": len(new_points) > DASHBOARD_POINTS,
        "drafts": drafts,
        "recent": recent,
        "memberships": memberships[:DASHBOARD_CELLS],
        "more_cells": len(memberships) > DASHBOARD_CELLS,
    }
    return render(request, "following/dashboard.html", context)


def _drafts_and_recent(request: HttpRequest) -> tuple[SafeString, SafeString]:
    """The drafts the user may edit, last changed first, and the latest published
    meetings, each rendered as a list ("" for none).
    """
    user = request.user
    drafts = Meeting.objects.editable_by(user).filter(status=MeetingStatus.DRAFT)
    recent = Meeting.objects.visible_to(user).published()
    return (
        _meeting_list(request, drafts.order_by("-updated_at"), DASHBOARD_DRAFTS),
        _meeting_list(request, recent.order_by("-date", "-pk"), DASHBOARD_RECENT),
    )


def _meeting_list(request: HttpRequest, meetings: MeetingQuerySet, limit: int) -> SafeString:
    """The first ``limit`` meetings with their cells and numbers of points, rendered."""
    shown = list(meetings.select_related("cell").with_point_counts()[:limit])
    if not shown:
        return SafeString("")
    context = {"meetings": shown, "show_cell": True}
    return render_shared(request, "cells/_meeting_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mail_settings(request: HttpRequest) -> HttpResponse:
    subscriber = services.subscriber_of(request.user)
    form = MailSettingsForm(request.POST or None, instance=subscriber)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your mail settings are saved.")
        return redirect("notes:following_settings")
    return render(request, "following/settings.html", {"form": form, "subscriber": subscriber})


@login_required
@require_POST
def feed_token(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        services.revoke_feed_token(request.user)
        messages.success(request, "Your private feed links no longer work.")
    else:
        services.regenerate_feed_token(request.user)
        messages.success(request, "You have new private feed links: the old ones no longer work.")
    return redirect(reverse("notes:following_settings") + "#feeds")


@csrf_exempt  # the signed link is the authority; mail clients POST it (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe: a page with one button, or the mail client's POST."""
    found = read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if found is None or user is None:
        return render(request, "following/unsubscribe_invalid.html", status=404)
    what = found[1]
    done = request.method == "POST"
    if done:
        subscriber, _ = Subscriber.objects.get_or_create(user=user)
        if what == "digest":
            subscriber.digest = DigestFrequency.NEVER
        elif what == "reminders":
            subscriber.action_reminders = False
        else:
            subscriber.notify_on_publish = False
        subscriber.save(update_fields=["digest", "notify_on_publish", "action_reminders"])
    context = {"what": UNSUBSCRIBE_CHOICES[what], "done": done, "email": user.email}
    return render(request, "following/unsubscribe.html", context)
