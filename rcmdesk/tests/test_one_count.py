"""Every count shown anywhere is one number (issue 17, item 7).

The demo back office is built once for the module (as ``rcmdesk demo`` builds it, so the
demo's own growth is covered without this file knowing it), then a specialist works a little
the way a person does: an appeal handed to the client, a payer called, an item closed. Each
test then reads the pages and the API as a persona would, and holds them against each other
and against the one definition (``rcmdesk.workqueue.counts``, ``decisions.queries.waiting``);
never against fixed numbers, so the demo may change under it.
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from pypdf import PdfReader
from typer.testing import CliRunner

from rcmdesk.accounts.models import User
from rcmdesk.calendar import parse_week, week_of
from rcmdesk.claims.models import Claim
from rcmdesk.cli import app
from rcmdesk.conftest import sign_in
from rcmdesk.decisions import services as decisions
from rcmdesk.decisions.models import ProposalKind
from rcmdesk.decisions.queries import waiting
from rcmdesk.denials import appeals
from rcmdesk.labels import label
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue import counts, services
from rcmdesk.workqueue.counts import QA_KINDS, Tile
from rcmdesk.workqueue.models import (
    ACTIVE_STATUSES,
    ActionKind,
    ItemKind,
    ItemStatus,
    WorkAction,
    WorkItem,
)

pytestmark = pytest.mark.django_db

CLAIMS = 30  # per demo client: every practice bills, and the build stays quick
SPECIALIST, MANAGER, LEAD = "pillar.specialist", "acme.manager", "pillar.lead"
EVERYONE = (SPECIALIST, MANAGER, LEAD)
REPORT_READERS = (MANAGER, LEAD)


@pytest.fixture(scope="module")
def office(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo, plus a specialist's morning, in one transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = CliRunner().invoke(app, ["demo", "--claims", str(CLAIMS)])
        assert result.exit_code == 0, result.output
        _a_specialists_morning(User.objects.get(username=SPECIALIST))
        yield
        transaction.set_rollback(True)


def _a_specialists_morning(specialist: User) -> None:
    """Touches of every sort, a question for the client of each kind, and an event nobody
    did (a producer refreshing an item), beside whatever the demo itself did."""
    denial = services.claim_next(acting_user=specialist, workflow=Workflow.DENIALS)
    assert denial is not None
    appeal = appeals.draft_appeal(denial, acting_user=specialist)
    appeals.mark_pending_decision(appeal, appeal.version, acting_user=specialist)
    # The demo's own specialists may have worked the small AR queue dry: raise one more.
    _an_ar_item_for(denial.client_id)
    item = services.claim_next(acting_user=specialist, workflow=Workflow.AR_FOLLOWUP,
                               kind=ItemKind.AR_FOLLOWUP)
    assert item is not None
    item = services.act(item, item.version, services.Step(
        ActionKind.CALLED_PAYER, note="Payer says it is in process."), acting_user=specialist)
    services.act(item, item.version, services.Step(
        ActionKind.NOTE, status=ItemStatus.DONE, outcome="paid"), acting_user=specialist)
    decisions.propose(item.client, ProposalKind.POLICY_EXCEPTION, acting_user=specialist,
                      claim=item.claim, reasons="The patient asks for a prompt-pay discount.")
    untouched = counts.open_items(None, item.client_id).exclude(pk__in=[denial.pk, item.pk])
    services.record_event(untouched.order_by("pk")[0], ActionKind.UPDATED, acting_user=None,
                          note="refreshed by the nightly sync")


def _an_ar_item_for(client_id: int) -> None:
    """An AR follow-up item on a claim with insurance money open, as the refresh raises one."""
    claim = (Claim.objects.filter(client_id=client_id, insurance_balance__gt=0)
             .exclude(work_items__status__in=ACTIVE_STATUSES).order_by("pk").first())
    assert claim is not None
    WorkItem.objects.create(
        client_id=client_id, workflow=Workflow.AR_FOLLOWUP, kind=ItemKind.AR_FOLLOWUP,
        source_key=f"claim:{claim.pk}", claim=claim, title="follow up", priority=10_000,
        amount=claim.insurance_balance)


def person(username: str) -> tuple[User, Client]:
    user = User.objects.get(username=username)
    return user, sign_in(Client(), user)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def api(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def clients_seen(user: User) -> list[Organization]:
    ids = visibility_for(user).client_ids
    return list(Organization.objects.filter(pk__in=ids, kind="client").order_by("slug"))


# --- reading the pages ---------------------------------------------------------------------

def _attr(tag: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', tag)
    assert found is not None, tag
    return found[1]


def home_counts(client: Client, org: Organization) -> tuple[Tile, dict[str, Tile], int]:
    """The home page's card for ``org``: open items, per workflow, decisions waiting."""
    fragment = page(client, f"/clients/{org.slug}/queue-counts/")
    tags = {m[1]: m[0] for m in re.finditer(r'<[^>]*data-testid="open-([\w-]+)"[^>]*>', fragment)}
    total = tags.pop("items")
    per_workflow = {wf: Tile(int(_attr(t, "data-count")), Decimal(_attr(t, "data-amount")))
                    for wf, t in tags.items()}
    decisions = re.search(r'data-testid="decisions-waiting" data-count="(\d+)"', fragment)
    return (Tile(int(_attr(total, "data-count")), Decimal(_attr(total, "data-amount"))),
            per_workflow, int(decisions[1]) if decisions else 0)


