"""The findings of one tenant, measured by grouped queries (definitions: ``figures``).

A handful of queries, each reading one kind of row of the whole tenant as plain values
(claims, 835 claim payments, denial adjustments, variances, files), then arithmetic in
Python over those values: never a query per claim, so a 50,000-claim practice is measured in
seconds. Each figure follows the words of ``figures``' docstring; where a definition needs a
day (a filing limit, an appeal limit, a follow-up day) it comes from the client's
``DeadlineBook`` per payer, and a denial's root cause from the client's ``CategoryBook``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from rcmdesk.assessments import acks
from rcmdesk.assessments.figures import (
    ARRIVAL_WEEKS,
    WINDOWS,
    ZERO,
    Aging,
    AgingRow,
    Backlog,
    DenialCause,
    Figure,
    FilingWindow,
    Findings,
    Quality,
)
from rcmdesk.assessments.work import WorkType
from rcmdesk.claims.models import Claim, ClaimStatus, FrontDoor, Payer
from rcmdesk.contracts.models import Contract, LineVariance, VarianceKind
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.playbooks.rules import DEFAULTS, Deadlines
from rcmdesk.playbooks.services import DeadlineBook
from rcmdesk.remits.models import RemitAdjustment, RemitClaim
from rcmdesk.reports.kpis import AGING_BUCKETS
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.workqueue.categories import CategoryBook

DENIED = "4"  # CLP02: denied
FILE_KINDS = {"835": "835", "837": "837", "837P": "837", "837I": "837", "837D": "837",
              "277CA": "277CA", "999": "999"}


@dataclass
class _Claim:
    pk: int
    pcn: str
    payer_id: int
    service: date | None
    charge: Decimal
    balance: Decimal
    accepted: bool  # our own batch's claim the payer's front door accepted (277CA)


@dataclass
class _Answer:
    """One 835 claim payment matched to a claim."""

    pk: int
    status: str
    day: date | None


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _order(answer: _Answer) -> tuple[date, int]:
    return (answer.day or date.min, answer.pk)


def measure(client_id: int, as_of: date) -> Findings:
    """The findings of one tenant as of ``as_of`` (grouped queries; no per-claim query)."""
    payers = {p.pk: p for p in Payer.objects.filter(client_id=client_id)}
    book = DeadlineBook(client_id)
    rules: dict[int, Deadlines] = {pk: book.for_payer(p) for pk, p in payers.items()}
    claims_qs = Claim.objects.filter(client_id=client_id).exclude(status=ClaimStatus.DRAFT)
    totals = claims_qs.aggregate(n=Count("pk"), billed=Sum("total_charge"),
                                 first=Min("service_from"), last=Max("service_from"))
    claims = [_Claim(pk, pcn, payer, service, charge, balance, front == FrontDoor.ACCEPTED)
              for pk, pcn, payer, service, charge, balance, front in claims_qs.values_list(
                  "pk", "patient_control_number", "payer_id", "service_from", "total_charge",
                  "insurance_balance", "front_door").iterator(chunk_size=5000)]
    answers: dict[int, list[_Answer]] = defaultdict(list)
    for pk, claim_id, status, day in RemitClaim.objects.filter(
            remittance__client_id=client_id, claim__isnull=False).values_list(
            "pk", "claim_id", "status_code", "remittance__payment_date").iterator(
            chunk_size=5000):
        answers[claim_id].append(_Answer(pk, status, day))
    for rows in answers.values():
        rows.sort(key=_order)
    door = acks.read(client_id)
    open_claims = [c for c in claims if c.balance > 0]
    window = _weeks(as_of)

    denied = _denials(client_id, as_of, open_claims, answers, rules, window)
    backlog = [
        _ar_followup(as_of, claims, open_claims, answers, door, rules, window),
        denied[1],
        _rejections(as_of, open_claims, answers, door, rules, window),
        _unmatched(client_id, as_of, window),
    ]
    contracts = Contract.objects.filter(client_id=client_id).exists()
    if contracts:
        backlog.append(_underpaid(client_id, as_of, window))
    files = _files(client_id)
    notes = (*_notes(files, door, contracts, totals["n"]), *_defaulted(payers, rules))
    return Findings(
        as_of=as_of, first_service=totals["first"], last_service=totals["last"],
        claims=totals["n"], billed=_money(totals["billed"]),
        files=files,
        quarantined=ReceivedFile.objects.filter(client_id=client_id,
                                                status=FileStatus.QUARANTINED).count(),
        aging=_aging(as_of, open_claims, payers),
        filing=_filing(as_of, open_claims, answers, door, rules, payers),
        denials=denied[0], backlog=tuple(backlog),
        quality=_quality(client_id, claims, answers, door, rules),
        contracts_loaded=contracts, notes=notes)


# --- A/R and filing --------------------------------------------------------------------


def _bucket(as_of: date, service: date | None) -> int:
    """Index in AGING_BUCKETS; no date of service (or a future one) counts as current, as
    ``reports.kpis._aging`` does."""
    if service is None or service > as_of:
        return 0
    age = (as_of - service).days
    for i, (_, low, high) in enumerate(AGING_BUCKETS):
        if age >= low and (high is None or age <= high):
            return i
    return len(AGING_BUCKETS) - 1


def _aging(as_of: date, open_claims: list[_Claim], payers: dict[int, Payer]) -> Aging:
    cells: dict[int, list[Figure]] = {}
    for c in open_claims:
        row = cells.setdefault(c.payer_id, [Figure() for _ in AGING_BUCKETS])
        i = _bucket(as_of, c.service)
        row[i] = row[i] + Figure(1, c.balance)
    rows = sorted((AgingRow(payers[pk].name, tuple(figs)) for pk, figs in cells.items()),
                  key=lambda r: (-r.total.dollars, r.payer))
    totals = tuple(sum((r.buckets[i] for r in rows), Figure()) for i in range(len(AGING_BUCKETS)))
    return Aging(tuple(name for name, _, _ in AGING_BUCKETS), tuple(rows), totals)


def _limit(c: _Claim, rules: dict[int, Deadlines]) -> date | None:
    if c.service is None:
        return None
    return c.service + timedelta(days=rules[c.payer_id].timely_filing_days)


def _filing(as_of: date, open_claims: list[_Claim], answers: dict[int, list[_Answer]],
            door: acks.Verdicts, rules: dict[int, Deadlines], payers: dict[int, Payer]
            ) -> tuple[FilingWindow, ...]:
    """Windows 30/60/90 (cumulative), then past (days 0)."""
    per: dict[int, dict[str, Figure]] = {days: defaultdict(Figure) for days in (*WINDOWS, 0)}
    for c in open_claims:
        limit = _limit(c, rules)
        if limit is None or c.pk in answers or c.accepted or door.accepted(c.pcn):
            continue
        name = payers[c.payer_id].name
        if limit <= as_of:
            per[0][name] += Figure(1, c.balance)
            continue
        for days in WINDOWS:
            if limit <= as_of + timedelta(days=days):
                per[days][name] += Figure(1, c.balance)
    out = []
    for days in (*WINDOWS, 0):
        by_payer = tuple(sorted(per[days].items(), key=lambda kv: (-kv[1].dollars, kv[0])))
        out.append(FilingWindow(days, sum((f for _, f in by_payer), Figure()), by_payer))
    return tuple(out)


# --- backlogs --------------------------------------------------------------------------


def _weeks(as_of: date) -> tuple[date, date]:
    """The ARRIVAL_WEEKS full ISO weeks (Monday to Sunday) that ended before ``as_of``."""
    monday = as_of - timedelta(days=as_of.weekday())
    return monday - timedelta(weeks=ARRIVAL_WEEKS), monday - timedelta(days=1)


def _backlog(work: WorkType, items: list[tuple[Decimal, Decimal | None, int]],
             arrivals: list[date], window: tuple[date, date]) -> Backlog:
    """``items``: (open dollars, recoverable dollars or None when it is not, age in days)
    per open item; a recoverable item counts even when its dollars are 0 (an unmatched
    remittance that paid nothing still has to be worked)."""
    start, end = window
    counted = Counter(d for d in arrivals if start <= d <= end)
    days = [(start + timedelta(days=i), counted[start + timedelta(days=i)])
            for i in range((end - start).days + 1)]
    recoverable = [r for _, r, _ in items if r is not None]
    return Backlog(
        work=work,
        open=Figure(len(items), sum((o for o, _, _ in items), ZERO)),
        recoverable=Figure(len(recoverable), sum(recoverable, ZERO)),
        arrivals_per_week=(Decimal(sum(counted.values())) / ARRIVAL_WEEKS).quantize(
            Decimal("0.1")),
        daily_arrivals=tuple(days),
        ages=tuple(sorted((a for _, _, a in items), reverse=True)))


def _age(as_of: date, since: date | None) -> int:
    return max(0, (as_of - since).days) if since is not None else 0


def _ar_followup(as_of: date, claims: list[_Claim], open_claims: list[_Claim],
                 answers: dict[int, list[_Answer]], door: acks.Verdicts,
                 rules: dict[int, Deadlines], window: tuple[date, date]) -> Backlog:
    items: list[tuple[Decimal, Decimal | None, int]] = []
    for c in open_claims:
        if c.service is None or c.pk in answers or door.rejected(c.pcn):
            continue
        due = c.service + timedelta(days=rules[c.payer_id].followup_days)
        if due >= as_of:  # not yet more than the follow-up days old
            continue
        limit = _limit(c, rules)
        lost = (limit is not None and limit <= as_of and not c.accepted
                and not door.accepted(c.pcn))
        items.append((c.balance, None if lost else c.balance, _age(as_of, due)))
    arrivals = []
    for c in claims:
        if c.service is None:
            continue
        due = c.service + timedelta(days=rules[c.payer_id].followup_days)
        first = answers.get(c.pk)
        first_day = first[0].day if first else None
        if first_day is None and first:
            continue  # answered on an unknown day: not counted as waiting
        if first_day is None or first_day > due:
            arrivals.append(due)
    return _backlog(WorkType.AR_FOLLOWUP, items, arrivals, window)


def _denials(client_id: int, as_of: date, open_claims: list[_Claim],
             answers: dict[int, list[_Answer]], rules: dict[int, Deadlines],
             window: tuple[date, date]) -> tuple[tuple[DenialCause, ...], Backlog]:
    latest_denied: dict[int, tuple[_Claim, _Answer]] = {}
    for c in open_claims:
        mine = answers.get(c.pk)
        if mine and mine[-1].status == DENIED:
            latest_denied[mine[-1].pk] = (c, mine[-1])
    causes = _causes(client_id, set(latest_denied))
    open_by: dict[str, Figure] = defaultdict(Figure)
    appealable_by: dict[str, Figure] = defaultdict(Figure)
    items: list[tuple[Decimal, Decimal | None, int]] = []
    for remit_id, (c, answer) in latest_denied.items():
        cause = causes.get(remit_id, "other")
        limit = (answer.day + timedelta(days=rules[c.payer_id].appeal_days)
                 if answer.day is not None else None)
        appealable = limit is not None and limit >= as_of
        open_by[cause] += Figure(1, c.balance)
        if appealable:
            appealable_by[cause] += Figure(1, c.balance)
        items.append((c.balance, c.balance if appealable else None, _age(as_of, answer.day)))
    denials = tuple(sorted(
        (DenialCause(cause, figure, appealable_by.get(cause, Figure()))
         for cause, figure in open_by.items()),
        key=lambda d: (-d.open.dollars, d.cause)))
    arrivals = [a.day for rows in answers.values() for a in rows
                if a.status == DENIED and a.day is not None]
    return denials, _backlog(WorkType.DENIALS, items, arrivals, window)


def _causes(client_id: int, remit_claim_ids: set[int]) -> dict[int, str]:
    """Root cause of each denied 835 claim payment: its largest denial adjustment (one left
    open by posting), under the client's category rules."""
    if not remit_claim_ids:
        return {}
    categories = CategoryBook(client_id)
    largest: dict[int, tuple[Decimal, int, str, str, list[Any]]] = {}
    rows = (RemitAdjustment.objects.filter(remit_claim__remittance__client_id=client_id,
                                           remit_claim__status_code=DENIED, posted=False)
            .values_list("remit_claim_id", "pk", "group", "reason", "amount",
                         "remit_line__remarks"))
    for remit_id, pk, group, reason, amount, remarks in rows.iterator(chunk_size=5000):
        if remit_id not in remit_claim_ids:
            continue
        known = largest.get(remit_id)
        if known is None or (amount, -pk) > (known[0], -known[1]):
            largest[remit_id] = (amount, pk, group, reason, remarks or [])
    return {remit_id: categories.category(group, reason,
                                          [str(r[-1]) for r in remarks if r]).value
            for remit_id, (_, _, group, reason, remarks) in largest.items()}


