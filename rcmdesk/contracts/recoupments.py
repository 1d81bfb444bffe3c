"""Recoupments: money a payer took back, traced to the claim line whose payment it took.

Two ways a payer takes money back:
- a PLB (provider-level adjustment) with reason WO (overpayment recovery), FB (forwarding
  balance) or 72 (authorised return) and a reference naming the claim. Sign convention of
  the 835: a positive PLB amount reduces this payment (money taken back from the provider);
  a negative one adds to it (money given back), which is not a recoupment and is skipped.
  The claim is the poster's (``ProviderAdjustment.claim``: the reference as our patient
  control number or the claim's current payer claim number), else the claim an earlier
  remit paid under that payer claim number (a corrected claim gets a new ICN, the takeback
  names the old one).
- a claim reversal (CLP02 22): its CLP04 and SVC03 are negative, the money taken back is
  their opposite.

The line and the payment taken back (``original``), in this order (``how`` says which):
a reversal's own lines (the largest reversed line, and the earlier payment of that line of
the same amount, else its latest payment); otherwise an earlier paid remit line of the claim
whose payment equals the amount; else the claim's only paid line; else the largest payment
not below the amount. No claim, or no payment that could cover it: still a Recoupment,
unexplained, for a person.

Explained (``correction``): a later posted, non-reversal payment of the same claim (for a
reversal: in a later remittance or after it in the same one; for a PLB: in its own
remittance too, where a payer usually sends the corrected payment with the takeback, but
never the payment taken back). Unexplained recoupments are RECOUPMENT work items
("recoupment:<id>"); an explanation found later closes the item. Every step is idempotent
(OneToOne on the PLB and on the reversal; items by source key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from rcmdesk.audit.services import record
from rcmdesk.contracts.models import Recoupment, RecoupmentSource
from rcmdesk.contracts.variance import money_priority
from rcmdesk.remits.models import ProviderAdjustment, RemitClaim, RemitLine
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.producers.common import Draft, Written, chunks, close, upsert

ZERO = Decimal("0.00")
REVERSAL = "22"
TAKEBACK_REASONS = ("WO", "FB", "72")
POSTED = ("posted", "denied")


def source_key(recoupment_id: int) -> str:
    return f"recoupment:{recoupment_id}"


def trace_remittances(client_id: int, remittance_ids: Iterable[int]) -> int:
    """Write ``Recoupment`` rows for the PLB takebacks and reversals of these remittances
    (idempotent) and the recoupment work items; returns recoupments written."""
    client = Organization.objects.get(pk=client_id)
    written, _items = trace(client, remittance_ids, client.today())
    return written


def trace(client: Organization, remittance_ids: Iterable[int],
          today: date) -> tuple[int, Written]:
    """``trace_remittances`` with the client's day; also the items changed. One transaction:
    recoupments, their explanations and their items are written together."""
    ids = sorted(set(remittance_ids))
    if not ids:
        return 0, Written()
    with transaction.atomic():
        new: list[Recoupment] = []
        for batch in chunks(ids):
            new += _from_plbs(client.pk, batch, today)
            new += _from_reversals(client.pk, batch, today)
        Recoupment.objects.bulk_create(new, batch_size=1000)
        if new:
            record("contracts.recoupments_traced", client_id=client.pk,
                   object_type="contracts.recoupment",
                   detail={"remittances": ids[:100], "recoupments": len(new),
                           "unlinked": sum(r.claim_line_id is None for r in new)})
        # the new ones, and the unexplained ones of the claims these remittances paid
        paid_here = RemitClaim.objects.filter(remittance_id__in=ids, claim__isnull=False
                                              ).values("claim_id")
        rows = Recoupment.objects.filter(client_id=client.pk).filter(
            Q(remittance_id__in=ids) | Q(correction__isnull=True, claim_id__in=paid_here))
        items = explain(client.pk, rows, today)
    return len(new), items


def untraced_remittances(client_id: int) -> list[int]:
    """Remittances with a takeback or a reversal not traced yet (for the catch-up)."""
    plbs = _takebacks(client_id).values_list("remittance_id", flat=True)
    reversals = RemitClaim.objects.filter(
        remittance__client_id=client_id, status_code=REVERSAL, outcome__in=POSTED,
        recoupment__isnull=True).exclude(paid=0).values_list("remittance_id", flat=True)
    return sorted({*plbs.distinct(), *reversals.distinct()})


@dataclass(frozen=True)
class _Paid:
    """An earlier posted payment of a claim's line."""

    pk: int
    claim_id: int
    claim_line_id: int | None
    paid: Decimal
    remittance_id: int
    remit_claim_id: int


