"""Birch's connection and a file sent through it, for the isolation sweep
(``tenancy/tests/test_isolation_sweep.py``): named with the foreign marker, with a password
set, so no Acme person reaches either."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.connectivity import services
from rcmdesk.connectivity.models import Transmission, TransmissionState
from rcmdesk.connectivity.tests.connection_factories import sftp_connection
from rcmdesk.intake.models import OutboundFile


def birch_objects(world: World) -> dict[str, str]:
    connection = sftp_connection(world.birch, world.birch_admin,
                                 name="birch-secret-marker mailbox")
    services.set_secret(connection, "password", "birch-secret-marker-password",
                        acting_user=world.birch_admin)
    sent = OutboundFile.objects.create(
        client=world.birch, set_id="837", name="birch-secret-marker.x12", sha256="0" * 64,
        size=1, content=b"x", isa_sender="BIRCHSWEEP", isa13="000000977", gs06="977")
    transmission = Transmission.objects.create(
        client=world.birch, outbound=sent, connection=connection,
        state=TransmissionState.SENT, remote_name="birch-secret-marker.x12")
    return {"connection_id": str(connection.pk), "kind": "password",
            "transmission_id": str(transmission.pk)}
