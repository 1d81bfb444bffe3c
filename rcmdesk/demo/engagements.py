"""The demo's engagement models and onboarding paths.

- "Acme AR and denials": a dedicated specialist (Sam), in production: every check done,
  each workflow's go-live recorded on the first day of the demo's six weeks of history (the
  clock stopped there, as the history does, so the SOPs it needed were in force that day).
- "Birch front end": a managed pod (Priya leading, Noor, Quinn auditing), in production since
  its third week; its QA step is still open (no sampling plan yet), as it would be.
- "Cedar backlog clean-up (ended)": a fixed-scope clean-up that has ended (Cedar has no
  items, so its frozen backlog is empty and its burn-down says so).
- "Birch AR backlog clean-up": a new engagement on Birch, in onboarding with the clean-up
  model: its starting backlog (Birch's open AR follow-up items) frozen on its first day with
  a target date, a burn-down against the ideal line, and a checklist with some steps done
  and some not (no SOP for AR follow-up at Birch yet, so production cannot start). Only the
  partner lead is assigned: placing a specialist on it would widen what they see at Birch.

Made through the services the pages use, as the people who would act. Keyed by names and
existing rows: a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from rcmdesk.accounts.models import User
from rcmdesk.demo.clock import moment, stopped_at
from rcmdesk.demo.services import built_on
from rcmdesk.engagements import services
from rcmdesk.engagements.models import EngagementModel, EngagementPlan, ManualCheck
from rcmdesk.engagements.services import PlanTerms
from rcmdesk.playbooks.editing import SopText, create_document
from rcmdesk.playbooks.models import SopDocument
from rcmdesk.playbooks.sops import sop_in_force
from rcmdesk.tenancy import services as tenancy
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Workflow

HISTORY_WEEKS = 6  # rcmdesk.demo.history.WEEKS: Acme went live on its first day
CLEANUP = "Birch AR backlog clean-up"
CLEANUP_DAYS_AGO = 17
CLEANUP_WEEKS = 12

SOPS: dict[str, list[tuple[Workflow, str, str]]] = {
    "acme": [
        (Workflow.POSTING, "Payment posting",
         "# Payment posting\n\n1. Post each 835 the day it arrives.\n2. Park unmatched "
         "payments as unapplied cash with a note; never force a match.\n"),
        (Workflow.REPORTING, "Weekly reporting",
         "# Weekly reporting\n\nThe weekly report goes to the practice manager on Monday; "
         "questions on it are answered within two business days.\n"),
    ],
    "birch": [
        (Workflow.ELIGIBILITY, "Eligibility checks",
         "# Eligibility\n\nVerify coverage two business days before the visit; a "
         "coverage problem goes to the front desk the same day.\n"),
        (Workflow.PRIOR_AUTH, "Prior authorizations",
         "# Prior authorization\n\nRequest the authorization as soon as the order is "
         "signed; chase a pending one every two business days.\n"),
        (Workflow.CHARGES_CLAIMS, "Charges and claims",
         "# Charges and claims\n\nClaims go out within three business days of charge "
         "entry; a scrubber error is fixed before release, never overridden.\n"),
    ],
}


@dataclass(frozen=True)
class EngagementsDemo:
    plans: int
    live: int
    onboarding: str

    def line(self) -> str:
        return (f"demo engagements: {self.plans} with a model, {self.live} in production, "
                f"{self.onboarding!r} in onboarding")


def build_engagements() -> EngagementsDemo | None:
    users = {u.username: u for u in User.objects.filter(username__in=(
        "acme.admin", "birch.admin", "cedar.admin", "pillar.lead", "pillar.specialist"))}
    if len(users) < 5:
        return None
    acme = Engagement.objects.filter(client__slug="acme", name="Acme AR and denials").first()
    birch = Engagement.objects.filter(client__slug="birch", name="Birch front end").first()
    cedar = Engagement.objects.filter(client__slug="cedar",
                                      name="Cedar backlog clean-up (ended)").first()
    if acme is not None:
        _acme(acme, users)
    if birch is not None:
        _birch(birch, users)
    if cedar is not None and not EngagementPlan.objects.filter(engagement=cedar).exists():
        with stopped_at(moment(cedar.start_date, cedar.client.time_zone, hour=10)):
            services.save_plan(cedar, PlanTerms(model=EngagementModel.BACKLOG_CLEANUP,
                                                target_date=cedar.end_date),
                               acting_user=users["cedar.admin"])
            services.freeze_backlog(cedar, acting_user=users["cedar.admin"])
    cleanup = _cleanup(users)
    return EngagementsDemo(
        plans=EngagementPlan.objects.count(),
        live=EngagementPlan.objects.filter(go_live_day__isnull=False).count(),
        onboarding=cleanup.name if cleanup is not None else "")


def _sops(client: Organization, admin: User) -> None:
    for workflow, title, body in SOPS[client.slug]:
        if not SopDocument.objects.filter(client=client, title=title).exists():
            create_document(client, acting_user=admin, workflow=workflow.value, title=title,
                            text=SopText(body=body, change_note="First version"))


def _ticks(engagement: Engagement, users: dict[str, User], admin: User,
           keys: tuple[str, ...] = ("kickoff", "access_approver", "sop_walkthrough",
                                    "report_recipients")) -> None:
    done = set(ManualCheck.objects.filter(engagement=engagement).values_list("key", flat=True))
    for key in keys:
        if key in done:
            continue
        side_user = users["pillar.lead"] if key in ("kickoff", "sop_walkthrough") else admin
        services.tick(engagement, key, acting_user=side_user)


def _go_live(engagement: Engagement, admin: User, day_offset: int) -> None:
    """Each workflow's go-live on one day, recorded that day (the clock stopped there).

    A demo built without its history has the client's other SOPs written today, not in
    force on that day: then production starts today."""
    client = engagement.client
    day = engagement.start_date + timedelta(days=day_offset)
    when = moment(day, client.time_zone, hour=16)
    ours = {w.value for w, _, _ in SOPS[client.slug]}
    if any(sop_in_force(client.pk, w, at=when) is None for w in engagement.scope
           if w not in ours):
        day, when = client.today(), timezone.now()
    with stopped_at(when):
        _sops(client, admin)
        for workflow in engagement.scope:
            if not engagement.go_lives.filter(workflow=workflow).exists():
                services.record_go_live(engagement, workflow, day, acting_user=admin)


def _acme(engagement: Engagement, users: dict[str, User]) -> None:
    admin = users["acme.admin"]
    start = built_on(engagement.client) - timedelta(weeks=HISTORY_WEEKS)
    offset = max((start - engagement.start_date).days, 0)
    with stopped_at(moment(engagement.start_date + timedelta(days=offset), "UTC", hour=12)):
        if not EngagementPlan.objects.filter(engagement=engagement).exists():
            services.save_plan(engagement, PlanTerms(model=EngagementModel.DEDICATED,
                                                     specialist=users["pillar.specialist"]),
                               acting_user=admin)
        _ticks(engagement, users, admin)
    _go_live(engagement, admin, offset)


def _birch(engagement: Engagement, users: dict[str, User]) -> None:
    admin = users["birch.admin"]
    with stopped_at(moment(engagement.start_date + timedelta(days=2), "UTC", hour=12)):
        if not EngagementPlan.objects.filter(engagement=engagement).exists():
            services.save_plan(engagement, PlanTerms(model=EngagementModel.MANAGED_POD,
                                                     pod_specialists=1), acting_user=admin)
        _ticks(engagement, users, admin)
    _go_live(engagement, admin, 14)


def _cleanup(users: dict[str, User]) -> Engagement | None:
    """Birch's AR backlog clean-up, in onboarding: frozen on its first day."""
    client = Organization.objects.filter(slug="birch").first()
    partner = Organization.objects.filter(slug="pillar").first()
    if client is None or partner is None:
        return None
    admin, lead = users["birch.admin"], users["pillar.lead"]
    engagement = Engagement.objects.filter(client=client, name=CLEANUP).first()
    if engagement is None:
        start = built_on(client) - timedelta(days=CLEANUP_DAYS_AGO)
        with stopped_at(moment(start, client.time_zone, hour=9)):
            engagement = tenancy.create_engagement(client, tenancy.EngagementSpec(
                partner=partner, name=CLEANUP, scope=[Workflow.AR_FOLLOWUP.value],
                start_date=start, time_zone=client.time_zone), acting_user=admin)
            tenancy.assign(engagement, lead, acting_user=lead)
            services.save_plan(engagement, PlanTerms(
                model=EngagementModel.BACKLOG_CLEANUP,
                target_date=start + timedelta(weeks=CLEANUP_WEEKS)), acting_user=admin)
            services.tick(engagement, "kickoff", acting_user=lead)
            services.tick(engagement, "access_approver", acting_user=admin)
        with stopped_at(moment(start, client.time_zone, hour=11)):
            services.freeze_backlog(engagement, acting_user=admin)
    return engagement

