"""The issue's done-when, measured: on a synthetic 20,000-claim contract-mode run with 200
seeded underpaid lines and 50 seeded recoupments, posting finds >= 99% of the underpaid
lines, <= 0.5% of the lines it flags were not seeded, and >= 95% of the recoupments are
linked to the right original claim line.

One module-scoped run (generated, its contracts loaded, its 837s and 835s ingested, in one
transaction rolled back at the end) serves every test; only the 837 and 835 files are
ingested, which is all detection needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from rcmdesk.contracts.book import ContractBook
from rcmdesk.contracts.detection import Detection, ingest_run, load_contracts, measure
from rcmdesk.synth import generate
from rcmdesk.synth.contracts import read_csv
from rcmdesk.tenancy.models import Organization

CLAIMS = 20_000


@pytest.fixture(scope="module")
def detected(tmp_path_factory: Any, django_db_setup: Any,
             django_db_blocker: Any) -> Iterator[tuple[Detection, Counter[str]]]:
    out = tmp_path_factory.mktemp("detection")
    generate(out, seed=1, claims=CLAIMS, contracts=True)
    with django_db_blocker.unblock(), transaction.atomic():
        client = Organization.objects.create(slug="detection-run", name="Detection run",
                                             kind="client")
        load_contracts(client, out)
        outcomes = ingest_run(client, out)
        yield measure(client, out), outcomes
        transaction.set_rollback(True)


def test_the_run_seeds_200_underpaid_lines_and_50_recoupments_and_every_file_applies(
        detected: tuple[Detection, Counter[str]]) -> None:
    found, outcomes = detected
    assert found.seeded_underpaid == 200
    assert found.seeded_recoupments == 50
    assert set(outcomes) == {"applied"}


def test_posting_flags_at_least_99_percent_of_the_seeded_underpaid_lines(
        detected: tuple[Detection, Counter[str]]) -> None:
    found = detected[0]
    assert found.recall >= 0.99, found.counts()


def test_at_most_half_a_percent_of_the_lines_flagged_underpaid_were_not_seeded(
        detected: tuple[Detection, Counter[str]]) -> None:
    found = detected[0]
    assert found.flagged > 0, found.counts()  # nothing flagged is no evidence of precision
    assert found.false_positive_rate <= 0.005, found.counts()


def test_at_least_95_percent_of_the_recoupments_are_linked_to_their_original_claim_line(
        detected: tuple[Detection, Counter[str]]) -> None:
    found = detected[0]
    assert found.recoupment_link_rate >= 0.95, found.counts()


def test_a_runs_schedules_load_as_one_contract_per_payer_with_the_rate_change_as_a_version(
        db: Any, tmp_path: Any) -> None:
    generate(tmp_path, seed=3, claims=60, contracts=True)
    client = Organization.objects.create(slug="detection-load", name="Load", kind="client")
    contracts = load_contracts(client, tmp_path)
    assert len(contracts) == 6
    book = ContractBook(client.pk)
    raised = next(c for c in contracts if c.payer.payer_id == "90003")  # ACME: the raise
    assert sorted(raised.versions.values_list("number", flat=True)) == [1, 2]
    rows = read_csv(tmp_path / "contracts" / "ACM.csv")
    change = max(r.effective_from for r in rows)
    schedule = book.schedule(raised)
    before = schedule.find(["99213"], [], "", change - timedelta(days=1))
    after = schedule.find(["99213"], [], "", change)
    assert before is not None
    assert after is not None
    assert (before.version, after.version) == (1, 2)
    assert (after.amount or 0) > (before.amount or 0) > 0
    room = schedule.find(["", "0110"], [], "", change)
    assert room is not None
    assert room.basis == "per_diem"
