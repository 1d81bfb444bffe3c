"""Forms of the decision pages: propose (from the item page), decide, thresholds, the
client's adjustment reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.decisions.models import ProposalKind, WriteOffAccount
from rcmdesk.decisions.reasons import active_reasons

PROPOSABLE = [(k.value, k.label) for k in ProposalKind if k is not ProposalKind.APPEAL_FILING]


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(choices=PROPOSABLE, initial=ProposalKind.WRITE_OFF)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, required=False,
                                min_value=Decimal("0.01"),
                                help_text="A write-off's amount; blank: the item's own "
                                          "(the denied line's).")
    account = forms.ChoiceField(choices=WriteOffAccount.choices,
                                initial=WriteOffAccount.INSURANCE_AR, label="Write off from")
    adjustment_reason = forms.ChoiceField(choices=[], required=False,
                                          label="Adjustment reason",
                                          help_text="From the client's list; required for a "
                                                    "write-off.")
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               max_length=4000, help_text="Call references, links, documents.")

    def __init__(self, *args: Any, client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = active_reasons(client_id) if client_id is not None else []
        self.fields["adjustment_reason"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((r.code, f"{r.label} ({r.code})") for r in reasons)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ProposalKind.WRITE_OFF and not data.get("adjustment_reason"):
            self.add_error("adjustment_reason", "Choose why the balance is written off.")
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=4000, help_text="Required to reject.")
    version = forms.IntegerField(min_value=1, required=False)

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=PROPOSABLE)
    threshold = forms.DecimalField(max_digits=12, decimal_places=2, required=False,
                                   min_value=Decimal("0.00"),
                                   help_text="Amounts above this need a client decision; "
                                             "empty: every amount does.")
    note = forms.CharField(max_length=300, required=False)


class ReasonForm(forms.Form):
    code = forms.CharField(max_length=20, help_text="Short, as in your billing system; an "
                                                    "existing code changes that reason.")
    label = forms.CharField(max_length=120)
    carc = forms.CharField(max_length=10, required=False, label="Usual CARC")
    active = forms.BooleanField(required=False, initial=True,
                                help_text="Untick to retire it (decisions keep naming it).")
