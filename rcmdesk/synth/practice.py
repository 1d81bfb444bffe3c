"""A prospective client's year of files with a seeded backlog, and the backlog's ground truth.

``generate_practice`` writes what a prospect hands over for a capacity assessment (837, 999,
277CA and 835 files of one client's last twelve months, every file dated before the anchor)
and ``truth/assessment.json``: every figure ``rcmdesk.assessments.figures`` defines, computed
from the generator's own records (never by reading its files back), by the same words.

Outcomes are kept simple so the truth is exact: a claim is paid in full (CO-45 and the
patient's share, so nothing is left on the insurance), denied (CLP02 4, one CO denial reason
on every line), rejected by the payer's front door (277CA, never answered), or unanswered
(no 835: the payer's natural lag past the anchor, claims the payer never answered, and
batches for which no 277CA came back). Remits of claims billed before the year are
unmatched. No crossovers, reversals, interest, provider adjustments or bundling here.

The seeded ``dominant`` workflow has the highest expected dollars per specialist-hour under
the assessment's default assumptions: its items come from the hospital's large claims (and,
for denials and rejections, from the last months, so they are still recoverable), while the
other workflows' items are professional claims, some already past their deadlines.

Every draw comes from this mode's own ``random.Random`` (seeded from ``seed``), so the plain
generator's output is unchanged.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from rcmdesk.synth import outcomes
from rcmdesk.synth.claims import Billed, billing_provider, d8, make_claim, service_date
from rcmdesk.synth.files import (
    Controls,
    Rejection,
    remittance,
    write_277ca,
    write_835,
    write_837,
    write_999,
)
from rcmdesk.synth.generate import DEFAULT_ANCHOR, patients_for
from rcmdesk.synth.outcomes import Denial
from rcmdesk.synth.world import Payer, Practice, build_world
from rcmdesk.x12 import t835

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
KINDS = ("837", "999", "277ca", "835")
DOMINANTS = ("ar_followup", "denials", "charges_claims", "posting")
HISTORY_DAYS = 365  # billing days run from anchor - 365 to anchor - 1

# Payers created from an 837 (``claims.services._load_payers``) are of kind "other" with no
# filing days of their own, so the product resolves every synthetic payer's deadlines to
# ``rcmdesk.playbooks.rules.DEFAULTS["other"]``: timely filing, appeal, follow-up days.
PAYER_KIND = "other"
TIMELY_FILING_DAYS = 180
APPEAL_DAYS = 180
FOLLOWUP_DAYS = 30

# The assessment's defaults, copied (synth imports no Django app):
# ``rcmdesk.assessments.work.DEFAULT_HANDLE_HOURS`` / ``DEFAULT_RECOVERY_PERCENT`` and
# ``WORKFLOW`` (a test in rcmdesk/assessments/tests/test_ground_truth.py holds them equal).
HANDLE_HOURS: dict[str, Decimal] = {
    "ar_followup": Decimal("0.33"),
    "denials": Decimal("0.50"),
    "rejections": Decimal("0.25"),
    "unmatched_remits": Decimal("0.25"),
}
RECOVERY_PERCENT: dict[str, Decimal] = {
    "ar_followup": Decimal("70"),
    "denials": Decimal("50"),
    "rejections": Decimal("90"),
    "unmatched_remits": Decimal("100"),
}
WORKFLOW: dict[str, str] = {
    "ar_followup": "ar_followup",
    "denials": "denials",
    "rejections": "charges_claims",
    "unmatched_remits": "posting",
}
WORK_TYPES = tuple(WORKFLOW)
# ``rcmdesk.reports.kpis.AGING_BUCKETS``: label, first and last day of age (inclusive).
AGING: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91-120", 91, 120),
    ("120+", 121, None))
WINDOWS = (30, 60, 90)  # ``rcmdesk.assessments.figures.WINDOWS``

# Denial reasons, all CO and all denials in ``rcmdesk.remits.carc_categories`` (is_denial),
# one per root cause: authorization, missing information, medical necessity, eligibility,
# timely filing, duplicate, coding.
DENIALS: tuple[Denial, ...] = (
    Denial("197", "CO", (), 3),
    Denial("16", "CO", ("MA130",), 2),
    Denial("50", "CO", (), 2),
    Denial("27", "CO", (), 2),
    Denial("29", "CO", (), 1),
    Denial("18", "CO", (), 1),
    Denial("11", "CO", (), 1),
)
_DENIAL_CYCLE = tuple(d for n in range(3) for d in DENIALS if d.weight > n)

# Per claim, percent: the professional practices' outcomes; the dominant workflow's outcome
# falls to a fifth of it there and the hospital takes it at HOSPITAL_DOMINANT percent.
REJECTED, DENIED, UNANSWERED = "rejected", "denied", "unanswered"
BASE_PERCENT = {REJECTED: 3.0, DENIED: 10.0, UNANSWERED: 4.0}
OUTCOME_OF = {"charges_claims": REJECTED, "denials": DENIED, "ar_followup": UNANSWERED}
HOSPITAL_DOMINANT = 50.0
RECENT_DAYS = 150  # dominant denials/rejections: billed in the last months (recoverable)
NOACK_EVERY = 5  # one batch in five: no 277CA ever came back ...
NOACK_LOST = 25.0  # ... and the payer never answered this percent of its claims
# ... and, so every timely-filing window holds some, the batch billed nearest each of these
# days before the anchor (its claims' filing limits fall mid-window: 15, 45 and 75 days
# after D, 30 days before it) loses this percent.
NOACK_DAYS = (TIMELY_FILING_DAYS - 15 - 4, TIMELY_FILING_DAYS - 45 - 4,
              TIMELY_FILING_DAYS - 75 - 4, TIMELY_FILING_DAYS + 30 - 4)
NOACK_SEEDED_LOST = 50.0
UNMATCHED_PERCENT = 1.0  # remits of claims billed before the year, per claim billed
UNMATCHED_DOMINANT = 6.0  # ... when posting is dominant (the hospital's, per its claims)
PAY_LAG = (14, 35)  # days from billing to a payer's payment
SHARE = 0.6  # paid claims with a patient share


@dataclass(slots=True)
class _Claim:
    """What the truth needs of one billed claim."""

    pcn: str
    payer: str
    service: date
    charge: Decimal
    state: str = "paid"  # paid / denied / rejected / unanswered
    accepted: bool = False  # named accepted in a 277CA
    answered: date | None = None  # the 835's payment date
    denial: str = ""  # "CO-197"


@dataclass(slots=True)
class PracticeManifest:
    """What ``generate_practice`` wrote; ``truth`` is ``truth/assessment.json``'s content."""

    seed: int
    claims: int
    anchor: str
    dominant: str
    files: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    unmatched: int = 0
    truth: dict[str, Any] = field(default_factory=dict)


