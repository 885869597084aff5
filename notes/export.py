"""A meeting as one Markdown document, for keeping or sharing outside the site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from cells.access import get_visible_meeting
from cells.models import Meeting


@require_safe
def meeting_markdown(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting as one Markdown document, for keeping or sharing outside the site."""
    meetings = Meeting.objects.prefetch_related("notes__themes", "attendees")  # type: ignore[misc]  # taggit's manager has no type information
    meeting = get_visible_meeting(request.user, slug, pk, meetings)
    context = {"meeting": meeting, "show_names": meeting.names_shown_to(request.user)}
    text = render_to_string("notes/meeting.md", context, request=request)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    filename = f"{meeting.cell.slug}-{meeting.date:%Y-%m-%d}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
