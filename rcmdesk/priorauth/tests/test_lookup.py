"""AuthBook: does a line need an authorization, and is one on file that covers it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.claims.models import ClaimStatus
from rcmdesk.conftest import World
from rcmdesk.priorauth.lookup import AuthBook
from rcmdesk.priorauth.models import AuthStatus
from rcmdesk.priorauth.tests.factories import (
    make_auth,
    make_claim,
    make_patient,
    make_payer,
    require,
)

DAY = date(2026, 3, 2)
pytestmark = pytest.mark.django_db


def test_a_payer_specific_requirement_applies_only_to_that_payer(world: World) -> None:
    mri, other = make_payer(world.acme, "MRI-PAYER"), make_payer(world.acme, "OTHER")
    require(world.acme, "70551-70553", mri)
    book = AuthBook(world.acme.pk)
    assert book.needs_auth(mri.pk, "70552")
    assert not book.needs_auth(other.pk, "70552")
    assert not book.needs_auth(mri.pk, "70554")


def test_an_every_payer_requirement_applies_to_all_payers_and_inactive_rows_to_none(
        world: World) -> None:
    payer = make_payer(world.acme)
    require(world.acme, "J9*")
    require(world.acme, "72148", active=False)
    book = AuthBook(world.acme.pk)
    assert book.needs_auth(payer.pk, "j9035")
    assert not book.needs_auth(payer.pk, "72148")


def test_another_clients_requirements_are_not_read(world: World) -> None:
    require(world.birch, "72148")
    assert not AuthBook(world.acme.pk).needs_auth(make_payer(world.acme).pk, "72148")


def test_a_code_that_needs_no_authorization_checks_clean(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "99213", DAY, Decimal(1))
    assert (check.needed, check.problem, check.authorization_id) == (False, "", None)


def test_a_needed_authorization_with_none_on_file_is_missing(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "72148", DAY, Decimal(1))
    assert (check.needed, check.problem, check.authorization_id) == (True, "missing", None)
    assert "72148" in check.message


def test_another_patients_authorization_does_not_cover(world: World) -> None:
    payer, patient, other = (make_payer(world.acme), make_patient(world.acme),
                             make_patient(world.acme, "Other"))
    require(world.acme, "72148", payer)
    make_auth(world.acme, other, payer, ["72148"])
    assert AuthBook(world.acme.pk).check(patient.pk, payer.pk, "72148", DAY, None).problem \
        == "missing"


def test_a_denied_authorization_is_reported_as_denied(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    auth = make_auth(world.acme, patient, payer, ["72148"], status=AuthStatus.DENIED)
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "72148", DAY, None)
    assert (check.problem, check.authorization_id) == ("denied", auth.pk)


@pytest.mark.parametrize("status", [AuthStatus.REQUESTED, AuthStatus.PENDING])
def test_an_authorization_without_a_decision_is_pending(world: World, status: str) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    auth = make_auth(world.acme, patient, payer, ["72148"], status=status)
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "72148", DAY, None)
    assert (check.problem, check.authorization_id) == ("pending", auth.pk)


def test_a_service_date_outside_the_approved_dates_is_reported(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    auth = make_auth(world.acme, patient, payer, ["72148"], start=date(2026, 1, 1),
                     end=date(2026, 2, 28), certification_number="CERT1")
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "72148", DAY, None)
    assert (check.problem, check.authorization_id) == ("outside_dates", auth.pk)
    assert "CERT1" in check.message
    on_time = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "72148", date(2026, 2, 28),
                                           None)
    assert on_time.ok


def test_units_beyond_the_approved_units_are_exceeded(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "97110", payer)
    auth = make_auth(world.acme, patient, payer, ["97110"], units="4")
    book = AuthBook(world.acme.pk)
    assert book.check(patient.pk, payer.pk, "97110", DAY, Decimal(4)).ok
    check = book.check(patient.pk, payer.pk, "97110", DAY, Decimal(5))
    assert (check.problem, check.authorization_id) == ("units_exceeded", auth.pk)


def test_units_already_billed_on_submitted_claims_count_against_the_approval(
        world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "97110", payer)
    make_auth(world.acme, patient, payer, ["97110"], units="4")
    sent = make_claim(world.acme, patient, payer, [("97110", "3")], pcn="SENT")
    make_claim(world.acme, patient, payer, [("97110", "3")], pcn="DRAFT",
               status=ClaimStatus.DRAFT)  # not sent: uses nothing yet
    make_claim(world.acme, patient, payer, [("97110", "3")], pcn="OLD",
               service=date(2025, 6, 1))  # before the authorization: not against it
    book = AuthBook(world.acme.pk)
    assert book.check(patient.pk, payer.pk, "97110", DAY, Decimal(1)).ok
    check = book.check(patient.pk, payer.pk, "97110", DAY, Decimal(2))
    assert check.problem == "units_exceeded"
    assert "3 of 4" in check.message
    # the submitted claim checked again does not count its own units twice
    assert book.check(patient.pk, payer.pk, "97110", DAY, Decimal(3), claim_id=sent.pk).ok


def test_an_approved_authorization_in_dates_and_units_is_ok(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "70551-70553", payer)
    make_auth(world.acme, patient, payer, ["70553"], status=AuthStatus.DENIED)
    auth = make_auth(world.acme, patient, payer, ["70553"], units="1")
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "70553", DAY, None)
    assert (check.needed, check.problem, check.authorization_id) == (True, "", auth.pk)


def test_a_usable_authorization_is_found_even_when_no_requirement_exists(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    auth = make_auth(world.acme, patient, payer, ["70553"])
    check = AuthBook(world.acme.pk).check(patient.pk, payer.pk, "70553", DAY, None)
    assert (check.needed, check.problem, check.authorization_id) == (False, "", auth.pk)


def test_the_book_can_be_limited_to_some_patients(world: World) -> None:
    payer, patient, other = (make_payer(world.acme), make_patient(world.acme),
                             make_patient(world.acme, "Other"))
    require(world.acme, "72148", payer)
    make_auth(world.acme, other, payer, ["72148"])
    book = AuthBook(world.acme.pk, patient_ids=[patient.pk])
    assert book.authorizations_for(other.pk, payer.pk, "72148") == []


def test_loading_takes_the_same_few_queries_whatever_the_number_of_claims(
        world: World, django_assert_num_queries: Any) -> None:
    payer = make_payer(world.acme)
    require(world.acme, "97110", payer)
    require(world.acme, "J9*")
    patients = [make_patient(world.acme, f"P{n}") for n in range(5)]
    for n, patient in enumerate(patients):
        make_auth(world.acme, patient, payer, ["97110"], units="10")
        make_claim(world.acme, patient, payer, [("97110", "1"), ("J9035", "1")], pcn=f"C{n}")
    with django_assert_num_queries(3):
        book = AuthBook(world.acme.pk, patient_ids=[p.pk for p in patients])
        for patient in patients * 20:
            book.check(patient.pk, payer.pk, "97110", DAY, Decimal(1))
            book.check(patient.pk, payer.pk, "J9035", DAY, Decimal(1))
