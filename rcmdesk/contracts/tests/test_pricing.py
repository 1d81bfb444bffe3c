"""How a contract prices a claim's lines, basis by basis and rule by rule (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rcmdesk.contracts.pricing import (
    CASE_RATE,
    PCT_CHARGE,
    PCT_REFERENCE,
    PER_DIEM,
    Line,
    Rate,
    Schedule,
    Terms,
    beyond_tolerance,
    price_claim,
)

D = Decimal
DAY = date(2026, 3, 2)
REFERENCE = {("99213", ""): (D("92.03"), D("65.11")), ("93000", "26"): (D("8.50"), D("8.50"))}


def terms(**kwargs: object) -> Terms:
    return Terms(reference=lambda code, mod: REFERENCE.get((code, mod)), **kwargs)  # type: ignore[arg-type]


def amounts(lines: list[Line], rates: list[Rate], **kwargs: object) -> list[Decimal | None]:
    return [p.amount for p in price_claim(lines, Schedule(rates), terms(**kwargs))]


def line(n: int, code: str, charge: str = "500.00", **kwargs: object) -> Line:
    return Line(n, code, DAY, D(charge), **kwargs)  # type: ignore[arg-type]


def test_a_fee_is_paid_per_unit_and_never_above_what_was_billed() -> None:
    rates = [Rate(1, 1, "97110", amount=D("31.40"))]
    assert amounts([line(1, "97110", units=D(3)), line(2, "97110", "50.00", units=D(2))],
                   rates) == [D("94.20"), D("50.00")]


def test_a_percent_of_the_reference_takes_the_facility_price_in_a_facility() -> None:
    rates = [Rate(1, 1, "99213", basis=PCT_REFERENCE, percent=D(120))]
    office, hospital = line(1, "99213", place_of_service="11"), line(
        2, "99213", place_of_service="22")
    assert amounts([office, hospital], rates) == [D("110.44"), D("78.13")]


def test_codes_without_a_row_take_the_contracts_percent_of_the_reference() -> None:
    priced = price_claim([line(1, "99213"), line(2, "99999")], Schedule([]),
                         terms(reference_percent=D(100)))
    assert [p.amount for p in priced] == [D("92.03"), None]
    assert priced[1].basis == "99999 is not in the reference schedule"


def test_a_percent_of_charges_and_a_per_diem() -> None:
    rates = [Rate(1, 1, "J3490", basis=PCT_CHARGE, percent=D("45.5")),
             Rate(2, 1, "0120", basis=PER_DIEM, amount=D("1450.00"))]
    room = Line(2, "", DAY, D("9000.00"), units=D(4), revenue_code="0120")
    assert amounts([line(1, "J3490", "200.00"), room], rates) == [D("91.00"), D("5800.00")]


def test_a_case_rate_pays_the_stay_on_its_line_and_nothing_on_the_others() -> None:
    rates = [Rate(1, 1, "0450", basis=CASE_RATE, amount=D("2400.00")),
             Rate(2, 1, "99285", amount=D("300.00"))]
    er = Line(1, "", DAY, D("1800.00"), revenue_code="0450")
    priced = price_claim([er, line(2, "99285")], Schedule(rates), terms())
    assert [p.amount for p in priced] == [D("2400.00"), D("0.00")]
    assert priced[1].basis == "included in the case rate (0450)"


def test_bilateral_is_one_unit_at_the_bilateral_percent_unless_it_has_its_own_row() -> None:
    rates = [Rate(1, 1, "27447", amount=D("1800.00"))]
    both = line(1, "27447", "9000.00", modifiers=("50",), units=D(2))
    assert amounts([both], rates) == [D("2700.00")]
    own = [*rates, Rate(2, 1, "27447", modifier="50", amount=D("2500.00"))]
    assert amounts([both], own) == [D("5000.00")]


def test_second_and_later_surgeries_of_a_day_are_reduced_the_most_valuable_first() -> None:
    rates = [Rate(1, 1, "11042", amount=D("120.00")), Rate(2, 1, "27130", amount=D("1500.00")),
             Rate(3, 1, "99213", amount=D("90.00"))]
    lines = [line(1, "11042"), line(2, "27130", "9000.00"), line(3, "99213")]
    assert amounts(lines, rates, multiple_procedure_percent=D(50)) == [
        D("60.00"), D("1500.00"), D("90.00")]
    assert amounts(lines, rates) == [D("120.00"), D("1500.00"), D("90.00")]


def test_the_most_specific_row_wins_modifier_and_place_before_the_plain_code() -> None:
    rates = [Rate(1, 1, "93000", amount=D("20.00")),
             Rate(2, 1, "93000", modifier="26", amount=D("9.00")),
             Rate(3, 1, "93000", modifier="26", place_of_service="22", amount=D("8.00"))]
    assert amounts([line(1, "93000", modifiers=("26",), place_of_service="22"),
                    line(2, "93000", modifiers=("26",), place_of_service="11"),
                    line(3, "93000")], rates) == [D("8.00"), D("9.00"), D("20.00")]


def test_a_variance_must_exceed_both_the_dollar_and_the_percent_tolerance() -> None:
    assert not beyond_tolerance(D("100.00"), D("99.00"), D("1.00"), D("1"))
    assert not beyond_tolerance(D("1000.00"), D("992.00"), D("1.00"), D("1"))
    assert beyond_tolerance(D("1000.00"), D("989.99"), D("1.00"), D("1"))
    assert beyond_tolerance(D("100.00"), D("102.50"), D("2.00"), D("2"))
