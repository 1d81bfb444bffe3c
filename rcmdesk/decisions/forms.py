"""Forms of the decision pages: propose (from the item page), decide, thresholds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.decisions.models import ProposalKind, WriteOffAccount

PROPOSABLE = [(k.value, k.label) for k in ProposalKind if k is not ProposalKind.APPEAL_FILING]


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(choices=PROPOSABLE, initial=ProposalKind.WRITE_OFF)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, required=False,
                                min_value=Decimal("0.01"), help_text="Required for a write-off.")
    account = forms.ChoiceField(choices=WriteOffAccount.choices,
                                initial=WriteOffAccount.INSURANCE_AR, label="Write off from")
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               max_length=4000, help_text="Call references, links, documents.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ProposalKind.WRITE_OFF and data.get("amount") is None:
            self.add_error("amount", "A write-off needs an amount.")
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
