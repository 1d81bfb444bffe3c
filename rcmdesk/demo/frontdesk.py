"""The demo's front desk: Birch's upcoming visits, its prior-auth playbook and a few charges.

Birch's engagement is the front end (eligibility, prior auth, charges and claims), so its
workbench should open with what that work looks like on a Monday: visits to verify, an MRI
that needs an authorization, drafts the scrubber held and a batch already sent. Everything
is keyed (visits by external id, drafts by control number, playbook rows by their codes), so
a second run changes dates at most and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from rcmdesk.accounts.models import User
from rcmdesk.charges.services import (
    AddressInput,
    ChargeInput,
    CoverageInput,
    LineInput,
    PatientInput,
    PayerInput,
    ProviderInput,
    write_new_draft,
)
from rcmdesk.claims.models import Claim, ClaimOrigin, Coverage, Patient, Provider
from rcmdesk.eligibility.models import VisitSource
from rcmdesk.eligibility.services import VisitInput, save_visit
from rcmdesk.playbooks.models import AuthRequirement, ClaimEdit, EditCheck, Severity
from rcmdesk.scrubber.services import scrub
from rcmdesk.submission.services import submit
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.producers import sync_client

CLIENT = "birch"
MRI_CODES = "70551-70553, 72148, 73721"
VISIT_PLAN = (  # days ahead, planned procedures
    (1, ["99213"]), (1, ["70551"]), (2, ["99214"]), (2, ["97110"]), (3, ["99213"]),
    (3, ["72148"]), (4, ["99203"]), (5, ["99213"]),
)


@dataclass(frozen=True)
class DraftPlan:
    pcn: str
    lines: tuple[tuple[str, str, int], ...]  # code, charge, units
    send: bool  # clean, and sent in the demo's batch


DRAFTS = (
    DraftPlan("DEMODRAFT1", (("99213", "125.00", 1),), send=True),
    DraftPlan("DEMODRAFT2", (("99214", "180.00", 1), ("36415", "15.00", 1)), send=True),
    DraftPlan("DEMODRAFT3", (("70551", "1450.00", 1),), send=False),  # no authorization
    DraftPlan("DEMODRAFT4", (("97110", "60.00", 6),), send=False),  # over the unit edit
    DraftPlan("DEMODRAFT5", (("99213", "125.00", 1),), send=False),  # clean, waiting
)


@dataclass(frozen=True)
class FrontDesk:
    visits: int
    drafts: int
    held: int
    sent: int

    def line(self) -> str:
        return (f"demo front desk ({CLIENT}): {self.visits} upcoming visits, {self.drafts} "
                f"charges entered ({self.held} held by the scrubber, {self.sent} sent)")


def build_frontdesk() -> FrontDesk | None:
    """Birch's front-desk data; None when Birch has no mirrored patients to use yet."""
    client = Organization.objects.get(slug=CLIENT, kind="client")
    coverages = list(Coverage.objects.filter(client=client, relationship="18")
                     .select_related("patient", "payer").order_by("pk")[:len(VISIT_PLAN)])
    provider = Provider.objects.filter(client=client).order_by("pk").first()
    if not coverages or provider is None:
        return None
    today = client.today()
    with transaction.atomic():
        _playbook(client)
        for n, ((ahead, codes), coverage) in enumerate(zip(VISIT_PLAN, coverages, strict=False),
                                                        start=1):
            save_visit(client, _visit(n, today + timedelta(days=ahead), codes, coverage, provider),
                       source=VisitSource.CSV, acting_user=None)
        drafts = [_draft(client, plan, coverages[i % len(coverages)], provider, today)
                  for i, plan in enumerate(DRAFTS)]
    unsent = [d for d in drafts if d.front_door == ""]  # scrubbed once, as entered
    if unsent:
        scrub(client, unsent, acting_user=None, today=today, purpose="demo charge entry")
    _send_clean(client, today)
    sync_client(client, today)
    drafts = list(Claim.objects.filter(client=client, patient_control_number__in=[
        p.pcn for p in DRAFTS]))
    return FrontDesk(visits=len(coverages), drafts=len(drafts),
                     held=sum(d.front_door == "held" for d in drafts),
                     sent=sum(d.front_door not in ("", "held", "ready") for d in drafts))


def _playbook(client: Organization) -> None:
    AuthRequirement.objects.get_or_create(
        client=client, payer=None, codes=MRI_CODES,
        defaults={"note": "MRI needs the payer's prior authorization (demo playbook)"})
    ClaimEdit.objects.get_or_create(
        client=client, code="BIRCH-97110-UNITS",
        defaults={"codes": "97110", "rule": EditCheck.MAX_UNITS, "value": "4",
                  "severity": Severity.ERROR,
                  "message": "97110: our playbook bills at most 4 units a day"})


def _visit(n: int, day: date, codes: list[str], coverage: Coverage,
           provider: Provider) -> VisitInput:
    patient = coverage.patient
    return VisitInput(scheduled_on=day, last_name=patient.last_name,
                      first_name=patient.first_name, birth_date=patient.birth_date,
                      sex=patient.sex, payer_id=coverage.payer.payer_id,
                      member_id=coverage.member_id, provider_npi=provider.npi,
                      procedures=codes, external_id=f"DEMO-V{n}",
                      payer_name=coverage.payer.name, provider_name=provider.name)


def _draft(client: Organization, plan: DraftPlan, coverage: Coverage, provider: Provider,
           today: date) -> Claim:
    existing: Claim | None = Claim.objects.filter(client=client,
                                                  patient_control_number=plan.pcn).first()
    if existing is not None:
        return existing
    patient, payer = coverage.patient, coverage.payer
    day = today - timedelta(days=2)
    data = ChargeInput(
        patient=PatientInput(patient.last_name, patient.first_name, patient.birth_date,
                             patient.sex or "U", _address(patient)),
        payer=PayerInput(payer.payer_id, payer.name, payer.kind),
        coverage=CoverageInput(coverage.member_id, coverage.group_number,
                               filing_indicator=coverage.filing_indicator or "CI"),
        billing_provider=ProviderInput(provider.npi, provider.name, provider.tax_id or "990000001",
                                       provider.tax_id_qualifier or "EI",
                                       provider.taxonomy or "207Q00000X",
                                       address=_address(provider)),
        lines=tuple(LineInput(code, Decimal(charge), Decimal(units), service_date=day,
                              diagnosis_pointers=(1,))
                    for code, charge, units in plan.lines),
        facility_code="11", diagnoses=("J209",))
    return write_new_draft(client, data, ClaimOrigin.ENTRY, plan.pcn)


def _address(row: Patient | Provider) -> AddressInput:
    return AddressInput(row.address_line1 or "1 DEMO WAY", row.address_line2,
                        row.city or "SPRINGFIELD", row.state or "IL",
                        row.postal_code or "62701")


def _send_clean(client: Organization, today: date) -> None:
    """Send the clean drafts the plan says were sent, once (a later run finds them sent)."""
    to_send = list(Claim.objects.filter(
        client=client, front_door="ready",
        patient_control_number__in=[p.pcn for p in DRAFTS if p.send]))
    sender = User.objects.filter(username="pillar.specialist2", is_active=True).first()
    if to_send and sender is not None:
        submit(client, to_send, acting_user=sender, today=today)
