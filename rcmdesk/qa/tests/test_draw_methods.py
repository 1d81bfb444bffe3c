"""Plans that state a precision, and monetary-unit plans for money work: the size comes from
the calculator and is shown with how it was computed; the draw replays from what it recorded;
a fixed-percent plan draws as it always did."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rcmdesk.calendar import parse_week, week_of
from rcmdesk.conftest import World, make_user
from rcmdesk.qa import services, stats
from rcmdesk.qa.accuracy import projection
from rcmdesk.qa.models import Audit, SamplingMethod
from rcmdesk.qa.tests.factories import WEEK, done_items, plan
from rcmdesk.reports import weekly
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

pytestmark = pytest.mark.django_db


def veterans(world: World, count: int) -> list[Any]:
    people = []
    for n in range(count):
        user = make_user(f"vet{n}", Role.PARTNER_SPECIALIST, world.pillar)
        Assignment.objects.create(engagement=world.acme_engagement, user=user,
                                  created_at=timezone.now() - timedelta(days=400))
        people.append(user)
    return people


def test_a_precision_plan_draws_the_calculators_size_in_proportion_and_replays(
        world: World) -> None:
    """180 items (120 + 60): +/- 10 points at 90 % expecting 50 % errors is n0 = 67.6, with
    the correction 67.6 / (1 + 66.6 / 180) = 49.4, so 50, split 33 and 17."""
    first, second = veterans(world, 2)
    done_items(world.acme_engagement, first, 120)
    done_items(world.acme_engagement, second, 60)
    the_plan = plan(world.acme_engagement, method=SamplingMethod.PRECISION,
                    precision_points=Decimal(10), confidence_percent=Decimal(90),
                    expected_error_percent=Decimal(50))
    made = services.draw_week(the_plan, WEEK, acting_user=world.user(Role.PARTNER_QA), seed=5)
    assert made.sampled == 50 == made.design["n"]
    assert made.design["population"] == 180
    assert "n0 = z" in made.design["how"]
    assert "n = 50" in made.design["how"]
    by_person = {u.pk: made.audits.filter(specialist=u).count() for u in (first, second)}
    assert by_person == {first.pk: 33, second.pk: 17}
    assert services.replay(made) == sorted(made.audits.values_list("item_id", flat=True))


def test_a_fixed_percent_plan_records_no_design_and_draws_as_before(world: World) -> None:
    [vet] = veterans(world, 1)
    done_items(world.acme_engagement, vet, 60)
    made = services.draw_week(plan(world.acme_engagement), WEEK,
                              acting_user=world.user(Role.PARTNER_QA), seed=123456789)
    assert made.design == {}
    assert made.sampled == 3  # 5 % of 60


def test_the_plan_page_shows_the_computed_size_and_how(signed_in: Any, world: World) -> None:
    [vet] = veterans(world, 1)
    done_items(world.acme_engagement, vet, 100)
    the_plan = plan(world.acme_engagement, method=SamplingMethod.PRECISION,
                    precision_points=Decimal(5), expected_error_percent=Decimal(5))
    services.draw_week(the_plan, WEEK, acting_user=world.user(Role.PARTNER_QA), seed=1)
    page = signed_in(Role.CLIENT_MANAGER).get(f"/qa/plans/{the_plan.pk}/").content.decode()
    size = stats.sample_size(0.05, 0.90, 0.05, 100)
    assert f"n = {size.n}" in page
    assert "finite-population correction" in page
    assert "size for a target precision" in page


def test_a_precision_plan_needs_its_precision_and_money_sampling_needs_money_work(
        world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    with pytest.raises(services.QaProblem, match="needs the precision"):
        services.save_plan(world.acme_engagement, {"method": SamplingMethod.PRECISION},
                           acting_user=admin)
    with pytest.raises(services.QaProblem, match="posting"):
        services.save_plan(world.acme_engagement, {
            "method": SamplingMethod.MONETARY, "workflow": "ar_followup",
            "precision_points": Decimal(5)}, acting_user=admin)


AMOUNTS = [Decimal("5000.00")] + [Decimal(f"{n * 10}.00") for n in range(1, 40)] + [Decimal(0)]


def postings(world: World, specialist: Any) -> list[WorkItem]:
    """Posted payments closed in the week, one of $5,000 and 39 from $10 to $390, one $0."""
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save(update_fields=["scope"])
    monday, _ = parse_week(WEEK)
    closed = datetime.combine(monday + timedelta(days=1), time(12), ZoneInfo("America/New_York"))
    return WorkItem.objects.bulk_create(
        WorkItem(client=world.acme, workflow="posting", kind=ItemKind.POSTING_EXCEPTION,
                 source_key=f"post:{n}", title=f"Posting {n}", amount=amount,
                 status=ItemStatus.DONE, assignee=specialist, closed_at=closed)
        for n, amount in enumerate(AMOUNTS))


@pytest.fixture
def monetary(world: World) -> Any:
    [vet] = veterans(world, 1)
    postings(world, vet)
    the_plan = plan(world.acme_engagement, workflow="posting", method=SamplingMethod.MONETARY,
                    precision_points=Decimal(10), expected_error_percent=Decimal(10),
                    minimum_per_week=0)
    return services.draw_week(the_plan, WEEK, acting_user=world.user(Role.PARTNER_QA), seed=42)


def test_a_monetary_plan_picks_by_dollars_records_its_interval_and_replays(
        monetary: Any) -> None:
    """41 items, $12,800: n from the calculator (+/- 10 at 90 %, 10 % expected, N = 41) is
    16, so one unit every $800: the $5,000 item is certain; the $0 item never can be."""
    size = stats.sample_size(0.10, 0.90, 0.10, 41)
    design = monetary.design
    assert (design["n"], design["total"]) == (size.n, "12800.00")
    assert Decimal(design["interval"]) == (Decimal(12800) / size.n).quantize(Decimal("0.01"))
    picked = {a.item.amount for a in monetary.audits.select_related("item")}
    assert Decimal("5000.00") in picked
    assert Decimal(0) not in picked
    assert monetary.sampled == len(design["hits"]) < size.n  # the big item takes several units
    assert services.replay(monetary) == sorted(monetary.audits.values_list("item_id", flat=True))


def test_the_dollar_error_is_projected_to_the_population_once_every_audit_is_scored(
        world: World, monetary: Any) -> None:
    qa = world.user(Role.PARTNER_QA)
    audits = list(monetary.audits.select_related("item").order_by("item__amount"))
    assert projection(monetary, Audit.objects.all()).projection is None
    smallest, big = audits[0], audits[-1]
    for audit in audits:
        marks = ["pass"] * audit.points.count()
        if audit in (smallest, big):
            marks[0] = "fail"
        error = {smallest.pk: smallest.item.amount / 2, big.pk: Decimal("100.00")}.get(audit.pk)
        services.submit(audit, [services.PointScore(m, "wrong" if m == "fail" else "")
                                for m in marks], acting_user=qa, misstatement=error)
    got = projection(monetary, Audit.objects.all()).projection
    interval = Decimal(monetary.design["interval"])
    expected = stats.mus_projection(
        [stats.Found(a.item.amount, Decimal(0)) for a in audits[1:-1]]
        + [stats.Found(smallest.item.amount, smallest.item.amount / 2),
           stats.Found(big.item.amount, Decimal("100.00"))], interval)
    assert got == expected
    # by hand: the $5,000 item stands for its $100; the small one's tainting 0.5 for J / 2
    assert got is not None
    assert got.projected == (Decimal("100.00") + interval / 2).quantize(Decimal("0.01"))


def test_an_amount_in_error_above_the_items_amount_is_refused(world: World,
                                                              monetary: Any) -> None:
    audit = monetary.audits.select_related("item").first()
    marks = [services.PointScore("pass")] * audit.points.count()
    with pytest.raises(services.QaProblem, match="between"):
        services.submit(audit, marks, acting_user=world.user(Role.PARTNER_QA),
                        misstatement=audit.item.amount + 1)


def test_the_audit_page_asks_the_dollars_in_error_for_a_monetary_draw(
        signed_in: Any, monetary: Any) -> None:
    audit = monetary.audits.first()
    client = signed_in(Role.PARTNER_QA)
    assert b'data-testid="misstatement"' in client.get(f"/qa/audits/{audit.pk}/").content
    form = {f"result-{n}": "pass" for n in range(1, audit.points.count() + 1)}
    response = client.post(f"/qa/audits/{audit.pk}/", {**form, "misstatement": "$1.00"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.misstatement == Decimal("1.00")


def test_the_accuracy_page_shows_the_projection_but_not_to_a_specialist(
        signed_in: Any, monetary: Any) -> None:
    assert b'data-testid="dollar-projection"' in signed_in(Role.CLIENT_MANAGER).get(
        "/qa/accuracy/").content
    assert b'data-testid="dollar-projection"' not in signed_in(Role.PARTNER_SPECIALIST).get(
        "/qa/accuracy/").content


def test_the_weekly_report_shows_accuracy_with_its_interval_and_sample_size(
        world: World, monetary: Any) -> None:
    qa = world.user(Role.PARTNER_QA)
    audits = list(monetary.audits.order_by("pk"))
    for n, audit in enumerate(audits):
        marks = ["fail" if n == 0 and i == 0 else "pass" for i in range(audit.points.count())]
        services.submit(audit, [services.PointScore(m, "wrong" if m == "fail" else "")
                                for m in marks], acting_user=qa)
    content = weekly.build(world.acme, week_of(world.acme.today()))  # scored just now
    body = weekly.render_html(content)
    n = len(audits)
    e = content.qa["estimate"]
    assert (e.audits, e.errors) == (n, 1)
    assert f"{e.accuracy}% (90% CI {e.low}-{e.high}%, n={n})" in body
