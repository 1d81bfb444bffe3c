"""The registry's routes in the isolation sweep, on their own (the whole sweep runs them
too): another client's or partner's login, revocation or engagement answers as a missing one."""

from __future__ import annotations

from rcmdesk.conftest import World, make_user
from rcmdesk.systemaccess import services
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.tenancy.tests.sweep import Sweep
from rcmdesk.tenancy.tests.test_isolation_sweep import (  # noqa: F401  (the fixture)
    signer,
    sweep,
)


def test_no_registry_route_leaks_another_tenant_to_any_role(sweep: Sweep) -> None:  # noqa: F811
    leaks = sweep.run(only="access/")
    assert leaks == [], "\n".join(str(leak) for leak in leaks)


def test_another_partners_logins_at_the_same_client_answer_as_missing_to_every_partner_role(
        world: World) -> None:
    quill = Organization.objects.create(slug="quill", name="Quill Billing Co", kind="partner")
    rival = Engagement.objects.create(partner=quill, client=world.acme, name="Quill coding",
                                      scope=["ar_followup"],
                                      start_date=world.acme_engagement.start_date)
    quill_lead = make_user("quill.lead", Role.PARTNER_LEAD, quill)
    quill_spec = make_user("quill.spec", Role.PARTNER_SPECIALIST, quill)
    for person in (quill_lead, quill_spec):
        Assignment.objects.create(engagement=rival, user=person)
    system = services.register_system(world.acme, kind="ehr", name="Acme EHR",
                                      workflows=["ar_followup"],
                                      acting_user=world.user(Role.CLIENT_ADMIN))
    theirs = services.request_access(rival, quill_spec, system,
                                     account_name="quill-secret-login", acting_user=quill_lead)
    task = services.open_revocation(theirs, "unassigned", acting_user=quill_lead)
    partner_roles = {r.value: signer(world.user(r))
                     for r in (Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA)}
    rival_sweep = Sweep(
        foreign={"engagement_id": str(rival.pk), "access_id": str(theirs.pk),
                 "task_id": str(task.pk), "step": "approve"},
        missing={"engagement_id": "987654321", "access_id": "987654321",
                 "task_id": "987654321", "step": "approve"},
        foreign_markers=["quill-secret-login", "Quill coding", "Quill Billing Co"],
        clients=partner_roles,  # type: ignore[arg-type]
    )
    leaks = rival_sweep.run(only="access/")
    assert leaks == [], "\n".join(str(leak) for leak in leaks)
