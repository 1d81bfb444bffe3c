"""Posting exceptions are retried, posted at most once, and resolved with who and when."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import (
    Account,
    ExceptionStatus,
    LedgerEntry,
    PostingException,
    PostingKey,
)
from rcmdesk.remits.services import repost_exception
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role

D = Decimal
UNMATCHED = header("50.00") + "CLP*LATE1*1*50*50**12*CCNL~SVC*HC:99213*50*50**1~"


@pytest.fixture(autouse=True)
def _ledger_stays_balanced(db: Any) -> Iterator[None]:
    yield
    assert check_ledger() == []


def cash(pcn: str) -> Decimal:
    rows = LedgerEntry.objects.filter(account=Account.PAYER_CASH,
                                      claim__patient_control_number=pcn)
    return rows.aggregate(t=Sum("amount"))["t"] or D(0)


def test_an_unmatched_claim_takes_no_posting_key_so_its_exception_can_be_retried(
        world: World) -> None:
    ingest(world.acme, remit(UNMATCHED), "early.835")
    assert PostingException.objects.get().reason == "unmatched"
    assert not PostingKey.objects.exists()


def test_reposting_an_exception_after_the_837_arrived_posts_it_once_and_resolves_it(
        world: World) -> None:
    ingest(world.acme, remit(UNMATCHED), "early.835")
    exception = PostingException.objects.get()
    claim = make_claim(world.acme, "LATE1", [("99213", "50.00")])
    specialist = world.user(Role.PARTNER_SPECIALIST)

    assert repost_exception(exception, acting_user=specialist) == "posted"
    exception.refresh_from_db()
    claim.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert (exception.resolution, exception.resolved_by) == ("posted", specialist)
    assert exception.resolved_at is not None
    assert exception.remit_claim is not None
    assert exception.remit_claim.outcome == "posted"
    assert claim.insurance_balance == D("0")
    assert cash("LATE1") == D("50")
    # the ledger entries belong to the remittance that carried the money
    assert set(LedgerEntry.objects.filter(account=Account.PAYER_CASH)
               .values_list("journal__remittance", flat=True)) == {exception.remittance_id}
    event = AuditEvent.objects.get(action="remits.exception_reposted")
    assert event.detail["outcome"] == "posted"
    # idempotent: a second run changes nothing and posts nothing
    assert repost_exception(exception, acting_user=specialist) == "posted"
    assert cash("LATE1") == D("50")


def test_an_exception_that_still_cannot_post_stays_open_when_reposted(world: World) -> None:
    ingest(world.acme, remit(UNMATCHED), "early.835")
    exception = PostingException.objects.get()
    assert repost_exception(exception) == "unmatched"
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN
    assert not PostingKey.objects.exists()


def test_the_same_835_again_after_the_837_arrived_posts_and_the_old_exception_resolves(
        world: World) -> None:
    ingest(world.acme, remit(UNMATCHED, isa13="000000401"), "early.835")
    make_claim(world.acme, "LATE1", [("99213", "50.00")])
    assert ingest(world.acme, remit(UNMATCHED, isa13="000000402"),
                  "again.835").outcome == FileStatus.APPLIED
    assert cash("LATE1") == D("50")
    exception = PostingException.objects.get()
    assert repost_exception(exception) == "already_posted"
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert cash("LATE1") == D("50")


def test_the_repost_command_retries_every_open_exception_and_prints_what_posted(
        world: World) -> None:
    ingest(world.acme, remit(UNMATCHED + "CLP*LATE2*1*0*0**12*CCNM~",
                             isa13="000000403"), "two.835")
    assert PostingException.objects.count() == 2
    make_claim(world.acme, "LATE1", [("99213", "50.00")])
    out = CliRunner().invoke(app, ["posting", "repost", "--client", "acme"])
    assert out.exit_code == 0, out.output
    assert "LATE1 (trace TRACE1): posted" in out.output
    assert "LATE2 (trace TRACE1): unmatched" in out.output
    assert "1 resolved, 1 still open" in out.output
    assert cash("LATE1") == D("50")
