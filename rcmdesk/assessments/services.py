"""The assessment workspace's state changes: a new prospect and its assessment, the
prospect's files loaded, the assessment's settings.

Each service takes the acting person keyword-only and writes its audit event in the same
transaction. Files go through intake like any other channel (``intake.services.ingest``,
channel "assess"): duplicates are recognised, a file that cannot be trusted is quarantined
with its reason in words, and loading the same file again never posts twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.assessments.access import require_platform_admin, require_runner
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.work import WorkType
from rcmdesk.audit.services import record
from rcmdesk.intake import sniff
from rcmdesk.intake.models import Channel, FileStatus
from rcmdesk.intake.services import ALREADY, ingest
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Role

# The order files are applied in: claims first (an 835 or a 277CA then finds its claim),
# their acknowledgments, then the payers' answers.
ORDER: dict[sniff.FileKind, int] = {
    sniff.FileKind.C837P: 0, sniff.FileKind.C837I: 0, sniff.FileKind.C837D: 0,
    sniff.FileKind.C837: 0, sniff.FileKind.A999: 1, sniff.FileKind.A277CA: 2,
    sniff.FileKind.R835: 3,
}
ASKED = "the 837, 999, 277CA and 835 files of the practice"


class AssessmentRefused(errors.Conflict):
    """The assessment cannot be created or changed as asked."""


@dataclass(frozen=True)
class LoadedFile:
    """One file of a load, and what became of it, in words."""

    name: str
    kind: str  # the kind's label ("835 remittance"), or what the file is
    outcome: str  # "applied", "already loaded", "quarantined: <reason>", "refused: ..."
    ok: bool
    received_id: int | None = None


@dataclass(frozen=True)
class LoadReport:
    files: tuple[LoadedFile, ...]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    def counts(self) -> dict[str, int]:
        """Files per outcome's first word (applied, already loaded, quarantined...)."""
        out: dict[str, int] = {}
        for f in self.files:
            key = f.outcome.split(":")[0]
            out[key] = out.get(key, 0) + 1
        return out


def do_create_assessment(*, practice_name: str, slug: str, time_zone: str, name: str = "",
                         as_of: date | None = None, acting_user: Any) -> Assessment:
    """A new prospect's tenant (an Organization of kind client, flagged prospect) and its
    assessment. The tenant has no engagement: nothing is scheduled or queued for it."""
    require_platform_admin(acting_user)
    practice_name, slug = practice_name.strip(), slug.strip().lower()
    if not practice_name or not slug:
        raise AssessmentRefused("Name the practice and give its short name (slug).")
    if Organization.objects.filter(slug=slug).exists():
        raise AssessmentRefused(f"The short name {slug!r} is already taken; choose another.")
    with transaction.atomic():
        client = Organization.objects.create(slug=slug, name=practice_name, kind="client",
                                             time_zone=time_zone, prospect=True)
        assessment = Assessment.objects.create(
            client=client, name=name.strip() or f"{practice_name} capacity assessment",
            as_of=as_of, created_by=person(acting_user))
        record("assessment.create", client_id=client.pk, obj=assessment,
               detail={"practice": practice_name, "slug": slug,
                       "as_of": as_of.isoformat() if as_of else ""},
               acting_user=acting_user)
    return assessment


def do_reuse_assessment(client: Organization, *, acting_user: Any) -> Assessment:
    """The assessment of an existing prospect, created on first use (a client admin running
    one on its own tenant, or the CLI given a prospect's slug)."""
    if not client.prospect:
        raise AssessmentRefused(f"{client.name} is a working client, not a prospect: an "
                                "assessment runs on a prospect's own tenant.")
    found: Assessment | None = Assessment.objects.filter(client=client).first()
    if found is not None:
        require_runner(acting_user, found)
        return found
    if Role(acting_user.role) is not Role.PLATFORM_ADMIN:
        require(acting_user, Action.RUN_ASSESSMENT, client.pk)
    else:
        require_platform_admin(acting_user)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            client=client, name=f"{client.name} capacity assessment",
            created_by=person(acting_user))
        record("assessment.create", client_id=client.pk, obj=assessment,
               detail={"practice": client.name, "slug": client.slug},
               acting_user=acting_user)
    return assessment


def _interchange(data: bytes) -> tuple[str, str, str]:
    """ISA09 (date), ISA10 (time), ISA13 (control number): a kind's files apply in the
    order they were sent. The ISA is fixed-width, so its separator is the 4th byte."""
    head = data.lstrip()[:110].decode("latin-1", "replace")
    if not head.startswith("ISA") or len(head) < 4:
        return ("", "", "")
    parts = head.split(head[3])
    if len(parts) < 14:
        return ("", "", "")
    return (parts[9].strip(), parts[10].strip(), parts[13].strip())


