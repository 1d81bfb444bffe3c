"""The tracker lists authorizations by status and end date, and what needs one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit
from rcmdesk.priorauth.models import AuthStatus
from rcmdesk.priorauth.producers import sync_authorizations
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer, require
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_the_tracker_lists_authorizations_and_needed_ones(world: World, signed_in: Any) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme, "Tracked")
    make_auth(world.acme, patient, payer, ["97110"], certification_number="CERT-T1",
              start=TODAY, end=TODAY + timedelta(days=5))
    require(world.acme, "72148", payer)
    Visit.objects.create(client=world.acme, patient=patient, payer=payer,
                         scheduled_on=TODAY + timedelta(days=3), procedures=["72148"])
    sync_authorizations(world.acme, TODAY)
    page = signed_in(Role.CLIENT_STAFF).get("/auths/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "CERT-T1" in text
    assert "Authorization needed: 72148" in text
    assert "Request 278" in text
    assert AuditEvent.objects.filter(action="list",
                                     object_type="priorauth.authorization").exists()


def test_the_tracker_filters_by_status_and_ending_soon(world: World, signed_in: Any) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    make_auth(world.acme, patient, payer, ["97110"], certification_number="SOON",
              start=TODAY, end=TODAY + timedelta(days=3))
    make_auth(world.acme, patient, payer, ["97110"], certification_number="LATER",
              start=TODAY, end=TODAY + timedelta(days=90))
    make_auth(world.acme, patient, payer, ["97110"], certification_number="NOPE",
              status=AuthStatus.DENIED)
    staff = signed_in(Role.CLIENT_STAFF)
    expiring = staff.get("/auths/?expiring=1").content.decode()
    assert "SOON" in expiring
    assert "LATER" not in expiring
    denied = staff.get("/auths/?status=denied").content.decode()
    assert "NOPE" in denied
    assert "SOON" not in denied


def test_a_partner_without_prior_auth_scope_sees_no_authorizations(
        world: World, signed_in: Any) -> None:
    make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"],
              certification_number="HIDDEN")
    page = signed_in(Role.PARTNER_SPECIALIST).get("/auths/")
    assert page.status_code == 200
    assert "HIDDEN" not in page.content.decode()


def test_the_tracker_finds_authorizations_by_code_or_certification(world: World,
                                                                    signed_in: Any) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    make_auth(world.acme, patient, payer, ["97110"], certification_number="CERT-PT")
    make_auth(world.acme, patient, payer, ["72148"], certification_number="CERT-MRI")
    staff = signed_in(Role.CLIENT_STAFF)
    by_code = staff.get("/auths/?q=72148").content.decode()
    assert "CERT-MRI" in by_code
    assert "CERT-PT" not in by_code
    assert "CERT-PT" in staff.get("/auths/?q=cert-pt").content.decode()


def test_an_authorization_ending_within_days_is_flagged_and_a_far_one_is_not(
        world: World, signed_in: Any) -> None:
    today = world.acme.today()
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    make_auth(world.acme, patient, payer, ["97110"], certification_number="ENDSSOON",
              start=today, end=today + timedelta(days=3))
    make_auth(world.acme, patient, payer, ["97110"], certification_number="ENDSLATER",
              start=today, end=today + timedelta(days=90))
    text = signed_in(Role.CLIENT_STAFF).get("/auths/").content.decode()
    soon = text[text.index("ENDSSOON"):text.index("</tr>", text.index("ENDSSOON"))]
    later = text[text.index("ENDSLATER"):text.index("</tr>", text.index("ENDSLATER"))]
    assert 'data-flag="near"' in soon
    assert "due in 3 days" in soon
    assert "deadline-flag" not in later
    assert (today + timedelta(days=90)).strftime("%m/%d/%Y") in later


def test_the_tracker_offers_no_playbook_link_to_whoever_may_not_edit_one(
        world: World, signed_in: Any) -> None:
    assert "requirements-link" not in signed_in(Role.CLIENT_STAFF).get("/auths/").content.decode()
    assert "requirements-link" in signed_in(Role.CLIENT_ADMIN).get("/auths/").content.decode()
