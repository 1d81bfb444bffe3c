"""The expected-payment reports: underpayments (found, recovered, open by payer and by code,
overpayments beside them) and the payer scorecard, each table also as a CSV download.

Who: VIEW_REPORTS over the clients one sees (the reports menu asks the same). A client out
of sight answers 404 before the role is asked (403). Every download is an ``export`` event
in the client's audit chain: the tables carry the client's money. Figures come from
``contracts.scorecard``; this module only picks the client and the period and renders.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rcmdesk.audit.services import record
from rcmdesk.contracts import scorecard
from rcmdesk.contracts.scorecard import PayerScore, Period, VarianceRow
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action

DEFAULT_DAYS = 90
LONGEST = 731  # two years of days: a wider period is refused, not run


class Choice:
    """The client and period a report page shows, as the request asked for them."""

    def __init__(self, request: HttpRequest) -> None:
        user = request.user
        if not allows(user, Action.VIEW_REPORTS):
            raise PermissionDenied("Your role does not allow this.")
        self.clients = list(Organization.objects.visible_to(user).clients().order_by("name"))
        slug = request.GET.get("client", "")
        if slug:
            found = next((c for c in self.clients if c.slug == slug), None)
            if found is None:
                raise Http404("Not found.")
        else:
            found = self.clients[0] if self.clients else None
        self.client = found
        self.problem = ""
        if found is None:
            self.period = Period(date.min, date.min)
            return
        require(user, Action.VIEW_REPORTS, found.pk)
        self.period = Period.ending(found.today(), DEFAULT_DAYS)
        typed = (request.GET.get("from", "").strip(), request.GET.get("to", "").strip())
        if any(typed):
            try:
                first = date.fromisoformat(typed[0]) if typed[0] else self.period.first
                last = date.fromisoformat(typed[1]) if typed[1] else self.period.last
            except ValueError:
                self.problem = "Give the dates as a calendar day. Showing the last 90 days."
                return
            if first > last:
                self.problem = "The period ends before it starts. Showing the last 90 days."
            elif (last - first).days >= LONGEST:
                self.problem = "Choose a period of two years or less. Showing the last 90 days."
            else:
                self.period = Period(first, last)

    def context(self) -> dict[str, Any]:
        return {"clients": self.clients, "client": self.client, "period": self.period,
                "problem": self.problem}

    @property
    def status(self) -> int:
        return 400 if self.problem else 200


@login_required
@require_GET
def underpayments(request: HttpRequest) -> HttpResponse:
    choice = Choice(request)
    context = choice.context()
    if choice.client is not None:
        client, period = choice.client, choice.period
        by_payer = scorecard.underpayments(client, period, "payer")
        by_code = scorecard.underpayments(client, period, "procedure")
        over_payer = scorecard.overpayments(client, period, "payer")
        over_code = scorecard.overpayments(client, period, "procedure")
        context.update(
            by_payer=by_payer, by_code=by_code, total=scorecard.totals(by_payer),
            over_payer=over_payer, over_code=over_code, over_total=scorecard.totals(over_payer),
            tables=TABLE_WORDS,
            links=allows(request.user, Action.VIEW_TENANT_DATA))
    return render(request, "contracts/report_underpayments.html", context, status=choice.status)


@login_required
@require_GET
def payer_scorecard(request: HttpRequest) -> HttpResponse:
    choice = Choice(request)
    context = choice.context()
    if choice.client is not None:
        context.update(scores=scorecard.scorecard(choice.client, choice.period),
                       recoupments=scorecard.recoupments(choice.client, choice.period),
                       links=allows(request.user, Action.VIEW_TENANT_DATA))
    return render(request, "contracts/report_scorecard.html", context, status=choice.status)


VARIANCE_COLUMNS = ("Lines", "Found", "Recovered", "Open")
TABLES: dict[str, tuple[Callable[..., list[VarianceRow]], str]] = {
    "payer": (scorecard.underpayments, "payer"),
    "code": (scorecard.underpayments, "procedure"),
    "over-payer": (scorecard.overpayments, "payer"),
    "over-code": (scorecard.overpayments, "procedure"),
}
TABLE_WORDS = {"payer": "underpayments by payer", "code": "underpayments by procedure code",
               "over-payer": "overpayments by payer",
               "over-code": "overpayments by procedure code"}


@login_required
@require_GET
def underpayments_csv(request: HttpRequest) -> HttpResponse:
    choice = Choice(request)
    table = request.GET.get("table", "payer")
    if choice.client is None or table not in TABLES:
        raise Http404("Not found.")
    query, by = TABLES[table]
    rows = query(choice.client, choice.period, by)
    head = ("Payer" if by == "payer" else "Procedure code", *VARIANCE_COLUMNS)
    if table.startswith("over"):
        head = (head[0], "Lines", "Overpaid", "Taken back", "Still over")
    body = [(r.name, r.lines, r.found, r.recovered, r.open) for r in rows]
    return _download(choice, f"{table}", head, body, object_type="contracts.linevariance")


SCORE_COLUMNS = ("Payer", "Payer id", "Lines compared", "Allowed", "Expected",
                 "Pay rate against contract (%)", "Lines paid as contracted (%)",
                 "Paid claims", "Days to pay", "Claims remitted", "Claims denied",
                 "Denial rate (%)", "Recoupments", "Recouped", "Recoupments unexplained")


def _score_row(s: PayerScore) -> tuple[Any, ...]:
    return (s.name, s.payer_code, s.compared, s.allowed, s.expected, _blank(s.pay_rate),
            _blank(s.as_contracted), s.paid_claims, _blank(s.days_to_pay), s.remitted,
            s.denied, _blank(s.denial_rate), s.recoupments, s.recouped, s.unexplained)


def _blank(value: Any) -> Any:
    return "" if value is None else value


@login_required
@require_GET
def scorecard_csv(request: HttpRequest) -> HttpResponse:
    choice = Choice(request)
    if choice.client is None:
        raise Http404("Not found.")
    rows = [_score_row(s) for s in scorecard.scorecard(choice.client, choice.period)]
    return _download(choice, "payer-scorecard", SCORE_COLUMNS, rows,
                     object_type="contracts.scorecard")


def _download(choice: Choice, name: str, head: tuple[str, ...],
              rows: Iterable[tuple[Any, ...]], *, object_type: str) -> HttpResponse:
    """A small CSV (one row per payer or code), written whole, its export audited."""
    assert choice.client is not None
    client, period = choice.client, choice.period
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    written = 0
    for row in rows:
        writer.writerow(row)
        written += 1
    record("export", client_id=client.pk, object_type=object_type,
           detail={"report": name, "from": period.first, "to": period.last, "rows": written})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    filename = f"{client.slug}-{name}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
