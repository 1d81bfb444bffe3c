"""The appeal page's forms: they read the fields; every rule is ``appeals``'."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from rcmdesk.denials.models import AppealOutcome, FilingChannel


class FiledForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    filed_on = forms.DateField(label="Filed on", widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label="How", choices=FilingChannel.choices)
    reference = forms.CharField(label="Payer's reference", max_length=80, required=False)


class AnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="The payer's answer", choices=AppealOutcome.choices)
    decided_on = forms.DateField(label="Answered on",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    expected_amount = forms.DecimalField(
        label="Expected payment", max_digits=12, decimal_places=2, required=False,
        min_value=Decimal("0.01"),
        help_text="Overturned: the denied amount unless the payer said less.")
    note = forms.CharField(label="Note", max_length=1000, required=False)


class WriteOffForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reasons = forms.CharField(max_length=4000, required=False)


def problems(form: forms.Form) -> str:
    """The form's refusals in one line, as the page shows them."""
    return "; ".join(f"{form.fields[k].label or k if k in form.fields else k}: "
                     f"{' '.join(str(e) for e in v)}" for k, v in form.errors.items())
