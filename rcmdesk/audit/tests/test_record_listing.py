"""record_listing: a listing shown is one ``list`` event per client, naming that client's rows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record_listing
from rcmdesk.conftest import World

pytestmark = pytest.mark.django_db


@dataclass
class Row:
    pk: int
    client_id: int


def events() -> list[tuple[str, int | None, str, dict[str, object]]]:
    return [(e.action, e.client_org_id, e.object_type, e.detail)
            for e in AuditEvent.objects.order_by("seq")]


def test_rows_of_two_clients_make_one_event_each_naming_only_that_clients_rows(
        world: World) -> None:
    acme, birch = world.acme.pk, world.birch.pk
    rows = [Row(7, birch), Row(3, acme), Row(9, birch), Row(4, acme)]
    record_listing(rows, "claims.claim", key="claims", detail={"page": 2})
    assert events() == sorted([
        ("list", acme, "claims.claim", {"page": 2, "claims": [3, 4]}),
        ("list", birch, "claims.claim", {"page": 2, "claims": [7, 9]}),
    ], key=lambda e: e[1])


def test_an_empty_listing_of_rows_records_nothing(world: World) -> None:
    record_listing([], "claims.claim", key="claims")
    assert events() == []


def test_a_mapping_names_ids_per_client_and_records_even_an_empty_page(world: World) -> None:
    record_listing({world.acme.pk: []}, "remits.deposit", key="deposits",
                   detail={"view": "reconciliation"})
    assert events() == [("list", world.acme.pk, "remits.deposit",
                         {"view": "reconciliation", "deposits": []})]


def test_the_client_of_a_row_can_be_found_through_a_relation(world: World) -> None:
    @dataclass
    class Plan:
        pk: int
        owner: Row

    record_listing([Plan(5, Row(0, world.acme.pk))], "qa.samplingplan", key="plans",
                   client_of=lambda p: p.owner.client_id)
    assert events() == [("list", world.acme.pk, "qa.samplingplan", {"plans": [5]})]
