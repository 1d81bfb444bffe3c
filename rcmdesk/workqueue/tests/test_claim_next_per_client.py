"""Get next reads one client's queue, whatever the other clients hold.

The claim-next statement walks the ``workitem_client_next`` index for the user's own
(client, workflow) lanes and stops at the first claimable row: rows of other clients, however
many and however urgent, are never read. On PostgreSQL the plan says so (rows read); on both
databases the statement's shape says so (equality on the client, no join), and the highest
priority across a user's lanes still comes first. Speed is measured in bench/work_queue.py.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rcmdesk.conftest import World
from rcmdesk.tenancy.models import Assignment, Organization
from rcmdesk.tenancy.roles import Role, Workflow
from rcmdesk.tenancy.visibility import forget_visibility
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="query plans are PostgreSQL's (run under scripts/with-postgres)")

OTHERS = 2_000
ACME_ROWS = 7  # acme_items


def specialist(world: World) -> Any:
    return world.user(Role.PARTNER_SPECIALIST)


def crowd_the_queue_with_other_clients(world: World, slug: str = "crowd") -> None:
    """Thousands of other clients' items, all more urgent than any of acme's, in both of
    acme's workflows: a walk in global priority order would read every one of them."""
    other = Organization.objects.create(slug=slug, name=f"{slug} clinic", kind="client")
    kinds = (ItemKind.AR_FOLLOWUP, ItemKind.DENIAL)
    WorkItem.objects.bulk_create(
        WorkItem(client=other, workflow=("ar_followup", "denials")[n % 2], kind=kinds[n % 2],
                 source_key=f"crowd:{n}", title=f"crowd {n}", priority=900 + n % 100)
        for n in range(OTHERS))


def acme_items(world: World) -> None:
    for n in range(6):
        kind = (ItemKind.AR_FOLLOWUP, ItemKind.DENIAL)[n % 2]
        make_item(world.acme, n, kind=kind, priority=10 + n)
    # one of acme's own rows that is not claimable now (snoozed), though the most urgent
    make_item(world.acme, 50, kind=ItemKind.AR_FOLLOWUP, priority=99,
              follow_up_on=timezone.localdate() + timedelta(days=30))


def rows_read(user: Any, workflow: Workflow | None) -> tuple[int, str]:
    """Rows the scans of Get next's statement read (kept plus filtered out), on PostgreSQL;
    by index only (the claim-next index, or for a client this small the client index)."""
    now = timezone.now()
    query = services.next_query(user, services.lanes(user, workflow, now), now)[:1]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE workqueue_workitem")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        row = cursor.fetchone()
        assert row is not None
        plan = row[0] if isinstance(row[0], list) else json.loads(row[0])
        transaction.set_rollback(True)
    assert "Seq Scan" not in json.dumps(plan)
    return scan_rows(plan[0]["Plan"]), json.dumps(plan)


def scan_rows(node: dict[str, Any]) -> int:
    own = 0
    if "Relation Name" in node:  # a scan of a table or index, not of a subquery's rows
        own = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
    return int(own + sum(scan_rows(child) for child in node.get("Plans", [])))


@on_postgresql
@pytest.mark.parametrize("workflow", [Workflow.AR_FOLLOWUP, None])
def test_get_next_reads_only_its_clients_rows_however_many_items_other_clients_have(
        world: World, workflow: Workflow | None) -> None:
    acme_items(world)
    crowd_the_queue_with_other_clients(world)
    among_many, plan = rows_read(specialist(world), workflow)
    if workflow is not None:  # one lane: a walk of the claim-next index
        assert "workitem_client_next" in plan
    crowd_the_queue_with_other_clients(world, "second-crowd")
    assert rows_read(specialist(world), workflow)[0] == among_many
    # at most acme's rows in each of its two lanes, plus, across lanes, the candidates
    # re-read by id: never the thousands of other clients' rows
    assert among_many <= 2 * ACME_ROWS + 2 * services.LANE_TOP


def claim_statement(world: World, workflow: Workflow | None) -> str:
    with CaptureQueriesContext(connection) as queries:
        item = services.claim_next(acting_user=specialist(world), workflow=workflow)
    assert item is not None
    return next(q["sql"] for q in queries.captured_queries
                if q["sql"].startswith("SELECT") and '"workqueue_workitem"."priority" DESC'
                in q["sql"] and '"workqueue_workitem"."title"' in q["sql"])


@pytest.mark.parametrize("workflow", [Workflow.AR_FOLLOWUP, Workflow.DENIALS])
def test_get_next_for_one_workflow_names_the_client_and_joins_nothing(
        world: World, workflow: Workflow) -> None:
    acme_items(world)
    sql = claim_statement(world, workflow)
    assert f'"workqueue_workitem"."client_id" = {world.acme.pk}' in sql
    assert f"\"workqueue_workitem\".\"workflow\" = '{workflow}'" in sql
    assert "JOIN" not in sql
    assert " OR \"workqueue_workitem\".\"client_id\"" not in sql


def test_get_next_runs_as_many_queries_with_a_crowd_of_other_clients_as_without(
        world: World) -> None:
    acme_items(world)
    services.claim_next(acting_user=specialist(world))  # what a first call reads once
    with CaptureQueriesContext(connection) as alone:
        services.claim_next(acting_user=specialist(world))
    crowd_the_queue_with_other_clients(world)
    with CaptureQueriesContext(connection) as among_many:
        services.claim_next(acting_user=specialist(world))
    assert len(among_many) == len(alone)


def test_get_next_across_lanes_hands_out_the_highest_priority_of_any_lane(
        world: World) -> None:
    acme_items(world)
    best = make_item(world.acme, 60, kind=ItemKind.DENIAL, priority=80)
    crowd_the_queue_with_other_clients(world)
    handed = [services.claim_next(acting_user=specialist(world)) for _ in range(3)]
    assert handed[0] == best
    assert [item.priority for item in handed if item] == [80, 15, 14]


def test_get_next_across_clients_compares_each_clients_items(world: World) -> None:
    world.birch_engagement.scope = ["ar_followup"]
    world.birch_engagement.save()
    Assignment.objects.create(engagement=world.birch_engagement, user=specialist(world))
    forget_visibility(specialist(world))
    acme_items(world)
    birch_best = make_item(world.birch, 70, kind=ItemKind.AR_FOLLOWUP, priority=40)
    lanes = services.lanes(specialist(world), Workflow.AR_FOLLOWUP)
    assert {lane.client_id for lane in lanes} == {world.acme.pk, world.birch.pk}
    item = services.claim_next(acting_user=specialist(world), workflow=Workflow.AR_FOLLOWUP)
    assert item is not None
    assert item.pk == birch_best.pk


def test_when_every_lanes_first_candidates_are_being_taken_the_lanes_are_walked_one_by_one(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    acme_items(world)
    monkeypatch.setattr(services, "next_query",
                        lambda *args, **kwargs: WorkItem.objects.none())
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    assert item.status == ItemStatus.IN_PROGRESS


def test_an_item_held_by_someone_else_in_a_crowded_queue_is_still_not_handed_out(
        world: World) -> None:
    crowd_the_queue_with_other_clients(world)
    held = make_item(world.acme, 1, kind=ItemKind.DENIAL, priority=500)
    assert services.claim_next(acting_user=world.user(Role.PARTNER_LEAD)) == held
    assert services.claim_next(acting_user=specialist(world)) is None
