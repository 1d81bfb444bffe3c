"""The demo's controls: Acme opens with SOPs, a QA plan, a write-off waiting on the client
manager, an escalation on the partner lead's clock and last week's client report."""

import pytest

from rcmdesk.decisions.models import Proposal
from rcmdesk.demo.backoffice import build_backoffice
from rcmdesk.demo.controls import build_controls
from rcmdesk.demo.services import build_demo
from rcmdesk.escalations.models import Escalation
from rcmdesk.playbooks.models import SopVersion
from rcmdesk.qa.models import SamplingPlan
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.reports.kpis import last_week_with_data
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.workqueue.models import ItemStatus

CLAIMS = 30


@pytest.mark.django_db
def test_acme_opens_with_sops_a_plan_a_pending_write_off_and_an_escalation():
    build_demo()
    build_backoffice(CLAIMS)
    controls = build_controls()
    assert controls is not None
    assert (controls.sops, controls.proposals, controls.escalations) == (2, 1, 1)
    assert SopVersion.objects.filter(document__client__slug="acme").count() == 2
    assert SamplingPlan.objects.count() == 1
    proposal = Proposal.objects.get()
    assert proposal.item is not None
    assert proposal.item.status == ItemStatus.PENDING_CLIENT_DECISION
    assert Escalation.objects.get().owner.username == "pillar.lead"
    assert check_ledger() == []  # proposing posts nothing


@pytest.mark.django_db
def test_a_second_controls_run_adds_nothing():
    build_demo()
    build_backoffice(CLAIMS)
    first = build_controls()
    second = build_controls()
    assert first == second
    assert (Proposal.objects.count(), Escalation.objects.count(),
            SopVersion.objects.count()) == (1, 1, 2)


@pytest.mark.django_db
def test_the_client_manager_finds_last_weeks_report_archived():
    build_demo()
    build_backoffice(CLAIMS)
    controls = build_controls()
    assert controls is not None
    report = WeeklyReport.objects.get()
    assert report.week == controls.report_week == last_week_with_data(report.client)
    assert build_controls() is not None
    assert WeeklyReport.objects.count() == 1  # a rerun keeps the archived one
