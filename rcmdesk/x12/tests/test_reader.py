"""The reader copes with real-world encodings, delimiters and layouts."""

from __future__ import annotations

import io

import pytest

from rcmdesk.x12 import X12EnvelopeError, X12Error, X12SyntaxError, parse
from rcmdesk.x12.reader import SegmentReader
from rcmdesk.x12.t835 import remittances
from rcmdesk.x12.validate import validate

ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*240101*1200*^*00501*000000001*0*P*:~"
)
BODY = (
    "GS*HP*SENDER*RECEIVER*20240101*1200*1*X*005010X221A1~"
    "ST*835*0001~"
    "BPR*I*100*C*CHK************20240101~"
    "TRN*1*12345*1512345678~"
    "N1*PR*PAYER~"
    "N3*1 MAIN ST~"
    "N4*TOWN*NY*10001~"
    "PER*BL*HELP*TE*5555551212~"
    "N1*PE*PAYEE*XX*1234567893~"
    "LX*1~"
    "CLP*PCN1*1*150*100**12*CLAIM1~"
    "NM1*QC*1*DOE*JANE~"
    "SVC*HC:99213*150*100**1~"
    "CAS*CO*45*50~"
    "SE*14*0001~"
    "GE*1*1~"
    "IEA*1*000000001~"
)
SAMPLE = ISA + BODY


def segments(data: bytes, chunk_size: int = 1 << 20) -> list[list[str]]:
    return [s.elements for s in SegmentReader(io.BytesIO(data), "t.x12", chunk_size)]


def test_it_reads_a_plain_interchange():
    assert [e[0] for e in segments(SAMPLE.encode())][:3] == ["ISA", "GS", "ST"]


def test_it_reads_newline_terminated_files():
    data = SAMPLE.replace("*:~", "*:\n").replace("~", "\n").encode()
    assert segments(data) == segments(SAMPLE.encode())


def test_it_reads_crlf_as_the_segment_terminator():
    assert segments(SAMPLE.replace("~", "\r\n").encode()) == segments(SAMPLE.encode())


def test_it_accepts_a_last_segment_without_terminator():
    assert segments(SAMPLE.rstrip("~").encode()) == segments(SAMPLE.encode())


def test_it_tolerates_crlf_after_terminators():
    data = SAMPLE.replace("~", "~\r\n").encode()
    assert segments(data) == segments(SAMPLE.encode())


def test_it_skips_a_utf8_byte_order_mark():
    assert segments(b"\xef\xbb\xbf" + SAMPLE.encode()) == segments(SAMPLE.encode())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_it_reads_utf16_files(encoding):
    assert segments(SAMPLE.encode(encoding)) == segments(SAMPLE.encode())


def test_it_reads_control_character_delimiters():
    data = SAMPLE.replace("*", "\x1d").replace(":", "\x1f").replace("~", "\x1c").encode()
    assert [s[0] for s in segments(data)] == [s[0] for s in segments(SAMPLE.encode())]
    (remit,) = remittances(data)
    assert remit.claims[0].lines[0].procedure == ("HC", "99213")


def test_it_reads_an_isa_header_that_is_not_fixed_width():
    data = SAMPLE.replace("SENDER         ", "SENDER").replace("*00*          *", "*00* *")
    (tx,) = parse(data.encode())
    assert tx.interchange.sender == "SENDER"


def test_it_reads_an_isa_header_broken_across_lines():
    data = SAMPLE.replace("*240101", "\n*240101", 1)
    assert len(list(parse(data.encode()))) == 1


def test_it_reads_several_interchanges_with_different_delimiters():
    other = SAMPLE.replace("*", "|").replace("~", "\n").replace("|:\n", "|>\n")
    txs = list(parse((SAMPLE + "\n" + other).encode()))
    assert len(txs) == 2
    assert txs[1].interchange.delimiters.element == "|"


def test_it_reads_identically_in_tiny_chunks():
    data = (SAMPLE * 3).encode("utf-16")
    assert segments(data, chunk_size=7) == segments(data)


def test_it_keeps_one_based_positions_and_byte_offsets():
    data = ("\r\n" + SAMPLE.replace("~", "~\n")).encode()
    found = list(SegmentReader(io.BytesIO(data), "t.x12"))
    assert [s.position for s in found] == list(range(1, len(found) + 1))
    for seg in found:
        assert data[seg.offset : seg.offset + 3].decode().startswith(seg.id)


