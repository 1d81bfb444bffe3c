"""A domain error answers its kind's status, in the service's words, on a page, in an htmx
fragment and from the API: one mapping (rcmdesk.errors), applied in one place per edge."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import path

from rcmdesk import errors
from rcmdesk.api.api import domain_error
from rcmdesk.audit.models import AuditEvent
from rcmdesk.charges import services as charges
from rcmdesk.decisions import services as decisions
from rcmdesk.denials import appeals
from rcmdesk.escalations import services as escalations
from rcmdesk.qa import services as qa
from rcmdesk.submission import services as submission
from rcmdesk.tenancy.roles import Role
from rcmdesk.urls import urlpatterns as site
from rcmdesk.workqueue import services as work

STATUS = {errors.NotFound: 404, errors.Forbidden: 403, errors.Conflict: 409,
          errors.PreconditionFailed: 412, errors.Invalid: 400}
MESSAGE = "Claim 4711 was changed by someone else; reload it and try again."


def _refuse(request: HttpRequest, kind: str) -> HttpResponse:
    raise next(k for k in errors.KINDS if k.__name__ == kind)(MESSAGE)


urlpatterns = [path("test-refuse/<str:kind>/", _refuse), *site]


def test_each_kind_knows_its_http_status():
    assert {kind: kind.http_status for kind in errors.KINDS} == STATUS


@pytest.mark.parametrize(("app_error", "status"), [
    (work.Conflict, 412), (work.NotAllowed, 403), (charges.Conflict, 412),
    (charges.NotADraft, 409), (charges.ChargeError, 400), (decisions.AlreadyDecided, 409),
    (decisions.ProposalProblem, 400), (escalations.Conflict, 409),
    (escalations.NotAllowed, 403), (appeals.AppealConflict, 409), (qa.QaProblem, 400),
    (submission.SubmissionRefused, 422),
])
def test_each_apps_refusal_is_a_domain_error_answering_the_status_its_route_always_had(
        app_error, status):
    assert issubclass(app_error, errors.DomainError)
    assert app_error.http_status == status


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("kind", errors.KINDS, ids=lambda k: k.__name__)
def test_a_page_answers_the_site_error_page_with_the_status_and_the_message(
        world, signed_in, kind):
    response = signed_in(Role.PARTNER_SPECIALIST).get(f"/test-refuse/{kind.__name__}/")
    assert response.status_code == STATUS[kind]
    body = response.content.decode()
    assert f'data-testid="error-{STATUS[kind]}"' in body
    assert "<html" in body
    assert kind.title in body
    assert "reload it and try again" in body


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("kind", errors.KINDS, ids=lambda k: k.__name__)
def test_an_htmx_request_gets_a_fragment_aimed_at_the_refusal_region(
        world, signed_in, kind):
    response = signed_in(Role.PARTNER_SPECIALIST).get(
        f"/test-refuse/{kind.__name__}/", HTTP_HX_REQUEST="true")
    assert response.status_code == STATUS[kind]
    body = response.content.decode()
    assert "<html" not in body
    assert 'data-testid="refusal"' in body
    assert "reload it and try again" in body
    assert response["HX-Retarget"] == "#refusal"
    assert response["X-RCM-Refusal"] == "1"  # app.js swaps it in despite the 4xx


@pytest.mark.urls(__name__)
def test_a_forbidden_page_is_audited_as_a_refused_access_like_any_other_403(world, signed_in):
    signed_in(Role.PARTNER_SPECIALIST).get("/test-refuse/Forbidden/")
    event = AuditEvent.objects.filter(action="access_refused").latest("id")
    assert event.detail["status"] == 403
    assert event.detail["path"] == "/test-refuse/Forbidden/"


def test_every_page_has_the_region_an_htmx_refusal_is_shown_in(world, signed_in):
    body = signed_in(Role.PARTNER_SPECIALIST).get("/").content.decode()
    assert 'id="refusal"' in body


@pytest.mark.parametrize("kind", errors.KINDS, ids=lambda k: k.__name__)
def test_the_api_answers_a_problem_with_the_status_and_the_message(kind):
    request = RequestFactory().post("/api/work/items/1/actions")
    response = domain_error(request, kind(MESSAGE))
    assert response.status_code == STATUS[kind]
    assert json.loads(response.content) == {"detail": MESSAGE}


def test_an_api_422_refusal_carries_the_invalid_request_shape_it_is_documented_with():
    request = RequestFactory().post("/api/batches/submit")
    response = domain_error(request, submission.SubmissionRefused("Claim 7 was sent."))
    assert response.status_code == 422
    assert json.loads(response.content) == {"detail": "Claim 7 was sent.", "errors": []}


def test_a_refusal_without_words_still_says_what_kind_it_is():
    assert errors.Conflict().detail == "Not possible in this state"


def test_an_api_refusal_adds_the_facts_a_program_needs_to_the_sentence():
    refused = charges.ChargeError([charges.Problem("line[1].charge", "must be above zero")])
    response = domain_error(RequestFactory().post("/api/charges"), refused)
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "detail": "The charge cannot become a claim.",
        "problems": [{"row": "", "field": "line[1].charge", "message": "must be above zero"}]}
