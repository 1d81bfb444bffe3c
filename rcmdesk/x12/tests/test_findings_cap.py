"""A file of repeated bad segments: validation with a limit lists the first problems, says
it stopped, and reads no further (issue 15: 3,000,001 findings from a 9 MB upload)."""

from __future__ import annotations

import tracemalloc

from rcmdesk.x12.findings import Severity
from rcmdesk.x12.validate import TOO_MANY, validate

ISA = ("ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*RCMDESK        "
       "*250102*1200*^*00501*000000101*0*T*:~")
GS = "GS*HP*PAYERSENDER*RCMDESK*20250102*1200*1*X*005010X221A1~"
HEADER = ("BPR*H*0*C*NON************20250102~TRN*1*TRACE1*1512345678~DTM*405*20250102~"
          "N1*PR*ACME PAYER*XV*PAYER01~"
          "N3*1 PAYER WAY~N4*CITY*NY*10001~PER*BL*EDI*TE*5555551234~"
          "N1*PE*ACME FAMILY MEDICINE*XX*1234567893~N3*1 MAIN ST~N4*CITY*NY*10001~"
          "REF*TJ*123456789~LX*1~")


def remit_with(body: str) -> bytes:
    """One 835 set holding the header and then ``body``, enveloped and counted."""
    text = HEADER + body
    return (ISA + GS + "ST*835*0001~" + text + f"SE*{text.count('~') + 2}*0001~GE*1*1~"
            "IEA*1*000000101~").encode()


def flood(copies: int) -> bytes:
    """The attack: one segment the 835 guide does not know, again and again."""
    return remit_with("ZZ~" * copies)


def test_a_limit_lists_the_first_problems_then_one_error_saying_checking_stopped():
    found = list(validate(flood(5_000), name="flood.835", limit=50))
    assert len(found) == 51
    assert all(f.rule == "snip2.unexpected-segment" for f in found[:50])
    stop = found[-1]
    assert (stop.rule, stop.severity) == (TOO_MANY, Severity.ERROR)
    assert "only the first 50 are listed" in stop.message
    assert "Ask the sender for a corrected file" in stop.message


def test_reading_stops_soon_after_the_limit_instead_of_at_the_end_of_the_file():
    found = list(validate(flood(200_000), name="flood.835", limit=20))
    assert found[-1].rule == TOO_MANY
    assert found[-1].position < 100  # the file has 200,000 segments


def test_memory_does_not_grow_with_the_problems_of_the_file():
    tracemalloc.start()
    try:
        list(validate(flood(300_000), name="flood.835", limit=200))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # without the limit: hundreds of megabytes


def test_a_file_within_the_limit_gets_every_finding_and_no_stop():
    limited = list(validate(flood(30), name="flood.835", limit=200))
    assert limited == list(validate(flood(30), name="flood.835"))
    assert TOO_MANY not in {f.rule for f in limited}


def test_empty_groups_and_bad_ta1s_are_capped_too():
    groups = (ISA + "GS~GE~" * 50_000 + "IEA*1*000000101~").encode()
    ta1s = (ISA + "TA1~" * 50_000 + "IEA*0*000000101~").encode()
    for data in (groups, ta1s):
        found = list(validate(data, name="flood.x12", limit=10))
        assert len(found) == 11
        assert found[-1].rule == TOO_MANY


def test_bad_claims_in_streamed_loops_are_capped():
    claim = "CLP*P*1*X*0**12*C~NM1*QC*1*DOE*JANE****MI*M1~"
    found = list(validate(remit_with(claim * 20_000), name="claims.835", limit=10))
    assert len(found) == 11
    assert found[-1].rule == TOO_MANY
