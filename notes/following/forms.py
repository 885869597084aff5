"""Forms of following: mail settings, and naming a search to follow."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from betterway.text import strip_control_characters
from notes.following.models import Subscriber

MAX_QUERY_LENGTH = 1000  # Follow.query's length
# Parameters of the search page that do not change which points match.
_NOT_CRITERIA = {"page", "sort"}


def normalised_query(params: QueryDict) -> str:
    """A search's parameters in one canonical order, without paging or sorting."""
    kept = QueryDict(mutable=True)
    for key in sorted(params):
        if key in _NOT_CRITERIA:
            continue
        values = [value.strip() for value in params.getlist(key) if value.strip()]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


class MailSettingsForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ["digest", "digest_day", "notify_on_publish", "action_reminders"]
        widgets = {"digest": forms.RadioSelect}
        help_texts = {
            "digest": (
                "One mail with everything new in what you follow; nothing when nothing is new."
            ),
            "digest_day": "For the weekly digest: it comes on the morning of this day.",
            "notify_on_publish": (
                "Besides the digest: one mail for each meeting a cell you follow publishes."
            ),
            "action_reminders": (
                "A mail two days before an action you own is due, and one the day after "
                "if it is still open."
            ),
        }


class FollowSearchForm(forms.Form):
    query = forms.CharField(max_length=MAX_QUERY_LENGTH, widget=forms.HiddenInput)
    name = forms.CharField(
        label="Name this search",
        max_length=100,
        help_text="How it appears on your Following page and in your digests.",
        error_messages={"required": "Give the search a name."},
    )

    def clean_name(self) -> str:
        name = strip_control_characters(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError("Give the search a name.")
        return name

    def clean_query(self) -> str:
        query = normalised_query(QueryDict(self.cleaned_data["query"]))
        if not query:
            raise forms.ValidationError("Search for some words or choose a filter first.")
        if len(query) > MAX_QUERY_LENGTH:  # re-encoding can lengthen what was sent
            raise forms.ValidationError("This search is too long to follow: shorten it.")
        return query
