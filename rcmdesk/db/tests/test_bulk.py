"""The bulk writes: what goes in comes back unchanged on both databases (COPY's text format
escapes tabs, newlines, backslashes and ``\\N``; NULLs, Decimals, dates, timestamps and JSON
keep their types), keys come back in row order, and a broken row fails the whole write."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from rcmdesk.claims.models import Claim
from rcmdesk.db import bulk
from rcmdesk.workqueue.models import WorkAction, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim

AWKWARD = ["tab\there", "two\nlines", "carriage\rreturn", "back\\slash", r"\N", "\\.",
           "quote ' and \"", "comma, semicolon;", "ünïcödé ✓", ""]
DETAIL = {"note": "tab\t, newline\n, backslash\\, quote\"", "codes": [["CO", "45"], None],
          "amount": "12.30", "nested": {"empty": [], "null": None}}
WHEN = datetime(2026, 3, 8, 9, 30, 15, 123456, tzinfo=datetime.now().astimezone().tzinfo)
NAMES = ("client", "workflow", "kind", "source_key", "title", "category", "amount", "deadline",
         "detail", "priority_factors", "created_at", "claim", "aging_bucket", "status",
         "priority", "touches", "version", "updated_at", "close_reason")


def row(client_id: int, n: int, title: str, *, deadline: date | None = date(2026, 2, 28),
        amount: Decimal = Decimal("1234.56"), claim_id: int | None = None) -> tuple[Any, ...]:
    return (client_id, "denials", "denial", f"bulk:{n}", title, "", amount, deadline,
            bulk.db_json(DETAIL), bulk.db_json([["balance", 3]]), bulk.db_datetime(WHEN),
            claim_id, "", "open", 0, 0, 1, bulk.db_datetime(WHEN), "")


def test_awkward_text_and_every_value_type_come_back_as_written(world):
    client = world.acme
    claim = make_claim(client)
    rows = [row(client.pk, n, title, deadline=None if n % 2 else date(2026, 2, 28),
                amount=Decimal(n) / 100, claim_id=claim.pk if n % 3 == 0 else None)
            for n, title in enumerate(AWKWARD)]
    bulk.insert(WorkItem, NAMES, rows)
    items = list(WorkItem.objects.filter(client=client).order_by("source_key"))
    assert [i.title for i in sorted(items, key=lambda i: int(i.source_key[5:]))] == AWKWARD
    for item in items:
        n = int(item.source_key[5:])
        assert item.amount == Decimal(n) / 100
        assert item.deadline == (None if n % 2 else date(2026, 2, 28))
        assert item.claim_id == (claim.pk if n % 3 == 0 else None)
        assert item.detail == DETAIL
        assert item.priority_factors == [["balance", 3]]
        assert item.created_at == WHEN


def with_keys(*rows: tuple[Any, ...]) -> list[int]:
    """Insert rows with keys drawn first, as callers do for rows others refer to."""
    ids = bulk.reserve_ids(WorkItem, len(rows))
    bulk.insert(WorkItem, ("id", *NAMES), [(pk, *r) for pk, r in zip(ids, rows, strict=True)])
    return ids


def test_rows_inserted_with_reserved_keys_keep_them(world):
    ids = with_keys(*(row(world.acme.pk, n, f"item {n}") for n in range(5)))
    assert dict(WorkItem.objects.values_list("pk", "source_key")) == {
        pk: f"bulk:{n}" for n, pk in enumerate(ids)}


def test_keys_drawn_later_never_reuse_those_of_rows_written_in_between(world):
    first = with_keys(row(world.acme.pk, 1, "a"))
    other = WorkItem.objects.create(client=world.acme, workflow="denials", kind="denial",
                                    source_key="orm:1", title="made by the ORM")
    later = with_keys(row(world.acme.pk, 2, "b"), row(world.acme.pk, 3, "c"))
    assert len({*first, other.pk, *later}) == 4
    assert min(later) > max(first)


def test_model_instances_get_their_keys_and_are_saved(world):
    claim = make_claim(world.acme)
    items = [WorkItem(client=world.acme, workflow="denials", kind="denial", source_key=f"o:{n}",
                      title=AWKWARD[n], amount=Decimal("0.10"), claim=claim,
                      deadline=date(2026, 1, 31), detail=DETAIL) for n in range(3)]
    bulk.insert_objects(WorkItem, items, returning_ids=True)
    assert all(i.pk is not None and not i._state.adding for i in items)
    again = WorkItem.objects.get(pk=items[2].pk)
    assert (again.title, again.claim_id, again.detail) == (AWKWARD[2], claim.pk, DETAIL)
    bulk.insert_objects(WorkAction, [WorkAction(item=i, kind="created", note=i.title)
                                     for i in items])
    assert sorted(WorkAction.objects.values_list("item_id", "note")) == sorted(
        (i.pk, i.title) for i in items)


def test_a_row_breaking_a_constraint_writes_none_of_the_batch(world):
    bulk.insert(WorkItem, NAMES, [row(world.acme.pk, 1, "first")])
    with pytest.raises(IntegrityError), transaction.atomic():
        with_keys(row(world.acme.pk, 2, "new"), row(world.acme.pk, 1, "again"))
    assert list(WorkItem.objects.values_list("source_key", flat=True)) == ["bulk:1"]


def test_objects_whose_insert_failed_lose_the_keys_they_were_given(world):
    bulk.insert(WorkItem, NAMES, [row(world.acme.pk, 1, "first")])
    items = [WorkItem(client=world.acme, workflow="denials", kind="denial",
                      source_key=f"bulk:{n}", title="x") for n in (2, 1)]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_objects(WorkItem, items, returning_ids=True)
    assert [i.pk for i in items] == [None, None]
    assert all(i._state.adding for i in items)


def test_update_writes_absolute_values_by_key_nulls_and_json_included(world):
    ids = with_keys(*(row(world.acme.pk, n, f"item {n}") for n in range(3)))
    names = ("title", "amount", "deadline", "detail", "updated_at")
    later = WHEN + timedelta(days=1)
    bulk.update(WorkItem, names, [
        [*bulk.db_row(WorkItem, names, [f"new\t{pk}\\", Decimal("9.99"), None,
                                         {"pk": pk, "text": "a\nb"}, later]), pk]
        for pk in ids[:2]])
    changed = {i.pk: i for i in WorkItem.objects.all()}
    for pk in ids[:2]:
        item = changed[pk]
        assert (item.title, item.amount, item.deadline) == (f"new\t{pk}\\", Decimal("9.99"), None)
        assert (item.detail, item.updated_at) == ({"pk": pk, "text": "a\nb"}, later)
    assert changed[ids[2]].title == "item 2"
    assert changed[ids[2]].deadline == date(2026, 2, 28)


def test_add_moves_balances_relative_to_what_the_row_holds(world):
    claim = make_claim(world.acme, charge="100.00")
    bulk.add(Claim, ["insurance_balance"], [(Decimal("-30.25"), claim.pk)])
    bulk.add(Claim, ["insurance_balance"], [(Decimal("5.00"), claim.pk)])
    claim.refresh_from_db()
    assert claim.insurance_balance == Decimal("74.75")


def test_nothing_to_write_runs_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk.insert(WorkItem, NAMES, [])
        assert bulk.insert_objects(WorkItem, [], returning_ids=True) == []
        assert bulk.reserve_ids(WorkItem, 0) == []
        bulk.update(WorkItem, ["title"], [])
        bulk.add(Claim, ["insurance_balance"], [])


def test_a_name_that_is_no_column_is_refused(world):
    with pytest.raises(ValueError, match="not all of"):
        bulk.insert(WorkItem, ["title", "actions"], [("x", None)])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite draws keys under its lock")
def test_sqlite_keys_are_drawn_only_inside_a_transaction(world):
    with pytest.raises(bulk.NeedsTransaction):
        bulk.reserve_ids(WorkItem, 1)
