"""Recording what the payer decided, however it reached us (278, portal, phone, fax).

Every decision is a row of history (``AuthDecision``) and moves the authorization's current
fields; a decision that arrives again (the same 278 re-ingested) finds its row by ``key`` and
changes nothing. HCR01 values are X12's; the words here are our own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.priorauth.models import AuthDecision, Authorization, AuthStatus

# HCR01 -> (status, our words)
DECISIONS: dict[str, tuple[AuthStatus, str]] = {
    "A1": (AuthStatus.APPROVED, "approved in full"),
    "A2": (AuthStatus.PARTIALLY_APPROVED, "approved in part"),
    "A3": (AuthStatus.DENIED, "not approved"),
    "A4": (AuthStatus.PENDING, "on hold at the payer"),
    "A6": (AuthStatus.PARTIALLY_APPROVED, "approved with changes"),
    "C": (AuthStatus.CANCELLED, "cancelled"),
    "CT": (AuthStatus.PENDING, "the payer asks us to contact them"),
    "NA": (AuthStatus.APPROVED, "no authorization needed"),
}


def status_for(decision_code: str) -> AuthStatus | None:
    found = DECISIONS.get(decision_code.strip().upper())
    return found[0] if found else None


def describe(decision_code: str) -> str:
    found = DECISIONS.get(decision_code.strip().upper())
    return found[1] if found else (f"decision {decision_code}" if decision_code else "")


@dataclass
class Decision:
    status: str
    decision_code: str = ""
    reason_code: str = ""
    rejection_code: str = ""
    certification_number: str = ""
    payer_reference: str = ""
    approved_units: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    codes: list[str] = field(default_factory=list)
    note: str = ""

    def key_parts(self) -> list[str]:
        return [self.status, self.decision_code, self.reason_code, self.rejection_code,
                self.certification_number, self.payer_reference,
                "" if self.approved_units is None else str(self.approved_units),
                str(self.start_date or ""), str(self.end_date or ""), ",".join(self.codes)]


AUTH_FIELDS = ("status", "decision_code", "reason_code", "rejection_code",
               "certification_number", "payer_reference", "approved_units", "start_date",
               "end_date")


def record_decision(auth: Authorization, decision: Decision, *, source: str, key: str,
                    acting_user: Any = None, file: ReceivedFile | None = None) -> bool:
    """Store the decision and move the authorization; False when ``key`` was seen before.

    Empty fields of the decision leave the authorization's values alone (a pended answer
    without a certification number does not erase one recorded earlier).
    """
    if AuthDecision.objects.filter(client_id=auth.client_id, key=key[:200]).exists():
        return False
    now = timezone.now()
    AuthDecision.objects.create(
        client_id=auth.client_id, authorization=auth, file=file, source=source,
        status=decision.status, decision_code=decision.decision_code[:2],
        reason_code=decision.reason_code[:3], rejection_code=decision.rejection_code[:3],
        certification_number=decision.certification_number[:50],
        payer_reference=decision.payer_reference[:50], approved_units=decision.approved_units,
        start_date=decision.start_date, end_date=decision.end_date, codes=decision.codes,
        note=decision.note[:500], key=key[:200], recorded_at=now,
        recorded_by=person(acting_user))
    changed = []
    for name in AUTH_FIELDS:
        value = getattr(decision, name)
        if value in (None, "") and name != "rejection_code":
            continue
        if getattr(auth, name) != value:
            setattr(auth, name, value)
            changed.append(name)
    if decision.codes and sorted(decision.codes) != sorted(auth.codes):
        auth.codes = list(decision.codes)
        changed.append("codes")
    auth.updated_at = now
    auth.save(update_fields=[*changed, "updated_at"])
    record("priorauth.decision_recorded", client_id=auth.client_id, obj=auth,
           acting_user=acting_user,
           detail={"status": decision.status, "decision": decision.decision_code,
                   "reason": decision.reason_code, "rejection": decision.rejection_code,
                   "source": source, "file": file.pk if file else None,
                   "changed": changed})
    return True
