"""The statistics QA needs to say what a sample proves: pure Python, no Django, no SciPy.

A client cannot tell whether "96 % accurate" on 25 audits means anything; an interval at a
stated confidence, with the sample size beside it, can. Everything here works on counts and
dollars handed in, so it is tested alone (``tests/test_stats.py``) and reused by the draws
(``sampling``), the accuracy reader (``accuracy``) and the pages.

Proportions (each audited item is right or wrong):

* ``proportion_interval`` is the **Wilson score** interval. Clopper-Pearson ("exact") is
  guaranteed never to cover less than the nominal level, but it buys that by covering much
  more (a "90 %" interval that covers 95-97 % of the time at n = 25-300 and p near 4 %), so it
  overstates the uncertainty a client is shown. The Wald interval (p +/- z se) collapses to
  [0, 0] when no error was found and covers far less than nominal for small n or p near 0.
  Wilson's coverage stays close to the nominal level on average for small n and small p
  (Brown, Cai and DasGupta 2001, "Interval Estimation for a Binomial Proportion"), it never
  leaves [0, 1], and with no error found its upper bound is still above 0. It needs only the
  normal quantile (``statistics.NormalDist``).
* Finite-population correction: a weekly draw is made without replacement from a known
  population; the correction f = (N - n) / (N - 1) multiplies the variance, which in Wilson's
  formula is z^2 replaced by z^2 f (the interval shrinks to the point when the whole
  population was audited).
* ``sample_size``: the textbook n0 = z^2 p (1 - p) / e^2 for a half-width e, then the finite
  population correction n = n0 / (1 + (n0 - 1) / N), rounded up. The expected error rate p
  defaults to 50 %, where p (1 - p) is largest: the conservative size when nothing is known.
* ``stratified``: strata (per specialist and workflow) combined with population weights
  W_h = N_h / N, p = sum W_h p_h, var = sum W_h^2 (1 - n_h / N_h) p_h (1 - p_h) / (n_h - 1);
  the interval is Wilson's at the effective sample size p (1 - p) / var (Kish), so it keeps
  Wilson's behaviour near 0 instead of the normal interval's.

Money (postings, write-offs): **monetary-unit sampling**. Every cent of the population is a
sampling unit, so an item is picked with probability proportional to its dollars (items of at
least one interval are certain). ``mus_select`` is systematic: interval J = total / n, a random
start in [0, J) from ``random.Random(seed)``, one hit every J; it is done in integer cents
scaled by n, so it is exact and the same seed and population give the same items anywhere.
``mus_projection`` projects the dollar error found to the population (each item below J: its
tainting t = error / book value times J; items of J or more: their actual error) and gives the
upper error limit at the confidence level the usual way (AICPA audit sampling guide / Stringer
bound): basic precision J x UL(0), plus each tainting, largest first, times J and the step
UL(k) - UL(k - 1) of the Poisson upper limits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from statistics import NormalDist

CENT = Decimal("0.01")


def z_for(confidence: float) -> float:
    """The two-sided normal quantile: 1.645 for 90 %, 1.960 for 95 %."""
    if not 0 < confidence < 1:
        raise ValueError("confidence is a fraction between 0 and 1, e.g. 0.90")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def fpc(sampled: int, population: int | None) -> float:
    """The finite-population correction of a variance, (N - n) / (N - 1); 1 when N unknown."""
    if population is None or population <= 1:
        return 1.0
    if sampled > population:
        raise ValueError(f"a sample of {sampled} from a population of {population}")
    return (population - sampled) / (population - 1)


@dataclass(frozen=True)
class Interval:
    """A proportion (0-1) with its bounds at ``confidence``."""

    estimate: float
    low: float
    high: float
    confidence: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def proportion_interval(successes: int, n: int, confidence: float = 0.90,
                        population: int | None = None) -> Interval:
    """Wilson score interval for successes / n (see the module's doc for why Wilson), with
    the finite-population correction when the population is known."""
    if n <= 0:
        raise ValueError("an interval needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n}")
    p = successes / n
    return _wilson(p, n, z_for(confidence) ** 2 * fpc(n, population), confidence, n)


def _wilson(p: float, n: float, z2: float, confidence: float, count: int) -> Interval:
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = math.sqrt(z2) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half), confidence, count)


@dataclass(frozen=True)
class SampleSize:
    """The size a target precision needs, and how it was reached (shown to the client)."""

    n: int
    n0: float  # before the finite-population correction
    z: float
    expected: float
    precision: float
    confidence: float
    population: int | None

    @property
    def how(self) -> str:
        """The computation in words and numbers, as a plan's page shows it."""
        p, e = self.expected, self.precision
        # Shortest form of each fraction (0.05, not 0.0500): a page never shows a stored
        # value's padding.
        text = (f"n0 = z\u00b2 p(1\u2212p) / e\u00b2 = {self.z:.3f}\u00b2 \u00d7 {p:.4g} \u00d7 "
                f"{1 - p:.4g} / {e:.4g}\u00b2 = {self.n0:.1f}")
        if self.population:
            text += (f"; with the finite-population correction n = n0 / (1 + (n0 \u2212 1) / N)"
                     f" = {self.n0:.1f} / (1 + {self.n0 - 1:.1f} / {self.population})")
        return text + f"; rounded up: n = {self.n}"


def sample_size(precision: float, confidence: float = 0.90, expected: float = 0.5,
                population: int | None = None) -> SampleSize:
    """How many items to audit for an interval of half-width ``precision`` (a fraction: 0.05
    is +/- 5 points) at ``confidence``, expecting an error rate ``expected`` (default 50 %:
    the largest size, when nothing is known), from a population of ``population`` items."""
    if not 0 < precision < 1:
        raise ValueError("precision is a fraction between 0 and 1, e.g. 0.05")
    if not 0 <= expected <= 1:
        raise ValueError("the expected error rate is a fraction between 0 and 1")
    z = z_for(confidence)
    n0 = z * z * expected * (1 - expected) / (precision * precision)
    n = n0 if not population else n0 / (1 + (n0 - 1) / population)
    whole = max(1, math.ceil(n - 1e-9))  # 259.99999999 from float noise is 260, not 261
    if population:
        whole = min(whole, population)
    return SampleSize(whole, n0, z, expected, precision, confidence, population)


def wald_half_width(p: float, n: int, confidence: float = 0.90,
                    population: int | None = None) -> float:
    """The normal approximation's half-width z sqrt(p (1 - p) / n x fpc): the analytic
    precision ``sample_size`` solves for."""
    return z_for(confidence) * math.sqrt(p * (1 - p) / n * fpc(n, population))


# --- strata ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stratum:
    """One stratum's population size, sample size and items found right."""

    population: int
    sampled: int
    successes: int


@dataclass(frozen=True)
class Stratified:
    estimate: float
    variance: float
    interval: Interval


def stratified(strata: Sequence[Stratum], confidence: float = 0.90) -> Stratified:
    """The population-weighted proportion over strata and its interval (module doc)."""
    used = [s for s in strata if s.sampled > 0]
    total = sum(s.population for s in used)
    if not used or total <= 0:
        raise ValueError("no stratum was sampled")
    estimate = variance = 0.0
    for s in used:
        weight = s.population / total
        p = s.successes / s.sampled
        estimate += weight * p
        variance += (weight ** 2 * (1 - s.sampled / max(s.population, s.sampled))
                     * p * (1 - p) / max(s.sampled - 1, 1))
    n = sum(s.sampled for s in used)
    effective = estimate * (1 - estimate) / variance if variance > 0 else float(n)
    z2 = z_for(confidence) ** 2
    return Stratified(estimate, variance,
                      _wilson(estimate, max(effective, 1.0), z2, confidence, n))


# --- monetary-unit sampling ------------------------------------------------------------------

@dataclass(frozen=True)
class MusSelection:
    """What a systematic MUS draw picked and what re-running it needs."""

    item_ids: list[int]  # distinct, in id order
    hits: dict[int, int]  # item id -> sampling units that fell on it (>1 only for big items)
    total: Decimal  # dollars of the selectable population
    interval: Decimal  # J = total / n, to the cent (the exact value is total_cents / n)
    start_units: int  # the random start, in cents x n: the first hit is at start / n cents
    n: int
    left_out: list[int]  # items of no positive amount: no dollar to land on

    @property
    def start(self) -> Decimal:
        return (Decimal(self.start_units) / self.n / 100).quantize(CENT)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def mus_select(items: Sequence[tuple[int, Decimal]], n: int, seed: int) -> MusSelection:
    """Systematic monetary-unit selection of ``n`` units from ``(item id, amount)``.

    Items are laid end to end in id order, in cents; unit k (0 <= k < n) lands at
    (s + k T) / n cents for T the total cents and s = ``Random(seed).randrange(T)``.
    Comparing n x (cumulative cents) with s + k T keeps it all in integers. Each cent is hit
    with probability n / T, so an item's chance is n x cents / T, capped at 1."""
    ordered = sorted(items)
    positive = [(i, _cents(a)) for i, a in ordered if _cents(a) > 0]
    left_out = [i for i, a in ordered if _cents(a) <= 0]
    total = sum(c for _, c in positive)
    if n <= 0 or total == 0:
        return MusSelection([], {}, (Decimal(total) / 100).quantize(CENT), Decimal(0), 0,
                            max(n, 0), left_out)
    start = random.Random(seed).randrange(total)
    hits: dict[int, int] = {}
    k, cumulative = 0, 0
    for item_id, cents in positive:
        upper = n * (cumulative + cents)  # this item spans [n*cumulative, upper) in units
        while k < n and start + k * total < upper:
            hits[item_id] = hits.get(item_id, 0) + 1
            k += 1
        cumulative += cents
    interval = (Decimal(total) / n / 100).quantize(CENT)
    return MusSelection(sorted(hits), hits, (Decimal(total) / 100).quantize(CENT), interval,
                        start, n, left_out)


def poisson_upper(errors: int, confidence: float) -> float:
    """The Poisson mean whose chance of ``errors`` or fewer is 1 - confidence: the reliability
    factors of MUS tables (2.303, 3.890, 5.322 at 90 %; 2.996, 4.744, 6.296 at 95 %)."""
    alpha = 1 - confidence

    def cdf(mean: float) -> float:
        term = total = math.exp(-mean)
        for k in range(1, errors + 1):
            term *= mean / k
            total += term
        return total

    low, high = 0.0, 10.0 + 5.0 * errors
    for _ in range(200):
        middle = (low + high) / 2
        if cdf(middle) > alpha:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass(frozen=True)
class Found:
    """One sampled item: its book value and the dollars the audit found wrong in it."""

    book: Decimal
    error: Decimal


@dataclass(frozen=True)
class Projection:
    """The sample's dollar error projected to the population, and its upper limit."""

    projected: Decimal  # most likely dollar error in the population
    upper_limit: Decimal  # not exceeded, at ``confidence``
    basic_precision: Decimal  # J x UL(0): the limit had no error been found
    certain_errors: Decimal  # actual errors in items of at least J (not projected)
    taintings: list[Decimal]  # of the items below J with an error, largest first
    interval: Decimal
    confidence: float


def mus_projection(found: Sequence[Found], interval: Decimal,
                   confidence: float = 0.90) -> Projection:
    """Project the errors of a MUS sample (see the module's doc): an item below the interval
    stands for J dollars, so its tainting (error / book, at most 1) times J is projected; an
    item of J or more was certain to be picked and stands for itself."""
    certain = sum((abs(f.error) for f in found if f.book >= interval), Decimal(0))
    taints = sorted((min(abs(f.error) / f.book, Decimal(1)) for f in found
                     if 0 < f.book < interval and f.error), reverse=True)
    projected = certain + sum((t * interval for t in taints), Decimal(0))
    factors = [Decimal(repr(poisson_upper(k, confidence))) for k in range(len(taints) + 1)]
    basic = interval * factors[0]
    upper = certain + basic + sum((t * interval * (factors[k + 1] - factors[k])
                                   for k, t in enumerate(taints)), Decimal(0))
    return Projection(projected.quantize(CENT), upper.quantize(CENT, rounding=ROUND_CEILING),
                      basic.quantize(CENT), certain.quantize(CENT),
                      [t.quantize(Decimal("0.0001")) for t in taints], interval, confidence)
