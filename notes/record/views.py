"""Facilitators record a meeting: details, points, themes, drafts, publishing.

The editor is one page that works without JavaScript. Its buttons share the
``action`` field: "split", "add" and "preview" re-show the page with what was
typed (nothing is saved), "save" and "publish" save the whole record at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import TrigramSimilarity
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST

from betterway import content_version
from cells.access import get_editable_cell, get_editable_meeting
from cells.models import Cell, Meeting, MeetingStatus
from notes.record.clashes import apply_choices, merge_or_clash
from notes.record.files import (
    MAX_UPLOAD_BYTES,
    UnreadableNote,
    read_note_file,
    too_large_message,
)
from notes.record.forms import (
    MAX_POINTS,
    MeetingDetailsForm,
    PasteForm,
    PointFormSet,
    VersionForm,
)
from notes.record.panels import panels, save_panels
from notes.record.parsing import ParsedNote, parse_note
from notes.record.preview import preview_record, readers_of
from notes.record.services import (
    PointInput,
    StaleRecord,
    create_meeting,
    save_record,
    set_status,
)
from notes.themes.naming import split_theme_names
from notes.themes.suggestions import suggest_themes

POINTS = "points"
# How alike (pg_trgm) two topics on one day must be to ask "is this the same meeting?".
LIKE_TOPIC = 0.4
_POINT_FIELDS = ["id", "version", "heading", "body", "themes"]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    cell = get_editable_cell(request.user, slug)
    if not cell.is_active:
        # Not "you are not a facilitator": say what is true, and what still works.
        return render(request, "record/archived.html", {"cell": cell}, status=403)
    return _editor(request, cell, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_editable_meeting(request.user, slug, pk)
    return _editor(request, meeting.cell, meeting)


def _editor(request: HttpRequest, cell: Cell, meeting: Meeting | None) -> HttpResponse:
    if request.method == "POST" and any(key.startswith("pick-") for key in request.POST):
        # Back from the clash page: the choices made there become the post.
        request.POST = apply_choices(request.POST)  # type: ignore[assignment]
    if request.method == "GET":
        return _show(request, cell, meeting, _initial_details(meeting), _initial_points(meeting))
    details = MeetingDetailsForm(request.POST, instance=meeting, cell=cell)
    points = PointFormSet(request.POST, prefix=POINTS)
    paste = PasteForm(request.POST, request.FILES)
    action = request.POST.get("action", "save")
    file_before_save = action in {"save", "publish"} and bool(request.FILES.get("upload"))
    if file_before_save:
        # A file chosen but not imported: import it rather than save without it.
        action = "import"
    if action in {"save", "publish"}:
        return _save(request, cell, meeting, details, points, publish=action == "publish")
    # Not saving: show the page again with what was typed, changed as asked.
    typed_details = {name: details[name].value() for name in details.fields}
    typed_points = _typed_points(request, cell, points)
    # Back to where the work is: the first new point, the preview or the errors.
    notice, focus = "", ""
    if action in {"split", "import"}:
        parsed = _parsed_note(paste, action, len(typed_points))
        if parsed is None:
            focus = "error-summary"
        else:
            added = _merge_parsed(parsed, typed_details, typed_points)
            paste = PasteForm()
            notice = f"{added} point{pluralize(added)} added from the note: check them below."
            if file_before_save:
                notice = f"Nothing is saved yet: the file you chose came first. {notice}"
            focus = f"{POINTS}-{len(typed_points) - added}-title"
    elif action == "add":
        typed_points.append({})
        notice = f"Point {len(typed_points)} added at the end."
        focus = f"{POINTS}-{len(typed_points) - 1}-title"
    elif action == "preview":
        focus = "preview"
    return _show(
        request,
        cell,
        meeting,
        typed_details,
        typed_points,
        paste=paste,
        preview=action == "preview",
        notice=notice,
        focus=focus,
    )


def _save(
    request: HttpRequest,
    cell: Cell,
    meeting: Meeting | None,
    details: Any,
    points: Any,
    *,
    publish: bool,
) -> HttpResponse:
    version = VersionForm(request.POST)
    valid = details.is_valid() and points.is_valid() and (meeting is None or version.is_valid())
    inputs = _point_inputs(points) if valid else []
    if valid and not inputs:
        points._non_form_errors = points.error_class(
            ["A meeting needs at least one discussion point: write or paste what was said."]
        )
        valid = False
    _bind_panels(request, cell, points, data=request.POST)
    kept = {point.key for point in inputs}
    # Every panel is checked (not only the first failing one), so all errors show.
    panels_valid = [
        bound.is_valid() for form in points.forms if form.prefix in kept for bound in form.panels
    ]
    if not valid or not all(panels_valid):
        return _show(request, cell, meeting, details=details, points=points, status=400)
    duplicate = _unconfirmed_duplicate(request, cell, meeting, details)
    if duplicate is not None:
        return _show(
            request, cell, meeting, details=details, points=points, status=400, duplicate=duplicate
        )
    status = MeetingStatus.PUBLISHED if publish else None
    # A draft saved as a draft changes what only its editors read. (Published
    # by someone else since it was read, the save is stale and merged instead.)
    stays_draft = not publish and (meeting is None or not meeting.is_published)
    try:
        with transaction.atomic(), content_version.drafts_only(stays_draft):
            meeting = _write(request, cell, meeting, details, version, inputs, status)
            save_panels(points.forms, inputs)
    except StaleRecord:
        assert meeting is not None  # a new meeting has no version to be stale against
        return merge_or_clash(request, meeting, details, version, points, inputs, status)
    if publish:
        messages.success(request, f"Published: {readers_of(cell)} can read it now.")
    elif meeting.is_published:
        messages.success(request, "Saved: readers see the new version now.")
    else:
        messages.success(request, "Saved. Publish the meeting when it is ready to be read.")
    return redirect(meeting)


def _write(
    request: HttpRequest,
    cell: Cell,
    meeting: Meeting | None,
    details: MeetingDetailsForm,
    version: VersionForm,
    inputs: list[PointInput],
    status: str | None,
) -> Meeting:
    """Create the meeting, or save the record over the version the edit began from."""
    attendees = details.cleaned_data["attendees"]
    if meeting is None:
        return create_meeting(
            cell,
            request.user,
            details.details(),
            inputs,
            attendees,
            status=status or MeetingStatus.DRAFT,
        )
    return save_record(
        meeting,
        request.user,
        version=version.cleaned_data["record_version"],
        details=details.details(),
        points=inputs,
        attendees=attendees,
        status=status,
    )


def _unconfirmed_duplicate(
    request: HttpRequest, cell: Cell, meeting: Meeting | None, details: MeetingDetailsForm
) -> Meeting | None:
    """Another meeting of the cell on the same day with a like topic, unless the
    facilitator already confirmed that this one is different.
    """
    date, title = details.cleaned_data["date"], details.cleaned_data["title"]
    if meeting is not None and meeting.date == date:
        return None  # an edit that keeps its date: it was checked when saved
    same_day = Meeting.objects.filter(cell=cell, date=date)
    if meeting is not None:
        same_day = same_day.exclude(pk=meeting.pk)
    alike = (
        same_day.annotate(likeness=TrigramSimilarity("title", title))
        .filter(Q(likeness__gte=LIKE_TOPIC) | Q(title__iexact=title))
        .order_by("-likeness")
        .first()
    )
    if alike is None or request.POST.get("confirm_duplicate") == str(alike.pk):
        return None
    return alike


def _bind_panels(
    request: HttpRequest, cell: Cell, points: Any, *, data: Any = None, initial: Any = None
) -> None:
    """Give each point form its panels (actions, proposals), bound to ``data`` or
    to ``initial`` (one list of typed values per form).
    """
    for index, form in enumerate(points.forms):
        if hasattr(form, "panels"):
            continue
        typed = initial[index] if initial is not None else []
        form.panels = [
            panel.bind(
                request,
                cell,
                form.prefix,
                data=data,
                initial=typed[number] if number < len(typed) else None,
            )
            for number, panel in enumerate(panels())
        ]


def _point_inputs(points: Any) -> list[PointInput]:
    """The points to keep, in the order asked for, skipping deleted and blank ones."""
    deleted = {id(form) for form in points.deleted_forms}
    ordered = [form for form in points.ordered_forms if id(form) not in deleted]
    ordered += [
        form
        for form in points.forms
        if id(form) not in deleted and form not in ordered and form.has_changed()
    ]
    return [form.to_input() for form in ordered if not form.is_blank()]


def _pasted_text(paste: PasteForm, action: str) -> str | None:
    """The note to split: the file for "import", the pasted text for "split"."""
    if not paste.is_valid():
        return None
    if action == "import":
        upload = paste.cleaned_data.get("upload")
        if not upload:
            paste.add_error("upload", "Choose a .docx, .md or .txt file first, then import it.")
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            # Checked before reading: the upload waits in a temporary file.
            paste.add_error("upload", too_large_message(upload.name))
            return None
        try:
            return read_note_file(upload.name, upload.read())
        except UnreadableNote as error:
            paste.add_error("upload", str(error))
            return None
    text = paste.cleaned_data.get("text") or ""
    if not text.strip():
        paste.add_error("text", "Paste the note here first, then split it.")
        return None
    return text


def _parsed_note(paste: PasteForm, action: str, typed: int) -> ParsedNote | None:
    """The pasted or uploaded note read into points; None (errors added) when it cannot be."""
    text = _pasted_text(paste, action)
    if text is None:
        return None
    parsed = parse_note(text)
    if typed + len(parsed.points) > MAX_POINTS:
        field = "upload" if action == "import" else "text"
        paste.add_error(
            field,
            f"This note splits into {len(parsed.points):,} points, and a meeting holds at most "
            f"{MAX_POINTS}. Is it several meetings' notes? Add them one meeting at a time.",
        )
        return None
    return parsed


def _merge_parsed(parsed: ParsedNote, details: dict[str, Any], points: list[dict[str, Any]]) -> int:
    """Add the note's paragraphs as points; fill empty details from its header.

    Returns how many points were added.
    """
    if parsed.date and not details.get("date"):
        details["date"] = parsed.date.isoformat()
    if parsed.topic and not details.get("title"):
        details["title"] = parsed.topic
    if parsed.introduced_by and not details.get("introduced_by"):
        details["introduced_by"] = parsed.introduced_by
    # A blank point the page started with is replaced rather than kept.
    points[:] = [point for point in points if any(point.get(f) for f in _POINT_FIELDS[2:])]
    points.extend({"body": paragraph} for paragraph in parsed.points)
    return len(parsed.points)


def _typed_points(request: HttpRequest, cell: Cell, points: Any) -> list[dict[str, Any]]:
    typed = []
    _bind_panels(request, cell, points, data=request.POST)
    for form in points.forms:
        if form["DELETE"].value():
            continue
        values = {name: form[name].value() for name in _POINT_FIELDS}
        values["panels"] = [bound.typed() for bound in form.panels]
        accepted = ", ".join(form["accept"].value() or [])
        values["themes"] = ", ".join(split_theme_names(f"{values.get('themes') or ''}, {accepted}"))
        values["ORDER"] = form["ORDER"].value()
        typed.append(values)
    return sorted(typed, key=lambda point: _order_key(point.get("ORDER")))


def _order_key(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")


def _initial_details(meeting: Meeting | None) -> dict[str, Any]:
    if meeting is None:
        return {}
    return {
        "date": meeting.date,
        "title": meeting.title,
        "introduced_by": meeting.introduced_by,
        "introduced_by_user": meeting.introduced_by_user_id,
        "guest_names": meeting.guest_names,
        "venue": meeting.venue,
        "show_attendees": meeting.show_attendees,
        "attendees": list(meeting.attendees.values_list("pk", flat=True)),
    }


def _initial_points(meeting: Meeting | None) -> list[dict[str, Any]]:
    if meeting is None:
        return [{}]
    saved = [panel.initial(meeting) for panel in panels()]
    return [
        {
            "id": note.pk,
            "version": note.version,
            "heading": note.heading,
            "body": note.body,
            "themes": ", ".join(theme.name for theme in note.themes.all()),
            "panels": [values.get(note.pk) for values in saved],
        }
        for note in meeting.notes.order_by("position").prefetch_related("themes")  # type: ignore[misc]  # taggit's manager has no type information
    ]


def _show(
    request: HttpRequest,
    cell: Cell,
    meeting: Meeting | None,
    details: Any = None,
    points: Any = None,
    *,
    paste: PasteForm | None = None,
    preview: bool = False,
    status: int = 200,
    notice: str = "",
    focus: str = "",
    duplicate: Meeting | None = None,
) -> HttpResponse:
    """Render the editor from bound forms (with errors) or from typed values."""
    # The attendees the edit began from (the base of a three-way merge): as
    # posted, or as the meeting's details were just read for the page.
    if request.method == "POST":
        attendees_was = str(request.POST.get("attendees_was", ""))
    else:
        attendees_was = ",".join(str(pk) for pk in (details or {}).get("attendees", []))
    if not isinstance(details, MeetingDetailsForm):
        details = MeetingDetailsForm(initial=details, instance=meeting, cell=cell)
    if not hasattr(points, "forms"):
        typed_panels = [point.pop("panels", None) or [] for point in points]
        for position, point in enumerate(points, start=1):
            point["ORDER"] = position
        points = PointFormSet(initial=points, prefix=POINTS)
        _bind_panels(request, cell, points, initial=typed_panels)
    else:
        _bind_panels(request, cell, points, data=request.POST)
    _add_suggestions(request, points)
    _prepare_cards(points)
    record = None
    if preview:
        typed = {name: details[name].value() for name in details.fields}
        record = preview_record(cell, meeting, typed, points.forms)
    context = {
        "cell": cell,
        "meeting": meeting,
        "details": details,
        "points": points,
        "paste": paste or PasteForm(),
        "preview": record,
        "duplicate": duplicate,
        "audience": readers_of(cell),
        "notice": notice,
        # Errors first; then where the request asked to go back to.
        "focus": "error-summary" if status == 400 else focus,
        # A page shown again from a post holds work not saved yet.
        "unsaved": request.method == "POST",
        "panel_errors": any(bound.errors() for form in points.forms for bound in form.panels),
        "record_version": meeting.version if meeting else None,
        "attendees_was": attendees_was,
    }
    return render(request, "record/editor.html", context, status=status)


def _prepare_cards(points: Any) -> None:
    """What each point's card shows folded, and whether it starts open: when it
    has an error, is empty, or is the only point.
    """
    only = len(points.forms) == 1
    for form in points.forms:
        form.theme_list = split_theme_names(str(form["themes"].value() or ""))
        has_errors = bool(form.is_bound and form.errors) or any(b.errors() for b in form.panels)
        form.is_open = has_errors or only or not str(form["body"].value() or "").strip()


def _add_suggestions(request: HttpRequest, points: Any) -> None:
    """Suggested themes (with the words that matched) for each point."""
    texts = [
        f"{form['heading'].value() or ''}\n{form['body'].value() or ''}" for form in points.forms
    ]
    suggested = suggest_themes(request.user, texts)
    for form, suggestions, text in zip(points.forms, suggested, texts, strict=True):
        chosen = {n.strip().lower() for n in (form["themes"].value() or "").split(",")}
        form.suggestions = [s for s in suggestions if s.theme.name.lower() not in chosen]
        form.fields["accept"].choices = [(s.theme.name, s.theme.name) for s in form.suggestions]
        for bound in form.panels:
            bound.suggest(text)


@login_required
@require_POST
def meeting_status(request: HttpRequest, slug: str, pk: int, status: str) -> HttpResponse:
    meeting = get_editable_meeting(request.user, slug, pk)
    version = VersionForm(request.POST)
    try:
        if not version.is_valid():
            raise StaleRecord(meeting)
        set_status(meeting, status, version=version.cleaned_data["record_version"])
    except StaleRecord:
        messages.error(request, "The meeting changed since you opened it; check it and try again.")
        return redirect(meeting)
    if status == MeetingStatus.PUBLISHED:
        messages.success(request, f"Published: {readers_of(meeting.cell)} can read it now.")
    else:
        messages.success(request, "Back to draft: only facilitators and staff can see it now.")
    return redirect(meeting)
