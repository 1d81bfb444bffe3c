"""The caps on untrusted CSV and JSON: each refusal names where (row and column, or the
element path) and the limit, and nothing else about well-formed input changes."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from rcmdesk.tests.hostile import HUGE_NUMBER, LONG_CELL, NUL, deep_array
from rcmdesk.untrusted import Limits, Refused, csv_rows, csv_table, json_document

LIMITS = Limits()


def refusal(read, *args) -> Refused:
    with pytest.raises(Refused) as caught:
        read(*args)
    return caught.value


def test_a_cell_longer_than_the_cap_is_refused_by_row_and_column():
    text = "claim_key,memo\nA1,ok\nA2," + "x" * (LIMITS.csv_cell_chars + 1) + "\n"
    refused = refusal(list, csv_rows(text, LIMITS))
    assert (refused.row, refused.column) == (3, "memo")
    assert f"{LIMITS.csv_cell_chars + 1:,} characters" in refused.problem
    assert f"at most {LIMITS.csv_cell_chars:,}" in refused.problem
    assert str(refused).startswith("Row 3, column 'memo': This cell holds")


def test_a_cell_past_the_csv_modules_own_limit_is_named_too():
    refused = refusal(list, csv_rows("a,b\n1," + LONG_CELL + "\n", LIMITS))
    assert (refused.row, refused.column) == (2, "b")


def test_a_nul_in_a_cell_is_refused_by_row_and_column():
    refused = refusal(list, csv_rows(f"a,b\n1,2\n3,x{NUL}y\n", LIMITS))
    assert (refused.row, refused.column) == (3, "b")
    assert "NUL character" in refused.problem


def test_a_cell_past_the_header_is_named_by_its_place():
    refused = refusal(list, csv_rows(f"a\n1,x{NUL}\n", LIMITS))
    assert refused.column == "column 2"


def test_without_a_header_columns_are_named_by_their_place():
    refused = refusal(list, csv_rows(f"45\tfine\n46\tx{NUL}\n", LIMITS, delimiter="\t",
                                     header=False))
    assert (refused.row, refused.column) == (2, "column 2")


def test_rows_keep_the_numbers_a_spreadsheet_shows_blank_lines_included():
    header, rows = csv_table(" a , b \n1\n\n2,3,4\n", LIMITS)
    assert header == ["a", "b"]
    assert list(rows) == [(2, {"a": "1", "b": ""}), (4, {"a": "2", "b": "3"})]


def test_the_cell_cap_is_a_setting():
    limits = Limits.of(SimpleNamespace(RCMDESK_MAX_CSV_CELL_CHARS=3))
    assert limits.json_depth == LIMITS.json_depth
    assert refusal(list, csv_rows("a\nabcd\n", limits)).row == 2


def test_json_nested_past_the_cap_is_refused_at_its_element():
    text = '{"entry": [{"resource": {"extension": ' + deep_array() + "}}]}"
    refused = refusal(json_document, text, LIMITS)
    assert refused.path.startswith("entry[0].resource.extension[0][0]")
    assert f"more than {LIMITS.json_depth} levels" in refused.problem


def test_nesting_up_to_the_cap_is_read():
    levels = LIMITS.json_depth
    assert json_document(deep_array(levels), LIMITS) is not None
    assert refusal(json_document, deep_array(levels + 1), LIMITS)


def test_a_number_longer_than_the_cap_is_refused_at_its_element():
    text = '{"item": [{"net": {"value": 1}}, {"net": {"value": ' + HUGE_NUMBER + "}}]}"
    refused = refusal(json_document, text, LIMITS)
    assert refused.path == "item[1].net.value"
    assert f"longer than {LIMITS.json_number_digits} digits" in refused.problem


@pytest.mark.parametrize("number", ["1e400", "-1E+31", "1e-400", "1" * 31, "0." + "1" * 31])
def test_a_number_too_long_when_written_out_is_refused(number):
    assert refusal(json_document, f'{{"a": {number}}}', LIMITS).path == "a"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_constants_json_does_not_allow_are_refused(constant):
    assert "not a number JSON allows" in str(refusal(json_document, f"[{constant}]", LIMITS))


def test_a_nul_in_a_json_string_or_name_is_refused_at_its_element():
    assert refusal(json_document, '{"a": [1, {"b": "x\\u0000"}]}', LIMITS).path == "a[1].b"
    named = refusal(json_document, '{"a": {"b\\u0000c": 1}}', LIMITS)
    assert named.path == "a.b\\0c"
    assert "The name of this element" in named.problem


def test_numbers_with_a_fraction_are_decimal_and_the_rest_is_plain_json():
    text = '{"net": 125.10, "n": 2, "s": "\\\\u0000 [[[", "ok": true, "e": 1.5e3}'
    assert json_document(text, LIMITS) == {"net": Decimal("125.10"), "n": 2,
                                           "s": "\\u0000 [[[", "ok": True,
                                           "e": Decimal("1500")}


def test_text_that_is_not_json_stays_a_json_decode_error():
    with pytest.raises(json.JSONDecodeError):
        json_document('{"a": }', LIMITS)
