"""When someone saved a meeting while it was being edited: merge both edits
three ways (``merging.py``) and save, or show the clashes side by side; the
choices made there come back to the editor as its post.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from cells.models import Meeting
from notes.record.forms import MeetingDetailsForm, VersionForm
from notes.record.history import word_diff
from notes.record.merging import POINT_FIELDS, Clash, Merged, merge_record, readable_rows
from notes.record.panels import save_panels
from notes.record.services import PointInput, StaleRecord, save_record


def merge_or_clash(
    request: HttpRequest,
    meeting: Meeting,
    details: MeetingDetailsForm,
    version: VersionForm,
    points: Any,
    inputs: list[PointInput],
    status: str | None,
) -> HttpResponse:
    """Someone saved since this edit began: merge both edits three ways, or show
    the clashes. Retried when yet another save lands in between.
    """
    deleted = {
        form.cleaned_data["id"]: form.cleaned_data.get("version")
        for form in points.deleted_forms
        if form.cleaned_data.get("id")
    }
    attendees_was = _ids(request.POST.get("attendees_was"))
    for _attempt in range(3):
        current = Meeting.objects.select_related("cell").get(pk=meeting.pk)
        merged = merge_record(
            current,
            details.details(),
            [user.pk for user in details.cleaned_data["attendees"]],
            attendees_was,
            inputs,
            deleted,
            version.cleaned_data["record_version"],
            frozenset(request.POST.getlist("resolved")),
        )
        if merged.clashes:
            return _clashes(request, current, merged, points, inputs)
        try:
            with transaction.atomic():
                saved = save_record(
                    current,
                    request.user,
                    version=current.version,
                    details=merged.details,
                    points=merged.points,
                    attendees=merged.attendees,
                    status=status,
                )
                save_panels(points.forms, merged.points)
        except StaleRecord:
            continue
        messages.success(
            request,
            "Saved. Someone else changed this meeting while you were editing: "
            "your changes and theirs are both kept.",
        )
        return redirect(saved)
    return _clashes(request, current, merged, points, inputs)


def _ids(text: str | None) -> list[int] | None:
    if text is None:
        return None
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


# What the clash page posts back besides the editor's own fields.
_NOT_CARRIED = {"csrfmiddlewaretoken", "action", "text", "resolved"}


def _clashes(
    request: HttpRequest, current: Meeting, merged: Merged, points: Any, mine: list[PointInput]
) -> HttpResponse:
    """Every field and point side by side, the clashes to decide, everything else
    merged; the choices go back to the editor with what was typed.
    """
    forms = {form.prefix: form for form in points.forms}
    carried = [
        (key, value)
        for key in request.POST
        if key not in _NOT_CARRIED and not key.startswith(("pick-", "mine-", "theirs-", "edit-"))
        for value in request.POST.getlist(key)
    ]
    context = {
        "meeting": current,
        "merged": merged,
        "detail_rows": readable_rows(merged.detail_rows),
        "clashes": [_clash_row(clash) for clash in merged.clashes],
        "carried": carried,
        "resolved": request.POST.getlist("resolved"),
        "publish": request.POST.get("action") == "publish",
        "theirs": list(current.notes.order_by("position")),
        # What the panels held (actions, a proposal), in words, to check.
        "mine": [
            (point, [line for bound in forms[point.key].panels for line in bound.describe()])
            for point in mine
            if point.key in forms
        ],
    }
    return render(request, "record/conflict.html", context, status=409)


def _clash_row(clash: Clash) -> dict[str, Any]:
    editable = clash.key in _TEXT_FIELDS or clash.key.rsplit("-", 1)[-1] in POINT_FIELDS
    return {
        "clash": clash,
        "editable": editable,
        "diff": word_diff(_shown(clash.theirs), _shown(clash.mine)),
        "mine_value": _posted(clash.mine),
        "theirs_value": _posted(clash.theirs),
    }


_TEXT_FIELDS = {"title", "introduced_by", "guest_names", "venue"}


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(part) for part in value.values() if part)
    return "" if value is None else str(value)


def _posted(value: Any) -> str:
    """A value as the editor posts it: lists of ids joined by commas, booleans as "on"."""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _shown(value)


def apply_choices(data: QueryDict) -> QueryDict:
    """The editor's post with the clash page's choices applied: each chosen value
    put in its field, and the field named as resolved for the merge.
    """
    data = data.copy()
    resolved = data.getlist("resolved")
    for key in [key for key in data if key.startswith("pick-")]:
        target, choice = key.removeprefix("pick-"), str(data[key])
        if choice not in {"mine", "theirs", "edit"}:
            continue
        resolved.append(target)
        value = data.get(f"{choice}-{target}", "")
        if target.startswith("point-"):
            _choose_point(data, target.removeprefix("point-"), choice)
        elif target == "attendees":
            data.setlist("attendees", [part for part in value.split(",") if part])
        elif target == "show_attendees":
            if value:
                data[target] = "on"
            else:
                data.pop(target, None)
        else:
            data[target] = value
    data.setlist("resolved", sorted(set(resolved)))
    return data


def _choose_point(data: QueryDict, note_id: str, choice: str) -> None:
    """A point deleted on one side and changed on the other: "mine" keeps what I
    did (my text, or my deletion); "theirs" takes theirs.
    """
    prefix = next(
        (key.removesuffix("-id") for key in data if key.endswith("-id") and data[key] == note_id),
        None,
    )
    if prefix is None or choice == "mine":
        return
    deleted_by_me = bool(data.get(f"{prefix}-DELETE"))
    if deleted_by_me:
        data.pop(f"{prefix}-DELETE", None)  # theirs: the changed point stays
    else:
        data[f"{prefix}-DELETE"] = "on"  # theirs: it stays deleted
