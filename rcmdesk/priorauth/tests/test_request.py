"""Asking the payer: our 278 request goes out through the outbound writer and the answer
comes back through intake to the authorization it asked about."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Coverage
from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit
from rcmdesk.intake.models import FileStatus, OutboundFile
from rcmdesk.intake.services import ingest
from rcmdesk.priorauth.lookup import AuthBook
from rcmdesk.priorauth.models import AuthDecision, Authorization, AuthRequest, AuthStatus
from rcmdesk.priorauth.producers import sync_authorizations
from rcmdesk.priorauth.services import _with_service_lines, request_authorization
from rcmdesk.priorauth.tests.factories import make_patient, make_payer, make_provider, require
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkAction, WorkItem
from rcmdesk.x12 import t278
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_278

TODAY = date.today()
pytestmark = pytest.mark.django_db


def setup_visit(world: World) -> Visit:
    payer = make_payer(world.acme, "UMO1")
    patient = make_patient(world.acme)
    Coverage.objects.create(client=world.acme, patient=patient, payer=payer, member_id="M123")
    require(world.acme, "97110-97112", payer)
    return Visit.objects.create(client=world.acme, patient=patient, payer=payer,
                                provider=make_provider(world.acme),
                                scheduled_on=TODAY + timedelta(days=10),
                                procedures=["99213", "97110", "97112"])


def specialist(world: World) -> Any:
    """Acme's own staff: the partner's engagement with Acme has no prior-auth scope."""
    return world.user(Role.CLIENT_STAFF)


def test_a_visit_request_writes_a_278_naming_the_codes_that_need_authorization(
        world: World) -> None:
    v = setup_visit(world)
    sync_authorizations(world.acme, TODAY)
    auth = request_authorization(v, acting_user=specialist(world), units=Decimal(6))
    assert (auth.status, auth.codes, auth.visit_id) == (AuthStatus.REQUESTED,
                                                       ["97110", "97112"], v.pk)
    req = AuthRequest.objects.get(authorization=auth)
    assert req.trace == auth.reference
    out = OutboundFile.objects.get(set_id="278")
    data = bytes(out.content)
    [review] = list(t278.services_reviews(data, name=out.name))
    assert not review.response
    assert review.subscriber is not None
    assert review.subscriber.id == "M123"
    assert review.requester is not None
    assert review.requester.id == "1234567893"
    assert review.reviews[0].trace == req.trace
    assert [r.units for r in review.reviews[1:]] == [Decimal(6), Decimal(6)]
    assert b"SV1*HC:97110*" in data
    assert b"SV1*HC:97112*" in data
    errors = [f for f in validate(data, name=out.name) if f.severity is Severity.ERROR]
    assert errors == []
    assert AuditEvent.objects.filter(action="priorauth.requested").count() == 1
    item = WorkItem.objects.get(kind=ItemKind.PRIOR_AUTH, source_key__endswith=":97110")
    assert item.touches == 1
    assert WorkAction.objects.filter(item=item, note__startswith="278 sent").exists()


def test_a_client_admin_or_a_partner_out_of_scope_may_not_request_one(world: World) -> None:
    v = setup_visit(world)
    with pytest.raises(PermissionDenied):
        request_authorization(v, acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(Http404):
        request_authorization(v, acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert not Authorization.objects.exists()


def response(trace: str, lines: list[tuple[str, str, str, str]], *,
             event_decision: str = "", control: int = 1) -> bytes:
    """A payer's 278 answer: per line (code, HCR01, certification number, HSD units)."""
    event = t278.Review(level="2000E", request_category="HS", certification_type="I",
                        service_type="1", trace=trace, trace_originator="9000000001",
                        decision=event_decision,
                        dates=(DateRef("AAH", "20260301-20260630", "RD8"),))
    services = tuple(t278.Review(level="2000F", request_category="HS",
                                 certification_type="I", service_type="1", decision=d,
                                 certification_number=cert,
                                 units_qualifier="VS" if units else "",
                                 units=Decimal(units) if units else None)
                     for _, d, cert, units in lines)
    review = t278.ServicesReview(
        "0001", True, Name("X3", "2", "UMO", id_qualifier="PI", id="UMO1"),
        Name("1P", "2", "CLINIC", id_qualifier="XX", id="1234567893"),
        Name("IL", "1", "SYNTHETIC", "PAT", id_qualifier="MI", id="M123"),
        (event, *services))
    body = _with_service_lines(build_278(review), [code for code, *_ in lines], None)
    return write_interchange([body], Envelope(sender="UMO1", receiver="ACME",
                                                 interchange_control=control,
                                                 group_control=control))


def test_the_payers_answer_approves_one_line_and_denies_another(world: World) -> None:
    v = setup_visit(world)
    auth = request_authorization(v, acting_user=specialist(world))
    data = response(auth.reference, [("97110", "A1", "CERT-1", "12"),
                                     ("97112", "A3", "", "")])
    result = ingest(world.acme, data, "answer.278")
    assert result.outcome == FileStatus.APPLIED, result.message
    auth.refresh_from_db()
    assert (auth.status, auth.decision_code, auth.certification_number, auth.codes) == (
        AuthStatus.APPROVED, "A1", "CERT-1", ["97110"])
    assert (auth.approved_units, auth.start_date, auth.end_date) == (
        Decimal(12), date(2026, 3, 1), date(2026, 6, 30))
    denied = Authorization.objects.get(split_from=auth)
    assert (denied.status, denied.codes, denied.approved_units) == (
        AuthStatus.DENIED, ["97112"], None)
    book = AuthBook(world.acme.pk)
    assert v.payer_id is not None
    assert book.check(v.patient_id, v.payer_id, "97110", date(2026, 4, 1), None).ok
    assert book.check(v.patient_id, v.payer_id, "97112", date(2026, 4, 1), None).problem \
        == "denied"


def test_the_same_answer_ingested_again_changes_nothing(world: World) -> None:
    v = setup_visit(world)
    auth = request_authorization(v, acting_user=specialist(world))
    lines = [("97110", "A1", "CERT-1", "12"), ("97112", "A3", "", "")]
    ingest(world.acme, response(auth.reference, lines), "answer.278")
    decisions, auths = AuthDecision.objects.count(), Authorization.objects.count()
    again = response(auth.reference, lines, control=2)
    assert ingest(world.acme, again, "again.278").outcome == FileStatus.APPLIED
    assert (AuthDecision.objects.count(), Authorization.objects.count()) == (decisions, auths)


def test_an_approval_closes_the_visit_items_it_covers(world: World) -> None:
    v = setup_visit(world)
    sync_authorizations(world.acme, TODAY)
    auth = request_authorization(v, acting_user=specialist(world))
    data = response(auth.reference, [("97110", "", "", ""), ("97112", "", "", "")],
                    event_decision="A1")
    window = f"{TODAY:%Y%m%d}-{TODAY + timedelta(days=60):%Y%m%d}".encode()
    ingest(world.acme, data.replace(b"20260301-20260630", window), "ok.278")
    open_items = WorkItem.objects.filter(kind=ItemKind.PRIOR_AUTH).exclude(
        status=ItemStatus.DONE)
    assert not open_items.exists()
