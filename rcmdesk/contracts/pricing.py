"""What a contract says a claim line should be allowed: pure Python, no database.

Which row applies (``effective``): of the rows for one code, the one from the latest
contract version whose dates cover the date of service. So a rate change (a new row from a
later date) leaves earlier dates of service on the old rate, a retroactive correction (a
newer version's row reaching back) wins for every day it covers, and a removed code (a
newer version's ``removed`` row) leaves no rate of its own from its first day: the line then
falls back to the contract's percent of the reference schedule, or is not priced.

How a line is priced (``price_claim``):
- fee and per diem: the amount x units (days, for a per diem);
- percent of the reference schedule: the reference amount (facility or non-facility by
  place of service) x percent x units; percent of charges: the billed charge x percent;
- a case rate on any line of a claim prices the whole stay on that line; the claim's other
  lines are expected at $0.00 ("included in the case rate");
- modifier 50 with no rate of its own: the code's rate x the bilateral percent, one unit;
- multiple procedures: of the surgical lines (CPT 10000-69999) of one date of service, the
  most valuable is paid in full and the others at the contract's reduction percent;
- lesser of: a line is never expected above what was billed for it (except under a case
  rate, which pays the stay whatever its charges), as payer contracts state.
Amounts are Decimal, rounded half up to the cent once, at the end of each line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
# Places of service Medicare prices at the facility rate (the rest: non-facility).
FACILITY_POS = frozenset({"19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51",
                          "52", "53", "56", "61"})
BILATERAL = "50"
# Rate bases, as ``models.RateBasis`` stores them (this module knows no Django).
FEE, PCT_REFERENCE, PCT_CHARGE, PER_DIEM, CASE_RATE = (
    "fee", "pct_reference", "pct_charge", "per_diem", "case_rate")


@dataclass(frozen=True, slots=True)
class Rate:
    """One fee-schedule row as one contract version wrote it."""

    id: int
    version: int
    procedure: str
    modifier: str = ""
    place_of_service: str = ""
    basis: str = FEE
    amount: Decimal | None = None
    percent: Decimal | None = None
    effective_from: date = date.min
    effective_to: date | None = None  # inclusive
    removed: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return self.procedure, self.modifier, self.place_of_service

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)


def effective(rates: Iterable[Rate], day: date) -> Rate | None:
    """The row of one key that applies to ``day``: the latest version covering it (the later
    row of one version on a tie); None when no row covers the day or that row removes it."""
    best: Rate | None = None
    for rate in rates:
        if rate.covers(day) and (best is None or (rate.version, rate.id)
                                 > (best.version, best.id)):
            best = rate
    return None if best is None or best.removed else best


class Schedule:
    """A contract's rows by key, for pricing many lines."""

    def __init__(self, rates: Iterable[Rate]):
        self._by_key: dict[tuple[str, str, str], list[Rate]] = defaultdict(list)
        for rate in rates:
            self._by_key[rate.key].append(rate)
        # A file bills the same few codes on the same few days over and over: each answer
        # is kept (the rows never change under a Schedule, which is built per load).
        self._found: dict[tuple[tuple[str, ...], tuple[str, ...], str, date], Rate | None] = {}

    def find(self, codes: Sequence[str], modifiers: Sequence[str], place: str,
             day: date) -> Rate | None:
        """The most specific row in force: code + modifier + place of service first, then
        without the place, then without the modifier, for each code given (the procedure,
        then the revenue code of an institutional line)."""
        question = (tuple(codes), tuple(modifiers), place, day)
        if question not in self._found:
            self._found[question] = self._search(codes, modifiers, place, day)
        return self._found[question]

    def _search(self, codes: Sequence[str], modifiers: Sequence[str], place: str,
                day: date) -> Rate | None:
        for code in (c for c in codes if c):
            for modifier in (*modifiers, ""):
                for where in (place, ""):
                    rows = self._by_key.get((code, modifier, where))
                    found = effective(rows, day) if rows else None
                    if found is not None:
                        return found
        return None


@dataclass(frozen=True, slots=True)
class Terms:
    """A contract's terms beyond its rows."""

    reference_percent: Decimal | None = None
    multiple_procedure_percent: Decimal | None = None
    bilateral_percent: Decimal = Decimal(150)
    # (procedure, modifier) -> (non-facility, facility) of the reference schedule
    reference: Callable[[str, str], tuple[Decimal, Decimal] | None] = lambda p, m: None


@dataclass(frozen=True, slots=True)
class Line:
    """A claim line as pricing needs it."""

    id: int
    procedure: str
    service_date: date
    charge: Decimal
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    place_of_service: str = ""
    revenue_code: str = ""

    @property
    def surgical(self) -> bool:
        code = self.procedure
        return len(code) == 5 and code.isdigit() and "10000" <= code <= "69999"


@dataclass(frozen=True, slots=True)
class Priced:
    """A line's expected allowed amount (None: not priced), the row behind it, and how."""

    line_id: int
    amount: Decimal | None
    rate: Rate | None
    basis: str


