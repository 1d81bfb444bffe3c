"""QA accuracy in a window: the share of scored audits with no failed point.

A minimal version (helper D's fuller one, with a confidence interval, replaces it at merge:
the signature and ``Estimate`` are the contract service levels rely on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef

from rcmdesk.qa.models import Audit, AuditPoint, AuditStatus, PointResult


@dataclass(frozen=True)
class Estimate:
    audits: int
    errors: int
    accuracy: Decimal | None  # percent; None with no audits
    low: Decimal | None = None
    high: Decimal | None = None


def accuracy(client_id: int, start: datetime, end: datetime, *,
             engagement_id: int | None = None, workflow: str | None = None,
             specialist_id: int | None = None) -> Estimate:
    """Audits scored in ``[start, end)``; an audit with any failed point is an error."""
    done = Audit.objects.filter(client_id=client_id, status=AuditStatus.DONE,
                                completed_at__gte=start, completed_at__lt=end)
    if engagement_id is not None:
        done = done.filter(draw__plan__engagement_id=engagement_id)
    if workflow:
        done = done.filter(workflow=workflow)
    if specialist_id is not None:
        done = done.filter(specialist_id=specialist_id)
    failed = AuditPoint.objects.filter(audit=OuterRef("pk"), result=PointResult.FAIL)
    audits = done.count()
    errors = done.filter(Exists(failed)).count()
    if not audits:
        return Estimate(0, 0, None)
    share = (Decimal(audits - errors) * 100 / audits).quantize(Decimal("0.1"))
    return Estimate(audits, errors, share)
