"""Every API route that takes a JSON body refuses a hostile one with a 400 naming the element
and the limit (issue 15): nesting past the cap, a number too long, a NUL in a string."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rcmdesk.api.api import api
from rcmdesk.conftest import World, sign_in
from rcmdesk.tenancy.roles import Role
from rcmdesk.tests.hostile import HUGE_NUMBER, deep_array

BODIES = {
    "nested past the cap": ('{"x": ' + deep_array() + "}",
                            "Element x[0][0][0][0][0]…(55 more)…[0][0][0]: The document is "
                            "nested more than 64 levels deep"),
    "a 100,000-digit number": ('{"x": ' + HUGE_NUMBER + "}",
                               "Element x: This number is longer than 30 digits"),
    "1e400": ('{"x": [1, 1e400]}', "Element x[1]: This number is longer than 30 digits"),
    "a NUL in a string": ('{"x": {"y": "a\\u0000b"}}',
                          "Element x.y: This element holds a NUL character"),
}


def routes_with_json_bodies() -> list[tuple[str, str]]:
    """(method, URL) of every operation whose OpenAPI entry takes a JSON body; path
    parameters are filled with 1."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return found


ROUTES = routes_with_json_bodies()


def test_there_are_json_bodies_to_check():
    assert len(ROUTES) >= 15


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_a_hostile_json_body_is_a_400_naming_the_element_and_the_limit(
        world: World, method: str, url: str) -> None:
    client = sign_in(Client(), world.user(Role.CLIENT_MANAGER))
    answers = {}
    for name, (text, _says) in BODIES.items():
        response = client.generic(method.upper(), url, text, content_type="application/json")
        answers[name] = (response.status_code, response.json()["detail"][:len(_says)])
    assert answers == {name: (400, says) for name, (_text, says) in BODIES.items()}
