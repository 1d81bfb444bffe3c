"""The prospect practice's promises: reproducible, valid X12 dated before the anchor, and a
ground truth that holds together and names the seeded workflow.

No database (``rcmdesk.synth`` is pure Python); that the product measures the same figures
is ``rcmdesk/assessments/tests/test_ground_truth.py``'s question.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rcmdesk.synth import generate
from rcmdesk.synth.practice import DOMINANTS, WINDOWS, generate_practice
from rcmdesk.x12 import t835, t837
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.t277 import responses
from rcmdesk.x12.validate import validate

ANCHOR = date(2026, 11, 1)
CLAIMS = 500


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("practice")
    generate_practice(out, seed=3, claims=CLAIMS, anchor=ANCHOR)
    return out, json.loads((out / "truth" / "assessment.json").read_text(encoding="utf-8"))


def _tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _money(figure: dict[str, Any]) -> Decimal:
    return Decimal(figure["dollars"])


def _sum(figures: list[dict[str, Any]]) -> tuple[int, Decimal]:
    return (sum(f["count"] for f in figures),
            sum((_money(f) for f in figures), Decimal("0.00")))


def _pair(figure: dict[str, Any]) -> tuple[int, Decimal]:
    return figure["count"], _money(figure)


def test_the_same_seed_writes_the_same_bytes_and_truth(tmp_path):
    generate_practice(tmp_path / "a", seed=9, claims=200)
    generate_practice(tmp_path / "b", seed=9, claims=200)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert (tmp_path / "a" / "truth" / "assessment.json").exists()


def test_the_practice_mode_leaves_the_plain_generator_alone(tmp_path):
    """Its draws come from its own random.Random: a plain run after a practice run writes
    what a plain run alone writes."""
    generate(tmp_path / "alone", seed=5, claims=120)
    generate_practice(tmp_path / "practice", seed=5, claims=120)
    generate(tmp_path / "after", seed=5, claims=120)
    assert _tree(tmp_path / "alone") == _tree(tmp_path / "after")


def test_every_file_validates_without_errors_and_is_dated_before_the_anchor(run):
    out, truth = run
    paths = sorted(out.rglob("*.x12"))
    assert len(paths) == sum(truth["files"].values())
    last = (ANCHOR - timedelta(days=1)).strftime("%y%m%d")
    for path in paths:
        for finding in validate(path):
            assert finding.severity is not Severity.ERROR, f"{path}: {finding}"
        head = path.read_bytes()[:106].decode("ascii")
        assert head.split(head[3])[9] <= last, path


def test_the_truth_counts_and_bills_what_the_837s_carry(run):
    out, truth = run
    claims = [c for p in sorted((out / "837").glob("*.x12"))
              for s in t837.submissions(p) for c in s.claims]
    assert truth["claims"] == len(claims) == CLAIMS
    assert Decimal(truth["billed"]) == sum((c.charge for c in claims), Decimal("0.00"))


def test_every_837_claim_is_named_once_by_a_277ca_or_by_none_when_its_batch_got_none(run):
    out, truth = run
    named = [c.patient_control_number for p in sorted((out / "277ca").glob("*.x12"))
             for r in responses(p) for c in r.claims]
    assert len(named) == len(set(named))
    assert truth["files"]["277ca"] < truth["files"]["837"]  # some batches got no 277CA


def test_unmatched_remits_name_no_billed_claim_and_sum_to_the_truth(run):
    out, truth = run
    billed = {c.patient_control_number for p in sorted((out / "837").glob("*.x12"))
              for s in t837.submissions(p) for c in s.claims}
    paid = [c for p in sorted((out / "835").glob("*.x12"))
            for r in t835.remittances(p) for c in r.claims]
    strays = [c for c in paid if c.patient_control_number not in billed]
    unmatched = truth["backlog"]["unmatched_remits"]["open"]
    assert unmatched["count"] == len(strays) > 0
    assert _money(unmatched) == sum((c.paid for c in strays), Decimal("0.00"))
    assert truth["quality"]["posting"] == {"volume": len(paid), "rework": len(strays)}


def test_aging_buckets_sum_to_their_totals_and_payers_to_the_open_claims(run):
    _out, truth = run
    aging = truth["aging"]
    for label in aging["buckets"]:
        rows = [row[label] for row in aging["payers"].values()]
        assert _sum(rows) == _pair(aging["totals"][label])
    backlog = truth["backlog"]
    open_claims = _sum(list(aging["totals"].values()))
    worked = _sum([backlog[w]["open"] for w in ("ar_followup", "denials", "rejections")])
    assert worked[0] <= open_claims[0]
    assert worked[1] <= open_claims[1]


def test_filing_windows_are_cumulative_and_split_by_payer(run):
    _out, truth = run
    filing = truth["filing"]
    previous = (0, Decimal("0.00"))
    for days in WINDOWS:
        window = filing[str(days)]
        now = _pair(window)
        assert now[0] > previous[0], days
        assert now[1] > previous[1], days
        assert _sum(list(window["by_payer"].values())) == now
        previous = now
    assert filing["past"]["count"] > 0
    assert _sum(list(filing["past"]["by_payer"].values())) == _pair(filing["past"])


def test_denials_by_reason_add_up_to_the_denial_backlog_some_past_their_appeal_limit(run):
    _out, truth = run
    causes = truth["denials"]
    assert len(causes) >= 5
    assert all(code.startswith("CO-") for code in causes)
    backlog = truth["backlog"]["denials"]
    assert _sum([c["open"] for c in causes.values()]) == _pair(backlog["open"])
    assert _sum([c["appealable"] for c in causes.values()]) == _pair(backlog["recoverable"])
    assert 0 < backlog["recoverable"]["count"] < backlog["open"]["count"]


def test_recoverable_never_exceeds_open_and_rejections_are_both_inside_and_past(run):
    _out, truth = run
    for work, figures in truth["backlog"].items():
        assert _money(figures["recoverable"]) <= _money(figures["open"]), work
        assert figures["open"]["count"] > 0, work
    rejections = truth["backlog"]["rejections"]
    assert 0 < rejections["recoverable"]["count"] < rejections["open"]["count"]


@pytest.mark.parametrize("dominant", DOMINANTS)
def test_the_seeded_workflow_has_the_highest_yield_per_hour(tmp_path, dominant):
    manifest = generate_practice(tmp_path, seed=2, claims=400, dominant=dominant)
    truth = manifest.truth
    assert truth["dominant"] == truth["highest_yield_workflow"] == dominant
    yields = sorted(Decimal(y["per_hour"]) for y in truth["yield"].values())
    assert yields[-1] >= yields[-2] * Decimal("1.5")  # clearly, not by a hair


def test_an_unknown_dominant_workflow_is_refused(tmp_path):
    with pytest.raises(ValueError, match="dominant"):
        generate_practice(tmp_path, claims=10, dominant="coding")
