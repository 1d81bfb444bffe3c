"""Every CARC value we ship has our own root-cause category, and nothing more."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rcmdesk.remits import carc_categories
from rcmdesk.remits.carc_categories import (
    _BY_CATEGORY,
    CARC_CATEGORIES,
    DENIAL_CATEGORIES,
    NON_DENIAL_CATEGORIES,
    UNKNOWN,
    category,
    is_denial,
)
from rcmdesk.x12.codes import CARC


def test_every_shipped_carc_value_has_a_category() -> None:
    assert sorted(code for code in CARC if category(code) == UNKNOWN) == []


def test_the_table_lists_only_shipped_carc_values() -> None:
    assert sorted(set(CARC_CATEGORIES) - CARC) == []


def test_no_carc_value_is_listed_under_two_categories() -> None:
    listed = [code for codes in _BY_CATEGORY.values() for code in codes]
    assert sorted({code for code in listed if listed.count(code) > 1}) == []


def test_every_category_is_a_denial_or_a_known_non_denial() -> None:
    assert DENIAL_CATEGORIES.isdisjoint(NON_DENIAL_CATEGORIES)
    assert set(CARC_CATEGORIES.values()) <= DENIAL_CATEGORIES | NON_DENIAL_CATEGORIES
    assert UNKNOWN not in DENIAL_CATEGORIES | NON_DENIAL_CATEGORIES


@pytest.mark.parametrize(("code", "expected"), [
    ("45", "contractual"),
    ("A2", "contractual"),
    ("1", "patient_responsibility"),
    ("2", "patient_responsibility"),
    ("3", "patient_responsibility"),
    ("16", "missing_information"),
    ("18", "duplicate"),
    ("29", "timely_filing"),
    ("50", "medical_necessity"),
    ("96", "non_covered"),
    ("197", "authorization"),
])
def test_spot_checked_codes_have_their_category(code: str, expected: str) -> None:
    assert category(code) == expected


def test_sequestration_is_a_payer_adjustment_that_posts() -> None:
    assert category("253") in {"payer_adjustment", "contractual"}
    assert not is_denial("CO", "253")


def test_a_benefit_maximum_is_a_denial() -> None:
    assert category("119") in DENIAL_CATEGORIES
    assert is_denial("CO", "119")


def test_codes_are_matched_case_and_space_insensitively() -> None:
    assert category(" a2 ") == "contractual"


def test_every_table_value_is_a_short_category_id_not_a_description() -> None:
    for code, name in CARC_CATEGORIES.items():
        assert re.fullmatch(r"[a-z_]{1,32}", name), (code, name)


def test_the_module_ships_no_long_prose_strings_beyond_its_docstrings() -> None:
    tree = ast.parse(Path(carc_categories.__file__).read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    long_strings = [node.value for node in ast.walk(tree)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings and len(node.value) > 32]
    assert long_strings == []
