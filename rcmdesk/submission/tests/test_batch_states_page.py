"""The batch page says where each claim stands, in words, from written to paid; the counts
at the top are taken from the same rows; the list shows how each file left and its answer."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import RemitClaim, Remittance
from rcmdesk.submission import states
from rcmdesk.submission.models import BatchClaim, SubmissionBatch
from rcmdesk.submission.tests.test_acks import ack_277ca, ack_999, sent_batch
from rcmdesk.submission.tests.test_correlation import mailbox, sent
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.crawl_checks import raw_values
from rcmdesk.x12 import t999


def paid(claim: Claim, status: str, amount: str) -> RemitClaim:
    remittance = Remittance.objects.create(client_id=claim.client_id, st_control="0001",
                                           payer_key="PAYER", trace_number=f"TRN{claim.pk}",
                                           amount=Decimal(amount))
    return RemitClaim.objects.create(remittance=remittance, index=1, claim=claim,
                                     patient_control_number=claim.patient_control_number,
                                     status_code=status, charge=claim.total_charge,
                                     paid=Decimal(amount))


def claim(pcn: str) -> Claim:
    return Claim.objects.get(patient_control_number=pcn)


def the_chain(world: World) -> SubmissionBatch:
    """Five claims: one waiting for its 277CA, one rejected there, one paid, one denied,
    and one accepted at the front door with nothing paid yet."""
    batch = sent_batch(world, "PCN1", "PCN2", "PCN3", "PCN4", "PCN5")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=0)
    ingest(world.acme, ack_999(batch, "A"), "ack.999")
    ingest(world.acme, ack_277ca(batch, [], ["PCN2"], listed=("PCN3", "PCN4", "PCN5")),
           "ca.277")
    BatchClaim.objects.filter(claim__patient_control_number="PCN1").update(
        ack_detail={"999": {"status": "A"}}, ack_status="sent")
    paid(claim("PCN3"), "1", "80.00")
    paid(claim("PCN4"), "4", "0.00")
    return batch


def stages(batch: SubmissionBatch) -> dict[str, str]:
    entries = list(BatchClaim.objects.filter(batch=batch).select_related("claim"))
    return {r.entry.claim.patient_control_number: r.stage
            for r in states.rows(batch, entries, states.sending(batch))}


def test_each_claim_stands_at_the_last_thing_that_happened_to_it(world: World) -> None:
    assert stages(the_chain(world)) == {
        "PCN1": states.ClaimStage.ACCEPTED_999, "PCN2": states.ClaimStage.REJECTED_277CA,
        "PCN3": states.ClaimStage.PAID, "PCN4": states.ClaimStage.DENIED,
        "PCN5": states.ClaimStage.ACCEPTED_277CA}


def test_a_claim_written_but_not_yet_acknowledged_is_sent_once_its_file_left(
        world: World) -> None:
    batch = sent_batch(world, "PCN1")
    assert stages(batch) == {"PCN1": states.ClaimStage.WRITTEN}
    sent(batch.outbound, mailbox(world.acme))
    assert stages(batch) == {"PCN1": states.ClaimStage.SENT}


def test_the_page_tells_the_story_in_words_with_links(world: World, signed_in: Any) -> None:
    batch = the_chain(world)
    text = signed_in(Role.CLIENT_MANAGER).get(f"/batches/{batch.pk}/").content.decode()
    assert "Sent " in text
    assert f"as <strong>{batch.outbound.name}</strong>" in text
    assert "999 (functional group) accepted" in text
    assert "999: accepted" in text
    assert "277CA: rejected - A7: rejected: information invalid (status code 562" in text
    assert "835: paid on remittance TRN" in text
    assert "$80.00 paid" in text
    assert "835: denied on remittance" in text
    remit = RemitClaim.objects.get(claim__patient_control_number="PCN3")
    assert f'href="/posting/remittances/{remit.remittance_id}/"' in text
    assert f'href="/claims/{claim("PCN3").pk}/"' in text
    assert "_" not in re.sub(r"<[^>]+>", "", text.split("<main", 1)[-1]).replace(
        batch.outbound.name, "")


def test_the_counts_at_the_top_agree_with_the_list(world: World, signed_in: Any) -> None:
    batch = the_chain(world)
    text = signed_in(Role.CLIENT_STAFF).get(f"/batches/{batch.pk}/").content.decode()
    listed = re.findall(r'data-stage="([a-z0-9_]+)"', text)
    counts = re.search(r'data-testid="stage-counts">(.*?)</p>', text, re.S)
    assert counts is not None
    shown = {words.strip(" ·").lower(): int(n) for words, n in re.findall(
        r"([^:<>]+): <strong>(\d+)</strong>", html.unescape(counts.group(1)))}
    expected: dict[str, int] = {}
    for stage in listed:
        words = states.ClaimStage(stage).label.lower()
        expected[words] = expected.get(words, 0) + 1
    assert shown == expected
    assert sum(shown.values()) == 5


def test_a_999_rejection_shows_the_sets_errors_in_words(world: World, signed_in: Any) -> None:
    batch = sent_batch(world, "PCN1")
    error = t999.SegmentError("CLM", "21", "2300", "8",
                              (t999.ElementError(("5", "1"), "1331", "7", "99"),))
    ingest(world.acme, ack_999(batch, "R", (error,)), "reject.999")
    text = signed_in(Role.CLIENT_STAFF).get(f"/batches/{batch.pk}/").content.decode()
    assert "999: rejected - 837 set 0001 rejected: one or more segments in error" in text
    assert "CLM05-1 (data element 1331): code value not allowed (IK4 code 7)" in text
    assert 'data-stage="rejected_999"' in text


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.CLIENT_MANAGER, Role.CLIENT_STAFF])
def test_the_clients_own_people_read_the_batch_page(world: World, signed_in: Any,
                                                    role: Role) -> None:
    batch = the_chain(world)
    page = signed_in(role).get(f"/batches/{batch.pk}/")
    assert page.status_code == 200
    assert b'data-testid="stage-counts"' in page.content


@pytest.mark.parametrize("role", [Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_a_partner_without_the_claims_workflow_gets_404(world: World, signed_in: Any,
                                                       role: Role) -> None:
    batch = the_chain(world)
    assert signed_in(role).get(f"/batches/{batch.pk}/").status_code == 404


def test_the_batch_page_costs_the_same_queries_for_five_claims_or_forty(
        world: World, signed_in: Any, django_assert_max_num_queries: Any) -> None:
    batch = the_chain(world)
    big = sent_batch(world, *[f"BIG{i}" for i in range(40)])
    sent(big.outbound, mailbox(world.acme))
    browser = signed_in(Role.CLIENT_STAFF)
    browser.get(f"/batches/{batch.pk}/")
    with django_assert_max_num_queries(30):
        assert browser.get(f"/batches/{batch.pk}/").status_code == 200
    with django_assert_max_num_queries(30):
        assert browser.get(f"/batches/{big.pk}/").status_code == 200


def test_the_batches_list_shows_each_files_transmission_and_answer(
        world: World, signed_in: Any, django_assert_max_num_queries: Any) -> None:
    answered = the_chain(world)
    by_hand = sent_batch(world, "PCN9")
    browser = signed_in(Role.CLIENT_STAFF)
    with django_assert_max_num_queries(30):
        text = browser.get("/batches/").content.decode()
    row = re.search(rf'data-testid="transmission-{answered.pk}">(.*?)</td>', text, re.S)
    assert row is not None
    assert "Accepted by the receiver" in row.group(1)
    ack = re.search(rf'data-testid="ack-{answered.pk}">(.*?)</td>', text, re.S)
    assert ack is not None
    assert "999 (functional group): accepted" in ack.group(1)
    hand = re.search(rf'data-testid="transmission-{by_hand.pk}">(.*?)</td>', text, re.S)
    assert hand is not None
    assert "not sent by rcmdesk" in hand.group(1)


def test_neither_page_shows_a_raw_code_or_program_output(world: World,
                                                         signed_in: Any) -> None:
    batch = the_chain(world)
    browser = signed_in(Role.CLIENT_STAFF)
    for url in (f"/batches/{batch.pk}/", "/batches/"):
        body = browser.get(url).content.decode().split("<main", 1)[-1]
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
        assert raw_values(text) == [], url
