"""The charge form: claim-level fields, twelve diagnosis boxes, and a formset of lines.

Field names are the element ids the page documents (Django's ``id_<name>``, lines
``id_lines-<i>-<name>``); ``field_id`` maps a scrubber finding's field path to them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.charges.services import (
    AddressInput,
    ChargeInput,
    CoverageInput,
    LineInput,
    PatientInput,
    PayerInput,
    ProviderInput,
)
from rcmdesk.claims.models import Claim, PayerKind

DIAGNOSES = 12  # HI: twelve on an 837P
SEXES = [("", "—"), ("F", "F"), ("M", "M"), ("U", "U")]
RELATIONSHIPS = [("18", "self"), ("01", "spouse"), ("19", "child"), ("G8", "other")]
KINDS = [("P", "professional (837P)"), ("I", "institutional (837I)")]


def _text(label: str, max_length: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required)


class ChargeForm(forms.Form):
    client = forms.TypedChoiceField(label="Client", coerce=int)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    patient_last_name = _text("Patient last name", 100)
    patient_first_name = _text("Patient first name", 100)
    patient_birth_date = forms.DateField(label="Patient birth date", required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}))
    patient_sex = forms.ChoiceField(label="Patient sex", choices=SEXES, required=False)
    patient_address1 = _text("Patient address", 55)
    patient_city = _text("Patient city", 30)
    patient_state = _text("Patient state", 2)
    patient_zip = _text("Patient ZIP", 15)
    payer_id = _text("Payer id", 80)
    payer_name = _text("Payer name", 200)
    payer_kind = forms.ChoiceField(label="Payer kind", choices=PayerKind.choices,
                                   initial=PayerKind.COMMERCIAL)
    member_id = _text("Member id", 80)
    group_number = _text("Group number", 50)
    relationship = forms.ChoiceField(label="Patient is the subscriber's", choices=RELATIONSHIPS,
                                     initial="18")
    subscriber_last_name = _text("Subscriber last name", 100)
    subscriber_first_name = _text("Subscriber first name", 100)
    subscriber_birth_date = forms.DateField(label="Subscriber birth date", required=False,
                                            widget=forms.DateInput(attrs={"type": "date"}))
    billing_npi = _text("Billing NPI", 10)
    billing_name = _text("Billing provider name", 200)
    billing_tax_id = _text("Billing tax id (EIN)", 20)
    billing_taxonomy = _text("Billing taxonomy", 10)
    billing_address1 = _text("Billing address", 55)
    billing_city = _text("Billing city", 30)
    billing_state = _text("Billing state", 2)
    billing_zip = _text("Billing ZIP", 15)
    claim_kind = forms.ChoiceField(label="Claim kind", choices=KINDS, initial="P")
    facility_code = _text("Place of service / facility code", 2)
    frequency = forms.CharField(label="Frequency", max_length=1, initial="1", required=False)
    prior_authorization = _text("Prior authorization number", 50)

    def __init__(self, *args: Any, clients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, DIAGNOSES + 1):
            self.fields[f"diagnosis_{n}"] = _text(
                "Principal diagnosis (ICD-10-CM)" if n == 1 else f"Diagnosis {n}", 8)
        client_field = self.fields["client"]
        assert isinstance(client_field, forms.TypedChoiceField)
        client_field.choices = clients
        if len(clients) == 1:
            client_field.initial = clients[0][0]

    def diagnosis_fields(self) -> list[forms.BoundField]:
        return [self[f"diagnosis_{n}"] for n in range(1, DIAGNOSES + 1)]


class LineForm(forms.Form):
    procedure = _text("Procedure", 48)
    modifiers = _text("Modifiers", 20)
    units = forms.DecimalField(label="Units", max_digits=10, decimal_places=3, required=False,
                               initial=Decimal(1))
    charge = forms.DecimalField(label="Charge", max_digits=12, decimal_places=2, required=False)
    service_date = forms.DateField(label="Date of service", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    diagnosis_pointers = _text("Diagnosis pointers", 20)
    place_of_service = _text("Line place of service", 2)
    revenue_code = _text("Revenue code", 4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """A line's inputs sit in table cells under a column heading, with no <label>:
        each names itself and its line for a screen reader ("Charge, line 2")."""
        super().__init__(*args, **kwargs)
        row = (int(self.prefix.rsplit("-", 1)[-1]) + 1
               if self.prefix and self.prefix.rsplit("-", 1)[-1].isdigit() else None)
        for field in self.fields.values():
            words = str(field.label) if row is None else f"{field.label}, line {row}"
            field.widget.attrs.setdefault("aria-label", words)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) for k in ("procedure", "charge", "revenue_code"))


LineFormSet = forms.formset_factory(LineForm, extra=0, min_num=1, max_num=50)


def _split(value: str) -> tuple[str, ...]:
    return tuple(p for p in value.replace(",", " ").replace(";", " ").split() if p)


def _pointers(value: str) -> tuple[int, ...]:
    return tuple(int(p) for p in _split(value) if p.isdigit())


def to_input(form: ChargeForm, lines: Any) -> tuple[ChargeInput, list[int]]:
    """The typed charge, and which formset row each claim line came from (blank rows left)."""
    d = form.cleaned_data
    rows: list[int] = []
    built: list[LineInput] = []
    for index, line in enumerate(lines.forms):
        if line.is_blank() or line.cleaned_data.get("DELETE"):
            continue
        c = line.cleaned_data
        rows.append(index)
        built.append(LineInput(c["procedure"], c["charge"] or Decimal("0.00"),
                               c["units"] if c["units"] is not None else Decimal(1),
                               _split(c["modifiers"]), c["service_date"],
                               _pointers(c["diagnosis_pointers"]), c["place_of_service"],
                               c["revenue_code"]))
    data = ChargeInput(
        patient=PatientInput(d["patient_last_name"], d["patient_first_name"],
                             d["patient_birth_date"], d["patient_sex"],
                             AddressInput(d["patient_address1"], "", d["patient_city"],
                                          d["patient_state"], d["patient_zip"])),
        payer=PayerInput(d["payer_id"], d["payer_name"], d["payer_kind"]),
        coverage=CoverageInput(d["member_id"], d["group_number"], d["relationship"],
                               subscriber_last_name=d["subscriber_last_name"],
                               subscriber_first_name=d["subscriber_first_name"],
                               subscriber_birth_date=d["subscriber_birth_date"]),
        billing_provider=ProviderInput(d["billing_npi"], d["billing_name"],
                                       tax_id=d["billing_tax_id"],
                                       taxonomy=d["billing_taxonomy"],
                                       address=AddressInput(d["billing_address1"], "",
                                                            d["billing_city"],
                                                            d["billing_state"],
                                                            d["billing_zip"])),
        lines=tuple(built), kind=d["claim_kind"], facility_code=d["facility_code"],
        frequency=d["frequency"] or "1",
        diagnoses=tuple(d[f"diagnosis_{n}"] for n in range(1, DIAGNOSES + 1)
                        if d[f"diagnosis_{n}"].strip()),
        prior_authorization=d["prior_authorization"])
    return data, rows


def initial_for(claim: Claim) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A stored draft as the form's initial values (claim, lines)."""
    p, pay, cov, prov = claim.patient, claim.payer, claim.coverage, claim.billing_provider
    initial: dict[str, Any] = {
        "client": claim.client_id, "version": claim.version,
        "patient_last_name": p.last_name, "patient_first_name": p.first_name,
        "patient_birth_date": p.birth_date, "patient_sex": p.sex,
        "patient_address1": p.address_line1, "patient_city": p.city, "patient_state": p.state,
        "patient_zip": p.postal_code, "payer_id": pay.payer_id, "payer_name": pay.name,
        "payer_kind": pay.kind, "claim_kind": claim.kind, "facility_code": claim.facility_code,
        "frequency": claim.frequency, "prior_authorization": claim.prior_authorization,
    }
    if cov is not None:
        initial.update({
            "member_id": "" if cov.member_id == "-" else cov.member_id,
            "group_number": cov.group_number, "relationship": cov.relationship,
            "subscriber_last_name": cov.subscriber_last_name,
            "subscriber_first_name": cov.subscriber_first_name,
            "subscriber_birth_date": cov.subscriber_birth_date})
    if prov is not None:
        initial.update({
            "billing_npi": prov.npi, "billing_name": prov.name, "billing_tax_id": prov.tax_id,
            "billing_taxonomy": prov.taxonomy, "billing_address1": prov.address_line1,
            "billing_city": prov.city, "billing_state": prov.state,
            "billing_zip": prov.postal_code})
    for n, pair in enumerate(claim.diagnoses[:DIAGNOSES], start=1):
        initial[f"diagnosis_{n}"] = pair[1] if len(pair) > 1 else ""
    lines = [{"procedure": ln.procedure, "modifiers": " ".join(ln.modifiers),
              "units": ln.units, "charge": ln.charge, "service_date": ln.service_date,
              "diagnosis_pointers": " ".join(str(x) for x in ln.diagnosis_pointers),
              "place_of_service": ln.place_of_service, "revenue_code": ln.revenue_code}
             for ln in claim.lines.order_by("line_number")]
    return initial, lines


