"""Code lists read as a playbook writes them."""

from __future__ import annotations

import pytest

from rcmdesk.playbooks.codes import CodeList, CodeListError


def test_a_code_list_holds_exact_codes_ranges_and_prefixes() -> None:
    codes = CodeList.parse("70551-70553, 72148; j9*")
    assert [c in codes for c in ("70552", "72148", "J9045")] == [True, True, True]
    assert [c in codes for c in ("70554", "7055", "J8999")] == [False, False, False]


def test_a_range_with_ends_of_different_length_is_refused() -> None:
    with pytest.raises(CodeListError):
        CodeList.parse("7055-70553")
