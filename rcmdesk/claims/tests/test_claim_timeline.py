"""The claim page tells the claim's story: the 837 and its acknowledgments, 276/277
exchanges, remits, work and decisions, newest first, each row linking to its page, and only
what the reader may open."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from django.urls import reverse

from rcmdesk.arfollowup.services import request_status
from rcmdesk.arfollowup.tests.builders import Reply, write_277
from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.services import ingest
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.submission.tests.test_acks import PRACTICE, ack_277ca, sent_batch
from rcmdesk.synth.files import Controls, write_999
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.services import Step

pytestmark = pytest.mark.django_db


def timeline_of(body: str) -> str:
    return body.split('data-testid="timeline"')[1].split("</table>")[0]


def rows(table: str) -> list[str]:
    return table.split("<tr data-stage=")[1:]


def sent_and_answered(world: World, tmp_path: Path) -> tuple[Claim, SubmissionBatch]:
    """A claim sent in an 837 batch, accepted by the 999, rejected by the payer's 277CA."""
    batch = sent_batch(world, "PCN1")
    path = tmp_path / "ack.999"
    write_999(path, Controls(), cast(Any, PRACTICE), "P", int(batch.outbound.gs06), "20261121")
    assert ingest(world.acme, path.read_bytes(), "ack.999").outcome == "applied"
    assert ingest(world.acme, ack_277ca(batch, [], ["PCN1"]), "ca.277").outcome == "applied"
    return Claim.objects.get(patient_control_number="PCN1"), batch


def test_the_837_its_999_and_its_277ca_rejection_are_on_the_timeline_with_links(
        world: World, signed_in: Any, tmp_path: Path) -> None:
    claim, batch = sent_and_answered(world, tmp_path)
    body = signed_in(Role.CLIENT_STAFF).get(reverse("claims:claim", args=[claim.pk])).content
    table = timeline_of(body.decode())
    assert "Sent to the payer in an 837P batch" in table
    assert f'href="{reverse("submission:batch", args=[batch.pk])}"' in table
    assert "999 (file syntax check): accepted" in table
    assert "277CA (payer&#x27;s front door): rejected" in table
    for received in ReceivedFile.objects.filter(client=world.acme):
        assert f'href="{reverse("intake:file", args=[received.pk])}"' in table
    rejection = next(r for r in rows(table) if "277CA" in r)
    assert 'class="alarm-row"' in rejection
    assert "A7" in rejection


def test_a_276_and_its_277_answer_show_on_the_timeline_newest_first(
        world: World, signed_in: Any) -> None:
    from rcmdesk.workqueue.tests.factories import make_claim

    claim = make_claim(world.acme, "PCN9")
    specialist = world.user(Role.PARTNER_SPECIALIST)
    request_status([claim], acting_user=specialist)
    trace = claim.status_requests.get().trace
    ingest(world.acme, write_277([Reply(trace, "PCN9", "A2", "20", payer_claim_number="ICN9")]),
           "status.277")
    table = timeline_of(signed_in(Role.PARTNER_SPECIALIST)
                        .get(reverse("claims:claim", args=[claim.pk])).content.decode())
    titles = [r for r in rows(table) if "276" in r or "277" in r]
    assert "Payer&#x27;s status answer (277): the payer has the claim: pending" in titles[0]
    assert "A2:20" in titles[0]
    assert "payer claim ICN9" in titles[0]
    assert "Claim status asked (276)" in titles[1]
    assert f"trace {trace}" in titles[1]


def test_a_partner_without_the_charges_workflow_does_not_see_the_837_batch(
        world: World, signed_in: Any, tmp_path: Path) -> None:
    claim, batch = sent_and_answered(world, tmp_path)
    response = signed_in(Role.PARTNER_SPECIALIST).get(reverse("claims:claim", args=[claim.pk]))
    assert response.status_code == 200
    table = timeline_of(response.content.decode())
    assert "837P batch" not in table
    assert reverse("submission:batch", args=[batch.pk]) not in table


