"""Fixtures for real-time tests: the simulator's CORE endpoint on a loopback port, and CORE
connections for a client pointing at it, with their secrets sealed as a client admin sets
them."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from rcmdesk.connectivity import core
from rcmdesk.connectivity.models import Connection, ConnectionKind, Credential, CredentialKind
from rcmdesk.connectivity.secrets import seal
from rcmdesk.sim.core_http import CoreServer
from rcmdesk.tenancy.models import Organization


@pytest.fixture
def core_sim() -> Iterator[CoreServer]:
    server = CoreServer().start()
    try:
        yield server
    finally:
        server.stop()
        core.close_clients()


def connect(client: Organization, server: CoreServer, kind: str = ConnectionKind.CORE_SOAP,
            **fields: Any) -> Connection:
    """A CORE connection to ``server`` with the secrets the simulator accepts."""
    rest = kind == ConnectionKind.CORE_REST
    connection = Connection.objects.create(
        client=client, name=f"sim {kind}", kind=kind,
        endpoint_url=server.rest_url if rest else server.soap_url,
        token_url=server.token_url if rest else "", oauth_client_id="rcmdesk" if rest else "",
        username="" if rest else "rcmdesk", core_sender_id="ACME", core_receiver_id="SIMCH",
        **fields)
    secret_kind = CredentialKind.OAUTH_SECRET if rest else CredentialKind.WS_PASSWORD
    ciphertext, key = seal("sim-secret" if rest else "sim-password")
    Credential.objects.create(connection=connection, kind=secret_kind, ciphertext=ciphertext,
                              key_id=key)
    return connection


class FakeBatch:
    """Stands in for ``connectivity.outbound`` (the batch queue, another part of the app)."""

    def __init__(self) -> None:
        self.queued: list[tuple[Any, datetime | None]] = []

    def queue(self, outbound: Any, *, now: datetime | None = None) -> None:
        self.queued.append((outbound, now))


@pytest.fixture
def batch(monkeypatch: pytest.MonkeyPatch) -> FakeBatch:
    fake = FakeBatch()
    module = types.ModuleType("rcmdesk.connectivity.outbound")
    module.queue = fake.queue  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rcmdesk.connectivity.outbound", module)
    monkeypatch.setattr(sys.modules["rcmdesk.connectivity"], "outbound", module, raising=False)
    return fake
