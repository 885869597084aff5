"""A second factor for staff: a code from an authenticator app (TOTP, django-otp).

With ``ADMIN_REQUIRES_SECOND_FACTOR`` on (the default in production), the
admin opens only for a session verified with a code. A staff member logs in
with their password as usual, then this page asks for the code; the first
time, it shows the QR code to scan and confirms the app with one code. A
lost phone is handled by a superuser deleting the member's device in the
admin (Django OTP, TOTP devices), after which the next visit sets up anew.
"""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="Six digits; a new code appears every 30 seconds.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Type the six digits your app shows.")
        return code


def _device_for(user: object) -> TOTPDevice:
    """The member's confirmed device; else the one being set up (made on first visit)."""
    devices = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk")
    device = devices.first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("admin:index")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404("Only staff use a second factor.")
    device = _device_for(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            # django-otp doubles the wait after each wrong code: 1 s, 2 s, 4 s…
            form.add_error("code", "Too many wrong codes: wait a little, then type the code shown.")
        elif device.verify_token(form.cleaned_data["code"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error(
                "code", "That code is not right, or has expired: type the one shown now."
            )
    context = {"form": form, "next": _next_url(request), "setting_up": not device.confirmed}
    if not device.confirmed:
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        # segno writes the SVG from the device's own URL: no text of ours in it.
        context["qr_svg"] = mark_safe(  # noqa: S308
            segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=True)
        )
    status = 400 if form.errors else 200
    return render(request, "accounts/second_factor.html", context, status=status)
