"""X12-owned code lists ship as values only, and unknown codes warn with a location."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rcmdesk.x12 import codes
from rcmdesk.x12.codes import CARC, CLAIM_STATUS, CLAIM_STATUS_CATEGORY, RARC
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.tests.test_reader import ISA, SAMPLE
from rcmdesk.x12.validate import validate

CODE = re.compile(r"^[A-Z0-9]{1,5}$")
LISTS = {
    "CARC": CARC,
    "RARC": RARC,
    "CLAIM_STATUS_CATEGORY": CLAIM_STATUS_CATEGORY,
    "CLAIM_STATUS": CLAIM_STATUS,
}

X277 = ISA.replace("*P*:~", "*T*:~") + (
    "GS*HN*SENDER*RECEIVER*20240101*1200*1*X*005010X212~"
    "ST*277*0001*005010X212~"
    "BHT*0010*08*277X212*20240101*1200*DG~"
    "HL*1**20*1~"
    "NM1*PR*2*PAYER*****PI*12345~"
    "HL*2*1*21*1~"
    "NM1*41*2*CLEARINGHOUSE*****46*X67E~"
    "HL*3*2*19*1~"
    "NM1*1P*2*CLINIC*****XX*1234567893~"
    "HL*4*3*22*0~"
    "NM1*IL*1*DOE*JANE****MI*123456789A~"
    "TRN*2*ABC1~"
    "STC*A1:20*20240101**85*0~"
    "DTP*472*D8*20240101~"
    "SE*14*0001~"
    "GE*1*1~"
    "IEA*1*000000001~"
)


def findings(data: str) -> list[Finding]:
    return list(validate(data.encode(), name="t.x12"))


def snip5(data: str) -> list[Finding]:
    return [f for f in findings(data) if f.rule.startswith("snip5.")]


def with_lq(remark: str) -> str:
    return SAMPLE.replace("CAS*CO*45*50~", f"CAS*CO*45*50~LQ*HE*{remark}~").replace(
        "SE*14*", "SE*15*"
    )


def test_the_lists_hold_well_known_codes():
    assert {"1", "2", "3", "16", "45", "97", "A1", "B7", "P1", "W1", "Y1"} <= CARC
    assert {"N130", "M15", "MA130", "N4"} <= RARC
    assert {"A1", "A3", "F1", "F2", "P1", "E0"} <= CLAIM_STATUS_CATEGORY
    assert {"0", "20", "21", "88"} <= CLAIM_STATUS


def test_group_codes_and_blanks_are_not_reason_codes():
    assert not {"CO", "PR", "OA", "PI", "CR", "", "0"} & CARC


def test_retired_carcs_are_kept_because_old_remits_still_carry_them():
    assert {"15", "17", "25", "A2", "D1", "W9"} <= CARC


def test_every_shipped_value_is_a_short_code_not_a_description():
    for name, values in LISTS.items():
        assert len(values) > 40, name
        assert all(CODE.match(value) for value in values), name


def test_the_code_modules_contain_no_description_strings():
    for path in Path(codes.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                target = node.targets[0]
                if isinstance(target, ast.Name) and not target.id.endswith("AS_OF"):
                    text = str(node.value.value)
                    assert all(CODE.match(token) for token in text.split()), path.name


def test_every_list_says_where_it_comes_from_and_how_current_it_is():
    assert set(codes.AS_OF) == set(LISTS)
    assert all("code source" in note for note in codes.AS_OF.values())


def test_a_valid_835_produces_no_code_list_warnings():
    assert snip5(with_lq("N130")) == []


def test_an_unknown_cas_reason_and_lq_remark_are_located_warnings_not_errors():
    data = with_lq("ZZ99").replace("CAS*CO*45*50~", "CAS*CO*ZZ9*50~")
    found = findings(data)
    assert not [f for f in found if f.severity is Severity.ERROR]
    carc, rarc = snip5(data)
    assert (carc.rule, carc.segment_id, carc.position, carc.element) == ("snip5.carc", "CAS", 15, 2)
    assert (rarc.rule, rarc.segment_id, rarc.position, rarc.element) == ("snip5.rarc", "LQ", 16, 2)
    assert {carc.severity, rarc.severity} == {Severity.WARNING}
    assert carc.message == "CAS02 reason code 'ZZ9' is not in the CARC list shipped with rcmdesk"
    assert rarc.message == "LQ02 remark code 'ZZ99' is not in the RARC list shipped with rcmdesk"


def test_reason_codes_in_later_cas_triplets_are_checked_too():
    data = SAMPLE.replace("CAS*CO*45*50~", "CAS*CO*45*25**ZZ9*25~")
    assert [(f.rule, f.element) for f in snip5(data)] == [("snip5.carc", 5)]


def test_lq_segments_other_than_remarks_are_left_alone():
    data = with_lq("N130").replace("LQ*HE*N130", "LQ*XX*N99999")
    assert [f for f in snip5(data) if f.segment_id == "LQ"] == []


def test_moa_remarks_are_checked_against_rarc():
    data = SAMPLE.replace("NM1*QC*1*DOE*JANE~", "NM1*QC*1*DOE*JANE~MOA***MA130*ZZ98~").replace(
        "SE*14*", "SE*15*"
    )
    assert [(f.rule, f.segment_id, f.element) for f in snip5(data)] == [("snip5.rarc", "MOA", 4)]


def test_a_valid_277_produces_no_findings_at_all():
    assert findings(X277) == []


@pytest.mark.parametrize(
    ("stc", "rule"),
    [("ZZ:20", "snip5.claim-status-category"), ("A1:99999", "snip5.claim-status")],
)
def test_a_277_with_an_unknown_status_code_warns_at_the_stc_composite(stc, rule):
    (found,) = snip5(X277.replace("STC*A1:20*", f"STC*{stc}*"))
    assert (found.rule, found.segment_id, found.element) == (rule, "STC", 1)
    assert found.severity is Severity.WARNING


def test_ncpdp_reject_codes_in_stc_are_not_taken_for_claim_status_codes():
    assert snip5(X277.replace("STC*A1:20*", "STC*F2:80::RX*")) == []
