"""Service levels measured from the records, on the client's calendar and in its zone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus
from rcmdesk.servicelevels.measure import attainment, missed
from rcmdesk.servicelevels.models import Kind, ServiceLevel
from rcmdesk.servicelevels.services import set_target
from rcmdesk.servicelevels.tests.fixtures import (
    act,
    entered_claim,
    item,
    ny,
    received_835,
    remittance,
    scored_audit,
)
from rcmdesk.tenancy.calendars import add_holiday
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemKind

pytestmark = pytest.mark.django_db
NOW = ny(2026, 12, 2, 12)  # Wednesday 12/02/2026, noon in New York


def _level(world: World, kind: str, days: int | None, percent: str = "80",
           workflow: str = "ar_followup") -> ServiceLevel:
    engagement = world.acme_engagement
    engagement.start_date = date(2026, 1, 1)
    engagement.scope = ["ar_followup", "denials", "posting", "charges_claims"]
    engagement.save()
    add_holiday(world.acme, date(2026, 11, 26), "Thanksgiving",
                acting_user=world.user(Role.CLIENT_ADMIN))
    return set_target(engagement, kind, workflow, days, Decimal(percent),
                      acting_user=world.user(Role.CLIENT_ADMIN))


def test_service_level_attainment_equals_a_hand_computed_value_on_a_fixture_spanning_a_weekend_and_a_holiday_in_the_clients_time_zone(  # noqa: E501
        world: World) -> None:
    """Target: 80% of AR follow-up items acted on within 2 business days of arrival.
    Acme's zone is America/New_York; Thanksgiving, Thursday 11/26/2026, is its holiday;
    measured at Wednesday 12/02/2026 12:00 New York. A touch is a person's action of a
    touch kind (``workqueue.counts``); "claimed" is bookkeeping. Due = the arrival's
    business day + 2 business days, done before the client's midnight ending it.

    Item: arrives (New York) -> counts from -> due day (week); first touch -> result
    G: Mon 11/16 09:00 -> Mon 11/16 -> Wed 11/18 (W47); Tue 11/17 -> met
    A: Fri 11/20 21:00, already Sat 02:00 UTC -> Fri 11/20 -> Tue 11/24 (W48);
       Wed 11/25 10:00 -> missed
    B: Sat 11/21 10:00 -> Mon 11/23 -> Wed 11/25 (W48); Wed 11/25 16:00 -> met
    E: Mon 11/23 09:00 -> Mon 11/23 -> Wed 11/25 (W48); Mon 11/23 15:00 -> met
    J: Mon 11/23 11:00 -> Mon 11/23 -> Wed 11/25 (W48); "claimed" Mon 12:00 is no touch,
       a note Thu 11/26 10:00 -> missed
    C: Tue 11/24 09:00 -> Tue 11/24 -> Wed, (Thu holiday), Fri 11/27 (W48);
       Fri 11/27 23:30 local = Sat 04:30 UTC -> met
    K: Tue 11/24 10:00 -> Tue 11/24 -> Fri 11/27 (W48); called payer Tue 11:00 -> met
    D: Wed 11/25 14:00 -> Wed 11/25 -> Fri, Mon 11/30 (W49); never -> missed
    F: Thu 11/26 10:00, the holiday -> Fri 11/27 -> Tue 12/01 (W49); never -> missed
    H: Fri 11/27 09:00 -> Fri 11/27 -> Tue 12/01 (W49); Mon 11/30 -> met
    I: Wed 12/02 09:00 -> Wed 12/02 -> Fri 12/04; never, not yet due -> left out
    Q: a QA audit item, Mon 11/23, never touched: QA's own work -> left out

    W47: G → 1 of 1 = 100.0%, met. W48 (due Tue 11/24 .. Fri 11/27): A, B, E, J, C, K →
    met B, E, C, K = 4 of 6 = 66.7%, missed (below 80%). W49: D, F, H → 1 of 3 = 33.3%,
    missed. Counted in UTC days A would be met (Saturday → due Wed 11/25) and without the
    holiday C would be missed (due Thu 11/26): the figure depends on both being right.
    """
    level = _level(world, Kind.ACTED_ON, 2)
    acme, who = world.acme, world.user(Role.PARTNER_SPECIALIST)
    g = item(acme, 1, ny(2026, 11, 16, 9))
    act(g, who, ny(2026, 11, 17, 10))
    a = item(acme, 2, ny(2026, 11, 20, 21))
    act(a, who, ny(2026, 11, 25, 10))
    b = item(acme, 3, ny(2026, 11, 21, 10))
    act(b, who, ny(2026, 11, 25, 16))
    e = item(acme, 4, ny(2026, 11, 23, 9))
    act(e, who, ny(2026, 11, 23, 15))
    j = item(acme, 5, ny(2026, 11, 23, 11))
    act(j, who, ny(2026, 11, 23, 12), ActionKind.CLAIMED)
    act(j, who, ny(2026, 11, 26, 10))
    c = item(acme, 6, ny(2026, 11, 24, 9))
    act(c, who, ny(2026, 11, 27, 23, 30))
    k = item(acme, 7, ny(2026, 11, 24, 10))
    act(k, who, ny(2026, 11, 24, 11), ActionKind.CALLED_PAYER)
    item(acme, 8, ny(2026, 11, 25, 14))  # D
    item(acme, 9, ny(2026, 11, 26, 10))  # F
    h = item(acme, 10, ny(2026, 11, 27, 9))
    act(h, who, ny(2026, 11, 30, 10))
    item(acme, 11, ny(2026, 12, 2, 9))  # I
    q = item(acme, 12, ny(2026, 11, 23, 9), kind=ItemKind.QA_AUDIT)
    q.workflow = "ar_followup"
    q.save(update_fields=["workflow"])

    weeks = attainment(level, ["2026-W47", "2026-W48", "2026-W49"], now=NOW)

    assert [(w.met, w.total, w.percent, w.status) for w in weeks] == [
        (1, 1, Decimal("100.0"), "met"),
        (4, 6, Decimal("66.7"), "missed"),
        (1, 3, Decimal("33.3"), "missed")]
    assert [u.title for u in missed(level, "2026-W48", now=NOW)] == ["item 2", "item 5"]
    assert [u.due_day for u in missed(level, "2026-W49", now=NOW)] == [
        date(2026, 11, 30), date(2026, 12, 1)]


def test_payment_posting_counts_from_the_835s_receipt_to_its_remittance_posted(
        world: World) -> None:
    """Within 1 business day: received Fri 11/20 16:00, posted Mon 11/23 10:00 (due Mon)
    met; received Mon 11/23, posted Thu 11/26 (due Tue) missed; an 835 received Tue 11/24
    and held for review (due Fri 11/27, the holiday skipped) missed: 1 of 3 in W48."""
    level = _level(world, Kind.POSTED, 1, "95", workflow="")
    remittance(world.acme, 1, ny(2026, 11, 20, 16), ny(2026, 11, 23, 10))
    remittance(world.acme, 2, ny(2026, 11, 23, 9), ny(2026, 11, 26, 9))
    received_835(world.acme, 3, ny(2026, 11, 24, 9), status=FileStatus.HELD_FOR_REVIEW)

    [week] = attainment(level, ["2026-W48"], now=NOW)

    assert level.workflow == "posting"
    assert (week.met, week.total, week.status) == (1, 3, "missed")
    assert {u.ref for u in missed(level, "2026-W48", now=NOW)} == {"remittance", "file"}


def test_claims_submitted_count_from_charge_entry_to_the_first_837_batch(
        world: World) -> None:
    """Within 3 business days: entered Mon 11/23 and batched Fri 11/27 (due Fri: Tue, Wed,
    Fri with Thursday a holiday) met; entered Mon 11/23 and never batched: missed; entered
    Wed 12/02 and not batched: not yet due, left out. 1 of 2 in W48."""
    level = _level(world, Kind.SUBMITTED, 3, "95", workflow="")
    entered_claim(world.acme, 1, ny(2026, 11, 23, 9), ny(2026, 11, 27, 17))
    entered_claim(world.acme, 2, ny(2026, 11, 23, 9), None)
    entered_claim(world.acme, 3, ny(2026, 12, 2, 9), None)

    [w48, w49] = attainment(level, ["2026-W48", "2026-W49"], now=NOW)

    assert (w48.met, w48.total, w48.percent) == (1, 2, Decimal("50.0"))
    assert w49.total == 0
    assert w49.status == ""
    assert [u.title for u in missed(level, "2026-W48", now=NOW)] == ["ENTRY2"]


def test_qa_accuracy_is_audits_without_a_failed_point_in_the_clients_week(
        world: World) -> None:
    """Three audits scored in W48 (one failed) and one scored Sunday 11/29 23:00 New York
    (Monday 04:00 UTC: still W48 on the client's calendar, failed): 2 of 4 = 50%."""
    level = _level(world, Kind.QA_ACCURACY, None, "95", workflow="")
    who = world.user(Role.PARTNER_SPECIALIST)
    for n, failed in ((1, False), (2, False), (3, True)):
        scored_audit(world.acme_engagement, who, n, ny(2026, 11, 24, 10), failed=failed)
    scored_audit(world.acme_engagement, who, 4, ny(2026, 11, 29, 23), failed=True)

    [week] = attainment(level, ["2026-W48"], now=NOW)

    assert (week.met, week.total, week.percent, week.status) == (2, 4, Decimal("50.0"),
                                                                 "missed")
    assert len(missed(level, "2026-W48", now=NOW)) == 2
