"""Contract mode's seeded problems and their private ground truth.

In contract mode every paid line is allowed exactly its contract amount, except the
seeded ones: ``underpaid`` lines allowed 5-35% (and at least $5) less, the difference
written off as CO-45; and ``recoupments`` takebacks of an earlier payment: a PLB (WO
mostly, some FB and 72) in a later remittance of the same payer and practice whose
reference is the original claim's payer claim control number (CLP07) and whose amount is
one paid line's payment (of a claim whose paid lines were paid distinct amounts, so the
line is determinable), or a claim reversal (CLP02 22) of a one-line claim with no
correction after it.

Every decision here comes from this plan's own ``random.Random`` (seeded from the run
seed), never the run's main one, so contract mode bills the same claims as a plain run.
Which claims are seeded: claim ordinals sampled up front; an ordinal whose claim cannot
carry the problem (denied, no line worth $15, ...) passes it to the next claim that can.

The truth is written beside what the product ingests, never inside it:
``truth/underpayments.tsv``, ``truth/recoupments.tsv`` and each payer's schedule as
``contracts/<payer code>.csv``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from rcmdesk.synth import outcomes
from rcmdesk.synth.claims import Billed
from rcmdesk.synth.contracts import PayerContract, money, paid_lines, write_csv
from rcmdesk.synth.manifest import Manifest
from rcmdesk.x12 import t835

FIVE = Decimal("5.00")
MIN_EXPECTED = Decimal("15.00")  # 35% of it is above $5: any cut of 5-35% can be >= $5
UNDERPAID_TRUTH = ("pcn", "line_control_number", "payer", "procedure", "service_date",
                   "expected", "allowed")
RECOUPMENT_TRUTH = ("pcn", "line_control_number", "payer", "kind", "reference", "amount",
                    "original_remittance", "recouped_in")
REVERSAL_EVERY = 5  # one seeded recoupment in five is a reversal without a correction
RECOUP_WITHIN = 0.7  # recouped claims come from the first 70% of the run: a later remit exists


def default_underpaid(claims: int) -> int:
    """200 for 20,000 claims: one claim in a hundred."""
    return claims // 100


def default_recoupments(claims: int) -> int:
    """50 for 20,000 claims."""
    return claims // 400


@dataclass(frozen=True, slots=True)
class Underpaid:
    pcn: str
    line: str
    payer: str
    procedure: str
    service_date: date
    expected: Decimal
    allowed: Decimal


@dataclass(slots=True)
class Takeback:
    """A seeded recoupment waiting for a later remittance of its payer and practice."""

    pcn: str
    line: str
    payer: str
    practice: str
    kind: str  # WO, FB, 72 (a PLB) or "reversal"
    reference: str  # the original's CLP07
    amount: Decimal
    after: date
    original: str  # the remittance file that paid it
    claim: t835.Claim | None = None  # a reversal's original claim payment
    recouped_in: str = ""


class Plan:
    """Contract mode for one run: the schedules, the seeded problems, their truth."""

    def __init__(self, seed: int, claims: int, contracts: dict[str, PayerContract],
                 *, underpaid: int, recoupments: int) -> None:
        self.contracts = contracts
        self.rng = random.Random(f"rcmdesk-synth-contracts-{seed}")
        accepted = max(1, int(claims * 0.95))  # about 3% are rejected before the payer
        self.underpay_at = set(self.rng.sample(range(accepted), min(underpaid, accepted)))
        early = max(1, int(claims * RECOUP_WITHIN))
        self.recoup_at = set(self.rng.sample(range(early), min(recoupments, early)))
        self.seen = 0
        self.underpay_due = 0
        self.recoup_due = 0
        self.underpaid: list[Underpaid] = []
        self.pending: list[Takeback] = []
        self.recouped: list[Takeback] = []
        self.recouped_pcns: set[str] = set()

    def tick(self) -> None:
        """One more claim reached its payer: the seeded ordinals it passes fall due."""
        self.underpay_due += self.seen in self.underpay_at
        self.recoup_due += self.seen in self.recoup_at
        self.seen += 1

    def allowed(self, billed: Billed, outcome: outcomes.Outcome) -> list[Decimal]:
        """Each line's allowed amount: the contract's, or cut when this claim is seeded."""
        amounts = self._amounts(billed)
        allowed = [line.charge if a is None else a
                   for line, a in zip(billed.claim.lines, amounts, strict=True)]
        if self.underpay_due and outcome in (outcomes.Outcome.PAID,
                                             outcomes.Outcome.PATIENT_SHARE):
            worth = [i for i, a in enumerate(amounts) if a is not None and a >= MIN_EXPECTED]
            if worth:
                i = self.rng.choice(worth)
                expected = allowed[i]
                cut = max(money(expected * self.rng.randint(5, 35) / 100), FIVE)
                allowed[i] = expected - cut
                line = billed.claim.lines[i]
                self.underpaid.append(Underpaid(
                    billed.claim.patient_control_number, line.control_number, billed.payer.code,
                    line.procedure[1] if len(line.procedure) > 1 else line.revenue_code,
                    billed.service_date, expected, allowed[i]))
                self.underpay_due -= 1
        return allowed

    def expected(self, billed: Billed) -> list[Decimal]:
        """Each line's contract amount (a code with no rate: its charge), nothing seeded."""
        return [line.charge if a is None else a
                for line, a in zip(billed.claim.lines, self._amounts(billed), strict=True)]

    def _amounts(self, billed: Billed) -> list[Decimal | None]:
        contract = self.contracts[billed.payer.code]
        return [contract.allowed(line, billed.service_date) for line in billed.claim.lines]

    def paid(self, billed: Billed, outcome: outcomes.Outcome, claim: t835.Claim, day: date,
             remit_name: str) -> None:
        """A claim payment was written: seed a takeback of it when one is due and it can
        carry one (never on a claim seeded underpaid, reversed or already recouped)."""
        pcn = claim.patient_control_number
        if (not self.recoup_due or claim.status not in ("1", "19")
                or outcome not in (outcomes.Outcome.PAID, outcomes.Outcome.PATIENT_SHARE)
                or pcn in self.recouped_pcns
                or (self.underpaid and self.underpaid[-1].pcn == pcn)):
            return
        number = len(self.recouped) + len(self.pending)
        kind = "reversal" if number % REVERSAL_EVERY == REVERSAL_EVERY - 1 else (
            "FB" if number % 10 == 3 else "72" if number % 10 == 7 else "WO")
        lines = [(line.control_number, line.paid) for line in claim.lines]
        if kind == "reversal":
            if len(lines) != 1 or lines[0][1] <= 0:
                return
            index = 0
        else:
            candidates = paid_lines(lines)
            if not candidates:
                return
            index = self.rng.choice(candidates)
        self.pending.append(Takeback(
            pcn, lines[index][0], billed.payer.code, billed.practice.code, kind,
            claim.payer_claim_control_number, lines[index][1], day, remit_name,
            claim=claim if kind == "reversal" else None))
        self.recouped_pcns.add(pcn)
        self.recoup_due -= 1

    def attach(self, payer: str, practice: str, npi: str, day: date, name: str,
               claims: list[t835.Claim],
               adjustments: list[t835.ProviderAdjustment]) -> None:
        """Put the waiting takebacks of this payer and practice dated before ``day`` into
        this remittance, as long as its payment stays at or above zero."""
        room = sum((c.paid for c in claims), Decimal(0)) - sum(
            (a.amount for a in adjustments), Decimal(0))
        waiting: list[Takeback] = []
        for item in self.pending:
            if item.payer != payer or item.practice != practice or item.after >= day or (
                    item.amount > room):
                waiting.append(item)
                continue
            room -= item.amount
            if item.claim is not None:
                claims.append(outcomes.reversal(item.claim))
            else:
                fiscal = f"{day.year}1231"
                adjustments.append(t835.ProviderAdjustment(npi, fiscal, item.kind,
                                                           item.reference, item.amount))
            self.recouped.append(replace(item, recouped_in=name, claim=None))
        self.pending = waiting

    def write(self, out_dir: Path, manifest: Manifest) -> None:
        """The truth files and the payers' schedules, beside the X12; counts in the manifest."""
        truth, schedules = out_dir / "truth", out_dir / "contracts"
        truth.mkdir(parents=True, exist_ok=True)
        schedules.mkdir(parents=True, exist_ok=True)
        _tsv(truth / "underpayments.tsv", UNDERPAID_TRUTH,
             [(u.pcn, u.line, u.payer, u.procedure, u.service_date.isoformat(),
               f"{u.expected:.2f}", f"{u.allowed:.2f}") for u in self.underpaid])
        _tsv(truth / "recoupments.tsv", RECOUPMENT_TRUTH,
             [(r.pcn, r.line, r.payer, r.kind, r.reference, f"{r.amount:.2f}", r.original,
               r.recouped_in) for r in self.recouped])
        for code, contract in self.contracts.items():
            write_csv(schedules / f"{code}.csv", contract)
        m = manifest.contracts
        m["payers"] = len(self.contracts)
        m["underpaid_lines"] = len(self.underpaid)
        m["recoupments"] = len(self.recouped)
        m["recoupments_unplaced"] = len(self.pending)
        for r in self.recouped:
            manifest.count(m, f"recoupments_{r.kind.lower()}")


def _tsv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    text = "\n".join("\t".join(row) for row in [header, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
