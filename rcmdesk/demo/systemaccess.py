"""The demo's access registry: Acme's and Birch's systems and the logins Pillar's people
hold there, made through the registry's services as each client's admin and Pillar's lead,
on the days they happened (``clock.stopped_at``).

Every specialist holds a granted login to each system their engagement's workflows need
(the onboarding path's go-live asks exactly that); at Acme the QA auditor's login asked for
and waiting on the client's admin, the lead's approved and waiting for the client to confirm
it was given, one overdue for its 90-day review, and
one the client revoked (its revocation task closed). No demo persona is disabled or taken
off an engagement. Idempotent: a login already on record (engagement, person, system) is
left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from rcmdesk.accounts.models import User
from rcmdesk.demo.clock import stopped_at
from rcmdesk.systemaccess import services
from rcmdesk.systemaccess.models import ClientSystem, SystemAccess, SystemKind
from rcmdesk.tenancy.models import Engagement, Organization

K = SystemKind
SYSTEMS = {
    "acme": (("Acme EHR", K.EHR, ("ar_followup", "denials", "posting", "reporting")),
             ("Acme practice management", K.PRACTICE_MANAGEMENT,
              ("ar_followup", "denials", "posting", "reporting")),
             ("Medicare portal", K.PAYER_PORTAL, ("ar_followup", "denials")),
             ("Commercial payer portal", K.PAYER_PORTAL, ("ar_followup", "denials")),
             ("Acme clearinghouse", K.CLEARINGHOUSE, ("ar_followup", "posting"))),
    "birch": (("Birch EHR", K.EHR, ("eligibility", "prior_auth", "charges_claims")),
              ("Birch billing system", K.PRACTICE_MANAGEMENT, ("charges_claims",)),
              ("Medicaid portal", K.PAYER_PORTAL, ("eligibility", "prior_auth")),
              ("Blue plan portal", K.PAYER_PORTAL, ("eligibility", "prior_auth")),
              ("Birch clearinghouse", K.CLEARINGHOUSE, ("eligibility", "charges_claims"))),
}


@dataclass(frozen=True)
class Login:
    client: str
    username: str
    system: str
    account: str
    scope: str
    until: str = "granted"  # requested, approved, granted, overdue, revoked
    days_ago: int = 40


LOGINS = (
    Login("acme", "pillar.specialist", "Acme EHR", "pillar-sam", "Billing read, notes"),
    Login("acme", "pillar.specialist", "Acme practice management", "PSAM01", "AR follow-up"),
    Login("acme", "pillar.specialist", "Medicare portal", "pillar.sam.m", "Claim status"),
    Login("acme", "pillar.specialist", "Acme clearinghouse", "pillar_sam", "Reports, 276/277"),
    Login("acme", "pillar.specialist", "Commercial payer portal", "pillar.sam.c",
          "Claim status, appeals"),
    Login("acme", "pillar.specialist2", "Acme EHR", "pillar-noor", "Billing read, notes"),
    Login("acme", "pillar.specialist2", "Acme practice management", "PNOOR1", "Posting"),
    Login("acme", "pillar.specialist2", "Acme clearinghouse", "pillar_noor", "Reports",
          until="overdue", days_ago=104),
    Login("acme", "pillar.specialist2", "Medicare portal", "pillar.noor.m", "Claim status"),
    Login("acme", "pillar.specialist2", "Commercial payer portal", "pillar.noor.c",
          "Claim status, appeals"),
    Login("acme", "pillar.qa", "Acme EHR", "pillar-quinn", "Read only, for QA audits",
          until="requested", days_ago=2),
    Login("acme", "pillar.lead", "Acme EHR", "pillar-priya", "Billing read, reports"),
    Login("acme", "pillar.lead", "Acme practice management", "PPRIYA", "Supervisor",
          until="approved", days_ago=3),
    Login("acme", "pillar.qa", "Commercial payer portal", "pillar.quinn.c", "Read only",
          until="revoked", days_ago=60),
    Login("birch", "pillar.specialist2", "Birch EHR", "noor.pillar", "Registration, scheduling"),
    Login("birch", "pillar.specialist2", "Medicaid portal", "NPILLAR", "Eligibility"),
    Login("birch", "pillar.specialist2", "Blue plan portal", "noor.p.blue", "Eligibility, auths"),
    Login("birch", "pillar.specialist2", "Birch clearinghouse", "noor_pillar", "Batches"),
    Login("birch", "pillar.specialist2", "Birch billing system", "NPILLAR2", "Charge entry"),
    Login("birch", "pillar.lead", "Birch EHR", "priya.pillar", "Supervisor"),
)


def build_access() -> int:
    """Make what is missing; the number of logins on record for the two clients."""
    made = 0
    for slug, systems in SYSTEMS.items():
        client = Organization.objects.filter(slug=slug, kind="client").first()
        admin = User.objects.filter(username=f"{slug}.admin").first()
        engagement = Engagement.objects.filter(client=client, partner__slug="pillar").first()
        lead = User.objects.filter(username="pillar.lead").first()
        if client is None or admin is None or engagement is None or lead is None:
            continue
        by_name = {s.name: s for s in ClientSystem.objects.filter(client=client)}
        for name, kind, workflows in systems:
            if name not in by_name:
                with stopped_at(timezone.now() - timedelta(days=110)):
                    by_name[name] = services.register_system(
                        client, kind=kind, name=name, workflows=list(workflows),
                        acting_user=admin)
        for login in (x for x in LOGINS if x.client == slug):
            made += _login(login, engagement, by_name[login.system], admin, lead)
    return SystemAccess.objects.filter(engagement__client__slug__in=list(SYSTEMS)).count()


def _login(login: Login, engagement: Engagement, system: ClientSystem, admin: User,
           lead: User) -> int:
    person = User.objects.filter(username=login.username).first()
    if person is None or not engagement.assignments.filter(user=person).exists():
        return 0
    if SystemAccess.objects.filter(engagement=engagement, user=person, system=system).exists():
        return 0
    start = timezone.now() - timedelta(days=login.days_ago)
    with stopped_at(start):
        access = services.request_access(engagement, person, system,
                                         account_name=login.account, scope=login.scope,
                                         mfa_enabled=system.kind != SystemKind.FAX_PHONE,
                                         vault_reference=f"Vault: {system.name} / "
                                                         f"{login.account}",
                                         acting_user=lead)
    if login.until == "requested":
        return 1
    with stopped_at(start + timedelta(hours=5)):
        services.approve(access, acting_user=admin)
    if login.until == "approved":
        return 1
    with stopped_at(start + timedelta(days=1)):
        services.confirm_granted(access, acting_user=admin)
    if login.until == "revoked":
        with stopped_at(start + timedelta(days=30)):
            services.revoke(access, reason="No longer needed: QA reads the EHR only",
                            acting_user=admin)
    elif login.until == "granted" and login.days_ago > 30:
        with stopped_at(start + timedelta(days=25)):
            services.mark_in_use(access, acting_user=person)
    return 1
