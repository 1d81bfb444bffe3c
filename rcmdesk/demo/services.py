"""Build (or top up) the demo back office. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcmdesk.accounts.models import User
from rcmdesk.accounts.services import create_user, install_totp
from rcmdesk.audit.services import record
from rcmdesk.demo.personas import (
    CLIENTS,
    ENGAGEMENTS,
    PARTNER,
    PERSONAS,
    EngagementPlan,
    OrgSpec,
    Persona,
    base32_of,
    demo_password,
    demo_totp_key,
)
from rcmdesk.tenancy.models import Assignment, Engagement, Organization


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    org: str
    password: str
    totp_base32: str | None


@transaction.atomic
def build_demo() -> list[DemoLogin]:
    orgs = {spec.slug: _org(spec) for spec in (PARTNER, *CLIENTS)}
    engagements = {plan.client: _engagement(orgs, plan) for plan in ENGAGEMENTS}
    logins = []
    for persona in PERSONAS:
        user = _user(orgs, persona)
        for client in persona.assigned_to:
            Assignment.objects.get_or_create(engagement=engagements[client], user=user)
        logins.append(_login(user, persona))
    return logins


def _org(spec: OrgSpec) -> Organization:
    org, created = Organization.objects.get_or_create(
        slug=spec.slug, defaults={"name": spec.name, "kind": spec.kind,
                                  "time_zone": spec.time_zone})
    if created:
        record("create", client_id=org.pk if org.is_client else None, obj=org,
               detail={"demo": True})
    return org


def _engagement(orgs: dict[str, Organization], plan: EngagementPlan) -> Engagement:
    client = orgs[plan.client]
    start, end = plan.dates(client.today())
    engagement, created = Engagement.objects.get_or_create(
        client=client, partner=orgs[PARTNER.slug], name=plan.name,
        defaults={"scope": [w.value for w in plan.scope], "start_date": start,
                  "end_date": end, "time_zone": client.time_zone})
    if created:
        record("create", client_id=client.pk, obj=engagement,
               detail={"demo": True, "scope": engagement.scope})
    return engagement


def _user(orgs: dict[str, Organization], persona: Persona) -> User:
    existing = User.objects.filter(username=persona.username).first()
    if existing is not None:
        return existing
    user = create_user(
        username=persona.username, password=demo_password(settings.SECRET_KEY,
                                                          persona.username),
        role=persona.role, organization=orgs[persona.org] if persona.org else None,
        first_name=persona.first_name, last_name=persona.last_name,
        email=f"{persona.username}@demo.invalid",
    )
    if persona.role.requires_two_factor:
        install_totp(user, demo_totp_key(settings.SECRET_KEY, persona.username))
    return user


def _login(user: User, persona: Persona) -> DemoLogin:
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    key = demo_totp_key(settings.SECRET_KEY, persona.username)
    return DemoLogin(
        username=user.username, role=user.role, org=persona.org or "(platform)",
        password=demo_password(settings.SECRET_KEY, persona.username),
        totp_base32=base32_of(key) if has_totp else None,
    )


def built_on(client: Organization) -> date:
    """The day the demo was first built for ``client``: its demo engagement's start plus
    the days the plan put that start back. The demo's books are dated from this day, so a
    run tomorrow or next month finds them already made instead of making a second set."""
    plan = next((p for p in ENGAGEMENTS if p.client == client.slug), None)
    engagement = (None if plan is None else
                  Engagement.objects.filter(client=client, name=plan.name).first())
    if plan is None or engagement is None:
        return client.today()
    start: date = engagement.start_date
    return start + timedelta(days=plan.starts_days_ago)
