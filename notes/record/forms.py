"""Forms of the meeting record editor: the meeting's details and its points."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from betterway.text import strip_control_characters
from cells.models import EARLIEST_MEETING, Cell, Meeting, Visibility
from notes.record.files import ACCEPTED, MAX_UPLOAD_MB
from notes.record.services import PointInput
from notes.themes.naming import THEME_NAME_MAX, check_theme_name, split_theme_names

BODY_MAX = 100_000
HEADING_MAX = 200
MAX_DAYS_AHEAD = 366


class MeetingDetailsForm(forms.ModelForm):
    """Date, topic, introducer, attendees from the cell's members, guests, venue."""

    class Meta:
        model = Meeting
        fields = [
            "date",
            "title",
            "introduced_by",
            "introduced_by_user",
            "attendees",
            "guest_names",
            "venue",
            "show_attendees",
        ]
        widgets = {
            "date": forms.DateInput(
                attrs={"type": "date", "min": EARLIEST_MEETING.isoformat()}, format="%Y-%m-%d"
            ),
            "attendees": forms.CheckboxSelectMultiple,
            "guest_names": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"introduced_by_user": "Introducer's account"}
        help_texts = {"attendees": "Members of the cell who were there."}

    def __init__(self, *args: Any, cell: Cell, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = get_user_model().objects.filter(memberships__cell=cell).order_by("username")
        attendees = cast(forms.ModelMultipleChoiceField, self.fields["attendees"])
        attendees.queryset = members
        introducer = cast(forms.ModelChoiceField, self.fields["introduced_by_user"])
        introducer.queryset = members
        introducer.empty_label = "None, or not a member"
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        self.cell = cell
        if self.instance.pk is None and not self.is_bound:
            # Off for public cells (anyone on the internet); on for network cells.
            self.initial.setdefault("show_attendees", cell.visibility == Visibility.NETWORK)

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(
                "That is more than a year ahead. Check the year: meetings are recorded "
                "after they happen."
            )
        return date

    def details(self) -> dict[str, Any]:
        """The cleaned fields that belong on the meeting itself."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "attendees"}


class PointForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    heading = forms.CharField(
        required=False, max_length=HEADING_MAX, help_text="Optional, a few words."
    )
    body = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: *emphasis*, **strong**, - lists, [links](https://…).",
    )
    themes = forms.CharField(
        required=False,
        help_text="Separate themes with commas (or press Enter after each), e.g. “leadership, "
        "systems change”. A new theme is created when you confirm it.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-theme-input": ""}),
    )
    accept = forms.MultipleChoiceField(
        label="Suggested themes", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any suggested name may be accepted; suggestions are recomputed on render.
        cast(forms.ChoiceField, self.fields["accept"]).choices = [
            (name, name)
            for name in (
                self.data.getlist(self.add_prefix("accept"))
                if hasattr(self.data, "getlist")
                else []
            )
        ]
        self.suggestions: list[Any] = []

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if len(body) > BODY_MAX:
            raise forms.ValidationError(
                f"A point can hold at most {BODY_MAX:,} characters; this one has "
                f"{len(body):,}. Split it into several points."
            )
        return body

    def clean_accept(self) -> list[str]:
        return [name for name in self.cleaned_data["accept"] if len(name) <= THEME_NAME_MAX]

    def clean_themes(self) -> list[str]:
        names = split_theme_names(strip_control_characters(self.cleaned_data["themes"]))
        errors = []
        for name in names:
            try:
                check_theme_name(name)
            except forms.ValidationError as error:
                errors += error.messages
        if errors:
            raise forms.ValidationError(errors)
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deleting = data.get("DELETE")
        if not deleting and not data.get("body") and (data.get("heading") or data.get("themes")):
            self.add_error("body", "Write what was said, or tick “Delete” to drop this point.")
        return data

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("body") or data.get("heading") or data.get("themes"))

    def to_input(self) -> PointInput:
        data = self.cleaned_data
        themes = split_theme_names(", ".join(data["themes"] + list(data.get("accept") or [])))
        return PointInput(
            heading=data["heading"].strip(),
            body=data["body"],
            themes=themes,
            id=data.get("id"),
            version=data.get("version"),
            key=self.prefix or "",
        )


# A meeting of an evening has a few dozen points; more than this is a pasted
# book or a script, and every point costs the editor page a form.
MAX_POINTS = 500

PointFormSet = forms.formset_factory(
    PointForm, extra=0, can_order=True, can_delete=True, max_num=MAX_POINTS, validate_max=True
)


class PasteForm(forms.Form):
    """Paste a whole note, or upload one, to split into points."""

    text = forms.CharField(
        label="Paste the whole note",
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Points are split at blank lines. A first line like “Note of Better Way cell "
        "discussion, 2nd cell, 29 November 2017” fills in the date.",
    )
    upload = forms.FileField(
        label="Or upload the note",
        required=False,
        help_text=f"A {', '.join(ACCEPTED)} file of at most {MAX_UPLOAD_MB} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )


class VersionForm(forms.Form):
    """The record version an edit began from, for optimistic locking."""

    record_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
