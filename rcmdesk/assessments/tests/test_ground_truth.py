"""The issue's done-when, measured: on a synthetic practice with a seeded backlog whose
ground truth is known, every figure the assessment measures equals the truth within 1%.

``rcmdesk synth --practice`` (``rcmdesk.synth.practice``) writes a prospect's year of 837,
999, 277CA and 835 files and ``truth/assessment.json``, computed from the generator's own
records by ``figures``' definitions. Here the files are loaded into a prospect's tenant as an
assessment loads them (intake, channel "assess": 837s, then 999s, 277CAs and 835s, each kind
in the order the generator wrote it) and ``findings.measure`` is compared, figure by figure,
with the truth. One module-scoped run (in one transaction rolled back at the end) serves
every test.

The truth copies the assessment's default assumptions and the deadlines the product gives a
payer created from an 837 (synth imports no Django app): the last tests hold the copies to
the originals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from typer.testing import CliRunner

from rcmdesk.assessments import compute
from rcmdesk.assessments import findings as findings_module
from rcmdesk.assessments.figures import Figure, Findings
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.work import (
    DEFAULT_HANDLE_HOURS,
    DEFAULT_RECOVERY_PERCENT,
    WORKFLOW,
    WorkType,
)
from rcmdesk.audit.context import acting
from rcmdesk.claims.models import Payer
from rcmdesk.cli import app
from rcmdesk.intake.models import Channel
from rcmdesk.intake.services import ingest
from rcmdesk.playbooks.rules import DEFAULTS
from rcmdesk.synth import practice
from rcmdesk.synth.practice import generate_practice
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.categories import CategoryBook

# Marked so the session sets the test database up even when this module runs alone; the
# module's run lives in its own transaction, rolled back at the end.
pytestmark = pytest.mark.django_db

CLAIMS = 3_000
ANCHOR = date(2026, 11, 1)
TOLERANCE = Decimal("0.01")  # the 1%
INGEST_ORDER = ("837", "999", "277ca", "835")
WORKS = (WorkType.AR_FOLLOWUP, WorkType.DENIALS, WorkType.REJECTIONS,
         WorkType.UNMATCHED_REMITS)


@dataclass(frozen=True)
class Loaded:
    truth: dict[str, Any]
    outcomes: dict[str, int]
    client_id: int


@dataclass(frozen=True)
class Measured:
    truth: dict[str, Any]
    findings: Findings
    client_id: int


def _interchange_number(path: Path) -> int:
    head = path.read_bytes()[:106].decode("ascii", "replace")
    return int(head.split(head[3:4])[13])


def load(client: Organization, out: Path) -> dict[str, int]:
    """Every file through intake as an assessment loads it; outcomes counted."""
    outcomes: dict[str, int] = {}
    with acting(None, channel=f"cli:{Channel.ASSESSMENT.value}"):
        for kind in INGEST_ORDER:
            for path in sorted((out / kind).glob("*.x12"), key=_interchange_number):
                result = ingest(client, path.read_bytes(), path.name,
                                channel=Channel.ASSESSMENT.value)
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return outcomes


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: Any, django_db_setup: Any,
           django_db_blocker: Any) -> Iterator[Loaded]:
    out = tmp_path_factory.mktemp("ground-truth")
    generate_practice(out, seed=1, claims=CLAIMS, anchor=ANCHOR, dominant="denials")
    truth = json.loads((out / "truth" / "assessment.json").read_text(encoding="utf-8"))
    with django_db_blocker.unblock(), transaction.atomic():
        client = Organization.objects.create(slug="ground-truth", name="Ground truth practice",
                                             kind="client", prospect=True)
        yield Loaded(truth, load(client, out), client.pk)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def measured(loaded: Loaded, django_db_blocker: Any) -> Measured:
    with django_db_blocker.unblock():
        found = findings_module.measure(loaded.client_id,
                                        date.fromisoformat(loaded.truth["as_of"]))
    return Measured(loaded.truth, found, loaded.client_id)


def _figure(data: dict[str, Any]) -> Figure:
    return Figure(data["count"], Decimal(data["dollars"]))


def _close(measured: Decimal | int, truth: Decimal | int) -> bool:
    return abs(Decimal(measured) - Decimal(truth)) <= abs(Decimal(truth)) * TOLERANCE


def _differences(label: str, measured: Figure, truth: Figure) -> list[str]:
    if _close(measured.count, truth.count) and _close(measured.dollars, truth.dollars):
        return []
    return [f"{label}: measured {measured.count} / {measured.dollars}, "
            f"truth {truth.count} / {truth.dollars}"]


def test_every_file_of_the_practice_applies(loaded: Loaded) -> None:
    assert set(loaded.outcomes) == {"applied"}, loaded.outcomes
    assert sum(loaded.outcomes.values()) == sum(loaded.truth["files"].values())


def test_the_files_applied_per_kind_equal_the_truth(measured: Measured) -> None:
    files = {kind.lower(): n for kind, n in measured.findings.files.items()}
    assert files == measured.truth["files"]


def test_the_claims_billed_and_their_service_period_equal_the_truth(measured: Measured) -> None:
    found, truth = measured.findings, measured.truth
    assert found.as_of.isoformat() == truth["as_of"]
    assert _close(found.claims, truth["claims"])
    assert _close(found.billed, Decimal(truth["billed"]))
    assert found.first_service is not None
    assert found.last_service is not None
    assert found.first_service.isoformat() == truth["first_service"]
    assert found.last_service.isoformat() == truth["last_service"]


def test_ar_by_age_bucket_and_payer_equals_the_truth_within_one_percent(
        measured: Measured) -> None:
    aging, truth = measured.findings.aging, measured.truth["aging"]
    assert list(aging.buckets) == truth["buckets"]
    wrong: list[str] = []
    for label, total in zip(aging.buckets, aging.totals, strict=True):
        wrong += _differences(f"all payers {label}", total, _figure(truth["totals"][label]))
    rows = {row.payer: row for row in aging.rows}
    assert set(rows) == set(truth["payers"])
    for payer, buckets in truth["payers"].items():
        for label, figure in zip(aging.buckets, rows[payer].buckets, strict=True):
            wrong += _differences(f"{payer} {label}", figure, _figure(buckets[label]))
    assert not wrong, "\n".join(wrong)


def test_dollars_at_timely_filing_risk_per_window_equal_the_truth(measured: Measured) -> None:
    windows = {w.days: w for w in measured.findings.filing}
    assert set(windows) == {*practice.WINDOWS, 0}
    wrong: list[str] = []
    for key, truth in measured.truth["filing"].items():
        window = windows[0 if key == "past" else int(key)]
        wrong += _differences(f"window {key}", window.figure, _figure(truth))
        by_payer = dict(window.by_payer)
        for payer, figure in truth["by_payer"].items():
            wrong += _differences(f"window {key} {payer}", by_payer.get(payer, Figure()),
                                  _figure(figure))
    assert not wrong, "\n".join(wrong)


def test_open_and_appealable_denials_by_root_cause_equal_the_truth(measured: Measured) -> None:
    book = CategoryBook(measured.client_id)
    expected: dict[str, tuple[Figure, Figure]] = {}
    for code, truth in measured.truth["denials"].items():
        group, carc = code.split("-", 1)
        cause = book.category(group, carc).value
        open_, appealable = expected.get(cause, (Figure(), Figure()))
        expected[cause] = (open_ + _figure(truth["open"]),
                           appealable + _figure(truth["appealable"]))
    found = {d.cause: d for d in measured.findings.denials}
    assert set(found) == set(expected)
    wrong: list[str] = []
    for cause, (open_, appealable) in expected.items():
        wrong += _differences(f"{cause} open", found[cause].open, open_)
        wrong += _differences(f"{cause} appealable", found[cause].appealable, appealable)
    assert not wrong, "\n".join(wrong)


def test_each_backlog_open_and_recoverable_equals_the_truth(measured: Measured) -> None:
    wrong: list[str] = []
    for work in WORKS:
        backlog = measured.findings.backlog_of(work)
        assert backlog is not None, work
        truth = measured.truth["backlog"][work.value]
        wrong += _differences(f"{work} open", backlog.open, _figure(truth["open"]))
        wrong += _differences(f"{work} recoverable", backlog.recoverable,
                              _figure(truth["recoverable"]))
    assert measured.findings.backlog_of(WorkType.UNDERPAYMENTS) is None  # no contracts
    assert not wrong, "\n".join(wrong)


def test_first_pass_and_rework_per_workflow_equal_the_truth(measured: Measured) -> None:
    found = {q.workflow: q for q in measured.findings.quality}
    wrong: list[str] = []
    for workflow, truth in measured.truth["quality"].items():
        quality = found.get(workflow)
        assert quality is not None, workflow
        if not (_close(quality.volume, truth["volume"])
                and _close(quality.rework, truth["rework"])):
            wrong.append(f"{workflow}: measured {quality.volume} / {quality.rework} rework, "
                         f"truth {truth['volume']} / {truth['rework']}")
    assert not wrong, "\n".join(wrong)


def test_the_measured_backlog_names_the_seeded_workflow_first_under_the_defaults(
        measured: Measured) -> None:
    """Expected dollars per specialist-hour (recoverable x recovery percent over open items
    x handle hours), per workflow, from the measured figures."""
    expected: dict[str, Decimal] = {}
    hours: dict[str, Decimal] = {}
    for work in WORKS:
        backlog = measured.findings.backlog_of(work)
        assert backlog is not None
        flow = WORKFLOW[work]
        expected[flow] = expected.get(flow, Decimal(0)) + (
            backlog.recoverable.dollars * DEFAULT_RECOVERY_PERCENT[work] / 100)
        hours[flow] = hours.get(flow, Decimal(0)) + (
            backlog.open.count * DEFAULT_HANDLE_HOURS[work])
    best = max(expected, key=lambda flow: expected[flow] / hours[flow] if hours[flow] else 0)
    assert best == measured.truth["dominant"] == measured.truth["highest_yield_workflow"]


def test_the_assessment_recommends_the_seeded_workflow_and_proposes_for_it(
        loaded: Loaded, django_db_blocker: Any) -> None:
    """The product's own ranking (capacity + recommendation over the measured findings, with
    the default assumptions: the test database has no productivity history) names it."""
    with django_db_blocker.unblock():
        assessment = Assessment.objects.create(
            client_id=loaded.client_id, name="Ground truth assessment",
            as_of=date.fromisoformat(loaded.truth["as_of"]))
        assessed = compute.assess(assessment, acting_user=None)
    advice = assessed.recommendation
    assert advice.first == loaded.truth["dominant"]
    assert advice.proposal is not None
    assert advice.proposal.workflow == loaded.truth["dominant"]
    assert advice.ranking[0].workflow == loaded.truth["dominant"]


def test_the_truths_copied_assumptions_are_the_assessments_defaults() -> None:
    assert {w.value: DEFAULT_HANDLE_HOURS[w] for w in WORKS} == practice.HANDLE_HOURS
    assert {w.value: DEFAULT_RECOVERY_PERCENT[w] for w in WORKS} == practice.RECOVERY_PERCENT
    assert {w.value: WORKFLOW[w] for w in WORKS} == practice.WORKFLOW
    assert {w.value for w in WORKS} == set(practice.WORK_TYPES)


def test_the_truths_copied_deadlines_are_the_products_for_its_payers(loaded: Loaded) -> None:
    deadlines = DEFAULTS[practice.PAYER_KIND]
    assert (deadlines.timely_filing_days, deadlines.appeal_days, deadlines.followup_days) == (
        practice.TIMELY_FILING_DAYS, practice.APPEAL_DAYS, practice.FOLLOWUP_DAYS)
    payers = Payer.objects.filter(client_id=loaded.client_id)
    assert payers.exists()
    assert {(p.kind, p.timely_filing_days) for p in payers} == {(practice.PAYER_KIND, None)}


def test_the_synth_command_writes_a_practice_and_names_its_seeded_workflow(
        tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--practice", "--claims", "120",
                                      "--dominant", "posting", "--seed", "4"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "truth" / "assessment.json").read_text(encoding="utf-8"))
    assert truth["claims"] == 120
    assert truth["dominant"] == "posting"
    assert "highest yield per hour: posting (seeded: posting)" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["277ca", "835", "837", "999",
                                                          "truth"]


def test_the_synth_command_refuses_an_unknown_workflow_in_words(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--practice", "--dominant",
                                      "coding"])
    assert result.exit_code == 2  # a usage error, before anything is written
    assert "--dominant" in result.output
    assert not (tmp_path / "837").exists()