def test_remits_work_and_decisions_are_on_the_timeline(world: World, signed_in: Any) -> None:
    from rcmdesk.claims.tests.test_claim_page_links import busy_claim

    claim, links = busy_claim(world)
    table = timeline_of(signed_in(Role.PARTNER_SPECIALIST)
                        .get(reverse("claims:claim", args=[claim.pk])).content.decode())
    assert "item opened" in table
    assert "Level 1 appeal drafted" in table
    assert "Asked the client to decide: write-off" in table
    assert "Escalated" in table
    for url in links["appeals"] + links["decisions"] + links["escalations"]:
        assert f'href="{url}"' in table


def test_a_remittance_row_links_the_835_page(world: World, signed_in: Any) -> None:
    from rcmdesk.claims.tests.test_claim_page import acme_claim

    claim = acme_claim(world)
    table = timeline_of(signed_in(Role.CLIENT_STAFF)
                        .get(reverse("claims:claim", args=[claim.pk])).content.decode())
    remittance = claim.remit_claims.get().remittance
    assert "Remittance (835) from" in table
    assert f'href="{reverse("remits:remittance", args=[remittance.pk])}"' in table
    assert "$80.00" in table
    assert "Ledger: payment journal" in table


def test_after_a_write_off_posts_the_claim_page_shows_the_line_written_off(
        world: World, signed_in: Any) -> None:
    from rcmdesk.decisions.tests.test_write_off_line import approve, denied, propose

    claim, line1, _ = denied(world)
    proposal = approve(world, propose(world, line1))
    body = signed_in(Role.CLIENT_MANAGER).get(reverse("claims:claim", args=[claim.pk])).content
    adjustments = body.decode().split('data-testid="adjustments"')[1].split("</table>")[0]
    written = f'<a href="{reverse("decisions:detail", args=[proposal.pk])}">written off'
    assert adjustments.count(written) == 1
    assert adjustments.count("left open (denial)") == 1
    table = timeline_of(body.decode())
    assert "Client decided (write-off)" in table


def test_a_payer_call_shows_once_on_the_timeline_with_its_reference(world: World,
                                                                     signed_in: Any) -> None:
    from rcmdesk.workqueue import services
    from rcmdesk.workqueue.models import ActionKind
    from rcmdesk.workqueue.tests.test_call_log import UHC_CALL, leased_denial

    item = leased_denial(world)
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, "called", call=UHC_CALL),
                 acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert item.claim is not None
    table = timeline_of(signed_in(Role.PARTNER_SPECIALIST)
                        .get(reverse("claims:claim", args=[item.claim.pk])).content.decode())
    assert table.count("call reference REF-2026-0042") == 1
    assert table.count("called payer") == 1
    assert "Dana at the provider line" in table


def test_a_document_attached_to_the_claims_item_is_on_the_timeline(
        world: World, signed_in: Any, settings: Any, tmp_path: Path) -> None:
    from rcmdesk.attachments.models import OwnerKind
    from rcmdesk.attachments.services import Owner, attach
    from rcmdesk.attachments.tests.documents import pdf, upload
    from rcmdesk.workqueue.tests.test_call_log import leased_denial

    settings.RCMDESK_ATTACHMENTS_DIR = tmp_path / "attachments"
    item = leased_denial(world)
    attachment = attach(Owner(OwnerKind.ITEM, item), upload("eob.pdf", pdf()),
                        acting_user=world.user(Role.PARTNER_SPECIALIST)).attachment
    assert item.claim is not None
    body = signed_in(Role.PARTNER_SPECIALIST).get(
        reverse("claims:claim", args=[item.claim.pk])).content.decode()
    table = timeline_of(body)
    assert "Document attached to the work item: eob.pdf" in table
    assert f'href="{reverse("attachments:download", args=[attachment.pk])}"' in table
    assert 'data-testid="attachments"' in body


def test_a_date_only_fact_sits_on_its_own_day_in_the_clients_time_zone(
        world: World, signed_in: Any) -> None:
    from datetime import date

    from rcmdesk.claims.tests.test_claim_page_links import busy_claim
    from rcmdesk.denials.models import Appeal

    claim, _ = busy_claim(world)
    Appeal.objects.filter(claim=claim).update(filed_on=date(2026, 3, 12),
                                              filing_reference="PORTAL-1")
    table = timeline_of(signed_in(Role.PARTNER_SPECIALIST)
                        .get(reverse("claims:claim", args=[claim.pk])).content.decode())
    filed = next(r for r in rows(table) if "filed with the payer" in r)
    assert "03/12/2026 12:00 AM" in filed
