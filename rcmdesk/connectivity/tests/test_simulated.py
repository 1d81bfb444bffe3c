"""The simulated clearinghouse fixture works end to end: a connection made by
``connection_for`` logs in (pinned host key, sealed password), an 837 uploaded to
``to_clearinghouse`` is answered with a 999 in ``from_clearinghouse``."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import pytest

from rcmdesk.connectivity.models import Connection, CredentialKind
from rcmdesk.connectivity.secrets import current_secret
from rcmdesk.connectivity.tests.simulated import (  # noqa: F401 (fixture)
    SimMailbox,
    running_simulator,
)
from rcmdesk.sim.tests.support import an_837
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t999

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # asyncssh's DSA names, see rcmdesk.sim.keys
    import asyncssh

TIMEOUT = 10.0


async def _send_and_fetch(connection: Connection, password: str | None, name: str,
                          data: bytes, sim: SimMailbox) -> dict[str, bytes]:
    """Upload under a temporary name and rename, let the clearinghouse work, download all
    that came back, with nothing but what the connection row holds."""
    known = asyncssh.import_known_hosts(
        f"[{connection.host}]:{connection.port} {connection.host_key}\n")
    async with asyncssh.connect(
            connection.host, connection.port, username=connection.username,
            password=password, known_hosts=known, client_keys=None,
            connect_timeout=TIMEOUT) as ssh, ssh.start_sftp_client() as sftp:
        partial = f"{connection.outbound_dir}/.{name}.part"
        async with sftp.open(partial, "wb") as handle:
            await handle.write(data)
        await sftp.posix_rename(partial, f"{connection.outbound_dir}/{name}")
        await asyncio.to_thread(sim.process, minutes=1)
        fetched: dict[str, bytes] = {}
        for answer in await sftp.listdir(connection.inbound_dir):
            if not answer.startswith("."):
                async with sftp.open(f"{connection.inbound_dir}/{answer}", "rb") as handle:
                    body = await handle.read()
                    assert isinstance(body, bytes)
                    fetched[answer] = body
        return fetched


@pytest.mark.django_db
def test_an_837_sent_through_a_clients_connection_is_answered_with_a_999(
        sim_mailbox: SimMailbox, tmp_path: Path) -> None:
    client = Organization.objects.create(slug="acme", name="Acme", kind="client")
    connection = sim_mailbox.connection_for(client)
    assert sim_mailbox.connection_for(client) == connection  # asked twice, one connection
    sent = an_837(tmp_path, claims=5)
    password = current_secret(connection, CredentialKind.PASSWORD)
    fetched = asyncio.run(asyncio.wait_for(_send_and_fetch(
        connection, password, "BATCH0001.x12", sent, sim_mailbox), TIMEOUT * 2))
    acks = [name for name in fetched if name.startswith("999")]
    assert len(acks) == 1
    ack = next(iter(t999.acknowledgments(fetched[acks[0]])))
    assert ack.sets[0].control
    assert sim_mailbox.folder("acme", "to_clearinghouse") == []  # taken, archived
