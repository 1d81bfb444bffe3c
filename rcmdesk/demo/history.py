"""The demo's recent past at Acme: six weeks of the partner's team at work, so that every KPI,
the 13-week trend, productivity, capacity and the weekly report have something to show.

Each kind of activity has its own function, run in this order by ``build_history``, each
through the real services as the person who would do it, at the moment it "happened"
(``clock.stopped_at``), and each keyed so a second run adds nothing:

- ``rules_in_force``: Acme's SOPs and QA sampling plan, written before the six weeks;
- ``work_actions``: the specialists work AR follow-up and denial items every working day
  (portal checks, payer calls with their reference numbers, corrected claims, resubmissions),
  come back to what they left pending on its follow-up day, and close what is settled;
- ``appeals_drafted``: denials appealed, sent for the client's decision, approved or declined
  by Acme's manager the next working day;
- ``appeals_filed_and_answered``: approved appeals filed, and the payer's answers;
- ``client_decisions``: write-offs proposed and approved (posted) or rejected by the client;
- ``patient_balances_to_collections``: each month, patient balances past 90 days go to
  the collection agency, written off on the client's approval (there is no patient-payment
  posting yet, so without this every patient balance would age for ever);
- ``escalations``: issues raised by the specialists, answered and resolved by the lead;
- ``qa_audits``: each Monday QA draws the week before and scores the audits during the week.

Everything is seeded: the same database state gives the same history. What the history
leaves open (pending decisions, unfiled appeals, feedback to read) is today's work.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet

from rcmdesk.accounts.models import User
from rcmdesk.calendar import add_business_days, is_business_day, week_of
from rcmdesk.claims.models import Claim
from rcmdesk.decisions.models import Proposal, ProposalKind, ProposalStatus, WriteOffAccount
from rcmdesk.decisions.services import decide as decide_proposal
from rcmdesk.decisions.services import propose
from rcmdesk.demo.clock import moment, stopped_at
from rcmdesk.demo.controls import sampling_plan, write_sops
from rcmdesk.demo.services import built_on
from rcmdesk.denials import appeals
from rcmdesk.denials.models import Appeal, AppealOutcome, AppealStatus, FilingChannel
from rcmdesk.escalations.models import Escalation
from rcmdesk.escalations.services import create_escalation, transition
from rcmdesk.qa.models import Audit, AuditStatus, PointResult, SampleDraw, SamplingPlan
from rcmdesk.qa.services import PointScore, draw_week, submit
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkAction, WorkItem
from rcmdesk.workqueue.producers import sync_client

CLIENT = "acme"
WEEKS = 6
SPECIALISTS = ("pillar.specialist", "pillar.specialist2")
ITEMS_A_DAY = (5, 9)  # per specialist, besides what comes back on its follow-up day
APPEAL_SHARE = 3  # every third denial is appealed, and of the rest every third written off
WRITE_OFF_SHARE = 3
ESCALATIONS = (  # working day of the six weeks, kind, subject, body, days to resolve
    (4, "payer_stuck", "Payer denies 97110 units over 4 despite the plan of care",
     "Three denials this week for therapy units over 4 with the plan of care attached; "
     "the payer's rep says the edit is automatic. Needs the client's payer contact.", 3),
    (13, "sop_gap", "SOP does not say when to rebill versus appeal a CO-16 denial",
     "Missing-information denials (CO-16, MA130): the SOP covers appeals but not when a "
     "corrected claim is the faster route. Please add a rule.", 2),
    (21, "system_access", "Payer portal login for Acme expired",
     "The Availity login the client shared stopped working on Monday; portal checks are "
     "done by phone meanwhile.", 1),
)


@dataclass
class Past:
    """Who acts, over which working days (oldest first), and the denials set aside for
    appeals and write-offs so that the daily work leaves them alone."""

    client: Organization
    engagement: Engagement
    specialists: list[User]
    manager: User
    admin: User
    lead: User
    qa: User
    days: list[date]
    appeal_items: list[int] = field(default_factory=list)
    write_off_items: list[int] = field(default_factory=list)

    def at(self, day: date, hour: int = 9, minutes: int = 0) -> datetime:
        return moment(day, self.client.time_zone, hour, minutes)

    def next_day(self, day: date, n: int = 1) -> date | None:
        """The ``n``-th working day after ``day``, if it is still in the past."""
        later = add_business_days(day, n)
        return later if later <= self.days[-1] else None


@dataclass(frozen=True)
class History:
    actions: int
    appeals: int
    decided_appeals: int
    decisions: int
    escalations: int
    audits: int

    def line(self) -> str:
        return (f"demo history ({CLIENT}, {WEEKS} weeks): {self.actions} specialist actions, "
                f"{self.appeals} appeals ({self.decided_appeals} answered by the payer), "
                f"{self.decisions} client decisions, {self.escalations} escalations, "
                f"{self.audits} QA audits scored")


def build_history(today: date | None = None) -> History | None:
    """Acme's last six weeks; None when the demo's people or engagement are missing."""
    past = _past(today)
    if past is None:
        return None
    steps: tuple[Callable[[Past], None], ...] = (
        rules_in_force, work_actions, appeals_drafted, appeals_filed_and_answered,
        client_decisions, patient_balances_to_collections, escalations, qa_audits)
    for step in steps:
        step(past)
    # What the history closed may need a new follow-up item: the nightly refresh, today,
    # so that the next run's refresh finds nothing left to do.
    sync_client(past.client, past.client.today())
    return _tally(past)


def _past(today: date | None) -> Past | None:
    client = Organization.objects.get(slug=CLIENT, kind="client")
    engagement = Engagement.objects.filter(client=client, partner__kind="partner").first()
    names = (*SPECIALISTS, "acme.manager", "acme.admin", "pillar.lead", "pillar.qa")
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    if engagement is None or len(users) != len(names):
        return None
    today = today or built_on(client)
    first = today - timedelta(weeks=WEEKS)
    days = [first + timedelta(days=n) for n in range((today - first).days)]
    past = Past(client, engagement, [users[n] for n in SPECIALISTS], users["acme.manager"],
                users["acme.admin"], users["pillar.lead"], users["pillar.qa"],
                [d for d in days if is_business_day(d)])
    denials = list(_open_items(past, ItemKind.DENIAL).values_list("pk", flat=True))
    past.appeal_items = denials[::APPEAL_SHARE]
    rest = [pk for pk in denials if pk not in set(past.appeal_items)]
    past.write_off_items = rest[::WRITE_OFF_SHARE]
    return past


def _open_items(past: Past, *kinds: str) -> QuerySet[WorkItem]:
    """Open items of ``kinds`` that came in before the six weeks ended, oldest first; ties
    (a day's items come in together) by claim and line, not by primary key, whose order
    between rows written together is not the same from one PostgreSQL build to the next."""
    return (WorkItem.objects.filter(client=past.client, kind__in=kinds, status=ItemStatus.OPEN,
                                    created_at__lt=past.at(past.days[-1], hour=18))
            .order_by("created_at", "claim__patient_control_number",
                      "claim_line__line_number", "pk"))


def _fresh(pk: int) -> WorkItem:
    return WorkItem.objects.get(pk=pk)


def _reference(rng: random.Random) -> str:
    return f"CR{rng.randint(1000000, 9999999)}"


# --- the rules in force -------------------------------------------------------------------

def rules_in_force(past: Past) -> None:
    """The SOPs and the QA plan, a week before the six weeks (the checklists QA scores)."""
    with stopped_at(past.at(past.days[0] - timedelta(days=7), hour=8)):
        write_sops(past.admin, past.client)
        sampling_plan(past.admin, past.engagement)


# --- the daily work -------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """One way an item goes: the action, its note, and then pending (days) or closed."""

    kind: ActionKind
    note: str
    weight: int
    pending_days: int = 0  # > 0: waits on the payer until then, and is worked again
    closed_as: str = ""


AR_OUTCOMES = (
    Outcome(ActionKind.CHECKED_PORTAL, "Portal: claim received and in process, no action "
            "needed yet.", 35, pending_days=14),
    Outcome(ActionKind.CALLED_PAYER, "Payer rep confirmed the claim is paid; check in the "
            "mail. Call reference {ref}.", 25, closed_as="payment confirmed"),
    Outcome(ActionKind.RESUBMITTED, "Payer had no claim on file (call reference {ref}); "
            "resubmitted electronically.", 20, closed_as="resubmitted"),
    Outcome(ActionKind.CALLED_PAYER, "Payer needs the office notes; asked the client for "
            "them. Call reference {ref}.", 20, pending_days=10),
)
DENIAL_OUTCOMES = (
    Outcome(ActionKind.CORRECTED_REBILLED, "Wrong modifier on the line; corrected claim "
            "(frequency 7) sent.", 50, closed_as="corrected claim sent"),
    Outcome(ActionKind.CALLED_PAYER, "Payer agreed to reprocess without an appeal. Call "
            "reference {ref}.", 50, pending_days=14),
)
BACK_AGAIN = Outcome(ActionKind.CALLED_PAYER, "Followed up: the payer has processed it. "
                     "Call reference {ref}.", 1, closed_as="processed by the payer")


def work_actions(past: Past) -> None:
    """Every working day each specialist works a handful of items, the ones back from
    their follow-up day first."""
    if WorkAction.objects.filter(item__client=past.client, actor__in=past.specialists,
                                 kind=ActionKind.CHECKED_PORTAL).exists():
        return
    rng = random.Random(f"rcmdesk-demo-work-{CLIENT}")
    reserved = set(past.appeal_items) | set(past.write_off_items)
    queue = [(pk, at) for pk, at in _open_items(past, ItemKind.AR_FOLLOWUP, ItemKind.DENIAL)
             .values_list("pk", "created_at") if pk not in reserved]
    waiting: dict[int, date] = {}
    for day in past.days:
        start_of_day = past.at(day, hour=8)
        for specialist in past.specialists:
            minutes = rng.randint(0, 20)
            due = sorted(pk for pk, on in waiting.items() if on <= day)[:3]
            fresh = [pk for pk, at in queue if at < start_of_day][:rng.randint(*ITEMS_A_DAY)]
            for pk in due + fresh:
                minutes += rng.randint(6, 16)
                back = pk in waiting
                waiting.pop(pk, None)
                queue = [(q, at) for q, at in queue if q != pk]
                item = _fresh(pk)
                outcome = BACK_AGAIN if back else _choose(rng, item)
                _work(past, specialist, item, outcome, past.at(day, minutes=minutes), rng)
                if outcome.pending_days:
                    waiting[pk] = day + timedelta(days=outcome.pending_days)


def _choose(rng: random.Random, item: WorkItem) -> Outcome:
    outcomes = DENIAL_OUTCOMES if item.kind == ItemKind.DENIAL else AR_OUTCOMES
    return rng.choices(outcomes, weights=[o.weight for o in outcomes])[0]


def _work(past: Past, specialist: User, item: WorkItem, outcome: Outcome, when: datetime,
          rng: random.Random) -> None:
    """Take the item, record what was done, then leave it pending or close it."""
    pending = outcome.pending_days > 0
    step = work.Step(outcome.kind, note=outcome.note.format(ref=_reference(rng)),
                     outcome="waiting on the payer" if pending else "",
                     status=ItemStatus.PENDING_PAYER if pending else None,
                     follow_up_on=(when.date() + timedelta(days=outcome.pending_days)
                                   if pending else None))
    with stopped_at(when):
        item = work.claim(item, item.version, acting_user=specialist)
        item = work.act(item, item.version, step, acting_user=specialist)
    if outcome.closed_as:
        with stopped_at(when + timedelta(minutes=2)):
            work.close([item], outcome.closed_as, acting_user=specialist)


# --- appeals ----------------------------------------------------------------------------------

def appeals_drafted(past: Past) -> None:
    """Denials set aside for appeal: drafted over the first weeks, each sent for Acme's
    decision, which the manager gives the next working day (most approved)."""
    if Appeal.objects.filter(client=past.client).exists():
        return
    rng = random.Random(f"rcmdesk-demo-appeals-{CLIENT}")
    drafting_days = past.days[: len(past.days) * 3 // 4]
    for n, pk in enumerate(past.appeal_items):
        day = drafting_days[n * len(drafting_days) // max(1, len(past.appeal_items))]
        specialist = past.specialists[n % len(past.specialists)]
        with stopped_at(past.at(day, hour=13, minutes=rng.randint(0, 180))):
            item = _fresh(pk)
            item = work.claim(item, item.version, acting_user=specialist)
            appeal = appeals.draft_appeal(item, acting_user=specialist)
            appeal = appeals.mark_pending_decision(appeal, appeal.version,
                                                   acting_user=specialist)
        decided = past.next_day(day)
        if decided is None:
            continue  # still waiting on the client
        approve = rng.random() < 0.85
        with stopped_at(past.at(decided, hour=10, minutes=rng.randint(0, 240))):
            appeals.decide(appeal, appeal.version, acting_user=past.manager, approve=approve,
                           note="" if approve else "The patient self-paid this visit; do not "
                                                   "appeal.")


def appeals_filed_and_answered(past: Past) -> None:
    """Approved appeals filed the next working day, by the channel the payer takes; the payer
    answers 8-20 days later: overturned about half the time, partially overturned one time in
    ten (the payer pays half), upheld otherwise, and one upheld appeal in three goes on to a
    level-2 appeal. This is what the denial-overturn KPI reads."""
    if Appeal.objects.filter(client=past.client, filed_on__isnull=False).exists():
        return
    rng = random.Random(f"rcmdesk-demo-appeal-answers-{CLIENT}")
    for appeal in (Appeal.objects.filter(client=past.client, status=AppealStatus.APPROVED)
                   .select_related("created_by", "item").order_by("pk")):
        approved_on = appeal.updated_at.astimezone(past.at(past.days[0]).tzinfo).date()
        filed_on = past.next_day(approved_on)
        if filed_on is None:
            continue
        filer = appeal.created_by or past.specialists[0]
        with stopped_at(past.at(filed_on, hour=11, minutes=rng.randint(0, 120))):
            appeal = appeals.record_filed(appeal, appeal.version, acting_user=filer,
                                          filed_on=filed_on, channel=rng.choice(CHANNELS),
                                          reference=f"APL-{rng.randint(100000, 999999)}")
        answered_on = filed_on + timedelta(days=rng.randint(8, 20))
        if answered_on > past.days[-1]:
            continue
        _answer(past, appeal, filer, answered_on, rng)


CHANNELS = (FilingChannel.PORTAL, FilingChannel.PORTAL, FilingChannel.FAX, FilingChannel.MAIL,
            FilingChannel.ELECTRONIC)


def _answer(past: Past, appeal: Appeal, filer: User, answered_on: date,
            rng: random.Random) -> None:
    roll = rng.random()
    outcome = (AppealOutcome.OVERTURNED if roll < 0.5 else
               AppealOutcome.PARTIALLY_OVERTURNED if roll < 0.6 else AppealOutcome.UPHELD)
    denied = appeal.item.amount or Decimal("0.00")
    expected = (denied / 2).quantize(Decimal("0.01")) \
        if outcome == AppealOutcome.PARTIALLY_OVERTURNED and denied > 0 else None
    if outcome == AppealOutcome.PARTIALLY_OVERTURNED and expected is None:
        outcome = AppealOutcome.OVERTURNED
    with stopped_at(past.at(answered_on, hour=15)):
        appeal = appeals.record_outcome(
            appeal, appeal.version, acting_user=filer, outcome=outcome, decided_on=answered_on,
            expected_amount=expected, note=ANSWER_NOTES[outcome])
    if outcome == AppealOutcome.UPHELD and rng.random() < 1 / 3:
        with stopped_at(past.at(answered_on, hour=16)):
            appeals.draft_next_level(appeal, acting_user=filer, today=answered_on)


ANSWER_NOTES = {
    AppealOutcome.OVERTURNED: "Payer's letter: overturned on appeal; reprocessing.",
    AppealOutcome.PARTIALLY_OVERTURNED: "Payer's letter: partly overturned; one line upheld.",
    AppealOutcome.UPHELD: "Payer's letter: denial upheld.",
}


# --- client decisions -------------------------------------------------------------------------

def client_decisions(past: Past) -> None:
    """Write-offs the payer will not pay: proposed with the payer's answer as evidence and
    decided by Acme's manager a working day or two later (one in five rejected)."""
    if Proposal.objects.filter(client=past.client, status__in=(
            ProposalStatus.EXECUTED, ProposalStatus.REJECTED)).exists():
        return
    rng = random.Random(f"rcmdesk-demo-decisions-{CLIENT}")
    for n, pk in enumerate(past.write_off_items):
        day = past.days[n * len(past.days) // max(1, len(past.write_off_items))]
        specialist = past.specialists[n % len(past.specialists)]
        item = _fresh(pk)
        claim = item.claim
        if claim is None or claim.insurance_balance <= 0:
            continue
        amount = min(item.amount or claim.insurance_balance, claim.insurance_balance)
        with stopped_at(past.at(day, hour=15, minutes=rng.randint(0, 90))):
            item = work.claim(item, item.version, acting_user=specialist)
            proposal = propose(
                past.client, ProposalKind.WRITE_OFF, acting_user=specialist, item=item,
                amount=Decimal(amount),
                reasons="Timely filing passed before the claim reached us; the payer will not "
                        "reconsider.",
                evidence=f"Payer's written denial on file; call reference {_reference(rng)}",
                adjustment_reason="TIMELY")
        decided = past.next_day(day, rng.randint(1, 2))
        if decided is None:
            continue
        approve = rng.random() < 0.8
        with stopped_at(past.at(decided, hour=9, minutes=rng.randint(30, 300))):
            decide_proposal(proposal, approve, "" if approve else
                            "We have proof of timely filing from our old system: appeal "
                            "instead.", acting_user=past.manager)


COLLECTIONS_AFTER = 90  # days from the date of service: three monthly statements later
COLLECTIONS_REASONS = ("Patient balance unpaid after three statements and {days} days; sent to "
                       "the collection agency per the client's policy.")


def patient_balances_to_collections(past: Past) -> None:
    """On the first working day of each month, patient balances on visits over 90 days old
    are proposed for write-off to collections; Acme's manager approves them the next day."""
    if Proposal.objects.filter(client=past.client,
                               account=WriteOffAccount.PATIENT_AR).exists():
        return
    firsts = sorted({min(d for d in past.days if (d.year, d.month) == (day.year, day.month))
                     for day in past.days})
    for n, day in enumerate(firsts):
        specialist = past.specialists[n % len(past.specialists)]
        claims = Claim.objects.filter(client=past.client, patient_balance__gt=0,
                                      service_from__lt=day - timedelta(days=COLLECTIONS_AFTER))
        proposals = []
        with stopped_at(past.at(day, hour=16)):
            for claim in claims.order_by("service_from", "patient_control_number"):
                proposals.append(propose(
                    past.client, ProposalKind.WRITE_OFF, acting_user=specialist, claim=claim,
                    amount=claim.patient_balance, account=WriteOffAccount.PATIENT_AR,
                    reasons=COLLECTIONS_REASONS.format(days=COLLECTIONS_AFTER),
                    adjustment_reason="BADDEBT"))
        decided = past.next_day(day)
        if decided is None:
            continue
        with stopped_at(past.at(decided, hour=11)):
            for proposal in proposals:
                decide_proposal(proposal, True, "Approved: collections list for the month.",
                                acting_user=past.manager)


# --- escalations ------------------------------------------------------------------------------

def escalations(past: Past) -> None:
    """Issues the specialists raise; the lead acknowledges within the hour, answers and
    resolves them."""
    subjects = [subject for _day, _kind, subject, _body, _after in ESCALATIONS]
    if Escalation.objects.filter(client=past.client, subject__in=subjects).exists():
        return
    for n, (index, kind, subject, body, after) in enumerate(ESCALATIONS):
        day = past.days[min(index, len(past.days) - 1)]
        raised = past.at(day, hour=10, minutes=15 * n)
        with stopped_at(raised):
            esc = create_escalation(past.client, kind, subject, body,
                                    acting_user=past.specialists[n % len(past.specialists)])
        with stopped_at(raised + timedelta(minutes=40)):
            esc = transition(esc, "acknowledge", esc.version, acting_user=past.lead)
        with stopped_at(raised + timedelta(hours=3)):
            esc = transition(esc, "respond", esc.version, acting_user=past.lead,
                             note="Raised with the client's payer contact; will update here.")
        resolved = past.next_day(day, after)
        if resolved is not None:
            with stopped_at(past.at(resolved, hour=14)):
                transition(esc, "resolve", esc.version, acting_user=past.lead,
                           note="Sorted with the client; SOP and contacts updated.")


# --- QA ------------------------------------------------------------------------------------------

def qa_audits(past: Past) -> None:
    """Each Monday QA draws the week before (seeded by the week) and scores the audits over
    the following working days; about one audit in six fails a point."""
    plan = SamplingPlan.objects.filter(engagement=past.engagement).first()
    if plan is None or SampleDraw.objects.filter(plan=plan).exists():
        return
    rng = random.Random(f"rcmdesk-demo-qa-{CLIENT}")
    mondays = sorted({d for d in past.days if d.weekday() == 0})[1:]
    for monday in mondays:
        week = week_of(monday - timedelta(days=7))
        with stopped_at(past.at(monday, hour=8)):
            draw = draw_week(plan, week, acting_user=past.qa, seed=int(week.replace("-W", "")))
        audits = list(Audit.objects.filter(draw=draw, status=AuditStatus.PENDING).order_by("pk"))
        for n, audit in enumerate(audits):
            day = past.next_day(monday, 1 + n % 3)
            if day is None:
                continue  # this week's audits still to score
            with stopped_at(past.at(day, hour=10, minutes=20 * n)):
                submit(audit, _scores(audit, rng), "Checked against the SOP in force.",
                       acting_user=past.qa)


def _scores(audit: Audit, rng: random.Random) -> list[PointScore]:
    points = list(audit.points.order_by("position"))
    failed = rng.randrange(len(points)) if points and rng.random() < 1 / 6 else None
    return [PointScore(PointResult.FAIL, "Not in the item's notes: record it on the action.")
            if n == failed else PointScore(PointResult.PASS) for n in range(len(points))]


# --- what the history holds --------------------------------------------------------------------

def _tally(past: Past) -> History:
    return History(
        actions=WorkAction.objects.filter(item__client=past.client,
                                          actor__in=past.specialists).count(),
        appeals=Appeal.objects.filter(client=past.client).count(),
        decided_appeals=Appeal.objects.filter(client=past.client, decided_on__isnull=False)
        .count(),
        decisions=Proposal.objects.filter(client=past.client).filter(
            Q(status=ProposalStatus.EXECUTED) | Q(status=ProposalStatus.REJECTED)).count(),
        escalations=Escalation.objects.filter(client=past.client).count(),
        audits=Audit.objects.filter(client=past.client, status=AuditStatus.DONE).count())
