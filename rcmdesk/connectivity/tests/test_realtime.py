"""Real-time inquiries end to end over loopback: our CORE client, the simulator's endpoint,
intake and the 271/277 application, and the fallback to batch when real time fails."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

import pytest

from rcmdesk.arfollowup.models import ClaimStatusResponse
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity import core
from rcmdesk.connectivity.models import ConnectionKind, InquiryState, RealtimeInquiry
from rcmdesk.connectivity.realtime import (
    NoRealtimeConnection,
    TooSoon,
    check_eligibility_now,
    check_many,
    check_status_now,
    visit_inquiries,
)
from rcmdesk.connectivity.tests.realtime_support import FakeBatch, connect
from rcmdesk.eligibility.models import EligibilityRequest, VisitStatus
from rcmdesk.eligibility.services import latest_response
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.intake.models import Channel
from rcmdesk.sim.core_http import REST_PATH, SOAP_PATH, TOKEN_PATH, CoreServer
from rcmdesk.sim.inquiries import ACTIVE, coverage_of
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db


def staff(world: World) -> Any:
    return world.user(Role.CLIENT_STAFF)


def active_member() -> str:
    return next(m for m in (f"M{n:05d}" for n in range(1000)) if coverage_of(m) == ACTIVE)


def test_a_visit_checked_over_soap_shows_the_payers_answer_at_once(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    visit = make_visit(world.acme, member_id=active_member())
    inquiry = check_eligibility_now(visit, acting_user=staff(world))
    assert inquiry.state == InquiryState.ANSWERED, inquiry.error
    answer = latest_response(visit)
    assert answer is not None
    assert answer.status == "active"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VERIFIED
    assert inquiry.answer is not None
    assert inquiry.answer.channel == Channel.REALTIME
    assert batch.queued == []


def test_the_soap_request_carries_a_ws_security_username_token(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    [seen] = [s for s in core_sim.seen if s.path == SOAP_PATH]
    assert seen.username == "rcmdesk"
    assert seen.headers["Content-Type"].startswith("application/soap+xml")


def test_the_inquiry_keeps_the_control_numbers_of_both_sides_and_the_round_trip(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    visit = make_visit(world.acme)
    inquiry = check_eligibility_now(visit, acting_user=staff(world))
    request = EligibilityRequest.objects.get(visit=visit)
    assert (inquiry.isa13, inquiry.gs06) == (request.outbound.isa13, request.outbound.gs06)
    assert inquiry.st02 == "0001"
    assert (inquiry.bht03, inquiry.trn02) == (request.reference, request.trace)
    assert len(inquiry.answer_isa13) == 9
    assert inquiry.answer_isa13 != inquiry.isa13
    assert inquiry.round_trip_ms is not None
    assert inquiry.answered_at is not None
    assert inquiry.answered_at >= inquiry.sent_at
    assert list(visit_inquiries(visit)) == [inquiry]
    actions = set(AuditEvent.objects.filter(object_id=str(inquiry.pk)).values_list(
        "action", flat=True))
    assert {"connectivity.realtime_sent", "connectivity.realtime_answered"} <= actions


def test_over_rest_the_token_is_fetched_once_and_sent_as_a_bearer(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim, ConnectionKind.CORE_REST)
    for n in range(2):
        visit = make_visit(world.acme, last=f"REST{n}", member_id=f"R{n}")
        inquiry = check_eligibility_now(visit, acting_user=staff(world))
        assert inquiry.state == InquiryState.ANSWERED, inquiry.error
    assert core_sim.tokens_issued == 1
    assert len([s for s in core_sim.seen if s.path == TOKEN_PATH]) == 1
    rest = [s for s in core_sim.seen if s.path == REST_PATH]
    assert len(rest) == 2
    assert all(s.headers["Authorization"].startswith("Bearer ") for s in rest)


def test_a_claim_checked_in_real_time_gets_its_277_applied(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim, ConnectionKind.CORE_REST)
    claim = make_claim(world.acme, "PCN-RT1", service=date(2025, 12, 1))
    inquiry = check_status_now(claim, acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert inquiry.state == InquiryState.ANSWERED, inquiry.error
    assert inquiry.set_id == "276"
    assert inquiry.answer is not None
    assert inquiry.answer.status == "applied", inquiry.answer.reason
    assert ClaimStatusResponse.objects.filter(claim=claim).exists()


def test_no_answer_in_time_times_out_then_falls_back_to_batch_once(
        world: World, batch: FakeBatch) -> None:
    with CoreServer(think_seconds=2.5) as slow:
        connect(world.acme, slow, timeout_seconds=1)
        inquiry = check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
        core.close_clients()
    assert inquiry.state == InquiryState.FELL_BACK
    assert "no answer within 1 seconds" in inquiry.error
    [(outbound, not_before)] = batch.queued
    assert outbound == inquiry.outbound
    assert not_before == inquiry.sent_at + timedelta(seconds=90)  # CORE: not before 90 s
    actions = list(AuditEvent.objects.filter(object_id=str(inquiry.pk)).order_by(
        "pk").values_list("action", flat=True))
    assert actions[-2:] == ["connectivity.realtime_failed", "connectivity.realtime_fell_back"]
    failed = AuditEvent.objects.get(object_id=str(inquiry.pk),
                                    action="connectivity.realtime_failed")
    assert failed.detail["timed_out"] is True


def test_a_core_error_envelope_is_told_in_words_and_falls_back(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    core_sim.fail_with = ("ReceiverUnavailable", "The payer system is down")
    connect(world.acme, core_sim)
    inquiry = check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    assert inquiry.state == InquiryState.FELL_BACK
    assert inquiry.error == ("the endpoint refused the inquiry: ReceiverUnavailable "
                             "(The payer system is down)")
    assert len(batch.queued) == 1
    assert batch.queued[0][1] is None  # no answer can still come: batch may go at once


def test_a_wrong_ws_password_is_an_http_error_in_words(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    core_sim.ws_users = {"rcmdesk": "another"}
    connect(world.acme, core_sim)
    inquiry = check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    assert inquiry.state == InquiryState.FELL_BACK
    assert "UsernameToken not accepted" in inquiry.error


def test_without_a_batch_queue_the_failure_still_says_why(
        world: World, core_sim: CoreServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rcmdesk.connectivity.outbound", None)
    core_sim.fail_with = ("ReceiverUnavailable", "down")
    connect(world.acme, core_sim)
    inquiry = check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    assert inquiry.state == InquiryState.FAILED
    assert "could not be queued for batch either" in inquiry.error


def test_asking_again_within_90_seconds_of_an_unanswered_inquiry_is_refused(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    core_sim.fail_with = ("ReceiverUnavailable", "down")
    connect(world.acme, core_sim)
    visit = make_visit(world.acme)
    check_eligibility_now(visit, acting_user=staff(world))
    with pytest.raises(TooSoon):
        check_eligibility_now(visit, acting_user=staff(world))


def test_a_client_without_a_core_connection_is_told_how_to_get_one(world: World) -> None:
    with pytest.raises(NoRealtimeConnection, match="Connections"):
        check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    assert not RealtimeInquiry.objects.exists()


def test_a_selection_asks_about_each_and_skips_the_ones_that_cannot_be_asked(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    good = [make_visit(world.acme, last=f"BULK{n}", member_id=f"B{n}") for n in range(3)]
    no_member = make_visit(world.acme, last="NOID", member_id="")
    result = check_many([*good, no_member], acting_user=staff(world), workers=1)
    assert len(result.done) == 3
    assert result.answered == 3
    assert "no member id" in result.skipped[no_member.pk]


def client_cert_pem() -> str:
    """A self-signed certificate and its key in one PEM, as a client admin pastes it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from django.utils import timezone

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rcmdesk test")])
    now = timezone.now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())).decode()


