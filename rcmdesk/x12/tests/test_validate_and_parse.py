"""Validating and parsing in one pass gives exactly what the two passes gave.

Intake reads a file once (``validate_and_parse``): its findings must be ``validate``'s and
its trees ``parse``'s, loop for loop and segment for segment, or a set would be applied
from a different tree than the one checked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rcmdesk.x12 import X12Error, t835, t837
from rcmdesk.x12.parser import Loop, Transaction, parse
from rcmdesk.x12.tests.samples import SAMPLES, manifest, need_samples
from rcmdesk.x12.validate import TOO_MANY, validate, validate_and_parse

ISA = ("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
       "*260101*1200*^*00501*000000001*0*T*:~")
LIMIT = 500


def x12(functional: str, guide: str, body: list[str]) -> bytes:
    segments = [f"GS*{functional}*SENDER*RECEIVER*20260101*1200*1*X*{guide}",
                "ST*" + ("835*0001" if functional == "HP" else f"837*0001*{guide}"), *body]
    segments += [f"SE*{len(segments) - 1}*0001", "GE*1*1", "IEA*1*000000001"]
    return (ISA + "~".join(segments) + "~").encode()


REMIT = x12("HP", "005010X221A1", [
    "BPR*I*150*C*CHK************20260101", "TRN*1*T1*1512345678", "N1*PR*PAYER",
    "N3*1 MAIN ST", "N4*TOWN*NY*10001", "PER*BL*HELP*TE*5555551212",
    "N1*PE*CLINIC*XX*1234567893", "LX*1",
    "CLP*PCN1*1*200*100*20*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1", "DTM*232*20251215",
    "SVC*HC:99213*200*100**1", "DTM*472*20251215", "CAS*CO*45*80", "CAS*PR*2*20",
    "REF*6R*L1", "AMT*B6*100",
    "CLP*PCN2*4*70*0*0*12*ICN2", "NM1*QC*1*ROE*RICK****MI*M2", "DTM*232*20251215",
    "SVC*HC:99212*70*0**1", "DTM*472*20251215", "CAS*CO*50*70", "REF*6R*L2",
    "CLP*PCN3*1*60*50*0*12*ICN3", "NM1*QC*1*POE*PAM****MI*M3",
    "SVC*HC:99211*60*50**1", "CAS*CO*45*10",
    "PLB*1234567893*20261231*L6:PCN1*-0",
])

SUBSCRIBER = ["SBR*P*18*GRP1******CI", "NM1*IL*1*DOE*JANE****MI*M1", "N3*2 SIDE ST",
              "N4*TOWN*NY*10001", "DMG*D8*19800101*F", "NM1*PR*2*PAYER*****PI*PAYER1"]


def claim(pcn: str, charge: str) -> list[str]:
    return [f"CLM*{pcn}*{charge}***11:B:1*Y*A*Y*Y", "HI*ABK:J020", "LX*1",
            f"SV1*HC:99213*{charge}*UN*1***1", "DTP*472*D8*20251215", f"REF*6R*{pcn}L1"]


CLAIMS = x12("HC", "005010X222A1", [
    "BHT*0019*00*REF1*20260101*1200*CH", "NM1*41*2*CLINIC*****46*S1",
    "PER*IC*HELP*TE*5555551212", "NM1*40*2*PAYER*****46*R1", "HL*1**20*1",
    "NM1*85*2*CLINIC*****XX*1234567893", "N3*1 MAIN ST", "N4*TOWN*NY*10001",
    "REF*EI*123456789",
    "HL*2*1*22*0", *SUBSCRIBER, *claim("PCN1", "200"), *claim("PCN2", "70"),
    "HL*3*1*22*1", "SBR*P*01*GRP1******CI", "NM1*IL*1*DOE*JOHN****MI*M2",
    "NM1*PR*2*PAYER*****PI*PAYER1",
    "HL*4*3*23*0", "PAT*19", "NM1*QC*1*DOE*KID", "N3*2 SIDE ST", "N4*TOWN*NY*10001",
    "DMG*D8*20100101*M", *claim("PCN3", "55"),
])


def shape(loop: Loop) -> list[object]:
    """A tree as nested lists of loop ids and segment positions, in file order."""
    return [loop.id, [shape(i) if isinstance(i, Loop) else i.position for i in loop.items],
            [getattr(spec, "id", spec) for spec in loop.specs]]


def same_as_two_passes(data: bytes, name: str = "f") -> None:
    checked = validate_and_parse(data, name=name, limit=LIMIT)
    assert checked.findings == list(validate(data, name=name, limit=LIMIT))
    if checked.findings and checked.findings[-1].rule == TOO_MANY:
        return  # checking stopped: the sets are partial and never applied
    parsed = list(parse(data, name=name))
    assert [shape(tx.root) for tx in checked.sets] == [shape(tx.root) for tx in parsed]
    for kept, whole in zip(checked.sets, parsed, strict=True):
        assert kept.findings == whole.findings
        assert typed(kept) == typed(whole)


def typed(tx: Transaction) -> object:
    """The typed 835 or 837 of a set, or the error building it raises (as text)."""
    builders: dict[str, Callable[[Transaction], object]] = {
        "835": t835.remittance, "837": t837.submission}
    build = builders.get(tx.set_id)
    try:
        return build(tx) if build is not None else None
    except X12Error as exc:
        return str(exc)


def test_an_835_comes_out_with_every_claim_the_parser_gives():
    checked = validate_and_parse(REMIT, name="r", limit=LIMIT)
    (remit,) = [t835.remittance(tx) for tx in checked.sets]
    assert [c.patient_control_number for c in remit.claims] == ["PCN1", "PCN2", "PCN3"]
    same_as_two_passes(REMIT)


def test_an_837_keeps_its_subscribers_patients_and_claims_where_they_were():
    checked = validate_and_parse(CLAIMS, name="c", limit=LIMIT)
    (submission,) = [t837.submission(tx) for tx in checked.sets]
    assert [c.patient_control_number for c in submission.claims] == ["PCN1", "PCN2", "PCN3"]
    same_as_two_passes(CLAIMS)


def test_findings_of_a_broken_file_are_validates_own():
    broken = REMIT.replace(b"CAS*CO*45*80", b"CAS*CO*45*8O").replace(b"BPR*I*150", b"BPR*I*15")
    assert validate_and_parse(broken, name="b", limit=LIMIT).findings
    same_as_two_passes(broken)


def test_a_flood_of_findings_stops_at_the_cap_as_validate_does():
    flood = REMIT.replace(b"LX*1~", b"LX*1~" + b"CAS*ZZ*1*1~" * (LIMIT + 10))
    checked = validate_and_parse(flood, name="flood", limit=LIMIT)
    assert checked.findings[-1].rule == TOO_MANY
    same_as_two_passes(flood)


def test_a_file_that_is_not_x12_raises_as_parse_does():
    with pytest.raises(X12Error):
        validate_and_parse(b"ISA*00*  no more", name="x", limit=LIMIT)


@pytest.mark.parametrize("local_path", sorted(r["local_path"] for r in manifest())
                         if SAMPLES.exists() else [])
def test_every_shared_sample_reads_the_same_in_one_pass(local_path: str):
    need_samples()
    data = Path(SAMPLES / local_path).read_bytes()
    try:
        list(validate(data, name=local_path, limit=LIMIT))
    except X12Error:
        with pytest.raises(X12Error):
            validate_and_parse(data, name=local_path, limit=LIMIT)
        return
    same_as_two_passes(data, local_path)

