"""The permission matrix: which role may do what, in one table a reviewer can read.

Visibility (which clients and workflows a user may touch at all) is computed separately in
``rcmdesk.tenancy.visibility``; this table only answers "may this role take this action".
A request that fails visibility answers 404; one that passes visibility but fails this
table answers 403.
"""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    CLIENT = "client"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Role(StrEnum):
    CLIENT_ADMIN = "client_admin"
    CLIENT_MANAGER = "client_manager"
    CLIENT_STAFF = "client_staff"
    PARTNER_LEAD = "partner_lead"
    PARTNER_SPECIALIST = "partner_specialist"
    PARTNER_QA = "partner_qa"
    PLATFORM_ADMIN = "platform_admin"

    @property
    def label(self) -> str:
        """The role as people name it: "Partner specialist", "Client admin"."""
        return _ROLE_LABELS[self]

    @property
    def org_kind(self) -> OrgKind | None:
        """The kind of organization a holder of this role belongs to (None: the platform)."""
        if self is Role.PLATFORM_ADMIN:
            return None
        return OrgKind.PARTNER if self.value.startswith("partner_") else OrgKind.CLIENT

    @property
    def is_partner(self) -> bool:
        return self.org_kind is OrgKind.PARTNER

    @property
    def requires_two_factor(self) -> bool:
        """Partner users and every admin must use TOTP; client staff and managers may."""
        return self.is_partner or self in (Role.CLIENT_ADMIN, Role.PLATFORM_ADMIN)


class Workflow(StrEnum):
    """The back-office functions an engagement's scope is made of."""

    ELIGIBILITY = "eligibility"
    PRIOR_AUTH = "prior_auth"
    CHARGES_CLAIMS = "charges_claims"
    AR_FOLLOWUP = "ar_followup"
    DENIALS = "denials"
    POSTING = "posting"
    REPORTING = "reporting"

    @property
    def label(self) -> str:
        """The workflow as a billing office names it: "AR follow-up", "Payment posting"."""
        return _WORKFLOW_LABELS[self]


_ROLE_LABELS: dict[Role, str] = {
    Role.CLIENT_ADMIN: "Client admin", Role.CLIENT_MANAGER: "Client manager",
    Role.CLIENT_STAFF: "Client staff", Role.PARTNER_LEAD: "Partner lead",
    Role.PARTNER_SPECIALIST: "Partner specialist", Role.PARTNER_QA: "Partner QA auditor",
    Role.PLATFORM_ADMIN: "Platform admin",
}
_WORKFLOW_LABELS: dict[Workflow, str] = {
    Workflow.ELIGIBILITY: "Eligibility", Workflow.PRIOR_AUTH: "Prior authorization",
    Workflow.CHARGES_CLAIMS: "Charges & claims", Workflow.AR_FOLLOWUP: "AR follow-up",
    Workflow.DENIALS: "Denials", Workflow.POSTING: "Payment posting",
    Workflow.REPORTING: "Reporting",
}


class Action(StrEnum):
    VIEW_TENANT_DATA = "view_tenant_data"
    WORK_ITEMS = "work_items"
    ASSIGN_WORK = "assign_work"
    PROPOSE_DECISION = "propose_decision"
    DECIDE = "decide"
    OWN_ESCALATIONS = "own_escalations"
    VIEW_REPORTS = "view_reports"
    AUDIT_QA = "audit_qa"
    EDIT_PLAYBOOKS = "edit_playbooks"
    MANAGE_USERS = "manage_users"
    MANAGE_ENGAGEMENT_SCOPE = "manage_engagement_scope"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    MANAGE_CONNECTIONS = "manage_connections"
    # The access registry (systemaccess): a partner lead asks, the client's admin decides.
    REQUEST_SYSTEM_ACCESS = "request_system_access"
    MANAGE_SYSTEM_ACCESS = "manage_system_access"
    # Payer contracts and fee schedules are the client's commercial terms: only it edits them.
    MANAGE_CONTRACTS = "manage_contracts"
    # A capacity assessment of a prospective client from its own files: its admin, or a
    # platform admin on its behalf (who sees the assessment's figures, never its claims).
    RUN_ASSESSMENT = "run_assessment"


A = Action
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CLIENT_ADMIN: frozenset(
        {A.VIEW_TENANT_DATA, A.VIEW_REPORTS, A.EDIT_PLAYBOOKS, A.MANAGE_USERS,
         A.MANAGE_ENGAGEMENT_SCOPE, A.VIEW_AUDIT_LOG, A.ASSIGN_WORK, A.MANAGE_CONNECTIONS,
         A.REQUEST_SYSTEM_ACCESS, A.MANAGE_SYSTEM_ACCESS, A.MANAGE_CONTRACTS,
         A.RUN_ASSESSMENT}
    ),
    Role.CLIENT_MANAGER: frozenset(
        {A.VIEW_TENANT_DATA, A.WORK_ITEMS, A.DECIDE, A.OWN_ESCALATIONS, A.VIEW_REPORTS,
         A.PROPOSE_DECISION, A.MANAGE_CONTRACTS}
    ),
    Role.CLIENT_STAFF: frozenset({A.VIEW_TENANT_DATA, A.WORK_ITEMS, A.PROPOSE_DECISION}),
    Role.PARTNER_LEAD: frozenset(
        {A.VIEW_TENANT_DATA, A.WORK_ITEMS, A.ASSIGN_WORK, A.PROPOSE_DECISION,
         A.OWN_ESCALATIONS, A.VIEW_REPORTS, A.REQUEST_SYSTEM_ACCESS}
    ),
    Role.PARTNER_SPECIALIST: frozenset({A.VIEW_TENANT_DATA, A.WORK_ITEMS, A.PROPOSE_DECISION}),
    Role.PARTNER_QA: frozenset({A.VIEW_TENANT_DATA, A.AUDIT_QA}),
    Role.PLATFORM_ADMIN: frozenset({A.MANAGE_ORGANIZATIONS, A.RUN_ASSESSMENT}),
}

# Client decisions belong to the client. This set is checked on top of the matrix so that
# a future edit of the table cannot hand a decision to a partner role by accident.
CLIENT_ONLY_ACTIONS: frozenset[Action] = frozenset(
    {A.DECIDE, A.EDIT_PLAYBOOKS, A.MANAGE_ENGAGEMENT_SCOPE, A.VIEW_AUDIT_LOG,
     A.MANAGE_CONNECTIONS, A.MANAGE_SYSTEM_ACCESS, A.MANAGE_CONTRACTS}
)


def role_allows(role: Role, action: Action) -> bool:
    if action in CLIENT_ONLY_ACTIONS and role.org_kind is not OrgKind.CLIENT:
        return False
    return action in PERMISSIONS[role]


def matrix_markdown() -> str:
    """The matrix as a Markdown table, for the docs and the issue note."""
    roles = list(Role)
    lines = ["| action | " + " | ".join(r.value for r in roles) + " |",
             "|---" * (len(roles) + 1) + "|"]
    for action in Action:
        marks = ["yes" if role_allows(r, action) else "" for r in roles]
        lines.append(f"| {action.value} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
