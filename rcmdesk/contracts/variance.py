"""Variance at posting: each posted service line compared with what its contract says.

A line is assessed when its claim line has an expected amount (``ExpectedLine.amount``)
and its remit claim was posted (not an exception, not a reversal: a reversal is a
recoupment, ``recoupments``), paid by the contract's payer as primary (a secondary's or a
crossover's payment is not what the contract allowed). A line the payer denied (an
adjustment left open on the line, or on its claim) is the denial workflow's, not a
variance: it is skipped.

The amounts compared are the claim line's as of that remit line: every posted payment of
the line so far (in posting order), reversals netted. A payer corrects a line by a reversal
and a new payment, or by a supplemental payment of the difference; either way it is the
line's total the contract prices, so a later payment that makes the line whole is "paid as
contracted" and closes the underpayment item rather than looking like a new, tiny payment.

- allowed = paid + patient responsibility (PR); variance = allowed - expected;
- contractual excess = CO-45 written off beyond the contract's allowance (charge -
  expected), flagged in the item's title, never silently accepted;
- kind by ``pricing.beyond_tolerance`` with the contract's tolerance.

One ``LineVariance`` per remit line (OneToOne), so assessing a remittance again, or the
catch-up of ``producers.sync_client``, writes nothing twice. Work items: the claim line's
latest variance decides, source key "variance:<claim line id>": beyond tolerance it is an
UNDERPAYMENT or OVERPAYMENT item (created or refreshed), within it closes the line's item
("paid as contracted by remit <trace>"). An item a person closed is not reopened for the
same remit line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.contracts.models import Contract, ExpectedLine, LineVariance, VarianceKind
from rcmdesk.contracts.pricing import beyond_tolerance
from rcmdesk.db import bulk
from rcmdesk.remits.models import RemitAdjustment, RemitLine
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.priority import Factor, Priority
from rcmdesk.workqueue.producers.common import Draft, Written, chunks, close, prioritise, upsert

ZERO = Decimal("0.00")
REVERSAL = "22"  # CLP02: a reversal takes a payment back (a recoupment, not a variance)
POSTED = ("posted", "denied")  # RemitClaim.outcome of a remit claim that reached the ledger
# CLP02: a reversal, and a payer paying as secondary (2, 3) or after a crossover (20, 21),
# whose payment the primary's contract does not price
NOT_UNDER_CONTRACT = ("22", "2", "3", "20", "21")
SECONDARY = frozenset(NOT_UNDER_CONTRACT) - {REVERSAL}
CONTRACTUAL_WRITE_OFF = ("CO", "45")
KINDS = {VarianceKind.UNDERPAID: ItemKind.UNDERPAYMENT,
         VarianceKind.OVERPAID: ItemKind.OVERPAYMENT}
ITEM_KINDS = tuple(KINDS.values())


def source_key(claim_line_id: int) -> str:
    return f"variance:{claim_line_id}"


def assess_remittances(client_id: int, remittance_ids: Iterable[int]) -> int:
    """Write ``LineVariance`` rows for the posted lines of these remittances (idempotent)
    and the underpayment / overpayment work items; returns variances written."""
    client = Organization.objects.get(pk=client_id)
    written, _items = assess(client, remittance_ids, client.today())
    return written


def assess(client: Organization, remittance_ids: Iterable[int],
           today: date) -> tuple[int, Written]:
    """``assess_remittances`` for a caller that has the client's day; also the items changed.

    One transaction: the variances and their items are written together, so a failure
    leaves both for the next catch-up rather than variances without their items.

    A client without a contract has no expected amount to compare with (``ExpectedLine``
    needs its contract), so one ``exists`` answers for it instead of the candidate query of
    every 835. A prospect gets its variances (the assessment reports its underpaid lines)
    but no items: a prospect's files are history to measure, not work."""
    ids = sorted(set(remittance_ids))
    if not ids or not Contract.objects.filter(client_id=client.pk).exists():
        return 0, Written()
    with transaction.atomic():
        candidates = [row for batch in chunks(ids) for row in _candidates(client.pk, batch)]
        lines = {row["claim_line_id"] for row in candidates}
        rows = _variances(client.pk, candidates, today)
        # Rows as the columns take them (one COPY / executemany): model instances cost more
        # than the comparison itself on a 20,000-claim 835.
        bulk.insert(LineVariance, VARIANCE_NAMES, rows)
        if rows:
            kinds = [row[KIND_AT] for row in rows]
            record("contracts.variances_found", client_id=client.pk,
                   object_type="contracts.linevariance",
                   detail={"remittances": ids[:100], "lines": len(rows),
                           "underpaid": kinds.count(VarianceKind.UNDERPAID),
                           "overpaid": kinds.count(VarianceKind.OVERPAID)})
        items = Written() if client.prospect else sync_items(client.pk, lines, today)
    return len(rows), items


