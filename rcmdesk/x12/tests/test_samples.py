"""Every public sample parses (or fails with a located error) and adds up."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from rcmdesk.x12 import X12Error, parse
from rcmdesk.x12.summary import summaries
from rcmdesk.x12.t835 import remittances
from rcmdesk.x12.tests.naive import naive_totals
from rcmdesk.x12.tests.samples import SAMPLES, ids, manifest, need_samples, no_envelope, pairs
from rcmdesk.x12.validate import validate

ROWS = manifest()
VALID = [r for r in ROWS if r["valid_or_broken"].startswith("valid")]
FRAGMENTS = [r for r in ROWS if r["valid_or_broken"].startswith("valid") and no_envelope(r)]
BROKEN = [r for r in ROWS if r["valid_or_broken"].startswith("broken")]
GUIDED = {"835", "837P", "837I", "270", "271", "276", "277", "277CA", "278", "999"}


def test_the_shared_samples_are_present_or_we_say_why_not():
    need_samples()
    assert VALID
    assert BROKEN


@pytest.mark.parametrize("row", VALID, ids=ids(VALID))
def test_every_valid_sample_parses_into_guided_transactions(row):
    path = need_samples() / row["local_path"]
    txs = list(parse(path))
    assert txs
    if row["transaction_set"] in GUIDED:
        assert all(tx.guide is not None for tx in txs), [tx.version for tx in txs]


@pytest.mark.parametrize("row", VALID, ids=ids(VALID))
def test_every_valid_sample_has_the_totals_a_naive_split_computes(row):
    path = need_samples() / row["local_path"]
    ours = list(summaries(path))
    naive = naive_totals(path)
    assert len(ours) == len(naive)
    for summary, expected in zip(ours, naive, strict=True):
        assert summary.set_id == expected["set"]
        if summary.set_id in ("835", "837"):
            assert summary.claim_count == expected["claims"]
            assert summary.total_charge == expected["charge"]
        if summary.set_id == "835":
            assert summary.total_paid == expected["paid"]
            assert summary.payment_amount == expected.get("payment")


@pytest.mark.parametrize("row", BROKEN, ids=ids(BROKEN))
def test_every_broken_sample_fails_with_a_located_error(row):
    path = need_samples() / row["local_path"]
    failure: X12Error | None = None
    try:
        errors = [f for f in validate(path) if f.severity == "error"]
    except X12Error as error:
        failure, errors = error, []
    if failure is not None:
        assert failure.file == str(path)
        assert str(path) in str(failure)
        return
    assert errors, "a broken sample must produce at least one error finding"
    assert all(f.position > 0 and f.segment_id for f in errors)


@pytest.mark.parametrize("row", FRAGMENTS, ids=ids(FRAGMENTS))
def test_bare_st_se_fragments_parse_with_a_warning_that_the_envelope_is_missing(row):
    path = need_samples() / row["local_path"]
    findings = list(validate(path))
    missing = [f for f in findings if f.rule == "snip1.no-envelope"]
    assert missing[0].position == 1
    assert missing[0].severity == "warning"
    assert not [f for f in findings if f.position == 0], "the stand-in envelope is not checked"


PAIRS_835 = [p for p in pairs() if p["expected_local_path"].endswith(".csv")]


@pytest.mark.parametrize("pair", PAIRS_835, ids=[p["input_local_path"] for p in PAIRS_835])
def test_the_835_service_lines_agree_with_the_edi_835_parser_snapshots(pair):
    root = need_samples()
    source = root / pair["input_local_path"]
    with (root / pair["expected_local_path"]).open(newline="") as handle:
        expected = list(csv.DictReader(handle))
    lines = [line for r in remittances(source) for c in r.claims for line in c.lines]
    assert len(lines) == len(expected)
    for line, row in zip(lines, expected, strict=True):
        assert line.procedure[1] == row["code"]
        assert line.charge == Decimal(row["charge_amount"] or 0)  # empty SVC02 reads as 0
        assert line.paid == Decimal(row["paid_amount"] or 0)
        ours = {(a.group, a.reason, a.amount) for a in line.adjustments}
        for n in range(6):
            if row.get(f"adj_{n}_amount"):
                key = (row[f"adj_{n}_group"], row[f"adj_{n}_code"], Decimal(row[f"adj_{n}_amount"]))
                assert key in ours
        # The snapshot keeps only the first CAS triplet; we keep all six, so lines balance.
        adjusted = sum((a.amount for a in line.adjustments), Decimal(0))
        if adjusted:
            assert line.charge - line.paid == adjusted


def test_samples_directory_resolves_next_to_the_repository():
    assert SAMPLES.name == "x12-samples"
