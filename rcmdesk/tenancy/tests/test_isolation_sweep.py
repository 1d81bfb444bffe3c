"""Another tenant's object answers exactly like a missing one, on every route, for every role."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.test import Client

from rcmdesk.accounts.models import ApiToken
from rcmdesk.audit.services import record
from rcmdesk.conftest import World, make_user, sign_in
from rcmdesk.denials.models import Appeal
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import Remittance
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.tenancy.services import open_break_glass
from rcmdesk.tenancy.tests.sweep import Sweep, routes
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_item

FOREIGN_MARKERS = ["Birch Valley Hospital", "Birch eligibility", "birch-secret-marker",
                   "birch.admin", "birch-secret-file", "BIRCHPCN", "BIRCHTRACE"]
MISSING_IDS = {"file_id": "987654321", "claim_id": "987654321", "item_id": "987654321",
               "appeal_id": "987654321", "remittance_id": "987654321"}


def birch_patient_data(world: World) -> dict[str, str]:
    """A received file, a claim, a work item on it and an unmatched remit (a posting
    exception) at Birch."""
    received = ingest(world.birch, b"not x12", "birch-secret-file.txt").file
    claim = make_claim(world.birch, "BIRCHPCN1", [("99213", "100.00")])
    ingest(world.birch, remit(header("100.00", trace="BIRCHTRACE") +
                              "CLP*BIRCHPCN9*1*100*100**12*X~SVC*HC:99213*100*100**1~"),
           "birch-remit.835")
    item = make_item(world.birch, 1, kind=ItemKind.ELIGIBILITY, claim=claim)
    denial = make_item(world.birch, 2, kind=ItemKind.DENIAL, claim=claim)
    appeal = Appeal.objects.create(client=world.birch, item=denial, claim=claim,
                                   category="authorization", subject="BIRCHPCN appeal",
                                   letter_text="birch-secret-marker")
    remittance = Remittance.objects.get(client=world.birch, trace_number="BIRCHTRACE")
    return {"file_id": str(received.pk), "claim_id": str(claim.pk), "item_id": str(item.pk),
            "appeal_id": str(appeal.pk), "remittance_id": str(remittance.pk)}


# Front-of-chain apps teach the sweep their own URL parameters: each may have a
# ``tests/sweep_data.py`` with ``birch_objects(world) -> {param: id}`` (Birch's rows, with a
# FOREIGN_MARKERS text somewhere in them where a page would show it).
SWEEP_DATA_APPS = ("eligibility", "priorauth", "charges", "scrubber", "submission", "playbooks",
                   "decisions", "escalations", "qa", "reports", "capacity", "attachments",
                   "remits", "connectivity", "scheduler", "systemaccess",
                   "engagements", "servicelevels", "contracts", "assessments")


def app_sweep_data(world: World) -> dict[str, str]:
    found: dict[str, str] = {}
    for app in SWEEP_DATA_APPS:
        try:
            module = importlib.import_module(f"rcmdesk.{app}.tests.sweep_data")
        except ModuleNotFoundError:
            continue
        found.update(module.birch_objects(world))
    return found


def signer(user):
    return lambda: sign_in(Client(), user)


def everyone(world: World) -> dict[str, object]:
    clients: dict[str, object] = {"anonymous": Client}
    for role, user in world.users.items():
        clients[role.value] = signer(user)
    return clients


@pytest.fixture
def sweep(world: World) -> Sweep:
    extra = app_sweep_data(world)
    birch_only = make_user("pillar.birchonly", Role.PARTNER_SPECIALIST, world.pillar)
    birch_assignment = Assignment.objects.create(engagement=world.birch_engagement,
                                                 user=birch_only)
    token, _ = ApiToken.issue(world.birch_admin, "birch automation")
    record("read", client_id=world.birch.pk, detail={"note": "birch-secret-marker"})
    other_admin = make_user("ops.other", Role.PLATFORM_ADMIN, None)
    birch_grant = open_break_glass(world.birch,
                                   "Investigating incident 88 for Birch Valley Hospital",
                                   acting_user=other_admin)
    return Sweep(
        foreign={"client": "birch", "engagement_id": str(world.birch_engagement.pk),
                 "assignment_id": str(birch_assignment.pk), "token_id": str(token.pk),
                 "user_id": str(world.birch_admin.pk),
                 "grant_id": str(birch_grant.pk), **birch_patient_data(world), **extra},
        missing={"client": "no-such-client", "engagement_id": "987654321",
                 "assignment_id": "987654321", "token_id": "987654321",
                 "user_id": "987654321", "grant_id": "987654321", **MISSING_IDS,
                 **dict.fromkeys(extra, "987654321")},
        foreign_markers=FOREIGN_MARKERS,
        clients=everyone(world),  # type: ignore[arg-type]
    )


def test_the_sweep_covers_the_routes_that_take_tenant_ids(sweep: Sweep) -> None:
    swept = {r.path for r in routes()}
    assert "tenancy/engagements/<int:engagement_id>/" in swept
    assert "api/engagements/<engagement_id>" in swept
    assert "api/clients/<client>" in swept
    assert "intake/files/<int:file_id>/" in swept
    assert "intake/files/<int:file_id>/retry/" in swept
    assert "claims/<int:claim_id>/" in swept
    assert "api/claims/<claim_id>" in swept
    assert "api/intake/files/<file_id>" in swept
    assert "work/items/<int:item_id>/" in swept
    assert "appeals/<int:appeal_id>/" in swept
    assert "appeals/items/<int:item_id>/appeal/" in swept
    assert "work/items/<int:item_id>/act/" in swept
    assert "api/work/items/<int:item_id>" in swept
    assert "api/work/items/<int:item_id>/actions" in swept
    assert "attachments/<int:attachment_id>/download/" in swept
    assert "attachments/appeals/<int:appeal_id>/packet.pdf" in swept
    assert "api/attachments/<int:attachment_id>/content" in swept
    assert "posting/exceptions/<int:exception_id>/" in swept
    assert "posting/unapplied/<int:unapplied_id>/apply/" in swept
    assert "api/posting-exceptions/<int:exception_id>/match" in swept
    assert "api/unapplied-cash/<int:unapplied_id>/apply" in swept


def test_no_route_leaks_another_tenant_to_any_role(sweep: Sweep) -> None:
    leaks = sweep.run()
    assert leaks == [], "\n".join(str(leak) for leak in leaks)


def test_the_sweep_catches_a_route_that_forgets_the_visibility_filter(
    sweep: Sweep, settings
) -> None:
    settings.ROOT_URLCONF = "rcmdesk.tenancy.tests.leaky_urls"
    leaks = sweep.run(urlconf="rcmdesk.tenancy.tests.leaky_urls", only="leaky/")
    leaky = {leak.route for leak in leaks}
    assert "leaky/engagements/<int:engagement_id>/" in leaky
    assert "leaky/engagements/" in leaky


def test_another_partners_engagement_with_the_same_client_stays_hidden(world: World) -> None:
    quill = Organization.objects.create(slug="quill", name="Quill Billing Co", kind="partner")
    rival = Engagement.objects.create(partner=quill, client=world.acme, name="Quill coding",
                                      scope=["charges_claims"],
                                      start_date=date.today() - timedelta(days=3))
    partner_roles = {r.value: signer(world.user(r))
                     for r in (Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA)}
    app_params = list(app_sweep_data(world))
    sweep = Sweep(
        foreign={"client": "birch", "engagement_id": str(rival.pk),
                 "assignment_id": "987654320", "token_id": "987654320", "user_id": "987654320",
                 "grant_id": "987654320", "file_id": "987654320", "claim_id": "987654320",
                 "item_id": "987654320", "appeal_id": "987654320", "remittance_id": "987654320",
                 **dict.fromkeys(app_params, "987654320")},
        missing={"client": "no-such-client", "engagement_id": "987654321",
                 "assignment_id": "987654321", "token_id": "987654321", "user_id": "987654321",
                 "grant_id": "987654321", **MISSING_IDS, **dict.fromkeys(app_params, "987654321")},
        foreign_markers=["Quill coding", "Quill Billing Co"],
        clients=partner_roles,  # type: ignore[arg-type]
    )
    leaks = sweep.run()
    assert leaks == [], "\n".join(str(leak) for leak in leaks)