def _payments(claim_ids: set[int]) -> dict[int, list[_Paid]]:
    """Each claim's posted, non-reversal remit lines that paid money, in posting order."""
    out: dict[int, list[_Paid]] = defaultdict(list)
    for batch in chunks(sorted(claim_ids)):
        for row in RemitLine.objects.filter(
                remit_claim__claim_id__in=batch, remit_claim__outcome__in=POSTED, paid__gt=0,
        ).exclude(remit_claim__status_code=REVERSAL).values_list(
                "pk", "remit_claim__claim_id", "claim_line_id", "paid",
                "remit_claim__remittance_id", "remit_claim_id").order_by("pk"):
            out[row[1]].append(_Paid(*row))
    return out


def choose(payments: list[_Paid], amount: Decimal) -> tuple[_Paid | None, str]:
    """The payment a takeback of ``amount`` took, and which rule found it (docstring)."""
    if not payments:
        return None, "no earlier payment of the claim to take back"
    same = [p for p in payments if p.paid == amount]
    if same:
        return same[-1], f"the earlier payment of the same amount (${amount:,.2f})"
    lines = {p.claim_line_id for p in payments}
    if len(lines) == 1:
        return payments[-1], "the claim's only paid line"
    covering = [p for p in payments if p.paid >= amount]
    if covering:
        return max(covering, key=lambda p: (p.paid, p.pk)), (
            "the largest payment not below the amount")
    return None, f"no single earlier payment of the claim covers ${amount:,.2f}"


def _takebacks(client_id: int) -> Any:
    """Takeback PLBs not traced yet, less the copies: a later 835 under the same payer and
    trace stores its PLB pairs again but posts them once (the poster's posting key, by
    reference, reason and position), so only the first stored pair is money taken back."""
    posted_before = ProviderAdjustment.objects.filter(
        pk__lt=OuterRef("pk"), remittance__client_id=client_id,
        remittance__payer_key=OuterRef("remittance__payer_key"),
        remittance__trace_number=OuterRef("remittance__trace_number"),
        index=OuterRef("index"), reason=OuterRef("reason"), reference=OuterRef("reference"))
    return ProviderAdjustment.objects.filter(
        remittance__client_id=client_id, reason__in=TAKEBACK_REASONS, amount__gt=0,
        recoupment__isnull=True).exclude(Exists(posted_before))


def _from_plbs(client_id: int, remittance_ids: list[int], today: date) -> list[Recoupment]:
    adjustments = list(_takebacks(client_id).filter(
        remittance_id__in=remittance_ids).order_by("pk"))
    if not adjustments:
        return []
    by_icn = _claims_by_payer_number(client_id, {a.reference for a in adjustments
                                                 if a.claim_id is None and a.reference})
    claim_of = {a.pk: a.claim_id or by_icn.get(a.reference) for a in adjustments}
    payments = _payments({c for c in claim_of.values() if c})
    out = []
    for adj in adjustments:
        claim_id = claim_of[adj.pk]
        if claim_id is None:
            found, how = None, (f"reference {adj.reference!r} names no claim of ours"
                                if adj.reference else "the PLB carries no reference")
        else:
            earlier = [p for p in payments[claim_id] if p.remittance_id <= adj.remittance_id]
            found, how = choose(earlier, adj.amount)
            if claim_id != adj.claim_id:
                how = f"payer claim number {adj.reference}; {how}"
        out.append(Recoupment(
            client_id=client_id, remittance_id=adj.remittance_id, source=RecoupmentSource.PLB,
            provider_adjustment=adj, reason=adj.reason, reference=adj.reference[:50],
            amount=adj.amount, claim_id=claim_id,
            claim_line_id=found.claim_line_id if found else None,
            original_id=found.pk if found else None, how=how[:200], found_on=today))
    return out


