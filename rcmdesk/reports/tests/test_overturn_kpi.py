"""The denial-overturn KPI reads the payer's answers the appeals record (``denials``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rcmdesk.conftest import World
from rcmdesk.denials.models import Appeal, AppealOutcome, AppealStatus
from rcmdesk.reports import kpis
from rcmdesk.reports.tests.kpi_world import WEEK, at, build

pytestmark = pytest.mark.django_db


def overturn_rate(client_id: int) -> Decimal | None:
    return {k.key: k.value for k in kpis.weekly_kpis(client_id, WEEK)}["denial_overturn_rate"]


def test_a_paid_overturn_and_a_partial_one_count_as_overturned_and_a_filed_one_not_at_all(
        world: World) -> None:
    kw = build(world)  # the week holds 1 overturned of 2 answered: 50.0%
    d1 = Appeal.objects.get(client=kw.client, level=1).item
    claim = kw.claims["C2"]
    for level, status, outcome in ((4, AppealStatus.PAID, AppealOutcome.OVERTURNED),
                                   (5, AppealStatus.WON, AppealOutcome.PARTIALLY_OVERTURNED),
                                   (6, AppealStatus.LOST, AppealOutcome.UPHELD)):
        Appeal.objects.create(client=kw.client, item=d1, claim=claim, level=level,
                              category="authorization", status=status, outcome=outcome,
                              subject="appeal", letter_text="...",
                              decided_on=at(11, 22).date())
    Appeal.objects.create(client=kw.client, item=d1, claim=claim, level=7,
                          category="authorization", status=AppealStatus.FILED,
                          subject="appeal", letter_text="...", filed_on=at(11, 18).date())
    assert overturn_rate(kw.client.pk) == Decimal("60.0")  # 3 overturned of 5 answered
