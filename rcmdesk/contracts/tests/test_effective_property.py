"""The schedule in force on the date of service is always the one applied: across rate
changes, retroactive changes and removed rows, pricing agrees with a brute-force oracle.

The oracle is written from the rule as a billing person states it, not from
``pricing.effective``: of all the rows for the code, keep those whose dates cover the day;
the one from the newest version wins (the later row of one version on a tie); if it removes
the code there is no rate, and the contract's default (percent of the reference) applies.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rcmdesk.contracts.book import ContractBook
from rcmdesk.contracts.pricing import Line, Rate, Schedule, Terms, price_claim
from rcmdesk.contracts.services import RateRow, do_add_version
from rcmdesk.contracts.tests.factories import contract, payer
from rcmdesk.tenancy.roles import Role

CODES = ("99213", "99214", "G0439")
START = date(2026, 1, 1)
DAYS = 400
REFERENCE = (Decimal("80.00"), Decimal("60.00"))
DEFAULT_PERCENT = Decimal("110")


def _day(offset: int) -> date:
    return START + timedelta(days=offset)


@st.composite
def versions(draw: Any) -> list[list[Rate]]:
    """A contract's history: each version a few rows (a rate from a day, possibly ending,
    possibly a removal), any of which may reach back before earlier versions' rows."""
    history: list[list[Rate]] = []
    next_id = 1
    for number in range(1, draw(st.integers(1, 6)) + 1):
        rows = []
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, DAYS))
            end = draw(st.one_of(st.none(), st.integers(start, DAYS)))
            removed = draw(st.booleans()) and draw(st.booleans())
            amount = None if removed else Decimal(draw(st.integers(1, 500)))
            rows.append(Rate(next_id, number, draw(st.sampled_from(CODES)),
                             amount=amount, effective_from=_day(start),
                             effective_to=None if end is None else _day(end),
                             removed=removed))
            next_id += 1
        history.append(rows)
    return history


def oracle(history: list[list[Rate]], code: str, day: date) -> Decimal | None:
    """Brute force: walk the versions newest first, rows of one version last first; the
    first row of the code that covers the day decides (a removal decides "no rate")."""
    for rows in reversed(history):
        for rate in reversed(rows):
            ends = rate.effective_to or date.max
            if rate.procedure == code and rate.effective_from <= day <= ends:
                if rate.removed:
                    return None
                return rate.amount
    return None


def expected_under_default(own: Decimal | None) -> Decimal:
    """What the line is expected at: its own fee, else the contract's default percent of
    the (non-facility) reference; the charge is high enough never to limit it."""
    if own is not None:
        return own.quantize(Decimal("0.01"))
    return (REFERENCE[0] * DEFAULT_PERCENT / 100).quantize(Decimal("0.01"))


@given(history=versions(), code=st.sampled_from(CODES),
       offsets=st.lists(st.integers(-5, DAYS + 5), min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_the_row_in_force_on_the_date_of_service_is_the_one_applied(
        history: list[list[Rate]], code: str, offsets: list[int]) -> None:
    schedule = Schedule(rate for rows in history for rate in rows)
    for offset in offsets:
        day = _day(offset)
        found = schedule.find([code], [], "11", day)
        truth = oracle(history, code, day)
        assert (found.amount if found else None) == truth


@given(history=versions(), code=st.sampled_from(CODES),
       offsets=st.lists(st.integers(-5, DAYS + 5), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_a_removed_or_missing_rate_falls_back_to_the_contract_default(
        history: list[list[Rate]], code: str, offsets: list[int]) -> None:
    schedule = Schedule(rate for rows in history for rate in rows)
    terms = Terms(reference_percent=DEFAULT_PERCENT, reference=lambda p, m: REFERENCE)
    lines = [Line(n, code, _day(offset), Decimal("100000.00"))
             for n, offset in enumerate(offsets, start=1)]
    priced = price_claim(lines, schedule, terms)
    assert [p.amount for p in priced] == [
        expected_under_default(oracle(history, code, line.service_date)) for line in lines]


# --- the same rule through the database ------------------------------------------------

SCENARIO: list[list[RateRow]] = [
    # v1: the initial schedule
    [RateRow("99213", date(2026, 1, 1), amount=Decimal("100.00")),
     RateRow("99214", date(2026, 1, 1), amount=Decimal("150.00"))],
    # v2: a rate change from July
    [RateRow("99213", date(2026, 7, 1), amount=Decimal("110.00"))],
    # v3: a retroactive correction: March to May at 105, reaching back over v1
    [RateRow("99213", date(2026, 3, 1), amount=Decimal("105.00"),
             effective_to=date(2026, 5, 31))],
    # v4: 99214 removed from September
    [RateRow("99214", date(2026, 9, 1), removed=True)],
]


@pytest.mark.parametrize(("code", "day", "amount"), [
    ("99213", date(2025, 12, 31), None),
    ("99213", date(2026, 2, 28), Decimal("100.00")),
    ("99213", date(2026, 3, 1), Decimal("105.00")),
    ("99213", date(2026, 5, 31), Decimal("105.00")),
    ("99213", date(2026, 6, 1), Decimal("100.00")),
    ("99213", date(2026, 7, 1), Decimal("110.00")),
    ("99214", date(2026, 8, 31), Decimal("150.00")),
    ("99214", date(2026, 9, 1), None),
])
def test_versions_added_through_the_service_price_each_day_by_the_rule(
        world: Any, code: str, day: date, amount: Decimal | None) -> None:
    made = contract(world.acme)
    admin = world.user(Role.CLIENT_ADMIN)
    for n, rows in enumerate(SCENARIO, start=1):
        do_add_version(made, rows, note=f"step {n}", acting_user=admin)
    book = ContractBook(world.acme.pk)
    found_contract = book.contract_for(payer(world.acme).pk)
    assert found_contract == made
    found = book.schedule(made).find([code], [], "11", day)
    assert (found.amount if found else None) == amount
    history = [[Rate(0, n, r.procedure, amount=r.amount, effective_from=r.effective_from,
                     effective_to=r.effective_to, removed=r.removed) for r in rows]
               for n, rows in enumerate(SCENARIO, start=1)]
    assert oracle(history, code, day) == amount

