"""The pages of a meeting's history: every version, and restoring one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from cells.access import get_editable_meeting
from notes.models import Note
from notes.record.history import entries
from notes.record.services import RestoreRefused, restore_meeting_version, restore_note_version

ENTRIES_PER_PAGE = 30


@login_required
@require_safe
def meeting_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_editable_meeting(request.user, slug, pk)
    page = Paginator(entries(meeting), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "record/history.html", {"meeting": meeting, "page": page})


@login_required
@require_POST
def note_restore(request: HttpRequest, slug: str, pk: int, history_id: int) -> HttpResponse:
    meeting = get_editable_meeting(request.user, slug, pk)
    record = get_object_or_404(Note.history.filter(meeting_id=meeting.pk), history_id=history_id)
    try:
        note = restore_note_version(meeting, record)
    except RestoreRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("notes:meeting_history", slug=slug, pk=pk)
    messages.success(
        request,
        f"Point {note.position} is back as it was on {record.history_date:%-d %B %Y at %H:%M}.",
    )
    return redirect(note.get_absolute_url())


@login_required
@require_POST
def meeting_restore(request: HttpRequest, slug: str, pk: int, history_id: int) -> HttpResponse:
    meeting = get_editable_meeting(request.user, slug, pk)
    record = get_object_or_404(meeting.history.all(), history_id=history_id)
    try:
        restore_meeting_version(meeting, record)
    except RestoreRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("notes:meeting_history", slug=slug, pk=pk)
    messages.success(request, "The meeting's details are back as they were.")
    return redirect(meeting)
