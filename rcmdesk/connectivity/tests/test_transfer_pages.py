from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import typer
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.connectivity import transfer_cli
from rcmdesk.connectivity.models import (
    Connection,
    ConnectionKind,
    InboundFile,
    InboundState,
    Transmission,
    TransmissionState,
)
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.context import menus_for
from rcmdesk.web.tests.crawl_checks import raw_values

pytestmark = pytest.mark.django_db
PAGE = "/connections/transfers/"
SENT_AT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def sent(world: World) -> Transmission:
    connection = Connection.objects.create(client=world.acme, name="Clearinghouse",
                                           kind=ConnectionKind.SFTP, host="sftp.example")
    out = OutboundFile.objects.create(client=world.acme, set_id="837", name="837P-1.x12",
                                      sha256="0" * 64, size=3, content=b"ISA",
                                      isa_sender="ACME", isa13="000000001", gs06="1")
    return Transmission.objects.create(
        client=world.acme, outbound=out, connection=connection, attempts=1,
        state=TransmissionState.SENT, sent_at=SENT_AT, remote_name="837P-1-000000001.x12")


@pytest.fixture
def taken(world: World, sent: Transmission) -> InboundFile:
    received = ReceivedFile.objects.create(client=world.acme, original_name="remit.835",
                                           sha256="1" * 64, size=3, content=b"ISA")
    return InboundFile.objects.create(client=world.acme, connection=sent.connection,
                                      remote_name="remit.835", size=3,
                                      state=InboundState.TAKEN, taken_at=SENT_AT,
                                      received=received)


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.CLIENT_MANAGER, Role.PARTNER_LEAD])
def test_admins_managers_and_leads_read_the_transfers_in_words(
        signed_in: Any, role: Role, sent: Transmission, taken: InboundFile) -> None:
    page = signed_in(role).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sent, waiting for acknowledgment" in text
    assert "837P-1-000000001.x12" in text
    assert "Taken into intake" in text
    assert reverse("intake:file", args=[taken.received_id]) in text
    visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", text, flags=re.S)
    assert raw_values(visible) == []
    listed = AuditEvent.objects.filter(action="list")
    assert {e.object_type for e in listed} == {"connectivity.transmission",
                                               "connectivity.inboundfile"}
    assert listed.get(object_type="connectivity.transmission").detail["transmissions"] == [
        sent.pk]


@pytest.mark.parametrize("role", [Role.CLIENT_STAFF, Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_other_roles_may_not_open_the_page_nor_see_it_in_the_menu(
        signed_in: Any, world: World, role: Role) -> None:
    assert signed_in(role).get(PAGE).status_code == 403
    links = [link.href for menu in menus_for(world.user(role)) for link in menu.links]
    assert PAGE not in links


def test_the_menu_offers_the_page_to_a_lead(world: World) -> None:
    links = [link.href for menu in menus_for(world.user(Role.PARTNER_LEAD))
             for link in menu.links]
    assert PAGE in links


def test_another_clients_transfers_are_not_found(signed_in: Any, world: World,
                                                 sent: Transmission) -> None:
    admin = signed_in(Role.CLIENT_ADMIN)
    assert admin.get(PAGE + "?client=birch").status_code == 404
    birch_admin = sign_in(Client(), world.birch_admin)
    response = birch_admin.post(reverse("transfers:resend", args=[sent.pk]),
                                {"reason": "mine now"})
    assert response.status_code == 404


def test_a_resend_from_the_page_needs_a_reason_and_is_recorded(
        signed_in: Any, sent: Transmission) -> None:
    admin = signed_in(Role.CLIENT_ADMIN)
    url = reverse("transfers:resend", args=[sent.pk])
    admin.post(url, {"reason": " "})
    assert Transmission.objects.count() == 1
    page = admin.post(url, {"reason": "the payer lost it"}, follow=True)
    again = Transmission.objects.get(resend_of=sent)
    assert again.resend_reason == "the payer lost it"
    assert "queued to be sent again" in page.content.decode()
    assert AuditEvent.objects.filter(action="transmission.resend").count() == 1


def test_a_manager_reads_but_may_not_resend(signed_in: Any, sent: Transmission) -> None:
    manager = signed_in(Role.CLIENT_MANAGER)
    assert "Send again" not in manager.get(PAGE).content.decode()
    response = manager.post(reverse("transfers:resend", args=[sent.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert Transmission.objects.count() == 1


def test_the_commands_say_what_happened_and_exit_1_on_errors(world: World) -> None:
    Connection.objects.create(client=world.acme, name="No pin", kind=ConnectionKind.SFTP,
                              host="127.0.0.1", inbound_dir="/in")
    group = typer.Typer()
    transfer_cli.register(group)
    runner = CliRunner()
    sent = runner.invoke(group, ["send", "--client", "acme"])
    assert (sent.exit_code, sent.stdout.strip()) == (0, "acme: 0 sent, 0 to retry, 0 failed")
    polled = runner.invoke(group, ["poll", "--client", "acme"])
    assert polled.exit_code == 1
    assert "no pinned host key" in polled.output