def unassessed_remittances(client_id: int) -> list[int]:
    """Remittances with a posted, priced line that has no variance yet (for the catch-up)."""
    return sorted(set(_assessable(client_id).values_list(
        "remit_claim__remittance_id", flat=True).distinct()))


def _assessable(client_id: int) -> Any:
    open_on_line = RemitAdjustment.objects.filter(remit_line=OuterRef("pk"), posted=False)
    open_on_claim = RemitAdjustment.objects.filter(remit_claim=OuterRef("remit_claim_id"),
                                                   remit_line__isnull=True, posted=False)
    contract_payer = F("claim_line__expected__contract__payer_id")
    return (RemitLine.objects.filter(
        remit_claim__remittance__client_id=client_id, remit_claim__outcome__in=POSTED,
        remit_claim__claim__isnull=False, claim_line__isnull=False,
        claim_line__expected__amount__isnull=False, variance__isnull=True)
        .filter(Q(remit_claim__remittance__payer_id=contract_payer)
                | Q(remit_claim__remittance__payer__isnull=True))
        .exclude(remit_claim__status_code__in=NOT_UNDER_CONTRACT)
        .exclude(Exists(open_on_line)).exclude(Exists(open_on_claim)))


def _candidates(client_id: int, remittance_ids: list[int]) -> list[dict[str, Any]]:
    return list(_assessable(client_id).filter(
        remit_claim__remittance_id__in=remittance_ids).values(
        "pk", "claim_line_id", "remit_claim__remittance_id", "remit_claim__claim_id",
        "remit_claim__remittance__payer_id", "procedure").order_by("pk"))


@dataclass
class _Totals:
    """One remit line's own amounts (then summed over the claim line's history)."""

    paid: Decimal = ZERO
    pr: Decimal = ZERO
    co45: Decimal = ZERO


def _history(payers: dict[int, int]) -> dict[int, list[tuple[int, _Totals]]]:
    """Each claim line's (claim line id -> its contract's payer) posted remit lines from its
    contract's payer, in posting order, with their own amounts (PR and CO-45 summed by the
    database: one row per remit line)."""
    history: dict[int, list[tuple[int, _Totals]]] = defaultdict(list)
    posted = Q(adjustments__posted=True)
    for batch in chunks(sorted(payers)):
        for pk, line_id, paid, payer_id, status, pr, co45 in RemitLine.objects.filter(
                claim_line_id__in=batch, remit_claim__outcome__in=POSTED).annotate(
                pr=Sum("adjustments__amount", filter=posted & Q(adjustments__group="PR")),
                co45=Sum("adjustments__amount", filter=posted & Q(
                    adjustments__group=CONTRACTUAL_WRITE_OFF[0],
                    adjustments__reason=CONTRACTUAL_WRITE_OFF[1]))).values_list(
                "pk", "claim_line_id", "paid", "remit_claim__remittance__payer_id",
                "remit_claim__status_code", "pr", "co45").order_by("pk"):
            if status in SECONDARY or payer_id not in (None, payers[line_id]):
                continue  # another payer's money: not what this contract allowed
            history[line_id].append((pk, _Totals(paid, pr or ZERO, co45 or ZERO)))
    return history


VARIANCE_NAMES = ("client", "remit_line", "remittance", "claim", "claim_line", "payer",
                  "contract", "rate", "procedure", "expected", "allowed", "paid",
                  "patient_responsibility", "variance", "contractual_excess", "kind",
                  "found_on", "created_at")
