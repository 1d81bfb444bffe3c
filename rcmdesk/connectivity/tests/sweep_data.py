"""Birch's connection for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``):
named with the foreign marker, with a password set, so no Acme person reaches it."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.connectivity import services
from rcmdesk.connectivity.tests.connection_factories import sftp_connection


def birch_objects(world: World) -> dict[str, str]:
    connection = sftp_connection(world.birch, world.birch_admin,
                                 name="birch-secret-marker mailbox")
    services.set_secret(connection, "password", "birch-secret-marker-password",
                        acting_user=world.birch_admin)
    return {"connection_id": str(connection.pk), "kind": "password"}
