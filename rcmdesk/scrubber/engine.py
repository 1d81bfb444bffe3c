"""The edit engine: load what the rules need for many claims at once, then run every rule.

Loading is set-based (a fixed number of queries per chunk of claims, whatever the number of
claims in it) because the scrubber runs on whole batches; the rules themselves never touch
the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.claims.models import (
    Claim,
    ClaimLine,
    Coverage,
    FrontDoor,
    Patient,
    Payer,
    Provider,
)
from rcmdesk.scrubber import codesets
from rcmdesk.scrubber.registry import Context, Finding, Subject, all_rules

__all__ = ["Finding", "load_context", "load_subjects", "scrub_claims"]

CHUNK = 2000  # ids per IN (...) list: well under SQLite's and PostgreSQL's limits


def scrub_claims(claims: Sequence[Claim], *, today: date) -> dict[int, list[Finding]]:
    """Every claim's findings (an empty list: clean), errors first then by line."""
    subjects = load_subjects(claims)
    context = load_context(subjects, today=today)
    rules = all_rules()
    from rcmdesk.scrubber.playbook import playbook_findings

    results: dict[int, list[Finding]] = {}
    for subject in subjects:
        found = [f for r in rules for f in r.run(subject, context)]
        found.extend(playbook_findings(subject, context))
        found.sort(key=lambda f: (not f.is_error, f.line_number or 0, f.code))
        results[subject.claim.pk] = found
    return results


def chunks[T](items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _by_pk(model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Any] = {}
    for part in chunks(wanted):
        found.update((o.pk, o) for o in model.objects.filter(pk__in=part))
    return found


def load_subjects(claims: Sequence[Claim]) -> list[Subject]:
    """Each claim with its lines, patient, coverage, billing provider and payer."""
    claims = list(claims)
    lines: dict[int, list[ClaimLine]] = defaultdict(list)
    for part in chunks([c.pk for c in claims]):
        for line in ClaimLine.objects.filter(claim_id__in=part).order_by("claim_id",
                                                                            "line_number"):
            lines[line.claim_id].append(line)
    patients = _by_pk(Patient, (c.patient_id for c in claims))
    coverages = _by_pk(Coverage, (c.coverage_id for c in claims))
    providers = _by_pk(Provider, (c.billing_provider_id for c in claims))
    payers = _by_pk(Payer, (c.payer_id for c in claims))
    return [Subject(claim=c, lines=lines.get(c.pk, []), patient=patients.get(c.patient_id),
                    coverage=coverages.get(c.coverage_id) if c.coverage_id else None,
                    provider=(providers.get(c.billing_provider_id)
                              if c.billing_provider_id else None),
                    payer=payers.get(c.payer_id))
            for c in claims]


def load_context(subjects: Sequence[Subject], *, today: date) -> Context:
    from rcmdesk.playbooks.services import DeadlineBook
    from rcmdesk.scrubber.playbook import load_edits

    context = Context(today=today, codes=codesets.load())
    by_client: dict[int, list[Subject]] = defaultdict(list)
    for s in subjects:
        by_client[s.claim.client_id].append(s)
    for client_id, group in by_client.items():
        context.deadline_books[client_id] = DeadlineBook(client_id)
        context.auth_books[client_id] = _auth_book(client_id, {s.claim.patient_id
                                                               for s in group})
        context.duplicates.update(find_duplicates(client_id, group))
    context.edits = load_edits(list(by_client))
    context.hcpcs = known_hcpcs(subjects)
    return context


def known_hcpcs(subjects: Sequence[Subject]) -> frozenset[str] | None:
    """Which of the claims' HCPCS Level II codes the loaded code set knows (None: not loaded)."""
    from rcmdesk.scrubber.models import HcpcsCode

    if not HcpcsCode.objects.exists():
        return None
    used = sorted({code for s in subjects for ln in s.lines
                   if codesets.HCPCS_FORM.match(code := ln.procedure.strip().upper())})
    known: set[str] = set()
    for part in chunks(used):
        known.update(HcpcsCode.objects.filter(code__in=part).values_list("code", flat=True))
    return frozenset(known)


def _auth_book(client_id: int, patient_ids: set[int]) -> Any:
    from rcmdesk.priorauth.lookup import AuthBook

    return AuthBook(client_id, patient_ids)


Signature = tuple[int, int, date, Decimal, tuple[str, ...]]


def _signature(claim_pk: int, patient_id: int, payer_id: int, service: date | None,
               charge: Decimal, procedures: dict[int, list[str]]) -> Signature | None:
    if service is None:
        return None
    return (patient_id, payer_id, service, Decimal(charge).quantize(Decimal("0.01")),
            tuple(sorted(procedures.get(claim_pk, []))))


def find_duplicates(client_id: int, subjects: Sequence[Subject]) -> dict[int, int]:
    """Claims that repeat another claim of the client: same patient, payer, first date of
    service, procedures and total charge. Replacements and voids (7/8) neither are nor make
    duplicates, nor do claims the front door rejected (they never reached the payer). Among
    the claims being scrubbed, the earlier one (lower id) is the original."""
    wanted = [s for s in subjects if not s.is_replacement and s.claim.service_from]
    if not wanted:
        return {}
    patient_ids = sorted({s.claim.patient_id for s in wanted})
    dates = sorted({s.claim.service_from for s in wanted if s.claim.service_from})
    candidates: list[tuple[int, int, int, date, Decimal]] = []
    for part in chunks(patient_ids):
        candidates.extend(
            Claim.objects.filter(client_id=client_id, patient_id__in=part,
                                 service_from__range=(dates[0], dates[-1]))
            .exclude(frequency__in=("7", "8"))
            .exclude(front_door=FrontDoor.REJECTED)
            .values_list("pk", "patient_id", "payer_id", "service_from", "total_charge"))
    scrubbed = {s.claim.pk: s for s in wanted}
    procedures: dict[int, list[str]] = {
        pk: [ln.procedure for ln in s.lines] for pk, s in scrubbed.items()}
    others = sorted({c[0] for c in candidates} - set(scrubbed))
    for part in chunks(others):
        for claim_id, procedure in ClaimLine.objects.filter(
                claim_id__in=part).values_list("claim_id", "procedure"):
            procedures.setdefault(claim_id, []).append(procedure)
    first: dict[Signature, int] = {}
    # Claims already out there are the originals; then the scrubbed ones, earlier id first.
    for pk, patient_id, payer_id, service, charge in candidates:
        sig = _signature(pk, patient_id, payer_id, service, charge, procedures)
        if pk not in scrubbed and sig is not None:
            first[sig] = min(pk, first.get(sig, pk))
    for pk in sorted(scrubbed):
        c = scrubbed[pk].claim
        sig = _signature(pk, c.patient_id, c.payer_id, c.service_from, c.total_charge,
                         procedures)
        if sig is not None:
            first.setdefault(sig, pk)
    found: dict[int, int] = {}
    for pk, s in scrubbed.items():
        c = s.claim
        sig = _signature(pk, c.patient_id, c.payer_id, c.service_from, c.total_charge,
                         procedures)
        if sig is not None and first.get(sig, pk) != pk:
            found[pk] = first[sig]
    return found
