"""Until the scrubber's tables exist in this tree, submission tests use the stand-in scrub."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from rcmdesk.submission import services


@pytest.fixture(autouse=True)
def _scrubber_or_stand_in(request: pytest.FixtureRequest, monkeypatch: Any) -> None:
    if "db" not in request.fixturenames and "world" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    if "scrubber_scrubrun" not in connection.introspection.table_names():
        monkeypatch.setattr(services, "scrub",
                            lambda user, client, claims, today: services._minimal_scrub(claims))
