"""Every error under /api/ is a JSON Problem, and the OpenAPI document lists it.

Issue 15, finding 12: an unknown /api/ path and a crash answered the site's HTML pages, a
1,000-character upload file name a bare HTML 400, and two apps' schemas of one name made the
document describe some answers wrongly.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja import Router, Schema

from rcmdesk.accounts.models import ApiToken
from rcmdesk.api.api import COMMON_ERRORS, RcmdeskApi
from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role


@pytest.fixture
def api(world: World) -> Client:
    _, raw = ApiToken.issue(world.user(Role.CLIENT_STAFF), "integration")
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


def problem(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    return str(body["detail"])


def test_an_unknown_api_path_answers_a_json_404(api: Client) -> None:
    assert "no API route" in problem(api.get("/api/no-such-route"), 404)


def test_a_page_outside_the_api_still_answers_the_sites_404_page(api: Client) -> None:
    response = api.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_under_the_api_answers_a_json_500_with_the_request_id(
        api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kw: Any) -> None:
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr("rcmdesk.accounts.api.MeOut", broken)
    response = api.get("/api/me", headers={"X-Request-ID": "probe-500-abcdef"})
    detail = problem(response, 500)
    assert "probe-500-abcdef" in detail
    assert "synthetic failure" not in detail


def test_a_thousand_character_upload_name_answers_a_json_400_saying_what_to_do(
        api: Client) -> None:
    name = "a" * 1000 + ".837"
    body = ("--BB\r\nContent-Disposition: form-data; name=\"client\"\r\n\r\nacme\r\n"
            f"--BB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/plain\r\n\r\nISA*00\r\n--BB--\r\n")
    response = api.generic("POST", "/api/intake/files", body.encode(),
                           content_type="multipart/form-data; boundary=BB")
    assert "shorten the name" in problem(response, 400)


def test_a_method_a_route_lacks_answers_a_json_405_with_what_it_takes(api: Client) -> None:
    response = api.patch("/api/me")
    assert "PATCH is not allowed here" in problem(response, 405)
    assert response["Allow"] == "GET"


def test_a_body_that_is_not_json_answers_a_json_400(api: Client) -> None:
    response = api.post("/api/charges", b"{not json", content_type="application/json")
    problem(response, 400)


def test_an_invalid_parameter_is_a_422_with_a_sentence_and_the_fields(api: Client) -> None:
    response = api.get("/api/claims", {"limit": "many"})
    detail = problem(response, 422)
    assert detail.startswith("The request was not accepted: limit (query): ")
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]


def test_a_refusal_by_a_service_is_a_422_in_one_sentence(world: World) -> None:
    _, raw = ApiToken.issue(world.user(Role.CLIENT_ADMIN), "integration")
    admin = Client(headers={"Authorization": f"Bearer {raw}"})
    response = admin.post("/api/members", {"username": "acme.new", "role": "wizard",
                                           "password": "correct-horse-battery-9"},
                          content_type="application/json")
    assert problem(response, 422) == "Unknown role 'wizard'."


def test_every_operation_documents_the_common_errors_as_problems(api: Client) -> None:
    document = api.get("/api/openapi.json").json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            missing = set(map(str, COMMON_ERRORS)) - operation["responses"].keys()
            assert not missing, f"{method.upper()} {path} does not document {missing}"


def test_two_schemas_of_one_name_cannot_both_be_in_the_document() -> None:
    """Ninja keeps the last of two and the document then lies about the other route."""
    first, second = Router(), Router()

    class Thing(Schema):
        a: int

    @first.get("/one", response=Thing)
    def one(request: Any) -> Any: ...

    class Thing(Schema):  # type: ignore[no-redef]  # another app's Thing
        b: str

    @second.get("/two", response=Thing)
    def two(request: Any) -> Any: ...

    clashing = RcmdeskApi(urls_namespace="clash")
    clashing.add_router("/a", first)
    clashing.add_router("/b", second)
    with pytest.raises(ValueError, match="both called 'Thing'"):
        clashing.get_openapi_schema(path_prefix="")