def _tile(tag: str) -> Tile:
    return Tile(int(_attr(tag, "data-count")), Decimal(_attr(tag, "data-amount")))


def workbench(client: Client) -> tuple[Tile, dict[str, list[Tile]]]:
    """The workbench's counts table: the total, and per workflow its cells in page order
    (aging buckets, then statuses, then the row's total), read from each cell's
    ``data-count`` / ``data-amount`` (the text shows them formatted)."""
    body = page(client, "/work/")
    rows = {m[1]: [_tile(c) for c in re.findall(r"<td [^>]*data-count[^>]*>", m[2])]
            for m in re.finditer(r'<tr data-testid="counts-([\w-]+)">(.*?)</tr>', body, re.S)}
    total = re.search(r'<p data-testid="counts-total"[^>]*>', body)
    assert total is not None
    return _tile(total[0]), rows


def kpi_page_value(client: Client, slug: str, week: str, key: str) -> Decimal:
    body = page(client, f"/reports/?client={slug}&week={week}")
    found = re.search(rf'<tr data-kpi="{key}"><td>[^<]*</td><td data-value="([\d.]+)"', body)
    assert found is not None, key
    return Decimal(found[1])


def kpi_api_value(client: Client, slug: str, week: str, key: str, workflow: str = "") -> Decimal:
    data = api(client, f"/api/reports/kpis?client={slug}&week={week}&workflow={workflow}")
    return Decimal(next(k["value"] for k in data["kpis"] if k["key"] == key))


def weekly_report(client: Client, org: Organization, week: str) -> tuple[str, WeeklyReport]:
    """Generate (again) the client's report for ``week`` from the page, and read it."""
    response = client.post("/reports/weekly/generate/",
                           {"client": org.slug, "week": week, "force": "1"})
    assert response.status_code == 302, response.content[:300]
    report = WeeklyReport.objects.get(client=org, week=week)
    return html.unescape(page(client, f"/reports/weekly/{report.pk}/")), report


def volume(report_html: str) -> dict[str, tuple[int, int]]:
    """The report's volume table: workflow -> (touched, touches)."""
    table = re.search(r'data-testid="volume">(.*?)</table>', report_html, re.S)
    assert table is not None
    out = {}
    for workflow, cells in re.findall(r'<tr data-workflow="([\w-]+)">(<td>.*?)</tr>', table[1],
                                      re.S):
        row = re.findall(r"<td[^>]*>(.*?)</td>", cells)
        out[workflow] = (int(row[2]), int(row[3]))
    return out


def pdf_text(client: Client, report: WeeklyReport) -> str:
    response = client.get(f"/reports/weekly/{report.pk}/pdf/")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def this_week(org: Organization) -> tuple[str, datetime, datetime]:
    week = week_of(org.today())
    monday, next_monday = parse_week(week)
    zone = ZoneInfo(org.time_zone)
    return week, datetime.combine(monday, time.min, zone), datetime.combine(next_monday,
                                                                            time.min, zone)


# --- open items ----------------------------------------------------------------------------

@pytest.mark.parametrize("username", EVERYONE)
def test_the_home_page_the_workbench_and_the_api_show_the_same_open_items(
        office: None, username: str) -> None:
    user, client = person(username)
    by_client = counts.open_by_client(user)
    home_total, home_workflows = Tile(), defaultdict[str, Tile](Tile)
    for org in clients_seen(user):
        total, per_workflow, _ = home_counts(client, org)
        assert total == by_client.get(org.pk, Tile())
        assert sum(per_workflow.values(), Tile()) == total
        home_total += total
        for wf, tile in per_workflow.items():
            home_workflows[wf] += tile
    bench_total, bench_rows = workbench(client)
    assert home_total.count > 0
    assert bench_total == home_total == sum(by_client.values(), Tile())
    assert {wf: cells[-1] for wf, cells in bench_rows.items()} == dict(home_workflows)
    rows = api(client, "/api/work/counts")
    assert rows == [{**r, "amount": str(r["amount"])} for r in counts.open_by_queue(user)]
    by_bucket: dict[tuple[str, str], Tile] = defaultdict(Tile)
    for r in rows:
        by_bucket[(r["workflow"], r["aging_bucket"])] += Tile(r["count"], Decimal(r["amount"]))
    buckets = ["0-30", "31-60", "61-90", "91-120", "120+", ""]
    for wf, cells in bench_rows.items():
        assert cells[:len(buckets)] == [by_bucket[(wf, b)] for b in buckets]