def price_claim(lines: Sequence[Line], schedule: Schedule, terms: Terms) -> list[Priced]:
    """Every line of one claim priced under one contract, in the lines' order."""
    rates = [schedule.find((ln.procedure, ln.revenue_code), ln.modifiers, ln.place_of_service,
                           ln.service_date) for ln in lines]
    case = _case_rate(lines, rates)
    if case is not None:
        return case
    priced = [_price_line(line, rate, terms) for line, rate in zip(lines, rates, strict=True)]
    if terms.multiple_procedure_percent is not None:
        priced = _multiple_procedures(lines, priced, terms.multiple_procedure_percent)
    return [_lesser_of(line, replace(p, amount=_cents(p.amount)))
            for line, p in zip(lines, priced, strict=True)]


def _lesser_of(line: Line, priced: Priced) -> Priced:
    if priced.amount is None or priced.amount <= line.charge:
        return priced
    return replace(priced, amount=line.charge,
                   basis=f"{priced.basis}, limited to the ${line.charge:,.2f} billed")


def _case_rate(lines: Sequence[Line], rates: list[Rate | None]) -> list[Priced] | None:
    """A stay under a case rate: the largest case rate on its line, $0.00 on the others."""
    cases = [(rate.amount or ZERO, i) for i, rate in enumerate(rates)
             if rate is not None and rate.basis == CASE_RATE]
    if not cases:
        return None
    amount, chosen = max(cases, key=lambda c: (c[0], -c[1]))
    code = lines[chosen].revenue_code or lines[chosen].procedure
    return [Priced(line.id, _cents(amount), rates[i], f"case rate ${amount:,.2f} for the stay")
            if i == chosen else
            Priced(line.id, ZERO, None, f"included in the case rate ({code})")
            for i, line in enumerate(lines)]


def _price_line(line: Line, rate: Rate | None, terms: Terms) -> Priced:
    if rate is None:
        return _contract_default(line, terms)
    units = line.units or Decimal(1)
    bilateral = BILATERAL in line.modifiers and rate.modifier != BILATERAL
    if bilateral:
        units = Decimal(1)
    amount, basis = _by_basis(line, rate, units, terms)
    if amount is not None and bilateral:
        amount = amount * terms.bilateral_percent / HUNDRED
        basis += f", bilateral at {_pct(terms.bilateral_percent)}"
    return Priced(line.id, amount, rate, basis)


def _by_basis(line: Line, rate: Rate, units: Decimal,
              terms: Terms) -> tuple[Decimal | None, str]:
    if rate.basis in (FEE, PER_DIEM):
        amount = rate.amount or ZERO
        unit = "day" if rate.basis == PER_DIEM else "unit"
        return amount * units, f"${amount:,.2f} x {_count(units, unit)}"
    if rate.basis == PCT_CHARGE:
        percent = rate.percent or ZERO
        return line.charge * percent / HUNDRED, f"{_pct(percent)} of the ${line.charge:,.2f} billed"
    return _of_reference(line, rate.percent or ZERO, units, terms)


def _contract_default(line: Line, terms: Terms) -> Priced:
    if terms.reference_percent is None:
        return Priced(line.id, None, None, "no contract rate for this code")
    amount, basis = _of_reference(line, terms.reference_percent, line.units or Decimal(1),
                                  terms)
    if amount is None:
        return Priced(line.id, None, None, basis)
    return Priced(line.id, amount, None, basis + " (the contract's rate for other codes)")


def _of_reference(line: Line, percent: Decimal, units: Decimal,
                  terms: Terms) -> tuple[Decimal | None, str]:
    modifier = next((m for m in line.modifiers if m in ("26", "TC")), "")
    found = terms.reference(line.procedure, modifier)
    if found is None:
        return None, f"{line.procedure} is not in the reference schedule"
    facility = line.place_of_service in FACILITY_POS
    base = found[1] if facility else found[0]
    setting = "facility" if facility else "non-facility"
    return (base * percent / HUNDRED * units,
            f"{_pct(percent)} of the {setting} reference ${base:,.2f} x {_count(units, 'unit')}")


def _multiple_procedures(lines: Sequence[Line], priced: list[Priced],
                         percent: Decimal) -> list[Priced]:
    """Per date of service, surgical lines after the most valuable one at ``percent``."""
    groups: dict[date, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        if line.surgical and priced[i].amount is not None and BILATERAL not in line.modifiers:
            groups[line.service_date].append(i)
    out = list(priced)
    for members in groups.values():
        ranked = sorted(members, key=lambda i: (-(priced[i].amount or ZERO), i))
        for rank, i in enumerate(ranked[1:], start=2):
            p = priced[i]
            out[i] = replace(p, amount=(p.amount or ZERO) * percent / HUNDRED,
                             basis=f"{p.basis}, procedure {rank} of the day at {_pct(percent)}")
    return out


def beyond_tolerance(expected: Decimal, allowed: Decimal, amount: Decimal,
                     percent: Decimal) -> bool:
    """A variance worth a person's time: more than both the dollar and the percent tolerance
    (the greater of the two, as contracts and payers state it)."""
    difference = abs(allowed - expected)
    return difference > amount and difference > abs(expected) * percent / HUNDRED


def _cents(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _pct(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"


def _count(units: Decimal, noun: str) -> str:
    text = f"{units.normalize():f}"
    return f"{text} {noun}" + ("" if units == 1 else "s")
