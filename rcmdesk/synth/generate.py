"""The generator loop: one practice billing day at a time, from 837 to 999, 277CA and 835.

Only the current batch of claims is in memory; the world and the manifest have a fixed
size, so a million claims need no more memory than a thousand. Every random draw comes
from one ``random.Random`` seeded from ``seed``, in a fixed order, and dates come from
``anchor``, which is what makes the output byte-identical for the same arguments.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from rcmdesk.synth import contracts as fee_schedules
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
from rcmdesk.synth.injections import Plan, default_recoupments, default_underpaid
from rcmdesk.synth.manifest import Manifest, PayerTotals
from rcmdesk.synth.outcomes import Outcome
from rcmdesk.synth.world import Payer, Practice, World, build_world
from rcmdesk.x12 import t835

DEFAULT_ANCHOR = date(2026, 11, 1)
MAX_BATCH = 500  # claims per 837 file, hence at most this many per 835
FIRST_BILLING_DAY = 420  # days before the anchor the run's billing starts
LAST_BILLING_DAY = 60  # ... and ends, so that every remittance predates the anchor
WO_EVERY = 10  # every tenth remittance recovers an overpayment (PLB WO)
RETURN_EVERY = 23  # every 23rd books a provider's authorised return (PLB 72)
KINDS = ("837", "835", "277ca", "999")
# Days from billing to the payer's payment, by claim filing indicator (``payer_lags``):
# Medicare pays on its 14-day floor, commercial plans in two to five weeks, Medicaid later.
PAYER_LAGS = {"MB": (14, 17), "BL": (15, 30), "CI": (16, 40), "MC": (21, 45)}


def batch_size(claims: int) -> int:
    """Small runs still get about two dozen batches, so every practice bills at least
    twice (the hospital too); large runs cap the file size."""
    return max(10, min(MAX_BATCH, claims // 24 or 1))


def patients_for(claims: int) -> int:
    """A panel that grows with small runs and stops growing: memory stays flat."""
    return max(200, min(20_000, claims // 5))


class _Run:
    """State of one run; everything it keeps between batches is of fixed size."""

    def __init__(self, out_dir: Path, world: World, rng: random.Random, manifest: Manifest,
                 *, payer_lags: bool = False, plan: Plan | None = None):
        self.out = out_dir
        self.plan = plan
        self.payer_lags = payer_lags
        self.world = world
        self.rng = rng
        self.manifest = manifest
        self.controls = Controls()
        self.remits = 0
        self.denials = 0
        self.last_paid: dict[str, str] = {}  # payer code -> a PCN it paid earlier
        for kind in KINDS:
            (out_dir / kind).mkdir(parents=True, exist_ok=True)
            manifest.files[kind] = 0
        for payer in world.payers:
            manifest.payers[payer.code] = PayerTotals()

    def batch(self, number: int, practice: Practice, count: int, first: int, day: date) -> None:
        rng, m = self.rng, self.manifest
        provider = billing_provider(practice)
        billed = [
            make_claim(
                rng,
                self.world,
                practice,
                provider,
                f"{practice.code}{first + i:08d}",
                service_date(rng, day),
            )
            for i in range(count)
        ]
        name = f"{practice.code}-{number:06d}"
        today = d8(day)
        group = write_837(
            self.out / "837" / f"{name}.x12",
            self.controls,
            practice,
            practice.kind,
            [b.claim for b in billed],
            today,
            name,
        )
        write_999(
            self.out / "999" / f"{name}.x12", self.controls, practice, practice.kind, group, today
        )
        m.count(m.files, "837")
        m.count(m.files, "999")
        m.count(m.claim_kinds, practice.kind, count)
        decided = [(b, outcomes.choose(rng)) for b in billed]
        rejected = [
            Rejection(b, *rng.choice(outcomes.REJECTIONS))
            for b, outcome in decided
            if outcome is Outcome.REJECTED
        ]
        accepted = [(b, o) for b, o in decided if o is not Outcome.REJECTED]
        for _b, outcome in decided:
            m.count(m.outcomes, outcome.value)
        if rejected:
            write_277ca(
                self.out / "277ca" / f"{name}.x12",
                self.controls,
                practice,
                [b for b, _o in accepted],
                rejected,
                today,
                name,
            )
            m.count(m.files, "277ca")
        paid_day = day + timedelta(days=rng.randint(14, 28))
        for payer in self.world.payers:
            mine = [(b, o) for b, o in accepted if b.payer.code == payer.code]
            if mine:
                paid = paid_day
                if self.payer_lags:
                    lag = PAYER_LAGS.get(payer.filing_indicator, (14, 28))
                    paid = day + timedelta(days=rng.randint(*lag))
                self.adjudicate(payer, practice, mine, paid, f"{payer.code}-{name}")

    def adjudicate(
        self,
        payer: Payer,
        practice: Practice,
        items: Sequence[tuple[Billed, Outcome]],
        day: date,
        name: str,
    ) -> None:
        """The payer's check for this batch, plus a later one for reversals/corrections."""
        rng, m = self.rng, self.manifest
        received = d8(day - timedelta(days=rng.randint(7, 12)))
        claims: list[t835.Claim] = []
        later: list[t835.Claim] = []
        interest = Decimal("0.00")
        # Contract mode: what the plain run would have paid, on which the run's random
        # decisions are taken so that its random sequence stays the plain run's.
        shadow_paid = shadow_later = Decimal("0.00")
        seeded: list[tuple[Billed, Outcome, t835.Claim]] = []
        for b, outcome in items:
            icn = self.controls.next_icn(payer)
            if self.plan is not None:
                self.plan.tick()
            if outcome is Outcome.DENIED:
                claims.append(outcomes.denied(b, icn, received, self.denials))
                self.denials += 1
                continue
            share = outcome is not Outcome.PAID
            bundle = outcome is Outcome.BUNDLED
            if self.plan is None:
                claim = shadow = outcomes.paid(rng, b, icn, received, share=share, bundle=bundle)
            else:
                claim, shadow = outcomes.paid_by_contract(
                    rng, b, icn, received, self.plan.allowed(b, outcome), share=share,
                    bundle=bundle)
            shadow_paid += shadow.paid
            replaced = shadow.paid  # what a reversal takes back, in the plain run
            secondary = b.patient.secondary
            if outcome in (Outcome.PAID, Outcome.PATIENT_SHARE):
                if payer.filing_indicator == "MB" and secondary is not None:
                    claim = outcomes.crossed_over(claim, self.world.payer(secondary.payer_code))
                    m.count(m.overlays, "crossover")
                if shadow.paid and rng.random() < outcomes.INTEREST_RATE:
                    with_interest, owed = outcomes.with_interest(rng, claim)
                    if claim.paid:
                        claim = with_interest
                        interest += owed
                        m.count(m.overlays, "interest")
            claims.append(claim)
            if shadow.paid:
                self.last_paid[payer.code] = claim.patient_control_number
            if self.plan is not None:
                seeded.append((b, outcome, claim))
            if outcome is Outcome.REVERSED:
                later.append(outcomes.reversal(claim))
                correction_icn = self.controls.next_icn(payer)
                if self.plan is None:
                    correction = outcomes.paid(
                        rng, b, correction_icn, received, share=False, best_rate=True
                    )
                    shadow_later += correction.paid - replaced
                else:
                    correction, shadow = outcomes.paid_by_contract(
                        rng, b, correction_icn, received, self.plan.expected(b),
                        share=False, best_rate=True)
                    shadow_later += shadow.paid - replaced
                later.append(correction)
        self.remit(payer, practice, claims, day, f"{name}-1", interest, shadow_paid)
        if self.plan is not None:
            for b, outcome, claim in seeded:
                self.plan.paid(b, outcome, claim, day, f"{name}-1")
        if later:
            self.remit(
                payer,
                practice,
                later,
                day + timedelta(days=rng.randint(14, 21)),
                f"{name}-2",
                Decimal("0.00"),
                shadow_later,
            )
        totals = m.payers[payer.code]
        totals.billed += sum((b.claim.charge for b, _o in items), Decimal("0.00"))

    def remit(
        self,
        payer: Payer,
        practice: Practice,
        claims: list[t835.Claim],
        day: date,
        name: str,
        interest: Decimal,
        shadow_paid: Decimal,
    ) -> None:
        """One 835 file; provider-level adjustments never take the payment below zero.

        ``shadow_paid``: the claim payments of the plain run, which decide its periodic
        WO/72 adjustments. Contract mode draws them too but leaves them out (their
        references name no claim payment); its takebacks are the plan's seeded ones.
        """
        m = self.manifest
        self.remits += 1
        fiscal = f"{day.year}1231"
        adjustments: list[t835.ProviderAdjustment] = []
        if interest:
            adjustments.append(t835.ProviderAdjustment(practice.npi, fiscal, "L6", "", -interest))
        room = shadow_paid
        earlier = self.last_paid.get(payer.code)
        if self.remits % WO_EVERY == 0 and earlier and room >= 30:
            amount = min(Decimal(self.rng.randint(25, 150)), (room / 3).quantize(Decimal("0.01")))
            adjustments.append(t835.ProviderAdjustment(practice.npi, fiscal, "WO", earlier, amount))
            room -= amount
        if self.remits % RETURN_EVERY == 0 and room >= 20:
            amount = min(Decimal(self.rng.randint(10, 80)), (room / 2).quantize(Decimal("0.01")))
            reference = f"RTN{self.remits:08d}"
            adjustments.append(
                t835.ProviderAdjustment(practice.npi, fiscal, "72", reference, amount)
            )
        if self.plan is not None:
            adjustments = [a for a in adjustments if a.reason not in ("WO", "72")]
            self.plan.attach(payer.code, practice.code, practice.npi, day, name, claims,
                             adjustments)
        for a in adjustments:
            m.count(m.provider_adjustments, a.reason)
        remit = remittance(self.controls, payer, practice, claims, adjustments, d8(day))
        write_835(self.out / "835" / f"{name}.x12", self.controls, remit, payer, practice)
        m.count(m.files, "835")
        totals = m.payers[payer.code]
        totals.remittances += 1
        totals.claim_payments += len(claims)
        totals.paid += sum((c.paid for c in claims), Decimal("0.00"))
        totals.patient_responsibility += sum(
            (c.patient_responsibility or 0 for c in claims), Decimal("0.00")
        )
        totals.provider_adjustments += sum((a.amount for a in adjustments), Decimal("0.00"))
        totals.payments += remit.payment.amount