def _rejections(as_of: date, open_claims: list[_Claim], answers: dict[int, list[_Answer]],
                door: acks.Verdicts, rules: dict[int, Deadlines],
                window: tuple[date, date]) -> Backlog:
    items: list[tuple[Decimal, Decimal | None, int]] = []
    for c in open_claims:
        if c.pk in answers or not door.rejected(c.pcn):
            continue
        limit = _limit(c, rules)
        inside = limit is None or limit > as_of
        items.append((c.balance, c.balance if inside else None,
                      _age(as_of, door.latest[c.pcn][1])))
    arrivals = [day for days in door.rejections.values() for day in days]
    return _backlog(WorkType.REJECTIONS, items, arrivals, window)


def _unmatched(client_id: int, as_of: date, window: tuple[date, date]) -> Backlog:
    rows = list(RemitClaim.objects.filter(remittance__client_id=client_id, claim__isnull=True)
                .values_list("paid", "remittance__payment_date"))
    items = [(paid, paid, _age(as_of, day)) for paid, day in rows]
    return _backlog(WorkType.UNMATCHED_REMITS, items,
                    [day for _, day in rows if day is not None], window)


def _underpaid(client_id: int, as_of: date, window: tuple[date, date]) -> Backlog:
    rows = list(LineVariance.objects.filter(client_id=client_id, kind=VarianceKind.UNDERPAID)
                .values_list("variance", "remittance__payment_date", "found_on"))
    items = [(-variance, -variance, _age(as_of, day or found)) for variance, day, found in rows]
    return _backlog(WorkType.UNDERPAYMENTS, items,
                    [day or found for _, day, found in rows], window)