def _claims_by_payer_number(client_id: int, references: set[str]) -> dict[str, int]:
    """The claim an earlier remit paid under each payer claim number (the latest such)."""
    found: dict[str, int] = {}
    for batch in chunks(sorted(references)):
        for ccn, claim_id in RemitClaim.objects.filter(
                remittance__client_id=client_id, payer_claim_control_number__in=batch,
                claim__isnull=False).values_list("payer_claim_control_number",
                                                 "claim_id").order_by("pk"):
            found[ccn] = claim_id
    return found


def _from_reversals(client_id: int, remittance_ids: list[int],
                    today: date) -> list[Recoupment]:
    reversals = list(RemitClaim.objects.filter(
        remittance__client_id=client_id, remittance_id__in=remittance_ids,
        status_code=REVERSAL, outcome__in=POSTED, claim__isnull=False,
        recoupment__isnull=True).exclude(paid=0).order_by("pk"))
    if not reversals:
        return []
    lines: dict[int, list[tuple[int, int | None, Decimal, str]]] = defaultdict(list)
    for row in RemitLine.objects.filter(remit_claim__in=reversals).values_list(
            "remit_claim_id", "pk", "claim_line_id", "paid", "procedure").order_by("pk"):
        lines[row[0]].append(row[1:])
    payments = _payments({r.claim_id for r in reversals if r.claim_id})
    out = []
    for rc in reversals:
        assert rc.claim_id is not None
        amount = -rc.paid
        earlier = [p for p in payments[rc.claim_id] if p.remittance_id <= rc.remittance_id
                   and p.remit_claim_id < rc.pk]
        reversed_lines = [ln for ln in lines[rc.pk] if ln[1] is not None]
        if reversed_lines:
            _pk, line_id, line_paid, procedure = max(reversed_lines,
                                                    key=lambda ln: (-ln[2], -ln[0]))
            of_line = [p for p in earlier if p.claim_line_id == line_id]
            same = [p for p in of_line if p.paid == -line_paid]
            candidates = same or of_line
            found: _Paid | None = candidates[-1] if candidates else None
            how = (f"reversed line {procedure}" + (f" (the largest of {len(reversed_lines)})"
                                                   if len(reversed_lines) > 1 else ""))
            how += "; its earlier payment" if found else "; no earlier payment of the line"
            claim_line_id: int | None = line_id
        else:
            found, how = choose(earlier, amount)
            how = f"reversal without lines; {how}"
            claim_line_id = found.claim_line_id if found else None
        out.append(Recoupment(
            client_id=client_id, remittance_id=rc.remittance_id,
            source=RecoupmentSource.REVERSAL, reversal=rc, reason=REVERSAL,
            reference=rc.payer_claim_control_number[:50], amount=amount, claim_id=rc.claim_id,
            claim_line_id=claim_line_id, original_id=found.pk if found else None,
            how=how[:200], found_on=today))
    return out


def explain(client_id: int, recoupments: Any, today: date) -> Written:
    """Find the corrections of these recoupments, then their items: unexplained ones open
    (or refreshed), explained ones closed."""
    rows = list(recoupments.select_related(
        "remittance", "reversal", "original__remit_claim", "claim", "claim_line",
        "claim__payer"))
    unexplained = [r for r in rows if r.correction_id is None and r.claim_id]
    corrections = _corrections({r.claim_id for r in unexplained if r.claim_id})
    explained: list[Recoupment] = []
    for r in unexplained:
        found = next((c for c in corrections.get(r.claim_id or 0, []) if _corrects(c, r)), None)
        if found is not None:
            r.correction_id = found.pk
            explained.append(r)
    if explained:
        Recoupment.objects.bulk_update(explained, ["correction"], batch_size=1000)
        record("contracts.recoupments_explained", client_id=client_id,
               object_type="contracts.recoupment",
               detail={"recoupments": {str(r.pk): r.correction_id for r in explained}})
    return _sync_items(client_id, rows, today)


