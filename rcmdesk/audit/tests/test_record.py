"""Writing events: in the caller's transaction, chained, attributed."""

import pytest
from django.db import transaction

from rcmdesk.audit.context import acting
from rcmdesk.audit.models import AuditChainHead, AuditEvent
from rcmdesk.audit.services import record, verify


@pytest.mark.django_db
def test_events_are_numbered_and_chained():
    first = record("read", client_id=None, object_type="x", object_id="1")
    second = record("read", client_id=None, object_type="x", object_id="2")
    assert second.seq == first.seq + 1
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


@pytest.mark.django_db
def test_the_acting_context_supplies_ip_and_request_id(world):
    user = world.user(next(iter(world.users)))
    with acting(user, ip="10.1.2.3", request_id="req-12345678"):
        event = record("read", client_id=world.acme.pk, object_type="x", object_id="1")
    assert (event.ip, event.request_id, event.actor_id) == ("10.1.2.3", "req-12345678", user.pk)
    assert event.actor_username == user.username


@pytest.mark.django_db
def test_decimal_details_are_stored_as_they_were_hashed():
    from decimal import Decimal

    record("update", client_id=None, detail={"amount": Decimal("12.30")})
    assert verify()[1] is None


@pytest.mark.django_db
def test_the_chain_head_follows_the_last_event():
    event = record("read", client_id=None)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (event.seq, event.hash)