CLAIM_PATHS = {
    "patient.name": "patient_last_name", "patient.last_name": "patient_last_name",
    "patient.first_name": "patient_first_name", "patient.birth_date": "patient_birth_date",
    "patient.sex": "patient_sex", "patient.address": "patient_address1",
    "payer.payer_id": "payer_id", "payer.name": "payer_name", "payer.kind": "payer_kind",
    "coverage.member_id": "member_id", "coverage.group_number": "group_number",
    "coverage.relationship": "relationship",
    "coverage.subscriber_last_name": "subscriber_last_name",
    "billing_provider.npi": "billing_npi", "billing_provider.name": "billing_name",
    "billing_provider.tax_id": "billing_tax_id", "billing_provider.taxonomy": "billing_taxonomy",
    "billing_provider.address": "billing_address1", "claim.kind": "claim_kind",
    "claim.facility_code": "facility_code", "claim.frequency": "frequency",
    "claim.prior_authorization": "prior_authorization", "claim.lines": "lines-0-procedure",
    "claim.diagnoses": "diagnosis_1", "claim.total_charge": "lines-0-charge",
    "claim.service_from": "lines-0-service_date", "claim.service_to": "lines-0-service_date",
}


def field_id(path: str, rows: list[int]) -> str:
    """The element id a finding points at ('' when none fits: it is shown above the form).

    ``rows`` maps claim line numbers (1-based) to formset rows, which differ when blank rows
    were left out.
    """
    if path.startswith("line[") and "]." in path:
        number, _, name = path[5:].partition("].")
        if number.isdigit() and 0 < int(number) <= len(rows):
            return f"id_lines-{rows[int(number) - 1]}-{name}"
        return ""
    if path.startswith("claim.diagnoses[") and path.endswith("]"):
        number = path[len("claim.diagnoses["):-1]
        return f"id_diagnosis_{number}" if number.isdigit() else ""
    name = CLAIM_PATHS.get(path, "")
    if name.startswith("lines-0-") and rows:
        return f"id_lines-{rows[0]}-{name[len('lines-0-'):]}"
    return f"id_{name}" if name else ""
