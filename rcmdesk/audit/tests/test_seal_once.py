"""Sealing once for work made of nested blocks or several commits: the events are the same,
committed with their changes; only the number of times the chain's head is taken drops."""

from typing import Any

import pytest
from django.db import transaction

from rcmdesk.audit import sealer
from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record


@pytest.fixture
def seals(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The chains the sealer was asked to seal, in order (it still seals them)."""
    asked: list[int] = []
    real = sealer.seal

    def counting(chain: int, **kwargs: Any) -> int:
        asked.append(chain)
        return real(chain, **kwargs)

    monkeypatch.setattr(sealer, "seal", counting)
    return asked


def unsealed() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()


@pytest.mark.django_db(transaction=True)
def test_a_commit_seals_a_chain_once_though_its_events_were_recorded_in_nested_blocks(
        world, seals):
    chain = world.acme.pk
    with transaction.atomic():
        with transaction.atomic():
            with transaction.atomic():
                record("read", client_id=chain, object_id="innermost")
            record("read", client_id=chain, object_id="inner")
        record("read", client_id=chain, object_id="outer")
    assert seals == [chain]
    assert unsealed() == 0


@pytest.mark.django_db(transaction=True)
def test_an_event_of_a_rolled_back_inner_block_is_gone_and_the_rest_are_sealed(world, seals):
    chain = world.acme.pk
    with transaction.atomic():
        record("read", client_id=chain, object_id="kept")
        try:
            with transaction.atomic():
                record("read", client_id=chain, object_id="undone")
                raise RuntimeError
        except RuntimeError:
            pass
    assert list(AuditEvent.objects.values_list("object_id", "seq")) == [("kept", 1)]


@pytest.mark.django_db(transaction=True)
def test_inside_a_deferred_block_each_commit_keeps_its_events_and_the_end_seals_them_once(
        world, seals):
    chain = world.acme.pk
    with sealer.sealing_deferred():
        for n in range(3):
            with transaction.atomic():
                record("read", client_id=chain, object_id=str(n))
        assert AuditEvent.objects.count() == 3
        assert unsealed() == 3
        assert seals == []
    assert seals == [chain]
    assert unsealed() == 0


@pytest.mark.django_db(transaction=True)
def test_a_deferred_block_that_fails_still_seals_what_it_committed(world):
    def work_that_fails() -> None:
        with sealer.sealing_deferred():
            with transaction.atomic():
                record("read", client_id=world.acme.pk)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        work_that_fails()
    assert unsealed() == 0


@pytest.mark.django_db(transaction=True)
def test_a_seal_that_fails_at_the_end_of_a_deferred_block_is_not_the_works_error(
        world, monkeypatch):
    def broken(chain: int, **kwargs: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(sealer, "seal", broken)
    with sealer.sealing_deferred(), transaction.atomic():
        record("read", client_id=world.acme.pk)
    assert unsealed() == 1  # left to the sealing task, as a crash would leave it


@pytest.mark.django_db(transaction=True)
def test_a_deferred_block_inside_another_seals_only_when_the_outer_one_ends(world, seals):
    with sealer.sealing_deferred():
        with sealer.sealing_deferred():
            record("read", client_id=world.acme.pk)
        assert seals == []
    assert seals == [world.acme.pk]
