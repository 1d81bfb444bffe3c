"""The periodic work of rcmdesk, registered with the scheduler (no cron lines needed).

Each job calls the owning app's own service; nothing is copied here, and the apps never
import the scheduler. A job gets ``now`` (the scheduler's, never its own clock: a test drives
simulated days through it) and returns a short outcome (counts and words, no patient data)
that the schedules page shows. A job fails by raising: the run records the error in words,
and two failures in a row for a client open a work item (``scheduler.failures``).

Adding a job (say, the mailbox poll) is one decorated function, here or in your own app's
module imported from here::

    @job("mailbox_poll", label="Mailbox poll", default_cron="*/5 * * * *",
         workflow=Workflow.POSTING)
    def mailbox_poll(client: Organization, *, now: datetime) -> dict[str, Any]:
        fetched = inbound.poll(client, now=now)
        return {"files fetched": len(fetched)}

``per_client=False`` for a platform job: ``fn(*, now)``. The cron expression is read on the
client's wall clock (a platform job's on UTC); ``rcmdesk worker`` makes the schedules of a
new job for every client at its next start (``ensure_schedules``), and a client admin may
change the expression or switch the job off on the schedules page.

Not here: the intake recovery sweep. It already runs in its own thread of ``rcmdesk worker``
every quarter of a file lease (at most 30 s), and must notice a dead worker's file faster
than a one-minute cron granularity would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rcmdesk import errors
from rcmdesk.audit.tasks import seal_audit_trail, verify_audit_chain
from rcmdesk.calendar import last_week
from rcmdesk.connectivity import jobs as connectivity
from rcmdesk.escalations import services as escalations
from rcmdesk.escalations.models import Escalation
from rcmdesk.labels import label
from rcmdesk.qa import services as qa
from rcmdesk.qa.models import SampleDraw, SamplingPlan
from rcmdesk.reports.tasks import generate_all
from rcmdesk.scheduler import services
from rcmdesk.scheduler.registry import job
from rcmdesk.submission.overdue import overdue_acknowledgments
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.workqueue.producers import sync_client


class ChainBroken(errors.Conflict):
    """The audit chain check found a break (it is also on the broken client's trail)."""


class MailboxUnreachable(errors.PreconditionFailed):
    """Every mailbox of the client failed this run (server down, host key changed...)."""


def _failed_throughout(outcome: dict[str, Any], done: int) -> dict[str, Any]:
    """The outcome, or a failure when there were errors and nothing got through: a run that
    moved no file because every connection failed is what two failures must escalate."""
    if outcome.get("errors") and not done:
        raise MailboxUnreachable("; ".join(outcome["errors"]))
    return outcome


@job("send_files", label="Send files to the clearinghouse", default_cron="* * * * *",
     workflow=Workflow.CHARGES_CLAIMS)
def send_files(client: Organization, *, now: datetime) -> dict[str, Any]:
    """Every written 837, 270, 276 and 278 queued for the client's mailbox goes out."""
    outcome = connectivity.send_outbound(client, now=now)
    return _failed_throughout(outcome, outcome["sent"])


@job("poll_mailboxes", label="Fetch files from the clearinghouse", default_cron="*/2 * * * *",
     workflow=Workflow.POSTING)
def poll_mailboxes(client: Organization, *, now: datetime) -> dict[str, Any]:
    """999s, 277CAs, 835s and answers taken from the client's mailboxes into intake."""
    outcome = connectivity.poll_mailboxes(client, now=now)
    return _failed_throughout(outcome, outcome.get("listed", 0))


@job("overdue_999", label="Late 999 check", default_cron="*/15 * * * *",
     workflow=Workflow.CHARGES_CLAIMS)
def overdue_999(client: Organization, *, now: datetime) -> dict[str, Any]:
    """An 837 batch without its 999 an hour after it was sent becomes a work item."""
    return overdue_acknowledgments(client, now=now)


@job("queue_refresh", label="Work queue refresh", default_cron="0 5 * * *",
     workflow=Workflow.AR_FOLLOWUP)
def queue_refresh(client: Organization, *, now: datetime) -> dict[str, Any]:
    """The producers' daily sweep (``rcmdesk queue refresh``): items aged, rescored, closed."""
    written = sync_client(client, client.today(now))
    return {label(kind, "item_kind"): w.as_dict() for kind, w in written.items()}


@job("weekly_report", label="Weekly report", default_cron="0 6 * * 1",
     workflow=Workflow.REPORTING)
def weekly_report(client: Organization, *, now: datetime) -> dict[str, Any]:
    """Last week's report on the client's Monday morning (``rcmdesk report weekly-all``)."""
    made = generate_all(None, now=now, client_id=client.pk)
    return {"week": ", ".join(made["weeks"]) or "no active engagement",
            "generated": len(made["generated"]), "already archived": len(made["kept"])}


@job("qa_draw", label="QA sample draw", default_cron="0 7 * * 1",
     workflow=Workflow.AR_FOLLOWUP)
def qa_draw(client: Organization, *, now: datetime) -> dict[str, Any]:
    """Last week's QA sample under each active plan of the client; a week already drawn
    (by hand or by an earlier run) is left as it is."""
    today = client.today(now)
    week = last_week(today)
    drawn = sampled = kept = 0
    for plan in SamplingPlan.objects.filter(engagement__client=client, active=True) \
            .select_related("engagement"):
        if not plan.engagement.is_active(today):
            continue
        if SampleDraw.objects.filter(plan=plan, week=week).exists():
            kept += 1
            continue
        made = qa.draw_week(plan, week, acting_user=None, today=today)
        drawn += 1
        sampled += made.sampled
    return {"week": week, "plans drawn": drawn, "items sampled": sampled,
            "plans already drawn": kept}


@job("escalations_overdue", label="Overdue escalations check", default_cron="0 * * * *",
     workflow=Workflow.REPORTING)
def escalations_overdue(client: Organization, *, now: datetime) -> dict[str, Any]:
    """How many escalations are past their response time (``rcmdesk escalations overdue``);
    the escalation board flags each one."""
    rows = escalations.overdue(Escalation.objects.filter(client=client), now)
    return {"overdue": rows.count()}


@job("audit_seal", label="Audit trail sealing", default_cron="*/5 * * * *",
     workflow=Workflow.REPORTING, per_client=False)
def audit_seal(*, now: datetime) -> dict[str, Any]:
    """Seal events no after-commit seal reached (a process that stopped right after commit)."""
    del now  # sealing links what is committed; it has no clock of its own
    return dict(seal_audit_trail.call())


@job("prune_runs", label="Old job runs pruned", default_cron="15 3 * * *",
     workflow=Workflow.REPORTING, per_client=False)
def prune_runs(*, now: datetime) -> dict[str, Any]:
    """Succeeded runs past the keeping period deleted (failed ones are kept)."""
    return {"runs deleted": services.prune_runs(now)}


@job("audit_verify", label="Audit chain check", default_cron="30 2 * * *",
     workflow=Workflow.REPORTING, per_client=False)
def audit_verify(*, now: datetime) -> dict[str, Any]:
    """Every chain recomputed against its checkpoints; a break fails the run."""
    del now
    report = dict(verify_audit_chain.call())
    if report["broken"]:
        raise ChainBroken(f"The audit chain is broken: {report['broken']}")
    return {"events checked": report["checked"], "chains": len(report["chains"]),
            "warnings": len(report["warnings"])}
