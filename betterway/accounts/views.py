"""The profile page and confirming a new e-mail address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from betterway.accounts.forms import DisplayNameForm, EmailChangeForm
from betterway.mail import queue_mail
from betterway.models import User

EMAIL_CHANGE_SALT = "betterway.accounts.email-change"
EMAIL_CHANGE_DAYS = 3


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    name_form = DisplayNameForm(instance=user)
    email_form = EmailChangeForm(user=user)
    if request.method == "POST" and request.POST.get("action") == "name":
        name_form = DisplayNameForm(request.POST, instance=user)
        if name_form.is_valid():
            name_form.save()
            messages.success(request, "Your name is saved.")
            return redirect("profile")
    elif request.method == "POST" and request.POST.get("action") == "email":
        email_form = EmailChangeForm(request.POST, user=user)
        if email_form.is_valid():
            _send_email_confirmation(request, user, email_form.cleaned_data["email"])
            return redirect("profile")
    context = {"name_form": name_form, "email_form": email_form}
    status = 400 if name_form.errors or email_form.errors else 200
    return render(request, "accounts/profile.html", context, status=status)


def _send_email_confirmation(request: HttpRequest, user: User, email: str) -> None:
    """Mail a link to the new address; the same answer whether or not it is taken."""
    address = email.strip()
    if not User.objects.filter(email__iexact=address).exclude(pk=user.pk).exists():
        token = signing.dumps({"user": user.pk, "email": address}, salt=EMAIL_CHANGE_SALT)
        with transaction.atomic():
            queue_mail(
                f"email-change:{user.pk}:{token[-24:]}",
                "email_confirm",
                address,
                {
                    "name": user.get_display_name(),
                    "email": address,
                    "confirm_url": request.build_absolute_uri(
                        reverse("email_confirm", kwargs={"token": token})
                    ),
                    "site_url": request.build_absolute_uri("/"),
                    "days": EMAIL_CHANGE_DAYS,
                },
            )
    messages.success(
        request,
        f"We sent a link to {address}. Your address changes when you follow it "
        f"(within {EMAIL_CHANGE_DAYS} days); until then you keep the one you have.",
    )


@require_safe
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_DAYS * 86400)
    except signing.SignatureExpired:
        return _email_not_changed(request, "The link has expired.")
    except signing.BadSignature:
        return _email_not_changed(request, "The link is not one we sent, or it was cut short.")
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None:
        return _email_not_changed(request, "The account it was for no longer exists.")
    if user.email.lower() == data["email"].lower():
        messages.success(request, f"Your e-mail address is {user.email}.")
        return redirect("profile" if request.user.is_authenticated else "login")
    try:
        with transaction.atomic():
            user.email = data["email"]
            user.save(update_fields=["email"])
    except IntegrityError:
        return _email_not_changed(request, "Another account uses that address now.")
    messages.success(request, f"Your e-mail address is now {user.email}.")
    return redirect("profile" if request.user.is_authenticated else "login")


def _email_not_changed(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/email_not_changed.html", {"reason": reason}, status=400)
