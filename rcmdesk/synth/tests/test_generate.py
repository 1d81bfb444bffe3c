"""The generator's promises: reproducible, valid X12, balanced money, every outcome.

No database: ``rcmdesk.synth`` is pure Python. One module-scoped run of a few hundred
claims serves most tests so the whole file stays well under the time budget.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rcmdesk.synth import build_world, generate
from rcmdesk.synth.outcomes import DENIALS
from rcmdesk.x12 import parse, t835, t837, t999
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.rules_content import npi_valid, walk_segments
from rcmdesk.x12.validate import validate

CLAIMS = 300
ANCHOR = date(2026, 11, 1)
# Warnings the generator knowingly triggers; anything else is a finding to look at.
# ST03 in an 835: rcmdesk.x12.writers.build_835 writes ST03, which X221A1 does not use.
KNOWN_WARNINGS = {("835", "ST", 3, "snip2.not-used")}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    manifest = generate(out, seed=11, claims=CLAIMS, anchor=ANCHOR)
    return out, manifest


def _files(out: Path, kind: str) -> list[Path]:
    return sorted((out / kind).glob("*.x12"))


def _tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _remits(out: Path) -> list[t835.Remittance]:
    return [r for path in _files(out, "835") for r in t835.remittances(path)]


def test_the_same_seed_and_arguments_write_byte_identical_files(tmp_path):
    generate(tmp_path / "a", seed=5, claims=120)
    generate(tmp_path / "b", seed=5, claims=120)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_a_different_seed_writes_different_files(tmp_path):
    generate(tmp_path / "a", seed=5, claims=120)
    generate(tmp_path / "b", seed=6, claims=120)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    claims_a = {v for k, v in a.items() if k.startswith("837/")}
    claims_b = {v for k, v in b.items() if k.startswith("837/")}
    assert claims_a.isdisjoint(claims_b)


def test_the_same_seed_builds_the_same_world():
    assert build_world(3) == build_world(3)
    assert build_world(3) != build_world(4)


def test_every_written_file_parses_and_validates_without_errors(run):
    out, manifest = run
    paths = sorted(out.rglob("*.x12"))
    assert len(paths) == sum(manifest.files.values())
    for path in paths:
        assert list(parse(path)), path
        for finding in validate(path):
            assert finding.severity is not Severity.ERROR, str(finding)
            key = (path.parent.name, finding.segment_id, finding.element, finding.rule)
            assert key in KNOWN_WARNINGS, str(finding)


def test_every_remittance_pays_its_claims_less_its_provider_adjustments(run):
    for remit in _remits(run[0]):
        claims = sum((c.paid for c in remit.claims), Decimal(0))
        plb = sum((a.amount for a in remit.provider_adjustments), Decimal(0))
        assert remit.payment.amount == claims - plb
        assert remit.payment.amount >= 0


def test_every_service_line_and_every_claim_balances(run):
    for remit in _remits(run[0]):
        for claim in remit.claims:
            line_cas = Decimal(0)
            for line in claim.lines:
                cas = sum((a.amount for a in line.adjustments), Decimal(0))
                assert line.charge - cas == line.paid, (claim.patient_control_number, line)
                line_cas += cas
            claim_cas = sum((a.amount for a in claim.adjustments), Decimal(0))
            assert claim.charge - claim_cas - line_cas == claim.paid


def test_every_remitted_claim_and_line_traces_back_to_an_837(run):
    out = run[0]
    billed: dict[str, set[str]] = {}
    for path in _files(out, "837"):
        for sent in t837.iter_claims(path):
            billed[sent.patient_control_number] = {line.control_number for line in sent.lines}
    assert len(billed) == CLAIMS
    for remit in _remits(out):
        for claim in remit.claims:
            assert claim.patient_control_number in billed
            for line in claim.lines:
                assert line.control_number in billed[claim.patient_control_number]


def test_the_outcome_mix_contains_every_listed_adjustment(run):
    out = run[0]
    reasons: set[tuple[str, str]] = set()
    remarks: set[str] = set()
    statuses: Counter[str] = Counter()
    plb: set[str] = set()
    crossover = interest = corrected = False
    for remit in _remits(out):
        plb |= {a.reason for a in remit.provider_adjustments}
        seen_reversal: set[str] = set()
        for claim in remit.claims:
            statuses[claim.status] += 1
            for line in claim.lines:
                reasons |= {(a.group, a.reason) for a in line.adjustments}
                remarks |= {code for _q, code in line.remarks}
            crossover |= claim.status == "19" and claim.crossover is not None
            interest |= any(q == "I" for q, _v in claim.amounts)
            if claim.status == "22":
                assert claim.paid <= 0
                seen_reversal.add(claim.patient_control_number)
            elif claim.patient_control_number in seen_reversal and claim.status == "1":
                corrected = True
    carcs = {reason for _group, reason in reasons}
    assert {d.reason for d in DENIALS} | {"45", "97"} <= carcs
    assert {("PR", "1"), ("PR", "2"), ("PR", "3"), ("CO", "45")} <= reasons
    assert {("PR", "27"), ("CO", "29"), ("CO", "18")} <= reasons
    assert {"N130", "M15", "N290", "MA130", "N30", "N479"} <= remarks
    assert {"1", "4", "19", "22"} <= set(statuses)
    assert crossover
    assert interest
    assert corrected
    assert {"WO", "L6", "72"} <= plb


def test_rejected_claims_get_a_277ca_and_no_remittance(run):
    out = run[0]
    rejected: set[str] = set()
    for path in _files(out, "277ca"):
        for tx in parse(path):
            trn = ""
            for seg in walk_segments(tx.root):
                if seg.id == "TRN":
                    trn = seg.get(2)
                elif seg.id == "STC" and seg.get(3) == "U":
                    assert seg.components(1)[0] in ("A3", "A7")
                    rejected.add(trn)
    assert rejected
    assert len(rejected) == run[1].outcomes["rejected"]
    remitted = {c.patient_control_number for r in _remits(out) for c in r.claims}
    assert not rejected & remitted


def test_every_837_is_acknowledged_by_a_999_for_its_group(run):
    out = run[0]
    groups = {tx.group.control for p in _files(out, "837") for tx in parse(p)}
    acked = {a.group_control for p in _files(out, "999") for a in t999.acknowledgments(p)}
    assert groups == acked


def test_control_numbers_and_traces_never_repeat_within_a_run(run):
    out = run[0]
    interchanges = [tx.interchange.segment.get(13) for p in out.rglob("*.x12") for tx in parse(p)]
    assert len(interchanges) == len(set(interchanges))
    traces = [r.trace for r in _remits(out)]
    assert len(traces) == len(set(traces))


def test_no_date_of_service_reaches_the_anchor(run):
    out = run[0]
    for path in _files(out, "837"):
        for claim in t837.iter_claims(path):
            for line in claim.lines:
                assert all(d.value < ANCHOR.strftime("%Y%m%d") for d in line.dates)


def test_every_npi_in_the_world_passes_the_check_digit():
    world = build_world(1)
    npis = [p.npi for p in world.practices] + [r.npi for p in world.practices for r in p.providers]
    assert npis
    assert all(npi_valid(n) for n in npis)


def test_payers_carry_their_filing_indicator_and_timely_filing_limit():
    payers = {p.filing_indicator: p for p in build_world(1).payers}
    assert payers["MB"].timely_filing_days == 365
    assert payers["MC"].timely_filing_days == 180
    assert "CI" in payers
    assert "BL" in payers


def test_the_manifest_file_is_the_returned_manifest(run):
    out, manifest = run
    assert json.loads((out / "manifest.json").read_text()) == json.loads(manifest.to_json())
    assert sum(manifest.outcomes.values()) == CLAIMS
    assert sum(manifest.claim_kinds.values()) == CLAIMS
    paid = sum((t.payments for t in manifest.payers.values()), Decimal(0))
    assert paid == sum((r.payment.amount for r in _remits(out)), Decimal(0))


def test_progress_reports_claims_done_after_every_batch(tmp_path):
    seen: list[int] = []
    generate(tmp_path, seed=2, claims=45, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 45


def test_the_hospital_bills_outpatient_and_inpatient_837i_claims(run):
    out = run[0]
    bill_types = {
        claim.facility_code + claim.facility_qualifier
        for path in _files(out, "837")
        for claim in t837.iter_claims(path)
        if claim.lines[0].revenue_code
    }
    assert bill_types == {"13A", "11A"}