# --- quality, files, notes ---------------------------------------------------------------


def _quality(client_id: int, claims: list[_Claim], answers: dict[int, list[_Answer]],
             door: acks.Verdicts, rules: dict[int, Deadlines]) -> tuple[Quality, ...]:
    rejected = [c for c in claims if c.pcn in door.rejections]
    late = []
    for c in claims:
        mine = answers.get(c.pk)
        if not mine or (c.service is not None and mine[0].day is not None and (
                (mine[0].day - c.service).days > rules[c.payer_id].followup_days)):
            late.append(c)
    answered = [c for c in claims if c.pk in answers]
    first_denied = [c for c in answered if answers[c.pk][0].status == DENIED]
    posting = RemitClaim.objects.filter(remittance__client_id=client_id).aggregate(
        n=Count("pk"), bad=Count("pk", filter=Q(outcome="exception")),
        dollars=Sum("paid", filter=Q(outcome="exception")))
    return (
        Quality(Workflow.CHARGES_CLAIMS.value, len(claims), len(rejected),
                sum((c.charge for c in rejected), ZERO)),
        Quality(Workflow.AR_FOLLOWUP.value, len(claims), len(late),
                sum((c.charge for c in late), ZERO)),
        Quality(Workflow.DENIALS.value, len(answered), len(first_denied),
                sum((c.charge for c in first_denied), ZERO)),
        Quality(Workflow.POSTING.value, posting["n"], posting["bad"], _money(posting["dollars"])),
    )


