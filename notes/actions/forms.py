"""Forms of actions and proposals: in the editor, on the Proposals page and its filters."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from betterway.text import strip_control_characters
from cells.access import AnyUser
from cells.models import Cell
from notes.actions.models import (
    OWNER_NAME_MAX,
    SUMMARY_MAX,
    WHAT_MAX,
    ActionStatus,
    Proposal,
    ProposalStatus,
)
from notes.actions.queries import ProposalFilters, cell_options, theme_options
from notes.actions.services import ActionInput

MAX_ACTIONS_PER_POINT = 50
EARLIEST_DUE = datetime.date(1900, 1, 1)
_PROPOSAL_NUMBER = re.compile(r"\s*#?(\d{1,9})\b")


def owner_choices(cell: Cell) -> list[Any]:
    """Who may own an action: the cell's members, and former members who still do."""
    owners = get_user_model().objects.filter(
        Q(memberships__cell=cell) | Q(owned_actions__meeting__cell=cell)
    )
    return sorted(owners.distinct(), key=lambda user: user.get_display_name().lower())


class ActionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status_was = forms.CharField(required=False, widget=forms.HiddenInput)
    what = forms.CharField(
        label="Action",
        required=False,
        max_length=WHAT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    owner_name = forms.CharField(
        label="Or the owner's name",
        required=False,
        max_length=OWNER_NAME_MAX,
        help_text="Someone without an account.",
    )
    due = forms.DateField(
        label="Due",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Owners are reminded by mail.",
    )
    status = forms.ChoiceField(
        choices=ActionStatus.choices, initial=ActionStatus.OPEN, required=False
    )

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list read once per page, not a query per form.
        self.owners = {user.pk: user for user in owners}
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", "Not chosen"),
            *((user.pk, user.get_display_name()) for user in owners),
        ]

    def clean_due(self) -> datetime.date | None:
        due = self.cleaned_data["due"]
        if due is not None and due < EARLIEST_DUE:
            raise forms.ValidationError("Check the year of the due date.")
        return due

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        what = strip_control_characters(data.get("what") or "").strip()
        data["what"] = what
        described = data.get("owner") or data.get("owner_name") or data.get("due")
        if not what and not data.get("DELETE") and (data.get("id") or described):
            self.add_error("what", "Say what the action is, or tick “Remove” to drop it.")
        return data

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            what=data["what"],
            status=data.get("status") or ActionStatus.OPEN,
            owner=self.owners.get(data["owner"]) if data.get("owner") else None,
            owner_name=data.get("owner_name") or "",
            due=data.get("due"),
            id=data.get("id"),
            version=data.get("version"),
            status_was=data.get("status_was") or "",
        )


class BaseActionFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        kwargs["form_kwargs"] = {"owners": owners}
        super().__init__(*args, **kwargs)


ActionFormSet = cast(
    type[BaseActionFormSet],
    forms.formset_factory(
        ActionForm,
        formset=BaseActionFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_ACTIONS_PER_POINT,
        validate_max=True,
    ),
)


def find_proposal(user: AnyUser, text: str) -> Proposal:
    """The proposal a facilitator named by number ("12", "#12 …") or by words of
    its summary; ValidationError when there is none, or several, they may read.
    """
    visible = Proposal.objects.visible_to(user)
    number = _PROPOSAL_NUMBER.match(text)
    if number:
        found = visible.filter(pk=int(number.group(1))).first()
        if found is None:
            raise forms.ValidationError(f"There is no proposal #{number.group(1)} you can read.")
        return found
    matches = list(visible.filter(summary__icontains=text.strip()).order_by("-pk")[:6])
    if not matches:
        raise forms.ValidationError(
            "No proposal you can read has those words in its summary. "
            "Find it on the Proposals page and give its number."
        )
    if len(matches) > 1:
        listed = "; ".join(f"#{p.pk} {p.summary[:60]}" for p in matches[:5])
        raise forms.ValidationError(f"Several proposals match: {listed}. Give the number of one.")
    return matches[0]


class PointProposalForm(forms.Form):
    """Whether a point is a proposal to the network, and whether it discusses one again."""

    # Tells the editor this form was on the page: a post without it changes nothing.
    present = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)
    is_proposal = forms.BooleanField(label="A proposal to the network", required=False)
    summary = forms.CharField(
        label="Proposal in one line",
        required=False,
        max_length=SUMMARY_MAX,
        help_text="What the cell proposes, as the Proposals page will show it.",
    )
    shared = forms.BooleanField(
        label="Share this summary with the whole network",
        required=False,
        help_text=(
            "The cell is private: without this only its members see the proposal. "
            "Shared, everyone logged in sees the cell's name, the date, this line and its "
            "status, never the note."
        ),
    )
    discussed_again = forms.CharField(
        label="Comes back to an earlier proposal",
        required=False,
        max_length=SUMMARY_MAX + 20,
        help_text="Its number from the Proposals page (e.g. 12) or words of its summary.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-proposal-input": ""}),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.rediscussed: Proposal | None = None

    def clean_summary(self) -> str:
        return strip_control_characters(self.cleaned_data["summary"]).strip()

    def clean_discussed_again(self) -> str:
        text = strip_control_characters(self.cleaned_data["discussed_again"]).strip()
        if text:
            self.rediscussed = find_proposal(self.user, text)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_proposal") and not data.get("summary"):
            self.add_error(
                "summary", "Write the proposal in one line, or untick “Mark as a proposal”."
            )
        return data


def proposal_label(proposal: Proposal) -> str:
    """How the editor names a proposal a point discusses again."""
    return f"#{proposal.pk} {proposal.summary}"


class ProposalStatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=ProposalStatus.choices)
    note = forms.CharField(
        label="Why",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who took it up, what was done, or why it is not taken forward.",
        error_messages={"required": "Say why, in a sentence: readers see it beside the status."},
    )

    def clean_note(self) -> str:
        note = strip_control_characters(self.cleaned_data["note"]).strip()
        if not note:
            raise forms.ValidationError("Say why, in a sentence: readers see it beside the status.")
        return note


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ProposalStatus.choices]
    )
    theme = forms.ChoiceField(label="Theme", required=False)
    cell = forms.ChoiceField(label="Cell", required=False)
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first")],
    )

    def __init__(self, *args: Any, themes: Any, cells: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes = {theme.slug: theme for theme in themes}
        cast(forms.ChoiceField, self.fields["theme"]).choices = [
            ("", "Any theme"),
            *((theme.slug, theme.name) for theme in themes),
        ]
        cast(forms.ChoiceField, self.fields["cell"]).choices = [
            ("", "Any cell"),
            *((cell.slug, cell.name) for cell in cells),
        ]

    def clean_theme(self) -> Any:
        """The chosen Theme (from the choices already read), or None."""
        return self.themes.get(self.cleaned_data["theme"])


def filter_proposals(user: AnyUser, params: Any) -> tuple[ProposalFilterForm, Any]:
    """The filter form for ``params`` (a query string) and the proposals it
    selects among those ``user`` may read: for the page, its feed and its CSV.
    """
    visible = Proposal.objects.visible_to(user)
    form = ProposalFilterForm(params, themes=theme_options(user), cells=cell_options(visible))
    form.is_valid()  # a bad value is ignored: cleaned_data holds only the good ones
    return form, ProposalFilters.from_form(form.cleaned_data).apply(user, visible)
