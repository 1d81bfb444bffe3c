"""Prior-auth work items: what needs an authorization and has none, and what is running out.

Source keys:
- "auth-needed:visit:<visit id>:<code>": an upcoming visit plans a code the playbook says
  needs the payer's authorization (``AuthRequirement``), and no approved authorization covers
  it (none, denied, pending, outside its dates, or its units used up).
- "auth-needed:claim:<claim id>:<line number>": the same for a line of a claim not sent yet
  (draft, whether held or ready at the front door).
- "auth:<id>:expiring": an approved authorization ends within ``EXPIRING_DAYS`` (14) days:
  long enough to ask for an extension before the next visit falls outside it.
- "auth:<id>:units": ``UNITS_WARNING`` (80%) or more of its approved units are billed.
Items close by themselves when the reason goes away (an approved authorization now covers
the line, the visit passed or was cancelled, the claim left draft, the authorization was
renewed or ended). Every run is idempotent.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from rcmdesk.calendar import office_day
from rcmdesk.claims.models import Claim, ClaimLine, ClaimStatus
from rcmdesk.eligibility.models import Visit, VisitStatus
from rcmdesk.priorauth.lookup import AuthBook, AuthCheck
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers.common import Draft, Written, close, prioritise, upsert

EXPIRING_DAYS = 14
UNITS_WARNING = Decimal("0.8")
ZERO = Decimal("0.00")
NEEDED = "auth-needed:"

PROBLEM_WORDS = {
    "missing": "no authorization on file",
    "denied": "authorization denied",
    "pending": "authorization awaiting the payer",
    "outside_dates": "outside the authorization's dates",
    "units_exceeded": "authorization units used up",
}


@dataclass
class _Scope:
    """Which subjects this run looked at: it may only close items about those."""

    visits: set[int]
    claims: set[int]
    covered: dict[str, int]  # source key -> the authorization that now covers it


def sync_authorizations(client: Organization, today: date, *,
                        patient_ids: Collection[int] | None = None) -> Written:
    """Create, refresh and close the client's prior-auth items (only some patients if given)."""
    patients = None if patient_ids is None else sorted(set(patient_ids))
    book = AuthBook(client.pk, patients)
    refresh_used_units(client.pk, book, patients)
    scope = _Scope(set(), set(), {})
    drafts = [*_visit_drafts(client.pk, book, today, patients, scope),
              *_claim_drafts(client.pk, book, today, patients, scope)]
    drafts += _expiry_drafts(client.pk, today, patients)
    written = upsert(client.pk, drafts, today)
    written.closed = _close_dropped(client.pk, {d.source_key for d in drafts}, scope, patients)
    return written


def refresh_used_units(client_id: int, book: AuthBook, patients: list[int] | None) -> int:
    """Store the units billed against each approved authorization (the tracker shows them)."""
    used = book.used_units()
    rows = Authorization.objects.filter(client_id=client_id, pk__in=list(used))
    changed = 0
    for pk, stored in rows.values_list("pk", "used_units"):
        if stored != used[pk]:
            Authorization.objects.filter(pk=pk).update(used_units=used[pk])
            changed += 1
    return changed


def _needed_title(what: str, code: str, check: AuthCheck) -> str:
    return f"Authorization needed: {code} on {what} ({PROBLEM_WORDS.get(check.problem, '')})"


def _visit_drafts(client_id: int, book: AuthBook, today: date, patients: list[int] | None,
                  scope: _Scope) -> list[Draft]:
    visits = Visit.objects.filter(client_id=client_id, scheduled_on__gte=today,
                                  payer__isnull=False).exclude(status=VisitStatus.CANCELLED)
    if patients is not None:
        visits = visits.filter(patient_id__in=patients)
    drafts = []
    for row in visits.values("pk", "patient_id", "payer_id", "scheduled_on", "procedures"):
        scope.visits.add(row["pk"])
        for code in dict.fromkeys(str(c).strip().upper() for c in row["procedures"] or []):
            check = book.check(row["patient_id"], row["payer_id"], code, row["scheduled_on"],
                               None)
            key = f"{NEEDED}visit:{row['pk']}:{code}"
            if not check.needed or check.ok:
                if check.needed and check.authorization_id:
                    scope.covered[key] = check.authorization_id
                continue
            day = row["scheduled_on"]
            drafts.append(Draft(
                kind=ItemKind.PRIOR_AUTH, source_key=key,
                title=_needed_title(f"the visit of {office_day(day)}", code, check), amount=ZERO,
                category=check.problem, deadline=day,
                priority=prioritise(ZERO, None, day, day, "visit", today),
                detail={"visit_id": row["pk"], "patient_id": row["patient_id"],
                        "payer_id": row["payer_id"], "code": code, "problem": check.problem,
                        "message": check.message, "authorization_id": check.authorization_id,
                        "scheduled_on": day.isoformat()}))
    return drafts


