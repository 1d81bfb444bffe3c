"""Forms of the authorization pages: one client's rows only in every choice."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.claims.models import Patient, Payer, Provider
from rcmdesk.eligibility.models import Visit
from rcmdesk.playbooks.codes import CodeList, CodeListError
from rcmdesk.priorauth.models import AuthSource, AuthStatus
from rcmdesk.priorauth.services import MANUAL_SOURCES, AuthInput, AuthProblem, clean_codes
from rcmdesk.tenancy.models import Organization

DATE = forms.DateInput(attrs={"type": "date"})
SOURCE_CHOICES = [(s.value, s.label) for s in MANUAL_SOURCES]


class AuthEditForm(forms.Form):
    """What changes after the first entry: the payer's answer, dates, units, provider."""

    codes = forms.CharField(max_length=300, help_text="Procedure codes, comma separated")
    status = forms.ChoiceField(choices=AuthStatus.choices)
    source = forms.ChoiceField(choices=SOURCE_CHOICES, initial=AuthSource.PHONE,
                               label="Where the answer came from")
    certification_number = forms.CharField(max_length=50, required=False)
    decision_code = forms.CharField(
        max_length=2, required=False, label="Decision code (optional)",
        help_text="As the payer gave it (HCR01): A1 approved in full, A2 in part, "
                  "A3 not approved, A4 on hold")
    reason_code = forms.CharField(
        max_length=3, required=False, label="Reason code (optional)",
        help_text="As the payer gave it (HCR03)")
    approved_units = forms.DecimalField(max_digits=10, decimal_places=3, min_value=0,
                                        required=False)
    start_date = forms.DateField(required=False, widget=DATE)
    end_date = forms.DateField(required=False, widget=DATE)
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), required=False)
    visit = forms.ModelChoiceField(queryset=Visit.objects.none(), required=False)
    note = forms.CharField(max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, client: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["provider"].queryset = Provider.objects.filter(client=client).order_by("name")
        fields["visit"].queryset = Visit.objects.filter(client=client).select_related(
            "patient").order_by("-scheduled_on")[:200]

    def clean_codes(self) -> list[str]:
        try:
            codes = clean_codes(self.cleaned_data["codes"].replace(";", ",").split(","))
        except AuthProblem as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not codes:
            raise forms.ValidationError("Name at least one procedure code.")
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", "The approved dates end before they start.")
        return data

    def auth_input(self, patient_id: int, payer_id: int) -> AuthInput:
        d = self.cleaned_data
        return AuthInput(
            patient_id=patient_id, payer_id=payer_id, codes=d["codes"], status=d["status"],
            source=d["source"], provider_id=d["provider"].pk if d.get("provider") else None,
            visit_id=d["visit"].pk if d.get("visit") else None,
            certification_number=d.get("certification_number") or "",
            decision_code=d.get("decision_code") or "", reason_code=d.get("reason_code") or "",
            approved_units=d.get("approved_units"), start_date=d.get("start_date"),
            end_date=d.get("end_date"), note=d.get("note") or "")


class AuthForm(AuthEditForm):
    """A new authorization: the patient and payer it is for, then the answer."""

    patient = forms.ModelChoiceField(queryset=Patient.objects.none())
    payer = forms.ModelChoiceField(queryset=Payer.objects.none())
    field_order = ["patient", "payer", "codes", "status", "source"]

    def __init__(self, *args: Any, client: Organization, **kwargs: Any) -> None:
        super().__init__(*args, client=client, **kwargs)
        fields: Any = self.fields
        fields["patient"].queryset = Patient.objects.filter(client=client).order_by(
            "last_name", "first_name")
        fields["payer"].queryset = Payer.objects.filter(client=client).order_by("name")

    def new_input(self) -> AuthInput:
        d = self.cleaned_data
        return self.auth_input(d["patient"].pk, d["payer"].pk)


class RequirementForm(forms.Form):
    """A playbook row: these codes need the payer's authorization (no payer: every payer)."""

    payer = forms.ModelChoiceField(queryset=Payer.objects.none(), required=False,
                                   empty_label="every payer")
    codes = forms.CharField(max_length=500, help_text='e.g. "70551-70553, 72148, J9*"')
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, client: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["payer"].queryset = Payer.objects.filter(client=client).order_by("name")

    def clean_codes(self) -> str:
        text: str = self.cleaned_data["codes"].strip()
        try:
            parsed = CodeList.parse(text)
        except CodeListError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not (parsed.exact or parsed.ranges or parsed.prefixes):
            raise forms.ValidationError("Name at least one code, range or prefix.")
        return text
