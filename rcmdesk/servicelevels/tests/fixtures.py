"""Builders for service-level tests: instants in the client's zone, touches, remittances,
entered claims and scored audits."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from rcmdesk.claims.models import ClaimOrigin
from rcmdesk.intake.models import FileStatus, OutboundFile, ReceivedFile
from rcmdesk.qa.models import Audit, AuditPoint, AuditStatus, SampleDraw, SamplingPlan
from rcmdesk.remits.models import Remittance
from rcmdesk.submission.models import BatchClaim, SubmissionBatch
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkAction, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

NEW_YORK = ZoneInfo("America/New_York")


def ny(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock instant in New York (Acme's zone)."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def item(client: Organization, n: int, arrived: datetime, *,
         kind: str = ItemKind.AR_FOLLOWUP) -> WorkItem:
    return make_item(client, n, kind=kind, created_at=arrived, title=f"item {n}")


def act(target: WorkItem, who: Any, at: datetime, kind: str = ActionKind.NOTE) -> None:
    WorkAction.objects.create(item=target, actor=who, kind=kind, at=at)


def received_835(client: Organization, n: int, at: datetime, *,
                 status: str = FileStatus.APPLIED) -> ReceivedFile:
    return ReceivedFile.objects.create(
        client=client, original_name=f"era-{n}.835", sha256=f"{n:064d}", size=1,
        content=b"x", channel="upload", received_at=at, kind="835", status=status)


def remittance(client: Organization, n: int, received: datetime,
               posted: datetime) -> Remittance:
    return Remittance.objects.create(
        client=client, file=received_835(client, n, received), st_control=f"{n:04d}",
        payer_key="P1", payer_name="Synthetic payer", trace_number=f"TRACE{n}",
        amount=Decimal("100.00"), created_at=posted)


def entered_claim(client: Organization, n: int, entered: datetime,
                  batched: datetime | None) -> None:
    claim = make_claim(client, f"ENTRY{n}")
    claim.origin = ClaimOrigin.ENTRY
    claim.status = "draft"
    claim.created_at = entered
    claim.save(update_fields=["origin", "status", "created_at"])
    if batched is None:
        return
    outbound = OutboundFile.objects.create(
        client=client, set_id="837", name=f"batch-{n}.x12", sha256=f"{n:064d}", size=1,
        content=b"x", isa_sender="ACME", isa13=f"{n:09d}", gs06=str(n), created_at=batched)
    batch = SubmissionBatch.objects.create(client=client, kind="P", outbound=outbound,
                                           created_at=batched, claims_count=1)
    BatchClaim.objects.create(batch=batch, claim=claim, set_control="0001", position=1)


def scored_audit(engagement: Engagement, specialist: Any, n: int, completed: datetime, *,
                 failed: bool) -> Audit:
    plan = SamplingPlan.objects.filter(engagement=engagement).first() or \
        SamplingPlan.objects.create(engagement=engagement)
    draw = SampleDraw.objects.filter(plan=plan).first() or \
        SampleDraw.objects.create(plan=plan, week="2026-W48", seed=1)
    audited = make_item(engagement.client, 900 + n, kind=ItemKind.AR_FOLLOWUP,
                        status="done")
    audit = Audit.objects.create(draw=draw, client=engagement.client, item=audited,
                                 specialist=specialist, workflow="ar_followup",
                                 status=AuditStatus.DONE, completed_at=completed,
                                 score=Decimal(0) if failed else Decimal(1))
    AuditPoint.objects.create(audit=audit, position=1, text="Followed the SOP",
                              result="fail" if failed else "pass")
    return audit