def generate(
    out_dir: Path,
    *,
    seed: int = 1,
    claims: int = 2000,
    anchor: date = DEFAULT_ANCHOR,
    progress: Callable[[int], None] | None = None,
    billing_days: tuple[int, int] = (FIRST_BILLING_DAY, LAST_BILLING_DAY),
    batches: int | None = None,
    payer_lags: bool = False,
    contracts: bool = False,
    underpaid: int | None = None,
    recoupments: int | None = None,
) -> Manifest:
    """Write ``claims`` claims and everything payers and the clearinghouse send back.

    Layout: ``out_dir/{837,999,277ca,835}/*.x12`` and ``out_dir/manifest.json``.
    ``billing_days`` (first, last: days before ``anchor``) and ``batches`` (how many billing
    days share the claims) let a caller bill up to the anchor day itself, several times a
    week: the demo does, and leaves out what is dated after its today. ``payer_lags``: each
    payer pays a batch on its own lag (``PAYER_LAGS``) instead of all on one day, so payments
    arrive every week; off by default, which keeps the output of the same arguments unchanged.

    ``contracts``: contract mode (``rcmdesk.synth.injections``): every payer has a fee
    schedule (``out_dir/contracts/<payer>.csv``) and pays each line exactly its contract
    amount, except ``underpaid`` seeded underpaid lines (default one claim in a hundred) and
    ``recoupments`` seeded takebacks (default one in 400), listed in ``out_dir/truth/``.
    The claims billed are the plain run's; the plain run's periodic WO/72 adjustments are
    left out (the seeded ones are the run's only takebacks).
    """
    if claims < 1:
        raise ValueError("claims must be at least 1")
    world = build_world(seed, patients=patients_for(claims))
    rng = random.Random(f"rcmdesk-synth-claims-{seed}")
    manifest = Manifest(seed=seed, claims=claims, anchor=anchor.isoformat())
    first_day, last_day = billing_days
    span = first_day - last_day
    start = anchor - timedelta(days=first_day)
    plan = None
    if contracts:
        begins, change = fee_schedules.run_dates(start - timedelta(days=7),
                                                 anchor - timedelta(days=last_day))
        plan = Plan(seed, claims, fee_schedules.schedules(world.payers, begins, change),
                    underpaid=default_underpaid(claims) if underpaid is None else underpaid,
                    recoupments=(default_recoupments(claims) if recoupments is None
                                 else recoupments))
    run = _Run(out_dir, world, rng, manifest, payer_lags=payer_lags, plan=plan)
    size = batch_size(claims) if batches is None else -(-claims // batches)
    batches = -(-claims // size)
    done = 0
    for number in range(batches):
        count = min(size, claims - done)
        practice = world.practices[number % len(world.practices)]
        day = start + timedelta(days=number * span // batches)
        run.batch(number + 1, practice, count, done + 1, day)
        done += count
        if progress is not None:
            progress(done)
    if plan is not None:
        plan.write(out_dir, manifest)
    (out_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest
