"""The remittance list's filter, read from the query string."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.remits.queries import RemittanceFilter
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
