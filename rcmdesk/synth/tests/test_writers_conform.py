"""Every file the product writes passes our validator, pyx12's and x12sdk's.

pyx12 4.0.0 checks the sets it has a map for (835, 837P, 837I, 999, 277CA); x12sdk
2.2.0 the sets it has models for (835, 837P, 837I, 270, 276). An error either reports
is a failure unless ``KNOWN_DISAGREEMENTS`` (``x12/tests/others.py``, one table for
this test and the simulator's answers) lists it with the reason the guide says we
are right; an entry that no longer occurs fails too, so the table cannot rot. The files
are one of each kind (``written.py``): seconds, not minutes. docs/x12.md keeps the table.
"""

from __future__ import annotations

import re

import pytest

from rcmdesk.synth.tests.written import Written, written
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.tests.others import (
    KNOWN_DISAGREEMENTS,
    PYX12,
    WRITERS,
    X12SDK,
    Opinion,
    covers,
    opinions,
)
from rcmdesk.x12.validate import validate

VALIDATORS = (PYX12, X12SDK)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    return {w.name: w for w in written(tmp_path_factory.mktemp("written"))}


@pytest.fixture(scope="module")
def verdicts(files: dict[str, Written]) -> dict[tuple[str, str], list[Opinion]]:
    """Each validator's errors on each file it covers (run once: pyx12 is slow)."""
    return {(name, v): opinions(v, w.data) for name, w in files.items() for v in VALIDATORS
            if covers(v, w.data)}


def test_we_write_one_of_every_kind_the_product_sends_or_the_simulator_answers(files):
    kinds = {w.kind for w in files.values()}
    assert kinds == {"837P", "837I", "835", "999", "277CA", "270", "276", "278"}
    assert {name.split(" ")[1] for name in files if name.startswith("835")} == {
        "ACH", "CHK", "NON"}


def test_our_validator_finds_nothing_wrong_with_what_we_write(files):
    for w in files.values():
        assert [f for f in validate(w.data, name=w.name)] == [], w.name


def test_every_kind_but_the_278_has_a_second_opinion(files, verdicts):
    """278: pyx12's map is the 4010-era X094A1 and x12sdk has none; ours is the only one."""
    checked = {files[name].kind for name, _v in verdicts}
    assert checked == {"837P", "837I", "835", "999", "277CA", "270", "276"}


@pytest.mark.parametrize("validator", VALIDATORS)
def test_the_other_validators_agree_with_us_or_the_disagreement_is_known(
        validator, files, verdicts):
    known = {d.key for d in KNOWN_DISAGREEMENTS}
    unknown = [
        (name, o.where, o.error, o.detail)
        for (name, v), found in verdicts.items() if v == validator
        for o in found if o.key not in known
    ]
    assert unknown == []


def test_every_known_disagreement_still_happens(files, verdicts):
    seen = {(files[name].kind, o.key) for (name, _v), found in verdicts.items() for o in found}
    for d in KNOWN_DISAGREEMENTS:
        if d.seen_in != WRITERS:
            continue
        assert (d.kind, d.key) in seen, f"{d} no longer occurs: drop it from the table"


# --- 837 situational rules, on the claims we write ------------------------------------


def errors(data: bytes) -> set[tuple[str, int, str]]:
    return {(f.segment_id, f.element, f.rule) for f in validate(data)
            if f.severity is Severity.ERROR}


def kind(files: dict[str, Written], wanted: str) -> bytes:
    return next(w.data for w in files.values() if w.kind == wanted)


def test_a_replacement_claim_without_the_payers_claim_number_is_refused(files):
    data = kind(files, "837P")
    replaced = re.sub(rb"(CLM\*[^*]*\*[0-9.]+\*\*\*\w+:B:)1", rb"\g<1>7", data, count=1)
    assert replaced != data
    assert errors(replaced) == {("CLM", 5, "snip2.situational")}


def dropping(data: bytes, pattern: bytes, keep: bytes = b"") -> bytes:
    """``data`` with the first match of ``pattern`` (one whole segment and the start of the
    next, ``keep``) replaced by ``keep``, and SE01 counting one segment fewer."""
    match = re.search(pattern, data)
    assert match is not None, pattern
    less = data.replace(match.group(0), keep, 1)
    return re.sub(rb"SE\*(\d+)\*", lambda m: b"SE*%d*" % (int(m.group(1)) - 1), less)


def test_a_subscriber_who_is_the_patient_needs_birth_date_and_sex(files):
    broken = dropping(kind(files, "837P"), rb"DMG\*D8\*\d{8}\*[FMU]~\r?\n?")
    assert errors(broken) == {("NM1", 0, "snip2.situational")}


def test_an_inpatient_claim_needs_its_admission_date_and_type(files):
    broken = dropping(kind(files, "837I"), rb"DTP\*435\*DT\*\d{12}~\r?\n?CL1\*3\*", b"CL1**")
    assert errors(broken) == {("CLM", 5, "snip2.situational"), ("CL1", 1, "snip2.situational")}
