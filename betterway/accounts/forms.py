"""Forms of the accounts pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse

from betterway.mail import queue_mail
from betterway.models import User


class LoginForm(AuthenticationForm):
    """The site's log-in: an e-mail address or a username, in any case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That e-mail address or username and password do not match an account. "
            "Both are checked whatever their case."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address or username"


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's log-in, which takes an e-mail address too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address or username"


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail queued for the worker instead of sent in the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        base = f"{context['protocol']}://{context['domain']}"
        queue_mail(
            f"password-reset:{context['user'].pk}:{context['token']}",
            "password_reset",
            to_email,
            {
                "name": context["user"].get_display_name(),
                "username": context["user"].username,
                "reset_url": base + path,
                "site_url": base + "/",
            },
        )


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        help_texts = {"display_name": "How you appear on notes and attendance lists."}


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New e-mail address",
        help_text="We send a link to this address; the change takes effect when you follow it.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError("That is your address already.")
        return email
