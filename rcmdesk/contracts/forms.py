"""The contract pages' forms: a new contract, its terms (with the note a version needs), a
schedule file to import, and a reference schedule to load."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.claims.models import Payer
from rcmdesk.contracts.models import ReferenceSchedule
from rcmdesk.tenancy.models import Organization


def _percent(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=Decimal(0),
                              max_digits=7, decimal_places=3, help_text=help_text)


class TermsFields(forms.Form):
    name = forms.CharField(max_length=200)
    reference = forms.ModelChoiceField(queryset=ReferenceSchedule.objects.none(),
                                       required=False, label="Reference schedule",
                                       help_text="Codes without a row of their own are "
                                                 "paid a percent of this schedule.")
    reference_percent = _percent("Percent of the reference for other codes")
    multiple_procedure_percent = _percent(
        "Second and later surgical procedures paid at (%)",
        help_text="Blank: no multiple-procedure reduction.")
    bilateral_percent = _percent("Bilateral (modifier 50) paid at (%)", required=True)
    tolerance_amount = forms.DecimalField(label="Tolerance ($)", min_value=Decimal(0),
                                          max_digits=12, decimal_places=2)
    tolerance_percent = _percent("Tolerance (%)", required=True)

    def __init__(self, *args: Any, client: Organization, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reference"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ReferenceSchedule.objects.visible_to(user).filter(
            client=client).order_by("-year", "name")

    def terms(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in (
            "name", "reference", "reference_percent", "multiple_procedure_percent",
            "bilateral_percent", "tolerance_amount", "tolerance_percent")}


class ContractForm(TermsFields):
    payer = forms.ModelChoiceField(queryset=Payer.objects.none())
    plan = forms.CharField(max_length=50, required=False,
                           help_text="The group number (SBR03) this contract covers; blank "
                                     "for every plan of the payer.")

    field_order = ("payer", "plan", "name")

    def __init__(self, *args: Any, client: Organization, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"bilateral_percent": Decimal(150),
                                      "tolerance_amount": Decimal("1.00"),
                                      "tolerance_percent": Decimal(1)})
        super().__init__(*args, client=client, user=user, **kwargs)
        field = self.fields["payer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Payer.objects.visible_to(user).filter(client=client).order_by("name")


class EditTermsForm(TermsFields):
    active = forms.BooleanField(required=False, label="In use for pricing")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Why the terms change (an amendment, a correction); "
                                     "it is kept with the version.")


class ImportForm(forms.Form):
    file = forms.FileField(label="Schedule file (CSV)")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Why: kept with the version this import creates.")


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


class ReferenceForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. Medicare PFS 2026, locality 01. "
                                                     "The same name replaces that schedule.")
    year = forms.IntegerField(min_value=1990, max_value=2100)
    file = forms.FileField(label="CMS PFS Look-up Tool export (CSV)")