def test_it_decodes_utf8_names():
    data = SAMPLE.replace("N1*PR*PAYER", "N1*PR*JOSÉ").encode("utf-8")
    (remit,) = remittances(data)
    assert remit.payer is not None
    assert remit.payer.name == "JOSÉ"


@pytest.mark.parametrize(
    ("data", "kind", "text"),
    [
        (b"", X12SyntaxError, "empty"),
        (b"   \n\n", X12SyntaxError, "empty"),
        (b"hello world", X12SyntaxError, "ISA"),
        (SAMPLE[:50].encode(), X12SyntaxError, "truncated"),
        (SAMPLE[:200].encode(), X12EnvelopeError, "truncated"),
        (SAMPLE.replace("IEA*1*000000001~", "").encode(), X12EnvelopeError, "IEA"),
        (SAMPLE.replace("SE*14*0001~", "").encode(), X12EnvelopeError, "SE"),
        (SAMPLE.replace("GS*", "XX*", 1).encode(), X12EnvelopeError, "outside"),
        (SAMPLE.replace("LX*1", "L?*1").encode(), X12SyntaxError, "identifier"),
        (SAMPLE.replace("*:~", "*::", 1).encode(), X12SyntaxError, "delimiters"),
    ],
)
def test_broken_input_raises_one_located_error(data, kind, text):
    with pytest.raises(kind) as caught:
        list(parse(data, name="broken.x12"))
    error = caught.value
    assert isinstance(error, X12Error)
    assert text in str(error)
    assert str(error).startswith("broken.x12:")


@pytest.mark.parametrize(
    ("data", "described"),
    [
        (b"k9Zq-SECRET-KEY-abcdefghijklmnop", "but with plain text: not an X12 file"),
        (b"\x00\x01k9Zq-SECRET-KEY-abcdefghij", "but with binary data: not an X12 file"),
        (SAMPLE.replace("LX*1", "k9Zq-SECRET-KEY*1").encode(), "starts with 15 characters"),
        (SAMPLE.replace("LX*1", "lx*1").encode(), "starts with lower-case letters"),
    ],
)
def test_a_read_error_describes_what_it_found_and_never_quotes_it(data, described):
    """Read errors become quarantine reasons on pages and in the API (issue 15: the first
    20 characters of a key file a link pointed at were shown there)."""
    with pytest.raises(X12SyntaxError) as caught:
        list(parse(data, name="broken.x12"))
    assert described in str(caught.value)
    assert "k9Zq" not in str(caught.value)
    assert "lx" not in str(caught.value).replace("broken.x12", "")


def test_the_error_names_segment_and_position():
    with pytest.raises(X12Error) as caught:
        list(parse(SAMPLE.replace("SE*14*0001~", "").encode(), name="f.x12"))
    assert caught.value.segment_id == "GE"
    assert caught.value.position == 16


def test_a_missing_file_is_a_located_error(tmp_path):
    with pytest.raises(X12Error, match="cannot open"):
        list(parse(tmp_path / "nope.x12"))


FRAGMENT = BODY[BODY.index("ST*") : BODY.index("GE*")]


def test_it_reads_a_bare_st_se_fragment_with_guessed_delimiters():
    (remit,) = remittances(FRAGMENT.encode())
    assert remit.payment.amount == 100
    assert [c.patient_control_number for c in remit.claims] == ["PCN1"]


def test_it_reads_a_newline_terminated_fragment_with_crlf():
    data = FRAGMENT.replace("~", "\r\n").encode()
    assert segments(data) == segments(FRAGMENT.encode())


def test_a_fragment_gets_a_stand_in_envelope_and_a_warning_not_envelope_errors():
    findings = list(validate(FRAGMENT.encode()))
    assert [(f.rule, f.severity, f.position) for f in findings] == [
        ("snip1.no-envelope", "warning", 1)
    ]


def test_a_file_starting_with_st_but_no_terminator_is_rejected_with_a_location():
    with pytest.raises(X12SyntaxError) as caught:
        list(parse(b"ST*835*0001:BPR"))
    assert caught.value.segment_id == "ST"
    assert "terminator" in caught.value.message