def _corrections(claim_ids: set[int]) -> dict[int, list[RemitClaim]]:
    out: dict[int, list[RemitClaim]] = defaultdict(list)
    for batch in chunks(sorted(claim_ids)):
        for rc in RemitClaim.objects.filter(claim_id__in=batch, outcome="posted").exclude(
                status_code=REVERSAL).select_related("remittance").order_by("pk"):
            assert rc.claim_id is not None
            out[rc.claim_id].append(rc)
    return out


def _corrects(payment: RemitClaim, r: Recoupment) -> bool:
    if r.source == RecoupmentSource.REVERSAL:
        return payment.remittance_id > r.remittance_id or (
            payment.remittance_id == r.remittance_id and r.reversal is not None
            and payment.index > r.reversal.index)
    taken = r.original.remit_claim_id if r.original is not None else None
    return payment.remittance_id >= r.remittance_id and payment.pk != taken


def _sync_items(client_id: int, rows: list[Recoupment], today: date) -> Written:
    keys = {source_key(r.pk): r for r in rows}
    active: dict[str, int] = {}
    worked: set[str] = set()
    for batch in chunks(sorted(keys)):
        for pk, key, status in WorkItem.objects.filter(
                client_id=client_id, kind=ItemKind.RECOUPMENT, source_key__in=batch
        ).values_list("pk", "source_key", "status"):
            if status == ItemStatus.DONE:
                worked.add(key)
            else:
                active[key] = pk
    drafts: list[Draft] = []
    reasons: dict[int, str] = {}
    corrections = {r.correction_id for r in rows if r.correction_id}
    traces = dict(RemitClaim.objects.filter(pk__in=sorted(corrections)).values_list(
        "pk", "remittance__trace_number")) if corrections else {}
    for key, r in keys.items():
        if r.correction_id is not None:
            if key in active:
                reasons[active[key]] = (f"explained by the correction in remit "
                                        f"{traces.get(r.correction_id, '')}").strip()
        elif key not in worked:
            drafts.append(draft(r, today))
    written = upsert(client_id, drafts, today) if drafts else Written()
    written.closed += close(client_id, reasons) if reasons else 0
    return written


def draft(r: Recoupment, today: date) -> Draft:
    source = RecoupmentSource(r.source)
    what = (f"PLB {r.reason} {r.reference}".strip() if source == RecoupmentSource.PLB
            else "claim reversal")
    claim = r.claim
    whose = claim.patient_control_number if claim else f"reference {r.reference or '(none)'}"
    line = f" line {r.claim_line.procedure}" if r.claim_line else ""
    title = f"Recoupment ${r.amount:,.2f} ({what}) of {whose}{line}: no correction yet"
    service = (r.claim_line.service_date if r.claim_line else None) or (
        claim.service_from if claim else None)
    return Draft(
        kind=ItemKind.RECOUPMENT, source_key=source_key(r.pk), title=title, amount=r.amount,
        claim_id=r.claim_id, claim_line_id=r.claim_line_id, category=r.source,
        priority=money_priority(r.amount, service, today,
                                f"${r.amount:,.2f} taken back and not explained"),
        detail={"why": ("The payer took this money back and no corrected payment of the "
                        "claim has arrived to explain it."),
                "payer": claim.payer.name if claim else r.remittance.payer_name,
                "source": source.label, "plb_reason": r.reason if r.provider_adjustment_id
                else "", "reference": r.reference, "how": r.how,
                "original_remit": (r.original.remit_claim.remittance_id
                                   if r.original is not None else None),
                "remit": r.remittance_id, "trace": r.remittance.trace_number,
                "recoupment": r.pk})