def test_a_rest_connection_presents_its_client_certificate_and_still_answers(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    from rcmdesk.connectivity.models import Credential, CredentialKind
    from rcmdesk.connectivity.secrets import seal

    connection = connect(world.acme, core_sim, ConnectionKind.CORE_REST)
    ciphertext, key = seal(client_cert_pem())
    Credential.objects.create(connection=connection, kind=CredentialKind.CLIENT_CERT,
                              ciphertext=ciphertext, key_id=key)
    inquiry = check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    assert inquiry.state == InquiryState.ANSWERED, inquiry.error


def test_a_client_certificate_that_does_not_load_is_told_in_words(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    from rcmdesk.connectivity.models import Credential, CredentialKind
    from rcmdesk.connectivity.secrets import seal

    connection = connect(world.acme, core_sim, ConnectionKind.CORE_REST)
    ciphertext, key = seal("-----BEGIN CERTIFICATE-----\nnot a certificate\n")
    Credential.objects.create(connection=connection, kind=CredentialKind.CLIENT_CERT,
                              ciphertext=ciphertext, key_id=key)
    inquiry = check_eligibility_now(make_visit(world.acme), acting_user=staff(world))
    assert inquiry.state == InquiryState.FELL_BACK
    assert inquiry.error.startswith("the client certificate could not be used")


def test_a_selection_is_asked_several_at_once_each_on_its_own_connection(
        transactional_db: Any, world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    visits = [make_visit(world.acme, last=f"PAR{n}", member_id=f"Q{n}") for n in range(4)]
    result = check_many(visits, acting_user=staff(world), workers=4)
    assert result.skipped == {}
    assert result.answered == 4
    assert {i.trn02 for i in result.done} == set(
        EligibilityRequest.objects.values_list("trace", flat=True))
