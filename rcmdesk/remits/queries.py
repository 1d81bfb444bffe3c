"""Posting exceptions for the pages and the API: read-only here, resolving comes later.

Exceptions belong to the posting workflow: a partner whose engagement does not include
posting does not see them, even for a client it otherwise works for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rcmdesk.remits.models import ExceptionStatus, PostingException
from rcmdesk.tenancy.roles import Workflow


def exceptions(user: Any, status: str = ExceptionStatus.OPEN) -> Any:
    """The posting exceptions a user may see, oldest first; ``status`` "" means any."""
    qs = (PostingException.objects.visible_to(user, Workflow.POSTING)
          .select_related("client", "remittance", "remit_claim").order_by("created_at", "id"))
    if status in ExceptionStatus.values:
        qs = qs.filter(status=status)
    return qs


@dataclass(frozen=True)
class ExceptionRow:
    exception: PostingException
    amount: Decimal
    age_days: int
    claim_id: int | None


def row(e: PostingException, now: datetime | None = None) -> ExceptionRow:
    now = now or timezone.now()
    rc = e.remit_claim
    amount = rc.paid if rc is not None else e.remittance.amount
    return ExceptionRow(e, amount, (now - e.created_at).days, rc.claim_id if rc else None)
