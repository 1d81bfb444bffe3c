"""Items made and closed by events: posted denials, posting exceptions, payments, ageing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import PostingException, RemitClaim, Remittance
from rcmdesk.remits.services import repost_exception
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.workqueue.categories import denial_category
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.payrates import pay_rates
from rcmdesk.workqueue.producers import common, produce_for_file, sync_ar, sync_client
from rcmdesk.workqueue.producers.common import SLA, Draft, prioritise
from rcmdesk.workqueue.producers.tasks import refresh_queues
from rcmdesk.workqueue.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2025, 1, 20)  # a Monday, 18 days after the remits' payment date (2025-01-02)
DENIAL = header("0.00", trace="DEN1") + ("CLP*PCN3*4*150*0**12*CCN3~SVC*HC:99215*150*0**1~"
                                         "CAS*CO*50*150~LQ*HE*N115~")


def denied_claim(world: World) -> tuple[Claim, ReceivedFile]:
    claim = make_claim(world.acme, "PCN3", [("99215", "150.00")])
    result = ingest(world.acme, remit(DENIAL, isa13="000000401"), "denial.835")
    assert result.outcome == FileStatus.APPLIED
    return claim, result.file


def active(kind: str) -> list[WorkItem]:
    return list(WorkItem.objects.active().filter(kind=kind))


def test_a_posted_denial_becomes_one_denial_item_with_its_codes_deadline_and_score(
        world: World) -> None:
    claim, received = denied_claim(world)
    produce_for_file(received, TODAY)  # the receiver already ran, with the clock's today
    [item] = active(ItemKind.DENIAL)
    line = claim.lines.get()
    assert item.source_key == f"line:{line.pk}"
    assert (item.claim_id, item.claim_line_id) == (claim.pk, line.pk)
    assert item.category == "medical_necessity"
    assert item.amount == D("150.00")
    assert item.deadline == date(2025, 1, 2) + timedelta(days=180)  # other payers: 180
    assert item.detail["carcs"] == ["CO-50"]
    assert item.detail["rarcs"] == ["N115"]
    assert item.detail["payer_claim_number"] == "CCN3"
    assert [f["name"] for f in item.priority_factors] == [
        "expected recoverable", "age", "deadline"]
    assert item.priority == sum(int(f["points"]) for f in item.priority_factors)
    assert item.actions.get().kind == ActionKind.CREATED


def test_replaying_a_file_creates_no_second_item_even_after_the_first_was_closed(
        world: World) -> None:
    _, received = denied_claim(world)
    produce_for_file(received, TODAY)
    produce_for_file(received, TODAY)
    assert WorkItem.objects.filter(kind=ItemKind.DENIAL).count() == 1
    WorkItem.objects.update(status=ItemStatus.DONE, close_reason="appealed")
    produce_for_file(received, TODAY)
    assert WorkItem.objects.filter(kind=ItemKind.DENIAL).count() == 1


def test_a_later_payment_in_full_closes_the_denial_item_with_history_and_audit(
        world: World) -> None:
    claim, _ = denied_claim(world)
    paid = remit(header("150.00", trace="PAY2") + "CLP*PCN3*1*150*150**12*CCN3~"
                 "SVC*HC:99215*150*150**1~", isa13="000000402")
    assert ingest(world.acme, paid, "paid.835").outcome == FileStatus.APPLIED
    claim.refresh_from_db()
    assert claim.insurance_balance == 0
    item = WorkItem.objects.get(kind=ItemKind.DENIAL)
    assert item.status == ItemStatus.DONE
    assert item.close_reason == "paid by remit PAY2"
    closed = item.actions.get(kind=ActionKind.CLOSED)
    assert closed.actor is None
    assert AuditEvent.objects.filter(action="workitem.closed_by_event").exists()


def test_a_payment_closes_the_open_ar_follow_up_item(world: World) -> None:
    claim = make_claim(world.acme, "PCN9", [("99213", "100.00")])
    Claim.objects.filter(pk=claim.pk).update(service_from=date(2024, 11, 1))
    sync_ar(world.acme.pk, TODAY)
    [item] = active(ItemKind.AR_FOLLOWUP)
    assert item.source_key == f"claim:{claim.pk}"
    paid = remit(header("100.00", trace="PAY9") + "CLP*PCN9*1*100*100**12*CCN9~"
                 "SVC*HC:99213*100*100**1~", isa13="000000409")
    assert ingest(world.acme, paid, "paid.835").outcome == FileStatus.APPLIED
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (ItemStatus.DONE, "paid by remit PAY9")


def test_a_posting_exception_becomes_an_item_and_closes_when_resolved(world: World) -> None:
    data = remit(header("50.00", trace="EXC1") + "CLP*LATE1*1*50*50**12*CCNL~"
                 "SVC*HC:99213*50*50**1~", isa13="000000403")
    assert ingest(world.acme, data, "late.835").outcome == FileStatus.APPLIED
    exception = PostingException.objects.get()
    [item] = active(ItemKind.POSTING_EXCEPTION)
    assert item.source_key == f"exception:{exception.pk}"
    assert (item.category, item.amount) == ("unmatched", D("50.00"))
    make_claim(world.acme, "LATE1", [("99213", "50.00")])
    assert repost_exception(exception) == "posted"
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (ItemStatus.DONE, "exception posted")


def test_sync_client_closes_exception_items_resolved_without_an_event(world: World) -> None:
    data = remit(header("50.00", trace="EXC2") + "CLP*LATE2*1*50*50**12*CCNL~"
                 "SVC*HC:99213*50*50**1~", isa13="000000404")
    ingest(world.acme, data, "late.835")
    PostingException.objects.update(status="resolved", resolution="already_posted")
    written = sync_client(world.acme, TODAY)
    assert written["posting_exception"].closed == 1
    assert active(ItemKind.POSTING_EXCEPTION) == []


def test_sync_ar_creates_items_for_silent_claims_only_with_bucket_and_deadline(
        world: World) -> None:
    old = factories.make_claim(world.acme, "OLD", service=TODAY - timedelta(days=45))
    factories.make_claim(world.acme, "NEW", service=TODAY - timedelta(days=10))
    factories.make_claim(world.acme, "PAID", service=TODAY - timedelta(days=60), balance="0")
    written = sync_ar(world.acme.pk, TODAY)
    assert (written.created, written.closed) == (1, 0)
    [item] = active(ItemKind.AR_FOLLOWUP)
    assert item.claim_id == old.pk
    assert item.aging_bucket == "31-60"
    assert item.deadline == TODAY - timedelta(days=45) + timedelta(days=90)  # commercial: 90
    assert item.due_on == TODAY + timedelta(days=7)  # the AR follow-up SLA
    assert item.detail["why"].startswith("no payer response since")
    assert item.priority_factors[1] == {"name": "age", "points": 45,
                                        "why": "45 days since the date of service"}


def test_sync_ar_refreshes_amount_and_aging_without_a_second_item_and_closes_settled_claims(
        world: World) -> None:
    claim = factories.make_claim(world.acme, "OLD", service=TODAY - timedelta(days=45))
    sync_ar(world.acme.pk, TODAY)
    item = WorkItem.objects.get()
    Claim.objects.filter(pk=claim.pk).update(insurance_balance=D("40.00"))
    later = TODAY + timedelta(days=30)
    written = sync_ar(world.acme.pk, later)
    assert (written.created, written.refreshed) == (0, 1)
    item.refresh_from_db()
    assert (item.amount, item.aging_bucket, item.version) == (D("40.00"), "61-90", 1)
    assert sync_ar(world.acme.pk, later).refreshed == 0  # nothing moved: nothing written
    Claim.objects.filter(pk=claim.pk).update(insurance_balance=D("0.00"))
    assert sync_ar(world.acme.pk, later).closed == 1
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (ItemStatus.DONE, "insurance balance settled")
    assert item.actions.last().kind == ActionKind.CLOSED  # type: ignore[union-attr]


def partial_remit(claim: Claim, paid_on: date, paid: str = "60.00") -> None:
    remittance = Remittance.objects.create(
        client=claim.client, st_control="0001", payer=claim.payer, payer_key="P",
        trace_number=f"T{paid_on:%m%d}", amount=D(paid), payment_date=paid_on)
    RemitClaim.objects.create(remittance=remittance, index=1, claim=claim,
                              patient_control_number=claim.patient_control_number,
                              status_code="1", charge=claim.total_charge, paid=D(paid))


def test_a_partly_paid_claim_comes_up_again_followup_days_after_its_last_remit(
        world: World) -> None:
    claim = factories.make_claim(world.acme, "PART", service=TODAY - timedelta(days=100),
                                 balance="40.00")
    partial_remit(claim, TODAY - timedelta(days=10))
    assert sync_ar(world.acme.pk, TODAY).created == 0  # the payer answered 10 days ago
    item_day = TODAY + timedelta(days=20)  # 30 days after the remit
    assert sync_ar(world.acme.pk, item_day).created == 1
    item = WorkItem.objects.get()
    assert item.category == "partial_payment"
    assert item.detail["last_response"] == (TODAY - timedelta(days=10)).isoformat()


def test_a_new_remit_closes_the_follow_up_item_until_the_payer_goes_silent_again(
        world: World) -> None:
    claim = factories.make_claim(world.acme, "OLD", service=TODAY - timedelta(days=45))
    sync_ar(world.acme.pk, TODAY)
    partial_remit(claim, TODAY)
    Claim.objects.filter(pk=claim.pk).update(insurance_balance=D("40.00"))
    assert sync_ar(world.acme.pk, TODAY).closed == 1


def test_priority_uses_the_payers_recent_pay_rate(world: World) -> None:
    claim = factories.make_claim(world.acme, "OLD", service=TODAY - timedelta(days=45))
    partial_remit(claim, TODAY - timedelta(days=40), paid="80.00")
    partial_remit(claim, TODAY - timedelta(days=400), paid="0.00")  # outside the window
    assert pay_rates(world.acme.pk, TODAY) == {claim.payer_id: D("0.8000")}
    other = factories.make_claim(world.acme, "SILENT", service=TODAY - timedelta(days=45))
    sync_ar(world.acme.pk, TODAY)
    item = WorkItem.objects.get(claim=other)
    assert "payer's pay rate 80%" in str(item.priority_factors[0]["why"])


def test_denial_category_files_unknown_codes_as_other(world: World) -> None:
    assert denial_category(world.acme.pk, "CO", "197", []) == "authorization"
    assert denial_category(world.acme.pk, "CO", "ZZZ", []) == "other"


def test_sla_counts_business_days_for_denials() -> None:
    friday = date(2025, 1, 17)
    assert SLA[ItemKind.DENIAL].due_on(friday) == date(2025, 1, 24)
    assert SLA[ItemKind.AR_FOLLOWUP].due_on(friday) == date(2025, 1, 24)
    assert SLA[ItemKind.POSTING_EXCEPTION].due_on(friday) == date(2025, 1, 21)


def test_the_refresh_task_syncs_one_client_on_the_day_it_is_given(world: World) -> None:
    factories.make_claim(world.acme, "OLD", service=TODAY - timedelta(days=45))
    factories.make_claim(world.birch, "BIRCH", service=TODAY - timedelta(days=45))
    out = refresh_queues.call(world.acme.pk, TODAY.isoformat())
    assert out == {"acme": {"denial": {"created": 0, "refreshed": 0, "closed": 0},
                            "posting_exception": {"created": 0, "refreshed": 0, "closed": 0},
                            "ar_followup": {"created": 1, "refreshed": 0, "closed": 0},
                            "prior_auth": {"created": 0, "refreshed": 0, "closed": 0},
                            "eligibility": {"created": 0, "refreshed": 0, "closed": 0},
                            "underpayment": {"created": 0, "refreshed": 0, "closed": 0},
                            "recoupment": {"created": 0, "refreshed": 0, "closed": 0}}}
    assert WorkItem.objects.get().client == world.acme


def test_a_denial_on_a_line_matching_no_claim_line_is_keyed_by_the_claim(
        world: World) -> None:
    claim = make_claim(world.acme, "PCN5", [("99213", "150.00")])
    data = remit(header("0.00", trace="DEN5") + "CLP*PCN5*4*150*0**12*CCN5~"
                 "SVC*HC:99999*150*0**1~CAS*CO*29*150~", isa13="000000405")
    assert ingest(world.acme, data, "late.835").outcome == FileStatus.APPLIED
    [item] = active(ItemKind.DENIAL)
    assert (item.source_key, item.claim_line_id) == (f"claim:{claim.pk}", None)
    assert item.category == "timely_filing"


def test_a_partly_denied_line_makes_an_item_for_the_denied_dollars_only(world: World) -> None:
    make_claim(world.acme, "PCN6", [("99214", "100.00")])
    data = remit(header("60.00", trace="DEN6") + "CLP*PCN6*1*100*60**12*CCN6~"
                 "SVC*HC:99214*100*60**1~CAS*CO*197*40~", isa13="000000406")
    assert ingest(world.acme, data, "partial.835").outcome == FileStatus.APPLIED
    [item] = active(ItemKind.DENIAL)
    assert (item.amount, item.category) == (D("40.00"), "authorization")
    assert active(ItemKind.AR_FOLLOWUP) == []  # the denial is the work on this claim


def test_items_of_several_chunks_are_created_together_with_one_audit_event_per_chunk(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    claims = [make_claim(world.acme, f"CH{n}", [("99213", "80.00")]) for n in range(5)]
    drafts = [Draft(kind=ItemKind.AR_FOLLOWUP, source_key=f"claim:{c.pk}", claim_id=c.pk,
                    title=f"Follow up {c.patient_control_number}", amount=D("80.00"),
                    priority=prioritise(D("80.00"), None, None, None, "timely filing", TODAY))
              for c in claims]
    real_chunks = common.chunks
    monkeypatch.setattr(common, "chunks", lambda items, size=2: real_chunks(items, 2))
    common.upsert(world.acme.pk, drafts[:1], TODAY)  # one exists already: refreshed, not new
    drafts[0].amount = D("70.00")

    written = common.upsert(world.acme.pk, drafts, TODAY)

    assert (written.created, written.refreshed) == (4, 1)
    items = {i.source_key: i for i in active(ItemKind.AR_FOLLOWUP)}
    assert sorted(items) == sorted(d.source_key for d in drafts)
    assert items[drafts[0].source_key].amount == D("70.00")
    events = AuditEvent.objects.filter(action="workitem.created_by_event").order_by("pk")
    named = [e.detail["items"] for e in events][1:]  # the first upsert's own event first
    by_source = [[items[d.source_key].pk for d in chunk] for chunk in
                 (drafts[1:2], drafts[2:4], drafts[4:])]
    assert named == by_source  # chunk by chunk, as the drafts came, the refreshed one out
    assert all(i.actions.filter(kind=ActionKind.CREATED).count() == 1 for i in items.values())