def _files(client_id: int) -> dict[str, int]:
    counts = {"837": 0, "835": 0, "277CA": 0, "999": 0}
    for kind, n in (ReceivedFile.objects.filter(client_id=client_id, status=FileStatus.APPLIED)
                    .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")):
        label = FILE_KINDS.get(kind)
        if label is not None:
            counts[label] += n
    return counts


def _defaulted(payers: dict[int, Payer], rules: dict[int, Deadlines]) -> tuple[str, ...]:
    """Payers whose limits are only the default for a payer of unknown kind (an 837 names a
    payer, not its rules): the cliff and the appeal windows are as good as those limits."""
    names = sorted(payers[pk].name for pk, rule in rules.items()
                   if rule.source == DEFAULTS["other"].source)
    if not names:
        return ()
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    other = DEFAULTS["other"]
    return (f"{len(names)} payer(s) ({shown}) have no filing or appeal limits of their own: "
            f"the defaults ({other.timely_filing_days} days to file, {other.appeal_days} to "
            "appeal) are used. Set each payer's limits in the playbook's payer rules for "
            "exact figures.",)


def _notes(files: dict[str, int], door: acks.Verdicts, contracts: bool, claims: int
           ) -> tuple[str, ...]:
    notes = []
    if not claims:
        notes.append("No 837 claims loaded: A/R, filing risk and follow-up are not measured.")
    if not files["835"]:
        notes.append("No 835 files: denials, unmatched remittances and posting quality are "
                     "not measured, and every claim counts as unanswered.")
    if not files["277CA"]:
        notes.append("No 277CA files: front-door rejections are not measured, and no claim "
                     "has proof of timely filing from an acceptance.")
    if not contracts:
        notes.append("No contracts loaded: underpaid lines are not measured.")
    return tuple(notes)
