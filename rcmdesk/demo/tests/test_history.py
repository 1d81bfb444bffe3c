"""The demo looks like a practice: six months of claims aged as a practice's are, and six
weeks of work behind every KPI of the week the dashboard opens on."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from rcmdesk.calendar import parse_week
from rcmdesk.decisions.models import Proposal
from rcmdesk.demo.backoffice import build_backoffice
from rcmdesk.demo.history import build_history
from rcmdesk.demo.services import build_demo
from rcmdesk.denials.models import Appeal
from rcmdesk.qa.models import Audit
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import JournalEntry
from rcmdesk.reports import kpis
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import WorkAction, WorkItem

CLAIMS = 120  # per client: every billing day of the six months still bills (two a week)


def build():
    build_demo()
    build_backoffice(CLAIMS)
    return build_history()


def fingerprint():
    """What the demo made, by natural keys: primary keys (and the source keys made of them)
    differ between two builds on PostgreSQL, whose sequences a rollback does not rewind."""
    return tuple(sorted(map(repr, rows)) for rows in (
        WorkAction.objects.filter(actor__isnull=False).values_list(
            "item__claim__patient_control_number", "item__kind", "kind", "at",
            "actor__username", "outcome"),
        WorkItem.objects.values_list("client__slug", "kind", "claim__patient_control_number",
                                     "status"),
        Appeal.objects.values_list("claim__patient_control_number", "status",
                                   "filed_on", "decided_on"),
        Proposal.objects.values_list("claim__patient_control_number", "status",
                                     "amount", "decided_at"),
        Audit.objects.values_list("item__claim__patient_control_number", "score",
                                  "completed_at"),
        JournalEntry.objects.values_list("claim__patient_control_number", "kind",
                                         "created_at"),
    ))


class Again(Exception):
    """Undoes a first build, so the same test can build from scratch a second time."""


@pytest.mark.django_db
def test_the_history_is_the_same_every_time_and_a_second_run_adds_nothing():
    try:
        with transaction.atomic():
            build()
            first = fingerprint()
            raise Again
    except Again:
        pass
    history = build()
    assert fingerprint() == first
    assert history is not None
    assert min(history.actions, history.appeals, history.audits) > 0
    assert build() == history
    assert fingerprint() == first
    assert check_ledger() == []


@pytest.mark.django_db
def test_every_kpi_of_the_dashboards_week_has_a_value_and_ar_ages_like_a_practice():
    build()
    acme = Organization.objects.get(slug="acme")
    week = kpis.last_week_with_data(acme)  # the week /reports/ opens on
    blank = [k.key for k in kpis.weekly_kpis(acme.pk, week) if k.value is None]
    assert blank == []
    trend = kpis.kpi_trend(acme.pk, week, 13)
    assert all(value is not None for _week, value in trend["days_in_ar"])
    monday, _ = parse_week(week)
    aging = {row["bucket"]: row["percent"]
             for row in kpis.aging(acme.pk, monday + timedelta(days=6))}
    assert aging["0-30"] == max(aging.values())  # most A/R is young
    assert aging["0-30"] + aging["31-60"] > Decimal(45)
    assert Decimal(0) < aging["91-120"] + aging["120+"] < Decimal(40)  # a tail, not a pile
