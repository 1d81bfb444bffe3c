"""What the scrubber and the authorization book would say of a charge, before it is saved.

The scrubber's engine reads claims from the database (set-based, for whole batches), so the
charge is written inside a savepoint, scrubbed, checked line by line against the client's
authorizations, and rolled back: nothing of it stays, not even a new patient row. A draft
being edited is changed in place inside the savepoint, so the duplicate check does not take
the draft for a copy of itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from rcmdesk.charges.services import (
    ChargeInput,
    NotADraft,
    Problem,
    check_input,
    lock_draft,
    may_enter,
    replace_content,
    write_new_draft,
)
from rcmdesk.claims.models import Claim, ClaimOrigin
from rcmdesk.priorauth.lookup import AuthBook, AuthCheck
from rcmdesk.scrubber.engine import Finding, scrub_claims
from rcmdesk.tenancy.models import Organization


@dataclass(frozen=True)
class LineAuth:
    line_number: int
    code: str
    check: AuthCheck


@dataclass
class Preview:
    """Findings (the scrubber's, or the input problems that stopped it) and auth checks."""

    findings: list[Finding] = field(default_factory=list)
    auths: list[LineAuth] = field(default_factory=list)
    scrubbed: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def clean(self) -> bool:
        return self.scrubbed and self.errors == 0


class _RollBack(Exception):
    pass


def _draft(client: Organization, data: ChargeInput, claim: Claim | None) -> Claim:
    """The draft being edited, changed in place; else (new, or past editing) a new one."""
    if claim is not None:
        try:
            return replace_content(lock_draft(claim, None), data)
        except NotADraft:
            pass
    return write_new_draft(client, data, ClaimOrigin.ENTRY, "")


def as_finding(problem: Problem) -> Finding:
    line = None
    if problem.field.startswith("line[") and "]" in problem.field:
        number = problem.field[5:problem.field.index("]")]
        line = int(number) if number.isdigit() else None
    return Finding("INPUT", problem.message, "error", problem.field, line)


def preview(user: Any, client: Organization, data: ChargeInput, *,
            claim: Claim | None = None, today: date | None = None) -> Preview:
    """The charge as the scrubber would judge it now; nothing is written."""
    may_enter(user, client.pk)
    problems = check_input(data)
    if problems:
        return Preview([as_finding(p) for p in problems])
    result = Preview(scrubbed=True)
    day = today or client.today()
    try:
        with transaction.atomic():
            draft = _draft(client, data, claim)
            result.findings = scrub_claims([draft], today=day).get(draft.pk, [])
            book = AuthBook(client.pk, [draft.patient_id])
            for line in draft.lines.order_by("line_number"):
                result.auths.append(LineAuth(line.line_number, line.procedure, book.check(
                    draft.patient_id, draft.payer_id, line.procedure, line.service_date,
                    line.units, claim_id=draft.pk)))
            raise _RollBack
    except _RollBack:
        pass
    return result