def _claim_drafts(client_id: int, book: AuthBook, today: date, patients: list[int] | None,
                  scope: _Scope) -> list[Draft]:
    lines = ClaimLine.objects.filter(claim__client_id=client_id,
                                     claim__status=ClaimStatus.DRAFT)
    if patients is not None:
        lines = lines.filter(claim__patient_id__in=patients)
    drafts = []
    for row in lines.values("pk", "claim_id", "line_number", "procedure", "units", "charge",
                            "service_date", "claim__service_from", "claim__patient_id",
                            "claim__payer_id", "claim__patient_control_number"):
        scope.claims.add(row["claim_id"])
        code = (row["procedure"] or "").strip().upper()
        day = row["service_date"] or row["claim__service_from"]
        check = book.check(row["claim__patient_id"], row["claim__payer_id"], code, day,
                           row["units"], claim_id=row["claim_id"])
        key = f"{NEEDED}claim:{row['claim_id']}:{row['line_number']}"
        if not check.needed or check.ok:
            if check.needed and check.authorization_id:
                scope.covered[key] = check.authorization_id
            continue
        pcn = row["claim__patient_control_number"]
        drafts.append(Draft(
            kind=ItemKind.PRIOR_AUTH,
            source_key=key,
            claim_id=row["claim_id"], claim_line_id=row["pk"],
            title=_needed_title(f"claim {pcn} line {row['line_number']}", code, check),
            amount=row["charge"], category=check.problem,
            priority=prioritise(row["charge"], None, day, None, "submission", today),
            detail={"claim_id": row["claim_id"], "line": row["line_number"],
                    "patient_id": row["claim__patient_id"], "payer_id": row["claim__payer_id"],
                    "code": code, "problem": check.problem, "message": check.message,
                    "authorization_id": check.authorization_id}))
    return drafts


def _expiry_drafts(client_id: int, today: date, patients: list[int] | None) -> list[Draft]:
    auths = Authorization.objects.filter(client_id=client_id,
                                         status__in=sorted(AuthStatus.usable()))
    if patients is not None:
        auths = auths.filter(patient_id__in=patients)
    horizon = today + timedelta(days=EXPIRING_DAYS)
    drafts = []
    for row in auths.values("pk", "end_date", "approved_units", "used_units", "codes",
                            "certification_number", "patient_id"):
        label = row["certification_number"] or f"#{row['pk']}"
        codes = ", ".join(row["codes"])
        base: dict[str, Any] = {"authorization_id": row["pk"], "patient_id": row["patient_id"],
                                "codes": row["codes"]}
        end: date | None = row["end_date"]
        if end is not None and today <= end <= horizon:
            drafts.append(Draft(
                kind=ItemKind.PRIOR_AUTH, source_key=f"auth:{row['pk']}:expiring",
                title=f"Authorization {label} ({codes}) ends on {end}", amount=ZERO,
                category="expiring", deadline=end,
                priority=prioritise(ZERO, None, None, end, "authorization end", today),
                detail={**base, "end_date": end.isoformat(), "days_left": (end - today).days}))
        approved: Decimal | None = row["approved_units"]
        used: Decimal = row["used_units"]
        if approved and used >= approved * UNITS_WARNING and (end is None or end >= today):
            drafts.append(Draft(
                kind=ItemKind.PRIOR_AUTH, source_key=f"auth:{row['pk']}:units",
                title=f"Authorization {label} ({codes}): {_n(used)} of {_n(approved)} "
                      "units used", amount=ZERO, category="units", deadline=end,
                priority=prioritise(ZERO, None, None, end, "authorization end", today),
                detail={**base, "approved_units": str(approved), "used_units": str(used)}))
    return drafts


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _subject(key: str) -> tuple[str, int] | None:
    """("visit"|"claim"|"auth", id) of a prior-auth source key."""
    parts = key.split(":")
    if key.startswith(NEEDED) and len(parts) >= 3 and parts[2].isdigit():
        return parts[1], int(parts[2])
    if parts[0] == "auth" and len(parts) == 3 and parts[1].isdigit():
        return "auth", int(parts[1])
    return None


def _close_dropped(client_id: int, wanted: set[str], scope: _Scope,
                   patients: list[int] | None) -> int:
    active = WorkItem.objects.active().filter(client_id=client_id, kind=ItemKind.PRIOR_AUTH)
    mine: dict[str, set[int]] | None = None
    if patients is not None:  # every visit, claim and authorization of these patients
        mine = {
            "visit": set(Visit.objects.filter(client_id=client_id, patient_id__in=patients)
                         .values_list("pk", flat=True)),
            "claim": set(Claim.objects.filter(client_id=client_id, patient_id__in=patients)
                         .values_list("pk", flat=True)),
            "auth": set(Authorization.objects.filter(client_id=client_id,
                                                     patient_id__in=patients)
                        .values_list("pk", flat=True))}
    reasons: dict[int, str] = {}
    for pk, key in active.values_list("pk", "source_key"):
        subject = _subject(key)
        if subject is None or key in wanted:
            continue
        kind, ident = subject
        if mine is not None and ident not in mine[kind]:
            continue  # about another patient: a scoped run leaves it alone
        reasons[pk] = _close_reason(kind, ident, key, scope)
    return close(client_id, reasons) if reasons else 0


def _close_reason(kind: str, ident: int, key: str, scope: _Scope) -> str:
    if kind == "auth":
        return "authorization renewed, ended or units back under the limit"
    if key in scope.covered:
        return f"authorization #{scope.covered[key]} covers it"
    if ident in (scope.visits if kind == "visit" else scope.claims):
        return "no longer needs an authorization"
    return "visit passed or cancelled" if kind == "visit" else "claim sent or removed"
