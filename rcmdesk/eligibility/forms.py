"""The visit form and the import form."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from rcmdesk.eligibility.imports import PROCEDURE, SERVICE_TYPE
from rcmdesk.eligibility.services import VisitInput
from rcmdesk.uploads import read_upload

VISITS_FILE = "visits file"  # as the refusal of an upload names it


def _codes(value: str, form: re.Pattern[str], what: str) -> list[str]:
    codes = [c.strip().upper() for c in re.split(r"[\s;|,]+", value) if c.strip()]
    bad = [c for c in codes if not form.match(c)]
    if bad:
        raise forms.ValidationError(f"Not a valid {what}: {', '.join(bad)}")
    return codes


class ClientChoiceForm(forms.Form):
    client = forms.ChoiceField(label="Client")

    def __init__(self, *args: Any, clients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [(o.slug, o.name) for o in clients]  # type: ignore[attr-defined]
        self.by_slug = {o.slug: o for o in clients}


class VisitForm(ClientChoiceForm):
    scheduled_on = forms.DateField(label="Visit date", widget=forms.DateInput(
        attrs={"type": "date"}))
    last_name = forms.CharField(label="Patient last name", max_length=100)
    first_name = forms.CharField(label="Patient first name", max_length=100)
    birth_date = forms.DateField(label="Birth date", widget=forms.DateInput(
        attrs={"type": "date"}))
    sex = forms.ChoiceField(label="Sex", required=False,
                            choices=[("", "—"), ("F", "F"), ("M", "M"), ("U", "U")])
    payer_id = forms.CharField(label="Payer id", max_length=80)
    payer_name = forms.CharField(label="Payer name (new payers)", max_length=200,
                                 required=False)
    member_id = forms.CharField(label="Member id", max_length=80)
    provider_npi = forms.RegexField(label="Provider NPI", regex=r"^\d{10}$", required=False)
    service_types = forms.CharField(label="Service types (EQ, e.g. 30 98)", required=False,
                                    initial="30")
    procedures = forms.CharField(label="Planned procedures (CPT/HCPCS)", required=False)

    def clean_service_types(self) -> list[str]:
        return _codes(self.cleaned_data["service_types"], SERVICE_TYPE, "service type")

    def clean_procedures(self) -> list[str]:
        return _codes(self.cleaned_data["procedures"], PROCEDURE, "procedure code")

    def visit_input(self) -> VisitInput:
        d = self.cleaned_data
        return VisitInput(
            scheduled_on=d["scheduled_on"], last_name=d["last_name"].strip(),
            first_name=d["first_name"].strip(), birth_date=d["birth_date"], sex=d["sex"],
            payer_id=d["payer_id"].strip(), payer_name=d["payer_name"].strip(),
            member_id=d["member_id"].strip(), provider_npi=d["provider_npi"] or "",
            service_types=d["service_types"], procedures=d["procedures"])


class ImportForm(ClientChoiceForm):
    file = forms.FileField(label="Visits file (CSV or FHIR Appointment bundle JSON)",
                           allow_empty_file=True)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.content = read_upload(upload, what=VISITS_FILE)
        return upload
