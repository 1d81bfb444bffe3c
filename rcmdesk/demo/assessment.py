"""The demo's prospect: Riverside Family Practice, a practice weighing an engagement, with
its own tenant, its client admin's login, a year of its files loaded and its capacity
assessment computed.

Idempotent like the rest of the demo: a second run finds the prospect, its admin and its
files and loads nothing again. The files come from the practice generator
(``rcmdesk.synth.practice``: a year of claims with a seeded backlog, denials the richest
workflow), anchored on the practice's today: the files run to yesterday, as an extract taken
this morning would, and the assessment's figures are as of today.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from rcmdesk.accounts.models import User
from rcmdesk.assessments.models import Assessment, DeletionCertificate
from rcmdesk.assessments.services import LoadReport, do_create_assessment, do_load_files
from rcmdesk.demo.personas import OrgSpec, Persona
from rcmdesk.demo.services import DemoLogin, _login, _user
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.synth.practice import generate_practice
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role

RIVERSIDE = OrgSpec("riverside", "Riverside Family Practice", "client", "America/New_York")
RIVERSIDE_ADMIN = Persona("riverside.admin", "Rosa", "Rivera", Role.CLIENT_ADMIN,
                          RIVERSIDE.slug)
OPERATOR = "platform.admin"  # the demo's platform admin runs it on the prospect's behalf
SEED = 23
CLAIMS = 1500


@dataclass(frozen=True)
class DemoAssessment:
    assessment: Assessment
    login: DemoLogin
    report: LoadReport | None  # None: the files were loaded by an earlier run

    def line(self) -> str:
        loaded = ("files already loaded" if self.report is None
                  else f"{len(self.report.files)} files loaded")
        return (f"Prospect {self.assessment.client.name} ({RIVERSIDE.slug}): assessment "
                f"{self.assessment.pk}, {loaded}; its admin signs in as {self.login.username}")


def build_prospect() -> tuple[Assessment, DemoLogin]:
    """Riverside's tenant, its assessment and its client admin (created once)."""
    operator = User.objects.get(username=OPERATOR)
    found = Assessment.objects.filter(client__slug=RIVERSIDE.slug).select_related(
        "client").first()
    if found is None:
        found = do_create_assessment(practice_name=RIVERSIDE.name, slug=RIVERSIDE.slug,
                                     time_zone=RIVERSIDE.time_zone, acting_user=operator)
    orgs: dict[str, Organization] = {RIVERSIDE.slug: found.client}
    admin = _user(orgs, RIVERSIDE_ADMIN)
    return found, _login(admin, RIVERSIDE_ADMIN)


def load_files(assessment: Assessment, *, claims: int = CLAIMS,
               seed: int = SEED) -> LoadReport | None:
    """A year of the practice's files, loaded by the platform admin; nothing when the
    tenant already holds files."""
    if ReceivedFile.objects.filter(client_id=assessment.client_id).exists():
        return None
    operator = User.objects.get(username=OPERATOR)
    with tempfile.TemporaryDirectory(prefix="rcmdesk-riverside-") as tmp:
        generate_practice(Path(tmp), seed=seed, claims=claims,
                          anchor=assessment.client.today(), dominant="denials")
        files = [(f"{p.parent.name}-{p.name}", p.read_bytes())
                 for p in sorted(Path(tmp).glob("*/*.x12"))]
    return do_load_files(assessment, files, acting_user=operator)


def build_assessment(*, claims: int = CLAIMS, seed: int = SEED,
                     compute: bool = True) -> DemoAssessment:
    """The prospect, its files and (``compute``) its assessment computed. Run after
    ``build_demo`` (it acts as the demo's platform admin)."""
    from rcmdesk.assessments.compute import assess

    assessment, login = build_prospect()
    report = load_files(assessment, claims=claims, seed=seed)
    if compute and (report is not None or assessment.computed_at is None):
        assess(assessment, acting_user=User.objects.get(username=OPERATOR))
    if compute:
        build_deleted_prospect()
    return DemoAssessment(assessment, login, report)


LAKESIDE = OrgSpec("lakeside", "Lakeside Pediatrics", "client", "America/Chicago")


def build_deleted_prospect() -> DeletionCertificate:
    """A prospect assessed and then deleted at its request, so the certificates page has
    one to show: its files loaded (a few weeks of claims), then every row removed. Once."""
    from rcmdesk.assessments.purge import do_delete_assessment

    done = DeletionCertificate.objects.filter(organization_slug=LAKESIDE.slug).first()
    if done is not None:
        return done
    operator = User.objects.get(username=OPERATOR)
    found = do_create_assessment(practice_name=LAKESIDE.name, slug=LAKESIDE.slug,
                                 time_zone=LAKESIDE.time_zone, acting_user=operator)
    load_files(found, claims=120, seed=SEED + 1)
    return do_delete_assessment(
        found, requested_by="Dr. Lena Lake, owner (by email)",
        reason="The practice chose not to go ahead; asked that its files be deleted.",
        acting_user=operator)
