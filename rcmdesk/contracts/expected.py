"""Expected allowed amounts per claim line: what the contract says each line is worth.

Computed when a claim is built (``claims.signals.claims_built``: a mirrored 837's chunk, a
claim entered or edited) and again for the open claims of a payer when its contract
changes (``recompute_open_claims``). Every claim is priced through one ``ContractBook``
(the same loader the variance check uses) and ``pricing.price_claim``; each claim's rows
are replaced whole, so a replacement claim or a changed schedule leaves no stale row.

A line gets a row when its claim's payer has a contract (``amount`` None when the contract
has no rate for it: "not priced"); a claim whose payer has no contract gets none. Reads and
writes are bulk: claims a thousand at a time, one query for their claims, one for their
lines, one delete and one insert, so a 20,000-claim 837 pays a few dozen queries for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from rcmdesk.claims.models import Claim, ClaimLine, ClaimStatus
from rcmdesk.contracts.book import ContractBook
from rcmdesk.contracts.models import Contract, ExpectedLine
from rcmdesk.contracts.pricing import Line, Terms, price_claim
from rcmdesk.db import bulk
from rcmdesk.remits.models import RemitLine

CHUNK = 1000
# Settled claims keep the expectation they had when they were paid (the variance compared
# against it); every other status may still be paid, so a schedule change reprices it:
# drafts, submitted, partially paid, denied (appealable) and reversed (to be paid again).
SETTLED = frozenset({ClaimStatus.PAID, ClaimStatus.PATIENT_BALANCE, ClaimStatus.ADJUSTED})
CLAIM_FIELDS = ("pk", "payer_id", "coverage__group_number", "facility_code", "service_from")
INSERT_NAMES = ("client_id", "claim_id", "claim_line_id", "contract_id", "rate_id", "amount",
                "basis", "computed_at")
LINE_FIELDS = ("pk", "claim_id", "procedure", "modifiers", "place_of_service", "units",
               "charge", "service_date", "revenue_code")


def price_claims(client_id: int, claim_ids: Iterable[int]) -> int:
    """Compute and store ``ExpectedLine`` rows for these claims; returns lines priced."""
    ids = sorted(set(claim_ids))
    if not ids:
        return 0
    book = ContractBook(client_id)
    if not book.contracts:
        return 0
    return _price(client_id, book, _chunks(ids))


def on_claims_built(sender: Any, *, client_id: int, claim_ids: Iterable[int],
                    **kwargs: Any) -> None:
    """``claims_built``: the claims just written (an 837 chunk, an entered or edited claim)
    get their expected amounts in the writer's transaction."""
    price_claims(client_id, claim_ids)


def recompute_open_claims(contract: Contract) -> int:
    """Reprice the open claims (not settled) of the contract's payer; returns lines written.

    All the payer's open claims, not only those the contract prices today: a plan-specific
    contract added or deactivated moves claims between contracts. Settled claims (paid,
    patient balance, written off) keep the expectation their posting was compared with.
    """
    ids = (Claim.objects.filter(client_id=contract.client_id, payer_id=contract.payer_id)
           .exclude(status__in=SETTLED).order_by("pk").values_list("pk", flat=True))
    book = ContractBook(contract.client_id)
    return _price(contract.client_id, book, _chunks(list(ids)))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _price(client_id: int, book: ContractBook, chunks: Iterator[list[int]]) -> int:
    priced = 0
    payers = {c.payer_id for c in book.contracts.values()}
    for chunk in chunks:
        with transaction.atomic():
            priced += _price_chunk(client_id, book, payers, chunk)
    return priced


def _price_chunk(client_id: int, book: ContractBook, payers: set[int],
                 chunk: Sequence[int]) -> int:
    claims: dict[int, tuple[Contract, str, date | None]] = {}
    for pk, payer_id, group, facility, service_from in Claim.objects.filter(
            client_id=client_id, pk__in=chunk, payer_id__in=payers).values_list(*CLAIM_FIELDS):
        contract = book.contract_for(payer_id, group or "")
        if contract is not None:
            claims[pk] = (contract, facility, service_from)
    # Rows of the whole chunk go: a claim whose payer lost its contract keeps none.
    ExpectedLine.objects.filter(client_id=client_id, claim_id__in=list(chunk)).delete()
    if not claims:
        return 0
    lines: dict[int, list[Line]] = defaultdict(list)
    for pk, claim_id, *values in ClaimLine.objects.filter(
            claim_id__in=list(claims)).order_by("claim_id", "line_number").values_list(
                *LINE_FIELDS):
        line = _line(pk, claims[claim_id], *values)
        if line is not None:
            lines[claim_id].append(line)
    now = bulk.db_datetime(timezone.now())
    rows = []
    terms: dict[int, Terms] = {}  # built once per contract, not once per claim
    for claim_id, claim_lines in lines.items():
        contract = claims[claim_id][0]
        if contract.pk not in terms:
            terms[contract.pk] = book.terms(contract)
        for p in price_claim(claim_lines, book.schedule(contract), terms[contract.pk]):
            rows.append((client_id, claim_id, p.line_id, contract.pk,
                         p.rate.id if p.rate else None, p.amount, p.basis[:300], now))
    # Rows as the columns take them, in one COPY / executemany: model instances and
    # bulk_create cost more than the pricing itself on a 20,000-claim 837.
    bulk.insert(ExpectedLine, INSERT_NAMES, rows)
    return len(rows)


def _line(pk: int, claim: tuple[Contract, str, date | None], procedure: str, modifiers: Any,
          place: str, units: Decimal | None, charge: Decimal, service_date: date | None,
          revenue_code: str) -> Line | None:
    """A claim line as pricing takes it; None with no date of service at all (no schedule
    row can be chosen without one)."""
    _contract, facility, service_from = claim
    day = service_date or service_from
    if day is None:
        return None
    return Line(id=pk, procedure=procedure or "", service_date=day, charge=charge,
                units=units if units else Decimal(1),
                modifiers=tuple(str(m) for m in modifiers or ()),
                place_of_service=place or facility or "", revenue_code=revenue_code or "")


def expected_unpaid(client_id: int, claim_ids: Sequence[int]) -> dict[
        int, tuple[Decimal, dict[int, Decimal], str]]:
    """For the work queue: claim id -> (expected allowed still unpaid on the claim's priced
    lines, the same by line id, the contract's name), only claims a contract prices.

    Unpaid = expected - what the payer has paid on the line so far (never below zero). One
    query for the expected rows and one for the payments, per call."""
    found: dict[int, tuple[Decimal, dict[int, Decimal], str]] = {}
    rows = list(ExpectedLine.objects.filter(
        client_id=client_id, claim_id__in=list(claim_ids), amount__isnull=False).values_list(
            "claim_id", "claim_line_id", "amount", "contract__name"))
    if not rows:
        return found
    paid = dict(RemitLine.objects.filter(claim_line_id__in=[r[1] for r in rows]).values_list(
        "claim_line_id").annotate(total=Sum("paid")).order_by())
    for claim_id, line_id, amount, name in rows:
        left = max(Decimal("0.00"), amount - (paid.get(line_id) or Decimal("0.00")))
        total, by_line, _ = found.get(claim_id, (Decimal("0.00"), {}, name))
        by_line[line_id] = left
        found[claim_id] = (total + left, by_line, name)
    return found