def load_order(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes, sniff.FileKind]]:
    """The files with their kinds, in the order they are applied (refused kinds last)."""
    told = [(name, data, sniff.what_is(data)) for name, data in files]
    return sorted(told, key=lambda f: (ORDER.get(f[2], 9), _interchange(f[1]), f[0]))


def _outcome(result: Any) -> tuple[str, bool]:
    if result.outcome == ALREADY:
        return "already loaded", True
    if result.outcome == FileStatus.APPLIED:
        return "applied", True
    words = str(result.outcome).replace("_", " ")
    reason = result.message or result.file.reason
    return (f"{words}: {reason}" if reason else words), False


def do_load_files(assessment: Assessment, files: Sequence[tuple[str, bytes]], *,
                  acting_user: Any) -> LoadReport:
    """Load the prospect's files into its tenant: 837s, then 999s, 277CAs and 835s (within
    a kind by interchange date and control number), each through intake. A file of any
    other kind is refused in words and nothing is stored for it."""
    require_runner(acting_user, assessment)
    client = assessment.client
    rows: list[LoadedFile] = []
    for name, data, kind in load_order(files):
        if kind not in ORDER:
            rows.append(LoadedFile(name, kind.label, f"refused: this file is {kind.described}"
                                   f"; an assessment reads {ASKED}.", False))
            continue
        result = ingest(client, data, name, acting_user=acting_user,
                        channel=Channel.ASSESSMENT.value)
        outcome, ok = _outcome(result)
        rows.append(LoadedFile(name, kind.label, outcome, ok, result.file.pk))
    report = LoadReport(tuple(rows))
    with transaction.atomic():
        record("assessment.load", client_id=client.pk, obj=assessment,
               detail={"files": len(rows), "outcomes": report.counts()},
               acting_user=acting_user)
    return report


def _overrides(values: dict[WorkType, Decimal | None], *, low: Decimal, high: Decimal,
               what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for work, value in values.items():
        if value is None:
            continue
        if not low <= value <= high:
            raise AssessmentRefused(f"{what} for {work.label.lower()} must be between "
                                    f"{low} and {high}.")
        out[work.value] = str(value)
    return out


def do_change_settings(assessment: Assessment, *, as_of: date | None, weeks_to_clear: int,
                       hours_per_day: Decimal,
                       handle_hours: dict[WorkType, Decimal | None],
                       recovery_percent: dict[WorkType, Decimal | None],
                       acting_user: Any) -> Assessment:
    """What the assessment is asked: its day, the weeks to clear the backlog, a specialist's
    working hours, and handle-time and recovery overrides (None: the default or measure).
    The stored result stays until the next computation, which uses these."""
    require_runner(acting_user, assessment)
    if not 1 <= weeks_to_clear <= 52:
        raise AssessmentRefused("The weeks to clear the backlog must be between 1 and 52.")
    if not Decimal("1") <= hours_per_day <= Decimal("10"):
        raise AssessmentRefused("A specialist's working hours a day must be between 1 and 10.")
    handle = _overrides(handle_hours, low=Decimal("0.01"), high=Decimal("8"),
                        what="Hours per item")
    recovery = _overrides(recovery_percent, low=Decimal("0"), high=Decimal("100"),
                          what="The recovery percent")
    before = {"as_of": assessment.as_of.isoformat() if assessment.as_of else "",
              "weeks_to_clear": assessment.weeks_to_clear,
              "hours_per_day": str(assessment.hours_per_day),
              "handle_hours": assessment.handle_hours,
              "recovery_percent": assessment.recovery_percent}
    with transaction.atomic():
        assessment.as_of = as_of
        assessment.weeks_to_clear = weeks_to_clear
        assessment.hours_per_day = hours_per_day
        assessment.handle_hours = handle
        assessment.recovery_percent = recovery
        assessment.save(update_fields=["as_of", "weeks_to_clear", "hours_per_day",
                                       "handle_hours", "recovery_percent"])
        record("assessment.settings", client_id=assessment.client_id, obj=assessment,
               detail={"before": before,
                       "after": {"as_of": as_of.isoformat() if as_of else "",
                                 "weeks_to_clear": weeks_to_clear,
                                 "hours_per_day": str(hours_per_day),
                                 "handle_hours": handle, "recovery_percent": recovery}},
               acting_user=acting_user)
    return assessment
