"""Writing events: an unsealed insert in the caller's transaction, sealed into its client's
chain after the commit; attributed."""

from decimal import Decimal

import pytest
from django.db import transaction

from rcmdesk.audit.chain import GENESIS
from rcmdesk.audit.context import acting
from rcmdesk.audit.models import AuditChainHead, AuditEvent
from rcmdesk.audit.sealer import seal, seal_all
from rcmdesk.audit.services import PendingEvent, record, record_many, verify


@pytest.mark.django_db
def test_an_event_is_written_unsealed_and_sealed_into_its_chain_later():
    event = record("read", client_id=None, object_type="x", object_id="1")
    assert (event.seq, event.prev_hash, event.hash) == (None, "", "")
    assert seal(0) == 1
    event.refresh_from_db()
    assert (event.chain, event.seq, event.prev_hash) == (0, 1, GENESIS)
    assert len(event.hash) == 64


@pytest.mark.django_db
def test_each_client_has_its_own_gap_free_chain(world):
    acme, birch = world.acme.pk, world.birch.pk
    for client in (acme, birch, acme, None, acme, birch):
        record("read", client_id=client, object_type="x", object_id="1")
    seal_all()
    chains = {c: list(AuditEvent.objects.filter(chain=c).order_by("id")
                      .values_list("seq", flat=True)) for c in (acme, birch, 0)}
    assert chains == {acme: [1, 2, 3], birch: [1, 2], 0: [1]}
    assert verify() == (6, None)


@pytest.mark.django_db
def test_events_are_numbered_and_chained():
    first = record("read", client_id=None, object_type="x", object_id="1")
    second = record("read", client_id=None, object_type="x", object_id="2")
    seal_all()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert verify() == (AuditEvent.objects.count(), None)


@pytest.mark.django_db
def test_an_event_rolls_back_with_the_change_it_records():
    before = AuditEvent.objects.count()
    def change_that_fails():
        with transaction.atomic():
            record("update", client_id=None, object_type="x", object_id="1")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert AuditEvent.objects.count() == before
    assert verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_event_never_reaches_the_chain():
    def change_that_fails():
        with transaction.atomic():
            record("update", client_id=None, object_type="x", object_id="rolled-back")
            raise RuntimeError("the change failed")

    record("read", client_id=None, object_type="x", object_id="kept")
    with pytest.raises(RuntimeError):
        change_that_fails()
    record("read", client_id=None, object_type="x", object_id="kept-too")
    seal_all()
    sealed = list(AuditEvent.objects.order_by("seq").values_list("seq", "object_id"))
    assert sealed == [(1, "kept"), (2, "kept-too")]
    assert AuditChainHead.objects.get(chain=0).seq == 2
    assert verify() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_a_commit_seals_its_events_right_after_without_anyone_asking(world):
    with transaction.atomic():
        events = [record("read", client_id=world.acme.pk, object_type="x", object_id=str(i))
                  for i in range(3)]
        assert not AuditEvent.objects.filter(seq__isnull=False).exists()
    assert [e.seq for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])
            .order_by("id")] == [1, 2, 3]


@pytest.mark.django_db
def test_a_transaction_asks_for_one_seal_per_chain_however_many_events(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for client in (world.acme.pk, world.birch.pk, world.acme.pk):
            record("read", client_id=client)
        record_many([PendingEvent("read", world.birch.pk), PendingEvent("read", None)])
    assert len(callbacks) == 1
    callbacks[0]()
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


@pytest.mark.django_db
def test_record_many_writes_n_events_in_one_statement(world, django_assert_max_num_queries):
    batch = [PendingEvent("claims.credit_balance", world.acme.pk, "claims.claim", i,
                          {"amount": Decimal("1.50")}) for i in range(500)]
    with django_assert_max_num_queries(1):
        assert record_many(batch) == 500
    written = AuditEvent.objects.filter(action="claims.credit_balance")
    assert written.count() == 500
    assert written.filter(chain=world.acme.pk, client_org_id=world.acme.pk,
                          seq__isnull=True).count() == 500
    assert written.get(object_id="7").detail == {"amount": "1.50"}
    assert verify() == (500, None)


@pytest.mark.django_db
def test_the_acting_context_supplies_ip_and_request_id(world):
    user = world.user(next(iter(world.users)))
    with acting(user, ip="10.1.2.3", request_id="req-12345678"):
        event = record("read", client_id=world.acme.pk, object_type="x", object_id="1")
    assert (event.ip, event.request_id, event.actor_id) == ("10.1.2.3", "req-12345678", user.pk)
    assert event.actor_username == user.username


@pytest.mark.django_db
def test_decimal_details_are_stored_as_they_were_hashed():
    record("update", client_id=None, detail={"amount": Decimal("12.30")})
    assert verify()[1] is None


@pytest.mark.django_db
def test_the_chain_head_follows_the_last_event(world):
    event = record("read", client_id=world.acme.pk)
    seal_all()
    event.refresh_from_db()
    head = AuditChainHead.objects.get(chain=world.acme.pk)
    assert (head.seq, head.hash) == (event.seq, event.hash)
