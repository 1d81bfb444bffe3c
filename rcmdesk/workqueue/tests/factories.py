"""Small builders for work-item tests: a claim to hang items on, and items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.claims.models import Claim, Patient, Payer
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import KIND_WORKFLOW, ItemKind, WorkItem


def make_claim(client: Organization, pcn: str = "PCN1", *, charge: str = "100.00",
               payer_kind: str = "commercial", service: date | None = None,
               balance: str | None = None) -> Claim:
    payer, _ = Payer.objects.get_or_create(client=client, payer_id=f"P-{payer_kind}",
                                           defaults={"name": f"{payer_kind} payer",
                                                     "kind": payer_kind})
    patient = Patient.objects.create(client=client, last_name="Synthetic", first_name="Pat")
    return Claim.objects.create(
        client=client, patient=patient, payer=payer, patient_control_number=pcn, kind="P",
        total_charge=Decimal(charge), service_from=service, service_to=service,
        insurance_balance=Decimal(balance if balance is not None else charge))


def make_item(client: Organization, n: int = 1, *, kind: str = ItemKind.DENIAL,
              priority: int = 100, **fields: Any) -> WorkItem:
    return WorkItem.objects.create(
        client=client, workflow=KIND_WORKFLOW[kind], kind=kind, source_key=f"test:{n}",
        title=fields.pop("title", f"item {n}"), priority=priority, **fields)
