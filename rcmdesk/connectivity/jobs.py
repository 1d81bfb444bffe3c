"""The periodic connectivity jobs, as plain functions a scheduler can register.

Each takes one client and the instant it runs for, and answers a small dict for the run's
record. One connection failing (server down, key changed) does not stop the others: its
error is in the answer, and the next run tries again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rcmdesk.connectivity import inbound, outbound, sftp
from rcmdesk.connectivity.models import Connection, ConnectionKind, TransmissionState
from rcmdesk.tenancy.models import Organization


def send_outbound(client: Organization, *, now: datetime) -> dict[str, Any]:
    """Send the client's due transmissions; how many ended sent, waiting to retry, failed."""
    rows = outbound.send_due(client, now=now)
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for row in rows:
        if row.state == TransmissionState.SENT:
            counts["sent"] += 1
        elif row.state == TransmissionState.FAILED:
            counts["failed"] += 1
        else:
            counts["retrying"] += 1
    return {**counts, "errors": sorted({r.last_error for r in rows if r.last_error})}


def mailboxes(client: Organization) -> list[Connection]:
    """The client's enabled SFTP connections that have an inbound folder to poll."""
    return list(Connection.objects.filter(client=client).enabled(ConnectionKind.SFTP)
                .exclude(inbound_dir="").order_by("name", "pk"))


def poll_mailboxes(client: Organization, *, now: datetime) -> dict[str, Any]:
    """Poll each of the client's mailboxes; the summed counts and every error in words."""
    total = inbound.PollResult()
    for connection in mailboxes(client):
        try:
            result = inbound.poll(connection, now=now)
        except sftp.TransferError as exc:
            result = inbound.PollResult(errors=[str(exc)])
        total += result.naming(connection.name)
    return total.as_dict()
