"""The public 278 samples: the payers' answers update the authorizations they answer (values
checked by hand against the files); the requests among them change nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from rcmdesk.claims.models import Coverage
from rcmdesk.conftest import World
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.services import receive
from rcmdesk.priorauth.lookup import AuthBook
from rcmdesk.priorauth.models import AuthDecision, Authorization, AuthStatus
from rcmdesk.priorauth.response import apply_278
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer, require
from rcmdesk.x12.parser import Transaction, parse

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "x12-samples"
PREFIX = "apimeister-x12-types/_278_test.rs__parse_278_"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (SAMPLES / "MANIFEST.tsv").exists(),
                       reason="../shared/x12-samples is not here"),
]


def manifest_278() -> list[str]:
    with (SAMPLES / "MANIFEST.tsv").open(newline="") as fh:
        return [row[0] for row in csv.reader(fh, delimiter="\t") if len(row) > 5
                and row[5] == "278"]


def load(world: World, n: int) -> tuple[ReceivedFile, Transaction]:
    path = SAMPLES / f"{PREFIX}{n}.x12"
    data = path.read_bytes()
    received, _ = receive(world.acme, data, path.name)
    [tx] = list(parse(data, name=path.name))
    return received, tx


def member_auth(world: World, **fields: object) -> Authorization:
    """A requested authorization for the samples' member 511111111 at payer 617591011LTCPP."""
    payer = make_payer(world.acme, "617591011LTCPP")
    patient = make_patient(world.acme)
    Coverage.objects.create(client=world.acme, patient=patient, payer=payer,
                            member_id="511111111")
    return make_auth(world.acme, patient, payer, ["97110"], status=AuthStatus.REQUESTED,
                     start=None, end=None, **fields)  # type: ignore[arg-type]


def test_the_manifest_lists_the_nine_278_samples() -> None:
    assert sorted(manifest_278()) == sorted(f"{PREFIX}{n}.x12" for n in range(1, 10))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9])
def test_a_278_request_is_stored_only(world: World, n: int) -> None:
    auth = member_auth(world)
    received, tx = load(world, n)
    assert apply_278(received, tx, acting_user=None) == {"control": tx.control, "stored_only": True,
                                             "request": True}
    auth.refresh_from_db()
    assert auth.status == AuthStatus.REQUESTED
    assert not AuthDecision.objects.exists()


def test_a_pended_answer_is_found_by_member_and_records_the_payers_case_number(
        world: World) -> None:
    auth = member_auth(world)
    received, tx = load(world, 6)
    summary = apply_278(received, tx, acting_user=None)
    assert (summary["matched"], summary["decisions"]) == (1, 1)
    auth.refresh_from_db()
    # HCR*A4**0B~ REF*NT*170905306915~ at the event; DTP*472 20170331 and 20170405 below
    assert (auth.status, auth.decision_code, auth.reason_code) == (AuthStatus.PENDING, "A4",
                                                                   "0B")
    assert (auth.certification_number, auth.payer_reference) == ("", "170905306915")
    assert (auth.start_date, auth.end_date) == (date(2017, 3, 31), date(2017, 4, 5))
    assert auth.approved_units is None  # HSD*VS*3 echoes what was asked: nothing approved
    decision = AuthDecision.objects.get()
    assert (decision.file_id, decision.source) == (received.pk, "278")


def test_a_pended_answer_is_found_by_our_trace_before_the_member(world: World) -> None:
    other = member_auth(world)
    ours = make_auth(world.acme, other.patient, other.payer, ["97110"],
                     status=AuthStatus.REQUESTED, reference="112233445X")
    received, tx = load(world, 6)
    apply_278(received, tx, acting_user=None)
    ours.refresh_from_db()
    other.refresh_from_db()
    assert (ours.status, other.status) == (AuthStatus.PENDING, AuthStatus.REQUESTED)


def test_the_same_answer_applied_twice_records_one_decision(world: World) -> None:
    member_auth(world)
    received, tx = load(world, 6)
    apply_278(received, tx, acting_user=None)
    assert apply_278(received, tx, acting_user=None)["decisions"] == 0
    assert AuthDecision.objects.count() == 1


def test_an_answer_fitting_two_open_authorizations_is_not_guessed(world: World) -> None:
    auth = member_auth(world)
    make_auth(world.acme, auth.patient, auth.payer, ["97112"], status=AuthStatus.REQUESTED)
    received, tx = load(world, 6)
    assert apply_278(received, tx, acting_user=None)["unmatched"] == 1
    assert not AuthDecision.objects.exists()


def test_a_request_the_payer_could_not_process_keeps_it_open_with_the_reason(
        world: World) -> None:
    auth = member_auth(world, reference="XP7890")
    require(world.acme, "97110")
    received, tx = load(world, 7)
    apply_278(received, tx, acting_user=None)
    auth.refresh_from_db()
    # AAA*N**33*C~ at the event, no HCR: not a decision, a request to correct and resend
    assert (auth.status, auth.rejection_code, auth.decision_code) == (AuthStatus.REQUESTED,
                                                                      "33", "")
    check = AuthBook(world.acme.pk).check(auth.patient_id, auth.payer_id, "97110", None, None)
    assert check.problem == "pending"
    assert "unprocessed (reason 33)" in check.message
