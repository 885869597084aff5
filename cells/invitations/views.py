"""A cell's invitations page (invite, re-send, withdraw) and accepting an invitation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cells.access import get_editable_cell
from cells.invitations import services
from cells.invitations.forms import AcceptForm, InviteForm

_OUTCOMES = {
    "invited": "Invitation sent to {email}: the mail is on its way.",
    "added": "{email} already has an account: they are now in the cell and we told them.",
    "already member": "{email} is a member of this cell already; nothing changed.",
    "already invited": "{email} has an invitation already: re-send it from the list below.",
}


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_http_methods(["GET", "POST"])
def cell_invitations(request: HttpRequest, slug: str) -> HttpResponse:
    cell = get_editable_cell(request.user, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and cell.is_active and form.is_valid():
        data = form.cleaned_data
        outcome = services.invite(
            cell, data["email"], data["role"], request.user, _site_url(request)
        )
        notify = messages.success if outcome.changed else messages.info
        notify(request, _OUTCOMES[outcome.kind].format(email=data["email"]))
        return redirect("cells:invitations", slug=cell.slug)
    invitations = cell.invitations.select_related("invited_by", "accepted_by")
    context = {
        "cell": cell,
        "form": form,
        "invitations": invitations,
        "days": settings.INVITATION_DAYS,
    }
    return render(
        request, "cells/invitations/list.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cell = get_editable_cell(request.user, slug)
    invitation = get_object_or_404(cell.invitations, pk=pk)
    try:
        services.resend(invitation, _site_url(request))
    except services.InvitationUnusable as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"A new link is on its way to {invitation.email}.")
    return redirect("cells:invitations", slug=cell.slug)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cell = get_editable_cell(request.user, slug)
    invitation = get_object_or_404(cell.invitations, pk=pk)
    services.withdraw(invitation)
    messages.success(
        request, f"The invitation to {invitation.email} is withdrawn; its link no longer works."
    )
    return redirect("cells:invitations", slug=cell.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.usable(token)
    except services.InvitationUnusable as refusal:
        return render(
            request, "cells/invitations/unusable.html", {"reason": refusal.reason}, status=410
        )
    form = AcceptForm(request.POST or None, initial={"display_name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept(
                token, form.cleaned_data["display_name"], form.cleaned_data["password1"]
            )
        except services.InvitationUnusable as refusal:
            return render(
                request, "cells/invitations/unusable.html", {"reason": refusal.reason}, status=410
            )
        login(request, user, backend="betterway.accounts.backends.EmailOrUsernameBackend")
        messages.success(
            request,
            f"Welcome to {invitation.cell.name}. Next time, log in with {user.email} "
            "and your password.",
        )
        return redirect(invitation.cell)
    context = {"invitation": invitation, "form": form}
    return render(
        request, "cells/invitations/accept.html", context, status=400 if form.errors else 200
    )
