"""The demo's co-managed controls at Acme: its SOPs, a QA sampling plan, a write-off waiting
on the client manager, an escalation on the partner lead's clock and last week's client
report (what the Monday schedule would have made), so the manager's reading is there.

Made through the same services the pages use, as the people who would do it (Acme's admin
writes the SOPs, the partner specialist proposes and escalates), so the audit trail of the
demo reads like a real week. Keyed by titles and subjects: a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.accounts.models import User
from rcmdesk.decisions.models import Proposal, ProposalKind
from rcmdesk.decisions.services import propose
from rcmdesk.demo.servicelevels import build_service_levels
from rcmdesk.demo.systemaccess import build_access
from rcmdesk.escalations.models import Escalation
from rcmdesk.escalations.services import create_escalation
from rcmdesk.playbooks.editing import SopText, create_document
from rcmdesk.playbooks.models import SopDocument
from rcmdesk.qa.models import SamplingPlan
from rcmdesk.qa.services import save_plan
from rcmdesk.reports.kpis import last_week_with_data
from rcmdesk.reports.weekly import generate
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

CLIENT = "acme"
AR_SOP = SopText(
    body="""# AR follow-up

1. Check the payer portal before calling; note the portal's claim status.
2. Call when the portal shows nothing or the claim is pending more than 30 days.
3. Always record the payer's **call reference number** and the representative's name.
4. Corrected claims go out only with the client's coder sign-off.
5. Propose a write-off only with the payer's written confirmation attached.
""",
    change_note="First version, from the client's AR binder",
    checklist=["Portal checked before calling", "Call reference number recorded",
               "Next follow-up date set", "Right outcome chosen"])
DENIALS_SOP = SopText(
    body="""# Denials

- Appeal medical-necessity denials over $500 at level 1 within 30 days of the remit.
- Eligibility denials: re-verify coverage first, then resubmit to the right payer.
- Never appeal a timely-filing denial without proof of timely submission.
""",
    change_note="First version",
    checklist=["Root cause recorded", "Appeal deadline respected", "Evidence attached"])
WRITE_OFF_EVIDENCE = "Call reference DEMO-4471"  # the key: the history proposes others
ESCALATION_SUBJECT = "Payer keeps returning claims unprocessed without a reason"


@dataclass(frozen=True)
class Controls:
    sops: int
    proposals: int
    escalations: int
    report_week: str

    def line(self) -> str:
        return (f"demo controls ({CLIENT}): {self.sops} SOPs, {self.proposals} decision(s) "
                f"waiting on the client, {self.escalations} open escalation(s), "
                f"the weekly report for {self.report_week}")


def build_controls() -> Controls | None:
    client = Organization.objects.get(slug=CLIENT, kind="client")
    admin = User.objects.filter(username="acme.admin").first()
    specialist = User.objects.filter(username="pillar.specialist").first()
    engagement = Engagement.objects.filter(client=client, partner__kind="partner").first()
    if admin is None or specialist is None or engagement is None:
        return None
    write_sops(admin, client)
    build_access()  # the access registry, before the report that shows its section
    sampling_plan(admin, engagement)
    _write_off(specialist, client)
    _escalation(specialist, client)
    build_service_levels()  # before the report, so the archived one shows them
    report, _ = generate(client, last_week_with_data(client))  # archived: a rerun adds none
    return Controls(
        sops=SopDocument.objects.filter(client=client).count(),
        proposals=Proposal.objects.filter(client=client, status="proposed").count(),
        escalations=Escalation.objects.filter(client=client).exclude(
            status__in=("resolved", "closed")).count(),
        report_week=report.week)


def write_sops(admin: User, client: Organization) -> None:
    """Acme's two SOPs, written by its admin (the history writes them before its weeks)."""
    for workflow, title, text in ((Workflow.AR_FOLLOWUP, "AR follow-up", AR_SOP),
                                  (Workflow.DENIALS, "Denials", DENIALS_SOP)):
        if not SopDocument.objects.filter(client=client, title=title).exists():
            create_document(client, acting_user=admin, workflow=workflow.value, title=title,
                            text=text)


def sampling_plan(admin: User, engagement: Engagement) -> None:
    if not SamplingPlan.objects.filter(engagement=engagement).exists():
        save_plan(engagement, {"workflow": "", "base_percent": Decimal("5"),
                                      "new_specialist_percent": Decimal("20"),
                                      "new_specialist_days": 30,
                                      "after_failure_percent": Decimal("25"),
                                      "after_failure_weeks": 2, "minimum_per_week": 2,
                                      # the week sized for +/- 8 points at 90 %, expecting
                                      # 5 % errors (qa.stats.sample_size), not a flat 5 %
                                      "method": "precision",
                                      "precision_points": Decimal("8"),
                                      "confidence_percent": Decimal("90"),
                                      "expected_error_percent": Decimal("5")},
                                      acting_user=admin)


def _write_off(specialist: User, client: Organization) -> None:
    if Proposal.objects.filter(client=client, kind=ProposalKind.WRITE_OFF,
                               evidence=WRITE_OFF_EVIDENCE).exists():
        return
    item = (WorkItem.objects.active()
            .filter(client=client, kind=ItemKind.AR_FOLLOWUP, status=ItemStatus.OPEN,
                    claim__insurance_balance__gt=Decimal("25.00"))
            .select_related("claim").order_by("-priority").first())
    if item is None or item.claim is None:
        return
    propose(client, ProposalKind.WRITE_OFF, acting_user=specialist, item=item,
            amount=Decimal("25.00"), adjustment_reason="SMALL",
            reasons="Small balance left after the payer's final payment; the payer confirmed "
                    "on the phone it will not reprocess.",
            evidence=WRITE_OFF_EVIDENCE)


def _escalation(specialist: User, client: Organization) -> None:
    if Escalation.objects.filter(client=client, subject=ESCALATION_SUBJECT).exists():
        return
    item = (WorkItem.objects.active().filter(client=client, kind=ItemKind.DENIAL)
            .order_by("-priority").first())
    create_escalation(client, "payer_stuck", ESCALATION_SUBJECT,
                      "Three claims this week came back A3 with no STC12 text; the payer's "
                      "provider line cannot say why. Needs the client's payer contact.",
                      acting_user=specialist,
                      item=item)
