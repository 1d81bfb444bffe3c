"""The money filter: dollars as a billing person reads them, from Decimals, never floats."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.web.templatetags.money import money


def test_money_has_a_dollar_sign_thousands_separators_and_two_places() -> None:
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("1234567.89")) == "$1,234,567.89"
    assert money(Decimal("0")) == "$0.00"


def test_a_negative_amount_reads_in_parentheses_as_on_a_statement() -> None:
    assert money(Decimal("-5")) == "($5.00)"


def test_a_missing_amount_is_a_dash() -> None:
    assert money(None) == "—"


def test_a_value_with_more_places_rounds_half_up_to_cents() -> None:
    assert money(Decimal("2.005")) == "$2.01"
    assert money("10") == "$10.00"