KIND_AT = VARIANCE_NAMES.index("kind")
EXPECTED_FIELDS = ("claim_line_id", "amount", "rate_id", "contract_id",
                   "claim_line__charge", "claim_line__procedure")


def _variances(client_id: int, candidates: list[dict[str, Any]],
               today: date) -> list[tuple[Any, ...]]:
    """One row (in ``VARIANCE_NAMES`` order) per candidate remit line with an expectation."""
    line_ids = sorted({row["claim_line_id"] for row in candidates})
    expected = {values[0]: values for batch in chunks(line_ids)
                for values in ExpectedLine.objects.filter(claim_line_id__in=batch)
                .values_list(*EXPECTED_FIELDS)}
    contracts = {c.pk: c for c in Contract.objects.filter(
        pk__in={values[3] for values in expected.values()})}
    history = _history({i: contracts[e[3]].payer_id for i, e in expected.items()})
    found_on = connection.ops.adapt_datefield_value(today)
    now = bulk.db_datetime(timezone.now())
    out: list[tuple[Any, ...]] = []
    for row in candidates:
        exp = expected.get(row["claim_line_id"])
        if exp is None or exp[1] is None:
            continue
        line_id, amount, rate_id, contract_id, charge, procedure = exp
        so_far = _Totals()
        for pk, own in history[line_id]:
            if pk > row["pk"]:
                break
            so_far.paid += own.paid
            so_far.pr += own.pr
            so_far.co45 += own.co45
        contract = contracts[contract_id]
        allowed = so_far.paid + so_far.pr
        beyond = beyond_tolerance(amount, allowed, contract.tolerance_amount,
                                  contract.tolerance_percent)
        kind = (VarianceKind.WITHIN if not beyond else VarianceKind.UNDERPAID
                if allowed < amount else VarianceKind.OVERPAID)
        out.append((
            client_id, row["pk"], row["remit_claim__remittance_id"],
            row["remit_claim__claim_id"], line_id, row["remit_claim__remittance__payer_id"],
            contract_id, rate_id, (row["procedure"] or procedure)[:48], amount, allowed,
            so_far.paid, so_far.pr, allowed - amount,
            max(ZERO, so_far.co45 - (charge - amount)), kind.value, found_on, now))
    return out


def sync_items(client_id: int, claim_line_ids: Iterable[int], today: date) -> Written:
    """The claim lines' items as their latest variance says: created or refreshed beyond
    tolerance, closed within it (or when the line turned from under- to overpaid).

    Only lines that need a person are read whole: those with an open item and those ever
    compared beyond tolerance. The lines of a file paid as contracted with no item (nearly
    all of them) cost one narrow query per thousand lines, and no object."""
    ids = set(claim_line_ids)
    active: dict[tuple[str, str], int] = {}
    for pk, kind, key, line_id in WorkItem.objects.active().filter(
            client_id=client_id, kind__in=ITEM_KINDS).values_list(
            "pk", "kind", "source_key", "claim_line_id"):
        if line_id in ids:
            active[(kind, key)] = pk
    focus = {int(key.split(":", 1)[1]) for _kind, key in active}
    for batch in chunks(sorted(ids - focus)):
        focus.update(LineVariance.objects.filter(
            client_id=client_id, claim_line_id__in=batch).exclude(
            kind=VarianceKind.WITHIN).values_list("claim_line_id", flat=True))
    latest = _latest(client_id, focus)
    if not latest:
        return Written()
    worked = _worked(client_id, [source_key(i) for i, v in latest.items()
                                 if v.kind != VarianceKind.WITHIN])
    drafts: list[Draft] = []
    reasons: dict[int, str] = {}
    for line_id, v in latest.items():
        key = source_key(line_id)
        wanted = KINDS.get(VarianceKind(v.kind))
        for kind in ITEM_KINDS:
            pk = active.get((kind, key))
            if pk is not None and kind != wanted:
                reasons[pk] = (f"paid as contracted by remit {v.remittance.trace_number}"
                               if wanted is None else
                               f"now {v.get_kind_display().lower()} by remit "
                               f"{v.remittance.trace_number}")
        if wanted is not None and (key, v.remit_line_id) not in worked:
            drafts.append(draft(v, wanted, today))
    written = upsert(client_id, drafts, today) if drafts else Written()
    written.closed += close(client_id, reasons) if reasons else 0
    return written


