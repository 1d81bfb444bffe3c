"""The demo back office: synthetic files ingested, posted, balanced, and idempotent."""

import pytest

from rcmdesk.demo.backoffice import FEEDS, build_backoffice
from rcmdesk.demo.services import build_demo
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.services import ALREADY
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import JournalEntry, LedgerEntry
from rcmdesk.workqueue.models import ItemKind, WorkItem

CLAIMS = 30  # per client: enough for every practice to bill twice, small enough to be quick


@pytest.mark.django_db
def test_the_back_office_has_claims_remits_and_a_balanced_ledger():
    build_demo()
    office = build_backoffice(CLAIMS)
    assert office.claims > 0
    assert office.remits > 0
    assert office.posted > 0
    assert office.exceptions > 0  # the held-back first 837: its remits match no claim
    assert set(office.files) == {"applied"}
    assert LedgerEntry.objects.exists()
    assert check_ledger() == []
    assert {f.client.slug for f in ReceivedFile.objects.all()} == {f.client for f in FEEDS}


@pytest.mark.django_db
def test_the_workbench_opens_with_denial_exception_and_follow_up_items():
    build_demo()
    office = build_backoffice(CLAIMS)
    kinds = set(WorkItem.objects.active().values_list("kind", flat=True))
    assert {ItemKind.DENIAL, ItemKind.POSTING_EXCEPTION, ItemKind.AR_FOLLOWUP} <= kinds
    assert office.items == WorkItem.objects.active().count()
    assert not WorkItem.objects.active().filter(priority_factors=[]).exists()


@pytest.mark.django_db
def test_a_second_run_posts_nothing_new():
    build_demo()
    first = build_backoffice(CLAIMS)
    journals = JournalEntry.objects.count()
    second = build_backoffice(CLAIMS)
    assert set(second.files) == {ALREADY}
    assert sum(second.files.values()) == sum(first.files.values())
    assert JournalEntry.objects.count() == journals
    assert (second.claims, second.remits, second.posted, second.exceptions, second.items) == (
        first.claims, first.remits, first.posted, first.exceptions, first.items)
