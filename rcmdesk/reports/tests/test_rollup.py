"""The weekly roll-up: a closed week's kept KPIs always equal a recomputation from the rows.

Random sequences of writes (postings into the open week and back-dated into closed ones,
reversals, a new claim in a closed week, late 835s, rework items, closes and reopens,
touches, appeals, claim corrections, scrub runs) are applied one at a time; after each, the
KPIs read through the roll-up (``kpis._compute``) must equal the live engine over the same
weeks (``kpis._live``), for the whole client, a payer filter and a viewer's view, and A/R
aging at each closed week's end must equal its recomputation.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rcmdesk.calendar import parse_week, previous_weeks, week_of
from rcmdesk.claims.models import Claim, Patient
from rcmdesk.conftest import World
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.remits.models import JournalEntry, LedgerEntry, RemitClaim, Remittance
from rcmdesk.reports import kpis, rollup
from rcmdesk.reports.models import KpiChange, KpiWeek
from rcmdesk.reports.tests.kpi_world import KpiWorld, build
from rcmdesk.scrubber.models import ScrubRun
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkAction, WorkItem

pytestmark = pytest.mark.django_db

WEEKS = 14  # the 13 closed weeks a trend shows, and the open one
days = st.integers(min_value=0, max_value=150)  # reaches back past the trend's first week
pick = st.integers(min_value=0, max_value=50)
ops = st.one_of(
    st.tuples(st.just("post"), pick, days, st.sampled_from(["charge", "payment", "adjustment"])),
    st.tuples(st.just("reverse"), pick, days),
    st.tuples(st.just("new_claim"), days),
    st.tuples(st.just("remit"), pick, days, st.booleans()),
    st.tuples(st.just("rework"), pick),
    st.tuples(st.just("close"), pick, days),
    st.tuples(st.just("reopen"), pick),
    st.tuples(st.just("touch"), pick, days),
    st.tuples(st.just("appeal"), pick, days, st.booleans()),
    st.tuples(st.just("correct"), pick, days, st.booleans()),
    st.tuples(st.just("scrub"), days),
)


def _when(kw: KpiWorld, days_ago: int) -> datetime:
    zone = ZoneInfo(kw.client.time_zone)
    return datetime.combine(kw.client.today() - timedelta(days=days_ago), time(12), zone)


def _nth(rows: list[Any], n: int) -> Any:
    return rows[n % len(rows)] if rows else None


def _journal(claim: Claim, kind: str, when: datetime, amount: Decimal,
             debit: str, credit: str) -> None:
    journal = JournalEntry.objects.create(client_id=claim.client_id, claim=claim, kind=kind,
                                          created_at=when)
    LedgerEntry.objects.bulk_create([
        LedgerEntry(journal=journal, client_id=claim.client_id, claim=claim, account=debit,
                    amount=amount),
        LedgerEntry(journal=journal, client_id=claim.client_id, claim=claim, account=credit,
                    amount=-amount)])


POSTINGS = {"charge": ("insurance_ar", "revenue"), "payment": ("payer_cash", "insurance_ar"),
            "adjustment": ("contractual", "insurance_ar")}


def apply(kw: KpiWorld, op: tuple[Any, ...], specialist: Any) -> None:
    """One write, as the posting, ingest and work-queue code would leave it."""
    client = kw.client
    claims = list(Claim.objects.filter(client=client).order_by("pk"))
    items = list(WorkItem.objects.filter(client=client).order_by("pk"))
    name = op[0]
    if name == "post":
        debit, credit = POSTINGS[op[3]]
        _journal(_nth(claims, op[1]), op[3], _when(kw, op[2]), Decimal("25.00"), debit, credit)
    elif name == "reverse":
        journal = _nth(list(JournalEntry.objects.filter(client=client).order_by("pk")), op[1])
        reversal = JournalEntry.objects.create(client=client, claim=journal.claim,
                                               kind="reversal", created_at=_when(kw, op[2]))
        LedgerEntry.objects.bulk_create(
            LedgerEntry(journal=reversal, client=client, claim=e.claim, account=e.account,
                        amount=-e.amount) for e in journal.entries.all())
    elif name == "new_claim":
        when = _when(kw, op[1])
        patient = Patient.objects.create(client=client, last_name="Late", first_name="P")
        claim = Claim.objects.create(client=client, patient=patient, payer=kw.payer_a,
                                     patient_control_number=f"N{len(claims)}", kind="P",
                                     total_charge=Decimal("80.00"), created_at=when,
                                     service_from=when.date(), service_to=when.date())
        _journal(claim, "charge", when, Decimal("80.00"), "insurance_ar", "revenue")
    elif name == "remit":
        claim, when = _nth(claims, op[1]), _when(kw, op[2])
        remit = Remittance.objects.create(client=client, st_control="9", payer=claim.payer,
                                          payer_key="P", trace_number=f"L{op}", created_at=when,
                                          amount=Decimal("0.00"))
        RemitClaim.objects.create(remittance=remit, index=1, claim=claim, status_code="1",
                                  patient_control_number=claim.patient_control_number,
                                  charge=claim.total_charge,
                                  paid=Decimal("0.00") if op[3] else Decimal("10.00"),
                                  outcome="denied" if op[3] else "posted")
    elif name == "rework":
        claim = _nth(claims, op[1])
        WorkItem.objects.create(client=client, workflow="denials", kind=ItemKind.DENIAL,
                                source_key=f"r:{len(items)}", title="late denial", claim=claim,
                                category="coding", amount=Decimal("5.00"))
    elif name == "close":
        item = _nth(items, op[1])
        item.status, item.closed_at, item.close_reason = ItemStatus.DONE, _when(kw, op[2]), "paid"
        item.save(update_fields=["status", "closed_at", "close_reason"])
    elif name == "reopen":
        item = _nth(items, op[1])
        item.status, item.closed_at = ItemStatus.OPEN, None
        item.save(update_fields=["status", "closed_at"])
    elif name == "touch":
        WorkAction.objects.create(item=_nth(items, op[1]), actor=specialist, kind="called_payer",
                                  at=_when(kw, op[2]))
    elif name == "appeal":
        item = _nth([i for i in items if i.claim_id is not None], op[1])
        Appeal.objects.create(client=client, item=item, claim=item.claim,
                              level=10 + Appeal.objects.count(),
                              category="coding", subject="late", letter_text="...",
                              status=AppealStatus.WON if op[3] else AppealStatus.LOST,
                              decided_on=_when(kw, op[2]).date())
    elif name == "correct":
        claim = _nth(claims, op[1])
        claim.service_from = _when(kw, op[2]).date()
        claim.payer = kw.payer_b if op[3] else kw.payer_a
        claim.save(update_fields=["service_from", "payer"])
    elif name == "scrub":
        ScrubRun.objects.create(client=client, scrubbed=10, clean_claims=7,
                                created_at=_when(kw, op[1]))


def assert_kept_equals_a_recomputation(kw: KpiWorld, viewer: Any) -> None:
    client = kw.client
    weeks = previous_weeks(week_of(client.today()), WEEKS)
    ws = kpis.windows(client, weeks)
    for f in (kpis.Filters(), kpis.Filters(payer_id=kw.payer_a.pk),
              kpis.Filters(workflow="denials", viewer=viewer)):
        assert kpis._compute(client.pk, weeks, f) == kpis._live(client.pk, ws, f)
    for week in weeks[-4:-1]:
        sunday = parse_week(week)[1] - timedelta(days=1)
        assert kpis.aging(client.pk, sunday) == kpis._aging(client, sunday, None, None)


@pytest.fixture
def kw(world: World) -> KpiWorld:
    return build(world)


@settings(max_examples=10, deadline=None, derandomize=True,
          phases=(Phase.explicit, Phase.generate),  # a failure prints its sequence; no shrink
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(sequence=st.lists(ops, min_size=1, max_size=6))
def test_the_roll_up_always_equals_a_recomputation_from_the_ledger(
        kw: KpiWorld, world: World, sequence: list[tuple[Any, ...]]) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    with transaction.atomic():  # each example starts from the same world
        assert_kept_equals_a_recomputation(kw, specialist)
        assert KpiWeek.objects.filter(client=kw.client).count() >= 3 * (WEEKS - 1)
        for op in sequence:
            apply(kw, op, specialist)
            assert_kept_equals_a_recomputation(kw, specialist)
        transaction.set_rollback(True)


def test_a_back_dated_posting_into_a_closed_week_is_caught(kw: KpiWorld) -> None:
    client = kw.client
    week = week_of(client.today() - timedelta(days=21))
    before = kpis.weekly_kpis(client.pk, week)
    assert KpiWeek.objects.filter(client=client, week=week).exists()
    _journal(kw.claims["C1"], "payment", _when(kw, 40), Decimal("30.00"), "payer_cash",
             "insurance_ar")
    assert KpiChange.objects.filter(client_id=client.pk).exists()
    after = {k.key: k.value for k in kpis.weekly_kpis(client.pk, week)}
    assert after["days_in_ar"] != {k.key: k.value for k in before}["days_in_ar"]
    assert not KpiChange.objects.filter(client_id=client.pk).exists()  # consumed


def test_a_posting_in_the_open_week_keeps_the_closed_weeks(kw: KpiWorld) -> None:
    client = kw.client
    weeks = previous_weeks(week_of(client.today()), WEEKS)
    kpis._compute(client.pk, weeks, kpis.Filters())
    kept = set(KpiWeek.objects.filter(client=client).values_list("pk", flat=True))
    _journal(kw.claims["C1"], "payment", timezone.now(), Decimal("5.00"), "payer_cash",
             "insurance_ar")
    assert rollup.consume(client.pk) == 0
    assert set(KpiWeek.objects.filter(client=client).values_list("pk", flat=True)) == kept


def test_the_open_week_is_never_kept(kw: KpiWorld) -> None:
    this_week = week_of(kw.client.today())
    kpis.weekly_kpis(kw.client.pk, this_week)
    assert not KpiWeek.objects.filter(client=kw.client, week=this_week).exists()


def test_one_clients_writes_leave_another_clients_kept_weeks_alone(
        kw: KpiWorld, world: World) -> None:
    weeks = previous_weeks(week_of(world.birch.today()), WEEKS)
    kpis._compute(world.birch.pk, weeks, kpis.Filters())
    _journal(kw.claims["C1"], "charge", _when(kw, 60), Decimal("9.00"), "insurance_ar",
             "revenue")
    assert rollup.consume(world.birch.pk) == 0
    assert KpiWeek.objects.filter(client=world.birch).count() == WEEKS - 1


def test_journals_written_by_the_bulk_module_are_logged_at_their_earliest_day(
        kw: KpiWorld) -> None:
    """The posting code writes by the thousand through ``rcmdesk.db.bulk`` (COPY on
    PostgreSQL): on PostgreSQL the statement's rows are logged as one change, dated by the
    earliest."""
    from rcmdesk.db import bulk

    KpiChange.objects.all().delete()
    claim = kw.claims["C1"]
    bulk.insert_objects(JournalEntry, [
        JournalEntry(client_id=claim.client_id, claim=claim, kind="payment",
                     created_at=_when(kw, n)) for n in (3, 30, 10)])
    changes = list(KpiChange.objects.values_list("client_id", "since"))
    assert min(changes, key=lambda c: c[1]) == (kw.client.pk, _when(kw, 30))
    if connection.vendor == "postgresql":  # one statement-level trigger: one row (SQLite: 3)
        assert len(changes) == 1
