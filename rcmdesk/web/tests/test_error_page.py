"""Every refusal a person meets on a page is the site's styled page: a title in plain words,
the reason, the navigation when signed in, and a way back (the previous page, home)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from rcmdesk import errors
from rcmdesk.tenancy.roles import Role
from rcmdesk.urls import handler400, handler403, handler404, handler500  # noqa: F401
from rcmdesk.urls import urlpatterns as site


def _bad_week(request: HttpRequest) -> HttpResponse:
    return HttpResponseBadRequest("No week 2026-W77: a year has at most 53 weeks.")


@require_GET
def _get_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fine")


def _conflict(request: HttpRequest) -> HttpResponse:
    raise errors.Conflict("The decision was already made by Marcus Manager.")


def _stale(request: HttpRequest) -> HttpResponse:
    raise errors.PreconditionFailed()


urlpatterns = [path("test-bad-week/", _bad_week), path("test-get-only/", _get_only),
               path("test-conflict/", _conflict), path("test-stale/", _stale), *site]
pytestmark = pytest.mark.urls(__name__)


def test_a_bare_400_from_a_view_becomes_the_styled_page_with_the_views_reason(world, signed_in):
    response = signed_in(Role.CLIENT_MANAGER).get("/test-bad-week/")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-400"' in body
    assert "This request was not understood" in body
    assert "a year has at most 53 weeks" in body
    assert 'class="menus"' in body  # the navigation stays
    assert "Content-Security-Policy" in response.headers


def test_the_error_page_links_back_to_the_page_the_person_came_from(world, signed_in):
    response = signed_in(Role.CLIENT_MANAGER).get(
        "/test-bad-week/", HTTP_REFERER="http://testserver/claims/?q=smith")
    body = response.content.decode()
    assert 'href="/claims/?q=smith" data-testid="error-back"' in body
    assert 'data-testid="error-home"' in body


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(world, signed_in):
    body = signed_in(Role.CLIENT_MANAGER).get(
        "/test-bad-week/", HTTP_REFERER="https://evil.example/phish").content.decode()
    assert "evil.example" not in body
    assert 'data-testid="error-back"' not in body


def test_a_method_a_page_does_not_take_is_a_styled_405_keeping_allow(world, signed_in):
    response = signed_in(Role.CLIENT_MANAGER).post("/test-get-only/")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "Not available this way" in response.content.decode()


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/test-conflict/", 409, "already made by Marcus Manager"),
    ("/test-stale/", 412, "Changed by someone else"),
])
def test_a_conflict_and_a_stale_copy_answer_the_styled_page(world, signed_in, url, status,
                                                             words):
    response = signed_in(Role.CLIENT_MANAGER).get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert f'data-testid="error-{status}"' in body
    assert words in body
    assert 'data-testid="error-home"' in body


def test_a_403_says_the_refusals_own_reason(world, signed_in):
    body = signed_in(Role.PARTNER_SPECIALIST).get(reverse("audit:events")).content.decode()
    assert "Only client admins read the audit log." in body


def test_an_htmx_request_keeps_the_bare_answer_for_app_js_to_word(world, signed_in):
    response = signed_in(Role.CLIENT_MANAGER).get("/test-bad-week/", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "<html" not in response.content.decode()


def test_the_api_keeps_its_json_problem(world, signed_in):
    response = signed_in(Role.CLIENT_MANAGER).get("/api/no-such-route")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")

