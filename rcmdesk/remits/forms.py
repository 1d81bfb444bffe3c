"""The remittance list's filter, the claim search and the resolving actions of an exception."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.remits.queries import ClaimSearch, RemittanceFilter
from rcmdesk.remits.resolution import LINK, MATCH, PARK, REFUND, REVIEW
from rcmdesk.tenancy.models import Organization


class RemittanceFilterForm(forms.Form):
    client = forms.ChoiceField(required=False)
    payer = forms.CharField(required=False, max_length=100)
    trace = forms.CharField(required=False, max_length=50)
    paid_from = forms.DateField(required=False, error_messages={
        "invalid": "Paid from is not a date: write it as YYYY-MM-DD."})
    paid_to = forms.DateField(required=False, error_messages={
        "invalid": "Paid to is not a date: write it as YYYY-MM-DD."})

    def __init__(self, data: Any, clients: list[Organization]) -> None:
        super().__init__(data)
        self.clients = {c.slug: c for c in clients}
        self.fields["client"] = forms.ChoiceField(required=False, choices=[
            ("", "Every client"), *((c.slug, c.name) for c in clients)])

    def to_filter(self) -> RemittanceFilter:
        """The filter from the fields that are valid; a field in error filters nothing."""
        if not self.is_bound:
            return RemittanceFilter()
        self.is_valid()
        got = self.cleaned_data
        return RemittanceFilter(client=self.clients.get(got.get("client") or ""),
                                payer=got.get("payer") or "", trace=got.get("trace") or "",
                                paid_from=got.get("paid_from"), paid_to=got.get("paid_to"))


def _box(label: str) -> forms.TextInput:
    """A search box that says what it is without a separate label (one fieldset row)."""
    return forms.TextInput(attrs={"placeholder": label, "aria-label": label})


class ClaimSearchForm(forms.Form):
    """The claim search on an exception's page (GET): any of PCN, patient, DOS, amount."""

    pcn = forms.CharField(required=False, max_length=38, label="Patient control number",
                          widget=_box("Patient control number"))
    patient = forms.CharField(required=False, max_length=100, widget=_box("Patient name"))
    dos = forms.DateField(required=False, label="Date of service", widget=_box(
        "Date of service"), error_messages={
        "invalid": "Date of service is not a date: write it as YYYY-MM-DD."})
    amount = forms.DecimalField(required=False, max_digits=12, decimal_places=2,
                                widget=_box("Amount"), error_messages={
                                    "invalid": "Amount is not an amount: write it as 123.45."})

    def to_search(self) -> ClaimSearch:
        if not self.is_bound:
            return ClaimSearch()
        self.is_valid()
        got = self.cleaned_data
        return ClaimSearch(pcn=got.get("pcn") or "", patient=got.get("patient") or "",
                           service_date=got.get("dos"), amount=got.get("amount"))


class ResolveForm(forms.Form):
    """One action on an exception (POST): the fields each action needs."""

    action = forms.ChoiceField(choices=[(a, a) for a in (MATCH, PARK, LINK, REFUND, REVIEW)])
    claim = forms.IntegerField(required=False, min_value=1)
    text = forms.CharField(required=False, max_length=300)


class ApplyForm(forms.Form):
    """Apply unapplied cash: to which claim (its PCN) and how much."""

    pcn = forms.CharField(max_length=38, label="Claim (patient control number)")
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
