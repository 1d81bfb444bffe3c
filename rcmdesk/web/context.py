"""The site's navigation, trimmed to what the signed-in person may open.

One table (``NAV``) names every menu entry and the question its page asks before it answers:
the role matrix (``tenancy.authz.allows``) and the clients and workflows the person sees
(``tenancy.visibility``). A link whose page would answer 403, or would list a workflow
outside the person's engagements, is never drawn; a menu left with no entry disappears.
The questions mirror the views' own guards (named beside each entry), so page and menu
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from rcmdesk.accounts.middleware import TWO_FACTOR_EXEMPT, is_verified, needs_second_factor
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import Visibility, visibility_for


@dataclass(frozen=True)
class Asker:
    """The questions a menu entry asks, about one person (visibility computed once)."""

    user: Any
    visibility: Visibility

    def may(self, action: Action) -> bool:
        return allows(self.user, action)

    def sees(self, workflow: Workflow | None = None) -> bool:
        """Reads tenant data of at least one client (with ``workflow`` in scope)."""
        return self.may(Action.VIEW_TENANT_DATA) and bool(self.visibility.clients_for(workflow))

    def own_org(self) -> bool:
        return self.user.organization_id is not None


Rule = Callable[[Asker], bool]


def seeing(workflow: Workflow | None = None) -> Rule:
    return lambda a: a.sees(workflow)


def allowed(action: Action) -> Rule:
    return lambda a: a.may(action)


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    rule: Rule
    testid: str = ""


@dataclass(frozen=True)
class Menu:
    """A dropdown; ``flat`` draws its one entry as a plain link in the bar."""

    label: str
    entries: tuple[Entry, ...]
    flat: bool = False


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    testid: str


@dataclass(frozen=True)
class Drawn:
    label: str
    links: tuple[Link, ...]
    flat: bool


def _reports(a: Asker) -> bool:
    """reports.dashboard_views / weekly_views, contracts.report_views: VIEW_REPORTS, over the
    clients one sees."""
    return a.may(Action.VIEW_REPORTS) and a.sees()


_transfers = _reports  # connectivity.transfer_views.transfers asks the same question


def _capacity(a: Asker) -> bool:
    """capacity.services: VIEW_REPORTS or ASSIGN_WORK, and a client to plan (else 404)."""
    return (a.may(Action.VIEW_REPORTS) or a.may(Action.ASSIGN_WORK)) and a.sees()


def _team(a: Asker) -> bool:
    """workqueue.queries.team: supervisors only."""
    return a.may(Action.ASSIGN_WORK) and a.own_org() and a.sees()


def _schedules(a: Asker) -> bool:
    """scheduler.views.schedules: scheduler.queries.may_open."""
    from rcmdesk.scheduler.queries import may_open

    return may_open(a.user)


def _connections(a: Asker) -> bool:
    """connectivity.views: MANAGE_CONNECTIONS (client admins), of their own client."""
    return a.may(Action.MANAGE_CONNECTIONS) and a.own_org()


def _system_access(a: Asker) -> bool:
    """systemaccess.views.index: systemaccess.queries.may_open (the client's admins and
    managers, partner leads, specialists and QA auditors with a client in sight)."""
    from rcmdesk.systemaccess.queries import may_open

    return may_open(a.user)


def _members(a: Asker) -> bool:
    """accounts.members.members: a client admin of their own organization."""
    return a.may(Action.MANAGE_USERS) and a.own_org()


W = Workflow
NAV: tuple[Menu, ...] = (
    Menu("Work", (Entry("Work", "workqueue:workbench", seeing()),), flat=True),
    Menu("Claims", (Entry("Claims", "claims:claims", seeing()),), flat=True),
    Menu("Intake", (Entry("Intake", "intake:files", seeing()),), flat=True),
    Menu("Appeals", (Entry("Appeals", "denials:appeals", seeing(W.DENIALS), "nav-appeals"),),
         flat=True),
    Menu("Front end", (
        Entry("Visits", "eligibility:visits", seeing(W.ELIGIBILITY)),
        Entry("Authorizations", "priorauth:tracker", seeing(W.PRIOR_AUTH)),
        Entry("Charges", "charges:drafts", seeing(W.CHARGES_CLAIMS)),
        Entry("Batches", "submission:batches", seeing(W.CHARGES_CLAIMS)),
    )),
    Menu("Posting", (
        Entry("Remittances", "remits:remittances", seeing(W.POSTING)),
        Entry("Exceptions", "remits:exceptions", seeing(W.POSTING)),
        Entry("Unapplied cash", "remits:unapplied", seeing(W.POSTING)),
        Entry("Reconciliation", "reconciliation:page", seeing(W.POSTING)),
    )),
    Menu("Controls", (
        Entry("Playbook", "playbooks:index", seeing()),
        Entry("Contracts", "contracts:contracts", seeing(), "nav-contracts"),
        Entry("Decisions", "decisions:inbox", seeing()),
        Entry("Escalations", "escalations:board", seeing()),
        Entry("QA", "qa:queue", seeing()),
        Entry("System access", "systemaccess:index", _system_access, "nav-system-access"),
    )),
    Menu("Reports", (
        Entry("KPIs", "reports:dashboard", _reports),
        Entry("Weekly reports", "reports:weekly_list", _reports),
        Entry("Underpayments", "expected_payment:underpayments", _reports),
        Entry("Payer scorecard", "expected_payment:scorecard", _reports),
        Entry("Capacity", "capacity:planner", _capacity),
        Entry("Productivity", "capacity:productivity", _capacity),
        Entry("File transfers", "transfers:transfers", _transfers),
    )),
    Menu("Admin", (
        Entry("Team", "workqueue:team", _team),
        Entry("Members", "accounts:members", _members),
        Entry("Connections", "connectivity:connections", _connections, "nav-connections"),
        Entry("Audit log", "audit:events", allowed(Action.VIEW_AUDIT_LOG)),
        Entry("Break glass", "tenancy:break_glass", allowed(Action.MANAGE_ORGANIZATIONS)),
        # assessments.manage_views.assessments asks the same question
        Entry("Assessments", "assessments:list", allowed(Action.RUN_ASSESSMENT),
              "nav-assessments"),
        Entry("Scheduled jobs", "scheduler:schedules", _schedules),
        Entry("Site admin", "admin:index", lambda a: bool(a.user.is_staff)),
    )),
)


def menus_for(user: Any) -> list[Drawn]:
    """The menus this person may open, each with only the entries they may open."""
    if user is None or not user.is_authenticated:
        return []
    asker = Asker(user, visibility_for(user))
    drawn = []
    for menu in NAV:
        links = tuple(Link(e.label, reverse(e.url_name), e.testid)
                      for e in menu.entries if e.rule(asker))
        if links:
            drawn.append(Drawn(menu.label, links, menu.flat))
    return drawn


def _half_signed_in(request: HttpRequest, user: Any) -> bool:
    """Password given, code not yet: every page but the code form sends them back to it
    (RequireTwoFactorMiddleware), so only those exempt pages can be drawn in this state and
    only there is the question asked (it costs a device query for optional-2FA roles)."""
    if is_verified(user):
        return False
    exempt = {reverse(name) for name in TWO_FACTOR_EXEMPT}
    return request.path_info in exempt and needs_second_factor(user)


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if _half_signed_in(request, user):
        return {"nav_menus": (), "nav_pending_code": True}
    # A callable: templates that never draw the header (htmx fragments) never pay for it.
    return {"nav_menus": partial(menus_for, user)}
