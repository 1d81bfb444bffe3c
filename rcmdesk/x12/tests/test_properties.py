"""Property tests: generated claims round-trip; mangled files only ever raise X12Error."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcmdesk.x12 import X12Error, parse, t835, t837
from rcmdesk.x12.summary import summaries
from rcmdesk.x12.tests.samples import SAMPLES
from rcmdesk.x12.tests.test_reader import SAMPLE
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import Address, DateRef, Name
from rcmdesk.x12.writer import write_interchange
from rcmdesk.x12.writers import build_835, build_837

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = (
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
money = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False)
date = st.dates().map(lambda d: d.strftime("%Y%m%d"))


@st.composite
def names(draw: st.DrawFn, entity: str) -> Name:
    return Name(entity, "1", draw(text), draw(text), "", "", "MI", draw(text))


@st.composite
def lines(draw: st.DrawFn, number: int) -> t837.ServiceLine:
    return t837.ServiceLine(
        number=str(number),
        procedure=("HC", draw(st.from_regex(r"\A[0-9]{5}\Z"))),
        charge=draw(money),
        unit_basis="UN",
        units=Decimal(draw(st.integers(1, 9))),
        diagnosis_pointers=("1",),
        dates=(DateRef("472", draw(date), "D8"),),
        control_number=draw(text).replace(" ", ""),
    )


@st.composite
def claims(draw: st.DrawFn) -> t837.Claim:
    items = tuple(draw(lines(n)) for n in range(1, draw(st.integers(1, 4)) + 1))
    subscriber = t837.Subscriber("P", "18", "", "CI", draw(names("IL")), draw(names("PR")))
    provider = t837.Provider(draw(names("85")), Address("1 MAIN ST", "", "TOWN", "NY", "10001"))
    return t837.Claim(
        patient_control_number=draw(text).replace(" ", ""),
        charge=sum((line.charge for line in items), Decimal(0)),
        facility_code="11",
        facility_qualifier="B",
        frequency="1",
        billing_provider=provider,
        subscriber=subscriber,
        patient=None,
        diagnoses=(t837.Diagnosis("ABK", "J10"),),
        lines=items,
    )


@FAST
@given(st.lists(claims(), min_size=1, max_size=4))
def test_generated_837_claims_round_trip(generated):
    sub = t837.ClaimSubmission(
        "P",
        "0001",
        "REF1",
        Name("41", "2", "SUBMITTER"),
        Name("40", "2", "RECEIVER"),
        tuple(generated),
    )
    data = write_interchange([build_837(sub)])
    (back,) = t837.submissions(data)
    assert back.claims == sub.claims


@st.composite
def remit_claims(draw: st.DrawFn) -> t835.Claim:
    adjustments = tuple(
        t835.Adjustment(
            draw(st.sampled_from(["CO", "PR", "OA"])),
            draw(st.sampled_from(["45", "1", "2"])),
            draw(money),
        )
        for _ in range(draw(st.integers(0, 8)))
    )
    return t835.Claim(
        draw(text).replace(" ", ""),
        "1",
        draw(money),
        draw(money),
        None,
        "12",
        draw(text).replace(" ", ""),
        patient=draw(names("QC")),
        adjustments=adjustments,
    )


@FAST
@given(st.lists(remit_claims(), min_size=1, max_size=4))
def test_generated_835_remittances_round_trip(generated):
    paid = sum((c.paid for c in generated), Decimal(0))
    remit = t835.Remittance(
        "0001",
        t835.Payment("I", paid, "C", "CHK", "", "20260101"),
        "TRACE",
        "1512345678",
        t835.Party("PR", "PAYER"),
        t835.Party("PE", "PAYEE", "XX", "1234567893"),
        tuple(generated),
    )
    (back,) = t835.remittances(write_interchange([build_835(remit)]))
    assert back == remit


SEEDS = [SAMPLE.encode()]
for _name in (
    "albmarin-badX12/X222-anesthesia.edi",
    "imsweb-x12-parser/x12_277CA_accepted.txt",
    "LinuxForHealth-x12/subscriber-health-benefit-check.271",
):
    if (SAMPLES / _name).is_file():
        SEEDS.append(Path(SAMPLES / _name).read_bytes())


def exercise(data: bytes) -> None:
    """Run every public entry point; anything but X12Error is a bug."""
    failure = ""
    try:
        for tx in parse(data, name="m.x12"):
            assert tx.root.items
        list(summaries(data, name="m.x12"))
        list(validate(data, name="m.x12"))
        list(t835.remittances(data, name="m.x12"))
        list(t837.submissions(data, name="m.x12"))
    except X12Error as error:
        failure = str(error)
    assert not failure or failure.startswith("m.x12:")


def _segments(data: bytes) -> list[bytes]:
    return data.split(b"~")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SEEDS))
    kind = draw(
        st.sampled_from(["truncate", "delete", "duplicate", "swap", "count", "bytes", "delims"])
    )
    segs = _segments(data)
    i = draw(st.integers(0, len(segs) - 1))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "delete":
        return b"~".join(segs[:i] + segs[i + 1 :])
    if kind == "duplicate":
        return b"~".join(segs[: i + 1] + segs[i:])
    if kind == "swap":
        j = draw(st.integers(0, len(segs) - 1))
        segs[i], segs[j] = segs[j], segs[i]
        return b"~".join(segs)
    if kind == "count":
        return data.replace(b"SE*", b"SE*9", 1).replace(b"GE*1", b"GE*3", 1)
    if kind == "delims":
        a, b = (
            draw(st.sampled_from([b"*", b"~", b":", b"^"])),
            draw(st.sampled_from([b"*", b"~", b":", b"\n", b"|"])),
        )
        return data.replace(a, b)
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]


@FAST
@given(mutated())
def test_mutated_samples_only_ever_raise_x12_error(data):
    exercise(data)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_only_ever_raise_x12_error(data):
    exercise(data)


@pytest.mark.parametrize("cut", [0, 1, 3, 4, 50, 105, 106, 107, 108])
def test_every_early_truncation_is_a_located_error(cut):
    with pytest.raises(X12Error):
        list(parse(SAMPLE.encode()[:cut], name="m.x12"))