def batches_for(claims: int) -> int:
    """Several batches a week at any size: the deadline windows need billing days in each
    month; at most 250 batches (a 50,000-claim year: 200 claims a file)."""
    return max(1, min(250, max(48, claims // 25), claims))


class _Practice:
    def __init__(self, out: Path, seed: int, claims: int, anchor: date, dominant: str,
                 noack: dict[int, float]) -> None:
        self.out = out
        self.noack = noack  # batch number -> percent of its claims never answered
        self.anchor = anchor
        self.last_day = anchor - timedelta(days=1)
        self.dominant = dominant
        self.world = build_world(seed, patients=patients_for(claims))
        self.rng = random.Random(f"rcmdesk-synth-practice-{seed}")
        self.controls = Controls()
        self.claims: list[_Claim] = []
        self.unmatched: list[Decimal] = []
        self.remits = 0  # claim payments written
        self.turn = 0
        self.history = 0
        self.manifest = PracticeManifest(seed, claims, anchor.isoformat(), dominant)
        for kind in KINDS:
            (out / kind).mkdir(parents=True, exist_ok=True)
            self.manifest.files[kind] = 0

    def _count(self, table: dict[str, int], key: str, n: int = 1) -> None:
        table[key] = table.get(key, 0) + n

    def _outcome(self, billed: Billed, number: int, day: date) -> str:
        rng = self.rng
        dominant = OUTCOME_OF.get(self.dominant)
        if number in self.noack and rng.random() * 100 < self.noack[number]:
            return UNANSWERED
        if billed.kind == "I":
            recent = (self.anchor - day).days <= RECENT_DAYS or dominant == UNANSWERED
            if dominant and recent and rng.random() * 100 < HOSPITAL_DOMINANT:
                return dominant
            return "paid"
        draw = rng.random() * 100
        for outcome, percent in BASE_PERCENT.items():
            percent = percent / 5 if outcome == dominant else percent
            if draw < percent:
                return outcome
            draw -= percent
        return "paid"

    def batch(self, number: int, practice: Practice, count: int, first: int, day: date) -> None:
        rng, files = self.rng, self.manifest.files
        provider = billing_provider(practice)
        billed = [make_claim(rng, self.world, practice, provider, f"{practice.code}{first + i:08d}",
                             service_date(rng, day)) for i in range(count)]
        name, today = f"{practice.code}-{number:06d}", d8(day)
        group = write_837(self.out / "837" / f"{name}.x12", self.controls, practice,
                          practice.kind, [b.claim for b in billed], today, name)
        write_999(self.out / "999" / f"{name}.x12", self.controls, practice, practice.kind,
                  group, today)
        self._count(files, "837")
        self._count(files, "999")
        noack = number in self.noack
        decided: list[tuple[Billed, _Claim]] = []
        for b in billed:
            state = self._outcome(b, number, day)
            if noack and state == REJECTED:
                state = UNANSWERED  # nothing came back to reject it
            record = _Claim(b.claim.patient_control_number, b.payer.name, b.service_date,
                            b.claim.charge, state, accepted=not noack and state != REJECTED)
            self.claims.append(record)
            self._count(self.manifest.outcomes, state)
            decided.append((b, record))
        if not noack:
            rejected = [Rejection(b, *rng.choice(outcomes.REJECTIONS))
                        for b, r in decided if r.state == REJECTED]
            write_277ca(self.out / "277ca" / f"{name}.x12", self.controls, practice,
                        [b for b, r in decided if r.state != REJECTED], rejected, today, name,
                        name_accepted=True)
            self._count(files, "277ca")
        history = self._history(practice, count)
        for payer in self.world.payers:
            mine = [(b, r) for b, r in decided
                    if b.payer.code == payer.code and r.state in ("paid", DENIED)]
            theirs = [b for b in history if b.payer.code == payer.code]
            paid_day = day + timedelta(days=rng.randint(*PAY_LAG))
            if not (mine or theirs) or paid_day > self.last_day:
                for _b, r in mine:  # the payer's answer is still on its way
                    r.state = UNANSWERED
                    self._count(self.manifest.outcomes, "lag")
                continue
            self.adjudicate(payer, practice, mine, theirs, paid_day, f"{payer.code}-{name}")

    def _history(self, practice: Practice, count: int) -> list[Billed]:
        """Claims billed before the year, paid now: their remits match no claim of the run."""
        posting, hospital = self.dominant == "posting", practice.kind == "I"
        if hospital:
            percent = UNMATCHED_DOMINANT if posting else 0.0
        else:
            percent = UNMATCHED_PERCENT / 5 if posting else UNMATCHED_PERCENT
        n = int(count * percent / 100) + (self.rng.random() < (count * percent / 100) % 1)
        provider = billing_provider(practice)
        out = []
        for _ in range(n):
            self.history += 1
            dos = self.anchor - timedelta(days=HISTORY_DAYS + self.rng.randint(10, 60))
            out.append(make_claim(self.rng, self.world, practice, provider,
                                  f"{practice.code}H{self.history:07d}", dos))
        return out

    def adjudicate(self, payer: Payer, practice: Practice, mine: list[tuple[Billed, _Claim]],
                   theirs: list[Billed], day: date, name: str) -> None:
        rng = self.rng
        received = d8(day - timedelta(days=rng.randint(7, 12)))
        claims: list[t835.Claim] = []
        for b, r in mine:
            icn = self.controls.next_icn(payer)
            r.answered = day
            if r.state == DENIED:
                reason = _DENIAL_CYCLE[self.turn % len(_DENIAL_CYCLE)]
                self.turn += 1
                r.denial = f"{reason.group}-{reason.reason}"
                claims.append(outcomes.denied(b, icn, received, 0, reason))
            else:
                claims.append(outcomes.paid(rng, b, icn, received, share=rng.random() < SHARE))
        for b in theirs:
            claim = outcomes.paid(rng, b, self.controls.next_icn(payer), received,
                                  share=rng.random() < SHARE)
            self.unmatched.append(claim.paid)
            claims.append(claim)
        remit = remittance(self.controls, payer, practice, claims, (), d8(day))
        write_835(self.out / "835" / f"{name}.x12", self.controls, remit, payer, practice)
        self._count(self.manifest.files, "835")
        self.remits += len(claims)


def generate_practice(out_dir: Path, *, seed: int = 1, claims: int = 2000,
                      anchor: date = DEFAULT_ANCHOR, dominant: str = "denials",
                      progress: Callable[[int], None] | None = None) -> PracticeManifest:
    """Write one client's year of files (``out_dir/{837,999,277ca,835}``) and its truth
    (``out_dir/truth/assessment.json``), as of ``anchor``; files are dated before it."""
    if claims < 1:
        raise ValueError("claims must be at least 1")
    if dominant not in DOMINANTS:
        raise ValueError(f"dominant must be one of {', '.join(DOMINANTS)}")
    batches = batches_for(claims)
    start = anchor - timedelta(days=HISTORY_DAYS)
    days = [start + timedelta(days=n * (HISTORY_DAYS - 1) // max(1, batches - 1))
            for n in range(batches)]
    noack = {n + 1: NOACK_LOST for n in range(batches) if n % NOACK_EVERY == NOACK_EVERY - 3}
    for before in NOACK_DAYS:
        nearest = min(range(batches), key=lambda n: abs((anchor - days[n]).days - before))
        noack[nearest + 1] = NOACK_SEEDED_LOST
    run = _Practice(out_dir, seed, claims, anchor, dominant, noack)
    done = 0
    practices = run.world.practices
    for number, day in enumerate(days):
        count = (claims * (number + 1)) // batches - done
        if count:
            run.batch(number + 1, practices[number % len(practices)], count, done + 1, day)
        done += count
        if progress is not None:
            progress(done)
    manifest = run.manifest
    manifest.unmatched = len(run.unmatched)
    manifest.truth = truth(run.claims, run.unmatched, run.remits, anchor, dominant,
                           manifest.files)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth" / "assessment.json").write_text(
        json.dumps(manifest.truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


# --- the truth, by ``rcmdesk.assessments.figures``' definitions --------------------------------


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


class _Figure:
    __slots__ = ("count", "dollars")

    def __init__(self) -> None:
        self.count = 0
        self.dollars = ZERO

    def add(self, dollars: Decimal) -> None:
        self.count += 1
        self.dollars += dollars

    def json(self) -> dict[str, Any]:
        return {"count": self.count, "dollars": _money(self.dollars)}


def _bucket(age: int) -> str:
    for label, low, high in AGING:
        if age >= low and (high is None or age <= high):
            return label
    return AGING[0][0]  # a service after D counts as current


def truth(claims: list[_Claim], unmatched: list[Decimal], remits: int, as_of: date,
          dominant: str, files: dict[str, int]) -> dict[str, Any]:
    """Every figure as of ``as_of`` from the run's own records (definitions: figures.py)."""
    labels = [label for label, _low, _high in AGING]
    aging_totals = {label: _Figure() for label in labels}
    aging_payers: dict[str, dict[str, _Figure]] = {}
    windows = {str(days): _Figure() for days in WINDOWS} | {"past": _Figure()}
    window_payers: dict[str, dict[str, _Figure]] = {key: {} for key in windows}
    denials: dict[str, dict[str, _Figure]] = {}
    backlog = {work: {"open": _Figure(), "recoverable": _Figure()} for work in WORK_TYPES}
    quality = {"charges_claims": [0, 0], "ar_followup": [0, 0], "denials": [0, 0],
               "posting": [remits, len(unmatched)]}
    for c in claims:
        quality["charges_claims"][0] += 1
        quality["charges_claims"][1] += c.state == REJECTED
        quality["ar_followup"][0] += 1
        late = c.answered is None or (c.answered - c.service).days > FOLLOWUP_DAYS
        quality["ar_followup"][1] += late
        if c.answered is not None:
            quality["denials"][0] += 1
            quality["denials"][1] += c.state == DENIED
        if c.state == "paid":
            continue  # the insurance balance is 0: not open
        balance = c.charge
        bucket = _bucket((as_of - c.service).days)
        aging_totals[bucket].add(balance)
        aging_payers.setdefault(c.payer, {label: _Figure() for label in labels})[bucket].add(
            balance)
        limit = c.service + timedelta(days=TIMELY_FILING_DAYS)
        if c.answered is None and not c.accepted:
            for days in WINDOWS:
                if as_of < limit <= as_of + timedelta(days=days):
                    windows[str(days)].add(balance)
                    window_payers[str(days)].setdefault(c.payer, _Figure()).add(balance)
            if limit <= as_of:
                windows["past"].add(balance)
                window_payers["past"].setdefault(c.payer, _Figure()).add(balance)
        if c.state == DENIED:
            assert c.answered is not None
            cause = denials.setdefault(c.denial, {"open": _Figure(), "appealable": _Figure()})
            cause["open"].add(balance)
            backlog["denials"]["open"].add(balance)
            if c.answered + timedelta(days=APPEAL_DAYS) >= as_of:
                cause["appealable"].add(balance)
                backlog["denials"]["recoverable"].add(balance)
        elif c.state == REJECTED:
            backlog["rejections"]["open"].add(balance)
            if limit > as_of:
                backlog["rejections"]["recoverable"].add(balance)
        elif (as_of - c.service).days > FOLLOWUP_DAYS:  # unanswered, not rejected
            backlog["ar_followup"]["open"].add(balance)
            if c.accepted or limit > as_of:
                backlog["ar_followup"]["recoverable"].add(balance)
    for paid in unmatched:
        backlog["unmatched_remits"]["open"].add(paid)
        backlog["unmatched_remits"]["recoverable"].add(paid)
    yields = _yields(backlog)
    best = max(yields, key=lambda w: (Decimal(yields[w]["per_hour"]), w))
    services = [c.service for c in claims]
    return {
        "as_of": as_of.isoformat(),
        "claims": len(claims),
        "billed": _money(sum((c.charge for c in claims), ZERO)),
        "first_service": min(services).isoformat() if services else None,
        "last_service": max(services).isoformat() if services else None,
        "files": dict(files),
        "deadlines": {"payer_kind": PAYER_KIND, "timely_filing_days": TIMELY_FILING_DAYS,
                      "appeal_days": APPEAL_DAYS, "followup_days": FOLLOWUP_DAYS},
        "aging": {
            "buckets": labels,
            "totals": {label: f.json() for label, f in aging_totals.items()},
            "payers": {payer: {label: f.json() for label, f in row.items()}
                       for payer, row in sorted(aging_payers.items())},
        },
        "filing": {key: {**f.json(), "by_payer": {p: pf.json() for p, pf in
                                                 sorted(window_payers[key].items())}}
                   for key, f in windows.items()},
        "denials": {code: {"open": d["open"].json(), "appealable": d["appealable"].json()}
                    for code, d in sorted(denials.items())},
        "backlog": {work: {"open": b["open"].json(), "recoverable": b["recoverable"].json()}
                    for work, b in backlog.items()},
        "quality": {flow: {"volume": v, "rework": r} for flow, (v, r) in quality.items()},
        "assumptions": {"handle_hours": {w: str(h) for w, h in HANDLE_HOURS.items()},
                        "recovery_percent": {w: str(p) for w, p in RECOVERY_PERCENT.items()}},
        "yield": yields,
        "dominant": dominant,
        "highest_yield_workflow": best,
    }


def _yields(backlog: dict[str, dict[str, _Figure]]) -> dict[str, dict[str, str]]:
    """Per workflow: expected = recoverable x recovery percent, hours = open items x handle
    hours, and their ratio (the recommendation's ranking, under the default assumptions)."""
    expected: dict[str, Decimal] = {}
    hours: dict[str, Decimal] = {}
    for work, b in backlog.items():
        flow = WORKFLOW[work]
        expected[flow] = expected.get(flow, ZERO) + (
            b["recoverable"].dollars * RECOVERY_PERCENT[work] / 100)
        hours[flow] = hours.get(flow, ZERO) + b["open"].count * HANDLE_HOURS[work]
    return {flow: {"expected": _money(expected[flow]), "hours": f"{hours[flow]:.2f}",
                   "per_hour": _money(expected[flow] / hours[flow] if hours[flow] else ZERO)}
            for flow in expected}
