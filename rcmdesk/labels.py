"""Human labels for every stored code a page, PDF, CSV or CLI shows.

A status, role or workflow is stored as a short code (``pending_client_decision``,
``partner_specialist``, ``ar_followup``) because codes are stable and queryable; a billing
office reads words. Each code family keeps its words beside its enum (a TextChoices label, or
a ``label`` property on a StrEnum); this module only lists the families by the name templates
use, so ``{{ value|label:"workflow" }}`` and ``label(value, "workflow")`` find them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cache
from typing import Any


def _families() -> dict[str, Iterable[Any]]:
    """Imported late: the enums live in model modules that need Django's app registry."""
    from rcmdesk.attachments.models import OwnerKind
    from rcmdesk.claims.models import ClaimOrigin, ClaimStatus, FrontDoor, PayerKind
    from rcmdesk.connectivity.models import (
        Completion,
        ConnectionKind,
        CredentialKind,
        InboundState,
        RemoteAfter,
        TransmissionState,
    )
    from rcmdesk.contracts.models import RateBasis, RecoupmentSource, VarianceKind
    from rcmdesk.decisions.models import ProposalKind, ProposalStatus, WriteOffAccount
    from rcmdesk.denials.models import AppealOutcome, AppealStatus, FilingChannel
    from rcmdesk.eligibility.models import CoverageStatus, VisitSource, VisitStatus
    from rcmdesk.engagements.models import EngagementModel, MonthlyUnit, Side, Stage
    from rcmdesk.escalations.models import EscalationKind, EscalationStatus
    from rcmdesk.intake.models import Channel, FileStatus
    from rcmdesk.intake.sniff import FileKind
    from rcmdesk.playbooks.models import EditCheck
    from rcmdesk.playbooks.models import Severity as EditSeverity
    from rcmdesk.priorauth.models import AuthSource, AuthStatus
    from rcmdesk.qa.models import AuditStatus, PointResult, SamplingMethod
    from rcmdesk.qa.sampling import Standing
    from rcmdesk.remits.models import (
        Account,
        ExceptionReason,
        ExceptionStatus,
        JournalKind,
        MatchMethod,
    )
    from rcmdesk.reports.models import ReportStatus
    from rcmdesk.scheduler.models import RunStatus, RunTrigger
    from rcmdesk.servicelevels.models import Kind as ServiceLevelKind
    from rcmdesk.submission.models import (
        AckSource,
        AckStatus,
        AckVerdict,
        BatchStatus,
        ProfileKind,
        Usage,
    )
    from rcmdesk.submission.states import ClaimStage
    from rcmdesk.systemaccess.models import AccessStatus, RevocationTrigger, SystemKind
    from rcmdesk.tenancy.roles import OrgKind, Role, Workflow
    from rcmdesk.workqueue.categories import RootCause
    from rcmdesk.workqueue.models import ActionKind, AgingBucket, CallChannel, ItemKind, ItemStatus

    return {
        "workflow": Workflow, "role": Role, "org_kind": OrgKind,
        "item_status": ItemStatus, "item_kind": ItemKind, "action_kind": ActionKind,
        "aging_bucket": AgingBucket, "call_channel": CallChannel, "root_cause": RootCause,
        "claim_status": ClaimStatus, "claim_origin": ClaimOrigin, "front_door": FrontDoor,
        "payer_kind": PayerKind, "appeal_status": AppealStatus, "appeal_outcome": AppealOutcome,
        "filing_channel": FilingChannel, "visit_status": VisitStatus, "visit_source": VisitSource,
        "coverage_status": CoverageStatus, "auth_status": AuthStatus, "auth_source": AuthSource,
        "audit_status": AuditStatus, "point_result": PointResult, "standing": Standing,
        "sampling_method": SamplingMethod,
        "account": Account, "journal_kind": JournalKind, "exception_status": ExceptionStatus,
        "match_method": MatchMethod, "exception_reason": ExceptionReason,
        "proposal_kind": ProposalKind,
        "proposal_status": ProposalStatus, "write_off_account": WriteOffAccount,
        "escalation_kind": EscalationKind, "escalation_status": EscalationStatus,
        "channel": Channel, "file_status": FileStatus, "edit_check": EditCheck,
        "edit_severity": EditSeverity, "report_status": ReportStatus,
        "batch_status": BatchStatus, "ack_status": AckStatus, "profile_kind": ProfileKind,
        "usage": Usage, "attachment_owner": OwnerKind, "file_kind": FileKind,
        "ack_source": AckSource, "ack_verdict": AckVerdict, "claim_stage": ClaimStage,
        "transmission_state": TransmissionState, "inbound_state": InboundState,
        "run_status": RunStatus, "run_trigger": RunTrigger,
        "connection_kind": ConnectionKind, "credential_kind": CredentialKind,
        "completion": Completion, "remote_after": RemoteAfter,
        "system_kind": SystemKind, "access_status": AccessStatus,
        "revocation_trigger": RevocationTrigger,
        "engagement_model": EngagementModel, "monthly_unit": MonthlyUnit,
        "engagement_stage": Stage, "checklist_side": Side,
        "service_level_kind": ServiceLevelKind,
        "rate_basis": RateBasis,
        "variance_kind": VarianceKind, "recoupment_source": RecoupmentSource,
    }


def _words(member: Any) -> str:
    """The member's own label; Django's automatic Title Case one reads as a sentence."""
    label = getattr(member, "label", None)
    automatic = member.name.replace("_", " ").title()
    if not label or str(label) == automatic:
        return _sentence(str(member.value))
    return str(label)


def _sentence(code: str) -> str:
    """The last resort for a code no family knows: words, not underscores."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@cache
def families() -> Mapping[str, Mapping[str, str]]:
    """Every family's code -> label, built once per process."""
    return {name: {str(m.value): _words(m) for m in enum}
            for name, enum in _families().items()}


@cache
def _any_family() -> Mapping[str, str]:
    """Code -> label across families; the first family listed wins a shared code."""
    merged: dict[str, str] = {}
    for table in families().values():
        for code, words in table.items():
            merged.setdefault(code, words)
    return merged


def label(value: Any, family: str | None = None) -> str:
    """The words for a stored code: ``label("ar_followup", "workflow") == "AR follow-up"``.

    An enum member brings its own label. A bare code is looked up in the family named, or
    in every family when none is; an unknown code comes back as a sentence ("Held for
    review"), never with its underscores. ``None`` and "" read as "—".
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, Enum):
        return _words(value)
    code = str(value)
    if family is not None:
        try:
            return families()[family].get(code) or _sentence(code)
        except KeyError:
            raise ValueError(f"no label family named {family!r}") from None
    return _any_family().get(code) or _sentence(code)
