"""The registry's forms: a system of the client, and a login asked for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from rcmdesk.systemaccess.models import DEFAULT_REVIEW_DAYS, SystemKind
from rcmdesk.tenancy.roles import Workflow


class SystemForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name (as your staff call it)")
    kind = forms.ChoiceField(choices=SystemKind.choices, label="Kind of system")
    payer = forms.ChoiceField(required=False, label="Payer (for a payer portal)")
    workflows = forms.MultipleChoiceField(
        choices=[(w.value, w.label) for w in Workflow], widget=forms.CheckboxSelectMultiple,
        label="Needed for", required=False)

    def __init__(self, *args: Any, payers: Sequence[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [("", "Not a payer portal"), *payers]  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    user = forms.ChoiceField(label="Person")
    system = forms.ChoiceField(label="System")
    account_name = forms.CharField(max_length=200, label="Account name (never a password)")
    scope = forms.CharField(max_length=300, required=False, label="Role or scope it grants")
    vault_reference = forms.CharField(
        max_length=300, required=False, label="Where the secret lives in your vault",
        help_text="A reference only, such as a vault entry's name; never the secret itself.")
    mfa_enabled = forms.BooleanField(required=False, label="MFA is on")
    review_period_days = forms.IntegerField(min_value=1, max_value=366,
                                            initial=DEFAULT_REVIEW_DAYS,
                                            label="Review every (days)")

    def __init__(self, *args: Any, people: Sequence[tuple[str, str]] = (),
                 systems: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = people  # type: ignore[attr-defined]
        self.fields["system"].choices = systems  # type: ignore[attr-defined]