def _latest(client_id: int, line_ids: set[int]) -> dict[int, LineVariance]:
    """Each of these claim lines' latest variance (by posting order), loaded whole."""
    latest: dict[int, LineVariance] = {}
    for batch in chunks(sorted(line_ids)):
        for v in LineVariance.objects.filter(
                client_id=client_id, claim_line_id__in=batch).select_related(
                "remittance", "contract", "rate", "claim", "claim_line__expected",
                "payer").order_by(
                "claim_line_id", "remit_line_id"):
            latest[v.claim_line_id] = v  # the last one wins
    return latest


def _worked(client_id: int, keys: list[str]) -> set[tuple[str, int]]:
    """(source key, remit line) of items a person closed: not reopened for that remit line."""
    worked: set[tuple[str, int]] = set()
    for batch in chunks(keys):
        for key, detail in WorkItem.objects.filter(
                client_id=client_id, kind__in=ITEM_KINDS, status=ItemStatus.DONE,
                source_key__in=batch).values_list("source_key", "detail"):
            if isinstance(detail, dict) and isinstance(detail.get("remit_line"), int):
                worked.add((key, detail["remit_line"]))
    return worked


def rescore(client_id: int, today: date) -> Written:
    """Refresh the open variance items (age moves daily): the catch-up's part."""
    lines = WorkItem.objects.active().filter(client_id=client_id, kind__in=ITEM_KINDS,
                                             claim_line__isnull=False)
    return sync_items(client_id, lines.values_list("claim_line_id", flat=True), today)


def draft(v: LineVariance, kind: str, today: date) -> Draft:
    amount = abs(v.variance)
    what = "Underpaid" if kind == ItemKind.UNDERPAYMENT else "Overpaid"
    title = (f"{what} {v.procedure} on {v.claim.patient_control_number}: allowed "
             f"${v.allowed:,.2f}, contract ${v.expected:,.2f}")
    if v.contractual_excess > 0:
        title += f"; CO-45 ${v.contractual_excess:,.2f} beyond the contract's allowance"
    rate = f"rate #{v.rate_id}" if v.rate_id else "the contract's default"
    expected = v.claim_line.expected if hasattr(v.claim_line, "expected") else None
    basis = expected.basis if expected is not None else ""
    why = (f"The contract {v.contract.name} expects ${v.expected:,.2f} ({rate}: {basis}); "
           f"the payer allowed ${v.allowed:,.2f} (paid ${v.paid:,.2f} + patient "
           f"responsibility ${v.patient_responsibility:,.2f}).")
    if v.contractual_excess > 0:
        why += (f" CO-45 wrote off ${v.contractual_excess:,.2f} more than the contract "
                f"allows (charge - expected).")
    owed = "owed by the payer" if kind == ItemKind.UNDERPAYMENT else "to refund or confirm"
    return Draft(
        kind=kind, source_key=source_key(v.claim_line_id), title=title, amount=amount,
        claim_id=v.claim_id, claim_line_id=v.claim_line_id, category=v.kind,
        priority=money_priority(amount, v.claim_line.service_date or v.claim.service_from,
                                today, f"${amount:,.2f} {owed} under the contract"),
        detail={"why": why, "payer": v.payer.name if v.payer else "",
                "contract": v.contract.name, "rate": rate, "basis": basis,
                "code": v.procedure, "expected": str(v.expected), "allowed": str(v.allowed),
                "paid": str(v.paid), "patient_responsibility": str(v.patient_responsibility),
                "variance": str(v.variance),
                "co45_excess": str(v.contractual_excess) if v.contractual_excess else "",
                "remit": v.remittance_id, "trace": v.remittance.trace_number,
                "remit_line": v.remit_line_id, "variance_id": v.pk})


def money_priority(amount: Decimal, service_date: date | None, today: date,
                   why: str) -> Priority:
    """Money already counted (owed under the contract, or taken back): scored at its full
    amount, not at a pay-rate guess, as the work queue scores a posting exception."""
    scored = prioritise(amount, Decimal(1), service_date, None, "posting", today)
    dollars, *rest = scored.factors
    return Priority(scored.points, (Factor("money at issue", dollars.points, why), *rest))
