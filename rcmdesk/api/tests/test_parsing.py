"""Input no column could hold is a 400 saying why, before any query (a 500 before).

Found by the schemathesis run: a 30-digit id in a body overflowed a 64-bit column, and a NUL
character in a query parameter made PostgreSQL refuse the query.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rcmdesk.accounts.models import ApiToken
from rcmdesk.conftest import World
from rcmdesk.escalations.models import Escalation
from rcmdesk.tenancy.roles import Role


@pytest.fixture
def api(world: World) -> Client:
    _, raw = ApiToken.issue(world.user(Role.CLIENT_STAFF), "integration")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def refused(response: Any) -> str:
    assert response.status_code == 400, response.content
    return str(response.json()["detail"])


def post_json(api: Client, url: str, body: object) -> Any:
    return api.post(url, json.dumps(body), content_type="application/json")


def test_a_30_digit_id_in_a_body_is_refused_with_the_range_the_server_stores(
        api: Client) -> None:
    response = post_json(api, "/api/scrubber/runs", {"claim_ids": [-10**29, 1]})
    assert "9,223,372,036,854,775,807" in refused(response)


@pytest.mark.parametrize(("number", "said"), [
    ("1e400", "Element amount: This number is longer than 30 digits"),
    ("Infinity", "Infinity is not a number JSON allows"),
    ("NaN", "NaN is not a number JSON allows")])
def test_a_number_too_large_or_not_finite_is_refused(api: Client, number: str, said: str) -> None:
    response = api.post("/api/decisions", f'{{"client": "acme", "amount": {number}}}',
                        content_type="application/json")
    assert said in refused(response)


def test_a_nul_in_a_query_parameter_is_refused_in_the_words_every_reader_uses(
        api: Client) -> None:
    assert refused(api.get("/api/escalations", {"kind": "a\x00b"})) == (
        "Text in the query holds a NUL character (a zero byte), which billing data never "
        "holds; the file or request is damaged. Remove the character and try again.")


def test_a_nul_anywhere_in_a_json_body_is_refused_keys_included(api: Client) -> None:
    body = {"client": "acme", "kind": "payer_issue", "subject": "Portal down",
            "body": "Details", "extra": [{"deep\x00key": 1}]}
    assert "NUL character" in refused(post_json(api, "/api/escalations", body))
    assert not Escalation.objects.exists()


def test_a_nul_in_a_form_field_is_refused(api: Client) -> None:
    response = api.post("/api/intake/files", {"client": "ac\x00me",
                                              "file": SimpleUploadedFile("a.837", b"ISA")})
    assert "NUL character" in refused(response)


def test_a_client_slug_that_is_not_a_slug_is_a_422(api: Client) -> None:
    assert api.get("/api/clients/ac%00me").status_code == 422
