"""Actions and proposals on the pages of other apps: a meeting's points, a cell."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from cells.access import is_insider
from cells.sharing import cached
from notes.actions.models import Action, ActionStatus
from notes.actions.queries import cell_open_actions, meeting_extras
from notes.following.state import follow_state

register = template.Library()

CELL_PAGE_ACTIONS = 10
YOUR_ACTIONS = 10


@register.simple_tag(takes_context=True)
def proposals_feed_url(context: dict[str, Any]) -> str:
    """The Proposals feed with the page's filters: the member's private link when they have one."""
    request = context["request"]
    state = follow_state(request)
    if state is not None and state.feed_token:
        url = reverse("notes:private_proposal_feed", kwargs={"token": state.feed_token})
    else:
        url = reverse("notes:proposal_feed")
    query = request.GET.copy()
    query.pop("page", None)
    return f"{url}?{query.urlencode()}" if query else url


@register.simple_tag(takes_context=True)
def actions_of_meeting(context: dict[str, Any], meeting: Any) -> dict[str, Any]:
    """A meeting's actions, proposals and rediscussions by point.

    Read once for every reader of the same cells until anything changes (an
    action or proposal saved makes a new content version): their queries were
    a fifth of a long meeting's page read again. Whether the reader may see
    the owners' names is theirs alone, and decided on every view.
    """
    user = context["request"].user
    extras = cached(user, "meeting-extras", lambda: meeting_extras(meeting, user), meeting.pk)
    return {**extras, "insider": bool(extras["actions"]) and is_insider(user, meeting.cell_id)}


def may_mark_done(user: Any, extras: dict[str, Any]) -> bool:
    """Whether ``user`` owns an open action of these extras: their page holds a
    form to mark it done (see actions/_action_list.html).
    """
    return user.is_authenticated and any(
        action.owner_id == user.pk and action.status == ActionStatus.OPEN
        for actions in extras["actions"].values()
        for action in actions
    )


@register.inclusion_tag("actions/_point_extras.html", takes_context=True)
def point_extras(
    context: template.Context, extras: dict[str, Any], note: Any = None
) -> dict[str, Any]:
    """What was agreed under one point (``note`` None: under points since deleted)."""
    key = note.pk if note is not None else None
    request = context["request"]
    anchor = note.anchor if note is not None else "actions-of-deleted-points"
    return {
        "user": request.user,
        "note": note,
        "anchor": anchor,
        "actions": extras["actions"].get(key, []),
        "proposals": extras["proposals"].get(key, []),
        "again": extras["rediscussions"].get(key) if key is not None else None,
        "insider": extras["insider"],
        # Marking an action done comes back to its point, not the top of the page.
        "next": f"{request.get_full_path()}#{anchor}",
        # For its forms, also where the ``points`` tag renders it without Django's
        # inclusion tag (which would copy the token itself).
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("actions/_cell_actions.html", takes_context=True)
def open_actions_of_cell(context: dict[str, Any], cell: Any) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    # The same for every reader of the same cells until anything changes (an
    # action saved makes a new content version) or the day does (the overdue
    # come first). Rendered for each reader: an owner's action has a form.
    shown = cached(
        user,
        "cell-actions",
        lambda: list(cell_open_actions(user, cell)[: CELL_PAGE_ACTIONS + 1]),
        cell.pk,
        timezone.localdate(),
    )
    return {
        "user": user,
        "cell": cell,
        "actions": shown[:CELL_PAGE_ACTIONS],
        "more": len(shown) > CELL_PAGE_ACTIONS,
        "insider": bool(shown) and is_insider(user, cell.pk),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("actions/_your_actions.html", takes_context=True)
def your_open_actions(context: dict[str, Any]) -> dict[str, Any]:
    """The open actions the logged-in member owns, in meetings they may still read."""
    request = context["request"]
    user = request.user

    def mine() -> list[Action]:
        owned = Action.objects.visible_to(user).open().filter(owner_id=user.pk)
        return list(owned.overdue_first().for_listing()[: YOUR_ACTIONS + 1])

    # Kept for the member until anything changes (an action saved makes a new
    # content version) or the day does (the overdue come first): building its
    # query was most of what the dashboard still spent on it, so it is built
    # only when the list is not kept.
    shown = cached(user, "your-actions", mine, user.pk, timezone.localdate())
    return {
        "user": user,
        "actions": shown[:YOUR_ACTIONS],
        "more": len(shown) > YOUR_ACTIONS,
        "insider": True,  # their own actions, in their own cells
        "next": request.get_full_path(),
    }