# --- backlog -------------------------------------------------------------------------------

@pytest.mark.parametrize("username", REPORT_READERS)
def test_the_planner_page_and_api_show_the_open_items_as_backlog(
        office: None, username: str) -> None:
    user, client = person(username)
    for org in clients_seen(user):
        _, home_workflows, _ = home_counts(client, org)
        qa = defaultdict[str, int](int)
        for wf in counts.open_items(user, org.pk).filter(kind__in=QA_KINDS).values_list(
                "workflow", flat=True):
            qa[wf] += 1
        expected = {wf: t.count - qa[wf] for wf, t in home_workflows.items() if t.count > qa[wf]}
        body = page(client, f"/capacity/?client={org.slug}")
        shown = {m[1]: int(m[2]) for m in re.finditer(
            r'data-testid="queue-([\w-]+)">.*?data-testid="backlog">(\d+)<', body, re.S)}
        from_api = {q["queue"]: q["backlog"]
                    for q in api(client, f"/api/capacity/forecast?client={org.slug}")}
        assert expected == counts.backlog(user, org.pk)
        assert {k: v for k, v in shown.items() if v} == expected, org.slug
        assert {k: v for k, v in from_api.items() if v} == expected, org.slug
        if expected:
            assert "No work items yet" not in body


# --- touched / worked ----------------------------------------------------------------------

@pytest.mark.parametrize("username", REPORT_READERS)
def test_items_worked_are_the_same_on_the_kpi_page_the_api_and_the_weekly_report(
        office: None, username: str) -> None:
    user, client = person(username)
    acme = Organization.objects.get(slug="acme")
    week, start, end = this_week(acme)
    mine = counts.worked(user, acme.pk, start, end)
    everyone = counts.worked(None, acme.pk, start, end)
    report_html, report = weekly_report(client, acme, week)
    rows = volume(report_html)
    assert {wf: t for wf, (t, _) in rows.items() if t} == {wf: w.items for wf, w in
                                                            everyone.items()}
    assert {wf: n for wf, (t, n) in rows.items() if t} == {wf: w.touches for wf, w in
                                                            everyone.items()}
    worked = sum(w.items for w in mine.values())
    assert worked >= 2  # the morning's appeal and call at least
    assert kpi_page_value(client, "acme", week, "items_worked") == worked
    assert kpi_api_value(client, "acme", week, "items_worked") == worked
    seen = {wf for wf in Workflow if acme.pk in visibility_for(user).clients_for(wf)}
    for wf in seen:
        shown = kpi_api_value(client, "acme", week, "items_worked", workflow=wf.value)
        assert shown == rows.get(wf.value, (0, 0))[0] == mine.get(wf.value, counts.Worked()).items
    producers = (WorkAction.objects.filter(item__client=acme, at__gte=start, at__lt=end)
                 .values("item").distinct().count())
    assert producers > sum(w.items for w in everyone.values())  # an event is not a touch
    if report.pdf:
        text = pdf_text(client, report)
        for name, (touched, touches) in rows.items():
            words = re.escape(label(name, "workflow"))
            assert re.search(rf"{words} \d+ {touched} {touches} ", text), name


# --- decisions waiting ---------------------------------------------------------------------

@pytest.mark.parametrize("username", EVERYONE)
def test_decisions_waiting_are_the_same_on_the_home_page_and_in_the_inbox(
        office: None, username: str) -> None:
    user, client = person(username)
    expected = waiting(user)
    inbox = page(client, "/decisions/")
    shown = re.search(r'data-testid="count">(\d+)<', inbox)
    assert shown is not None
    on_home = sum(home_counts(client, org)[2] for org in clients_seen(user))
    assert int(shown[1]) == on_home == expected.count


@pytest.mark.parametrize("username", REPORT_READERS)
def test_the_weekly_report_counts_the_decisions_the_inbox_holds(
        office: None, username: str) -> None:
    user, client = person(username)
    acme = Organization.objects.get(slug="acme")
    expected = waiting(User.objects.get(username=MANAGER), [acme.pk])
    assert expected.by_kind[ProposalKind.APPEAL_FILING].count >= 1  # the morning's appeal
    assert expected.count > expected.by_kind[ProposalKind.APPEAL_FILING].count
    assert home_counts(client, acme)[2] == waiting(user, [acme.pk]).count == expected.count
    report_html, report = weekly_report(client, acme, this_week(acme)[0])
    line = f"Decisions waiting on you: {expected.count},"
    assert line in report_html
    if report.pdf:
        assert line in pdf_text(client, report)
