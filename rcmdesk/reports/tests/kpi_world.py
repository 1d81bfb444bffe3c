"""A small ledger / remits / work-items world whose KPIs are computed by hand.

Week 2026-W47 (Mon 16 - Sun 22 November 2026, client time America/New_York). Times are noon.

Claims (``C1``, ``C3`` payer A; ``C2`` payer B):
- C1: $200, DOS 10 Nov, created 8 Nov, charged 17 Nov. 835 R1 (file received 18 Nov 10:00,
  posted 18 Nov noon): paid $120, CO-45 $30 contractual, PR $50 to the patient. A/R left: $50.
- C2: $300, DOS 1 Jul, charged 2 Jul (outside the 90 days). 835 R2 19 Nov: denied, no money.
  Denial item D1 (authorization, $300). Appeals on D1 decided: 20 Nov won, 21 Nov lost,
  10 Nov won (another week).
- C3: $100, DOS 10 Aug, charged 1 Sep (inside the 90 days ending 23 Nov 00:00). No remit.
  AR follow-up item I2, closed 20 Nov ("paid").
- D2: a denial item with no claim (coding, $40), opened 20 Nov.

At week end: A/R = 50 + 300 + 100 = 450. 90-day charges 300, contractual 30, net 270.
Days in A/R = 450 / (270/90) = 150.0; on charges 450 / (300/90) = 135.0.
Over 90 days (DOS before 24 Aug): C2 + C3 = 400 / 450 = 88.9%; over 120 (before 25 Jul):
300 / 450 = 66.7%. Week: charges 200, contractual 30, payments 120 → gross 60.0%,
net 120 / 170 = 70.6%. Remits in week: 2, one denied → 50.0% by count, 300/500 = 60.0% by $.
Days to pay: R1 18 Nov noon - C1 created 8 Nov noon = 10.0. First pass: C1 yes, C2 no → 50.0%.
Scrubber: 9 clean of 10 in the week (a 0-of-5 run on 10 Nov does not count) → 90.0%.
Overturn: 1 won of 2 decided → 50.0%. Posting lag: 2 hours → 0.1 days.
Actions by the specialist: D1 claimed + appealed, I2 called payer (claiming is bookkeeping and
a system action on I2 is an event: neither is a touch) → items worked 2, touches per claim
2 / 2 = 1.00.
QA: two items closed by the specialist on Tuesday and audited 1.0 and 0.8 → 90.0%; items
closed in the week: I2 + those two = 3 (all "paid").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from rcmdesk.claims.models import Claim, Patient, Payer
from rcmdesk.conftest import World
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.qa.models import AuditStatus
from rcmdesk.qa.tests.factories import drawn
from rcmdesk.remits.models import JournalEntry, LedgerEntry, RemitClaim, Remittance
from rcmdesk.scrubber.models import ScrubRun
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkAction, WorkItem

WEEK = "2026-W47"
ZONE = ZoneInfo("America/New_York")


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), ZONE)


@dataclass
class KpiWorld:
    client: Organization
    payer_a: Payer
    payer_b: Payer
    claims: dict[str, Claim]


def _claim(client: Organization, payer: Payer, pcn: str, charge: str, dos: date,
           created: datetime) -> Claim:
    patient = Patient.objects.create(client=client, last_name="Synthetic", first_name=pcn)
    return Claim.objects.create(client=client, patient=patient, payer=payer,
                                patient_control_number=pcn, kind="P",
                                total_charge=Decimal(charge), service_from=dos,
                                service_to=dos, created_at=created)


def _journal(claim: Claim, kind: str, when: datetime, remittance: Remittance | None,
             *entries: tuple[str, str]) -> None:
    journal = JournalEntry.objects.create(client_id=claim.client_id, claim=claim, kind=kind,
                                          remittance=remittance, created_at=when)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(journal=journal, client_id=claim.client_id, claim=claim, account=account,
                    amount=Decimal(amount)) for account, amount in entries)


def _remit(client: Organization, payer: Payer, n: int, when: datetime,
           file: ReceivedFile | None = None) -> Remittance:
    return Remittance.objects.create(client=client, file=file, st_control=f"{n:04d}",
                                     payer=payer, payer_key=payer.payer_id,
                                     trace_number=f"T{n}", amount=Decimal("0.00"),
                                     created_at=when)


def build(world: World) -> KpiWorld:
    client = world.acme
    a = Payer.objects.create(client=client, payer_id="PA", name="Payer A", kind="commercial")
    b = Payer.objects.create(client=client, payer_id="PB", name="Payer B", kind="medicare")
    c1 = _claim(client, a, "C1", "200.00", date(2026, 11, 10), at(11, 8))
    c2 = _claim(client, b, "C2", "300.00", date(2026, 7, 1), at(7, 1))
    c3 = _claim(client, a, "C3", "100.00", date(2026, 8, 10), at(8, 30))
    _journal(c1, "charge", at(11, 17), None, ("insurance_ar", "200.00"), ("revenue", "-200.00"))
    _journal(c2, "charge", at(7, 2), None, ("insurance_ar", "300.00"), ("revenue", "-300.00"))
    _journal(c3, "charge", at(9, 1), None, ("insurance_ar", "100.00"), ("revenue", "-100.00"))
    file = ReceivedFile.objects.create(client=client, original_name="r1.835", sha256="0" * 64,
                                       size=1, content=b"x", channel="upload",
                                       received_at=at(11, 18, 10))
    r1 = _remit(client, a, 1, at(11, 18), file)
    r2 = _remit(client, b, 2, at(11, 19))
    RemitClaim.objects.create(remittance=r1, index=1, claim=c1, patient_control_number="C1",
                              status_code="1", charge=Decimal("200.00"), paid=Decimal("120.00"))
    RemitClaim.objects.create(remittance=r2, index=1, claim=c2, patient_control_number="C2",
                              status_code="4", charge=Decimal("300.00"), paid=Decimal("0.00"),
                              outcome="denied")
    _journal(c1, "payment", at(11, 18), r1, ("payer_cash", "120.00"),
             ("insurance_ar", "-120.00"))
    _journal(c1, "adjustment", at(11, 18), r1, ("contractual", "30.00"),
             ("insurance_ar", "-30.00"))
    _journal(c1, "patient_resp", at(11, 18), r1, ("patient_ar", "50.00"),
             ("insurance_ar", "-50.00"))
    ScrubRun.objects.create(client=client, scrubbed=10, clean_claims=9, created_at=at(11, 17))
    ScrubRun.objects.create(client=client, scrubbed=5, clean_claims=0, created_at=at(11, 10))
    specialist = world.user(Role.PARTNER_SPECIALIST)
    d1 = WorkItem.objects.create(client=client, workflow="denials", kind=ItemKind.DENIAL,
                                 source_key="k:d1", title="D1", claim=c2,
                                 category="authorization", amount=Decimal("300.00"),
                                 created_at=at(11, 19))
    WorkItem.objects.create(client=client, workflow="denials", kind=ItemKind.DENIAL,
                            source_key="k:d2", title="D2", category="coding",
                            amount=Decimal("40.00"), created_at=at(11, 20))
    i2 = WorkItem.objects.create(client=client, workflow="ar_followup",
                                 kind=ItemKind.AR_FOLLOWUP, source_key="k:i2", title="I2",
                                 claim=c3, amount=Decimal("100.00"), created_at=at(11, 16),
                                 status=ItemStatus.DONE, closed_at=at(11, 20),
                                 close_reason="paid")
    actions: list[tuple[WorkItem, Any, str, datetime]] = [
        (d1, specialist, "claimed", at(11, 19)), (d1, specialist, "appealed", at(11, 20)),
        (i2, specialist, "called_payer", at(11, 18)), (i2, None, "created", at(11, 16))]
    WorkAction.objects.bulk_create(WorkAction(item=item, actor=actor, kind=kind, at=when)
                                   for item, actor, kind, when in actions)
    for level, status, day in ((1, AppealStatus.WON, at(11, 20)),
                               (2, AppealStatus.LOST, at(11, 21)),
                               (3, AppealStatus.WON, at(11, 10))):
        Appeal.objects.create(client=client, item=d1, claim=c2, level=level,
                              category="authorization", status=status, subject="appeal",
                              letter_text="...", decided_on=day.date())
    _, audits = drawn(world.acme_engagement, world.user(Role.PARTNER_QA), specialist, count=2)
    for audit, score in zip(audits, ("1.0000", "0.8000"), strict=True):
        audit.status, audit.score, audit.completed_at = AuditStatus.DONE, Decimal(score), at(11, 19)
        audit.save(update_fields=["status", "score", "completed_at"])
    return KpiWorld(client, a, b, {"C1": c1, "C2": c2, "C3": c3})
