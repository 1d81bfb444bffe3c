"""/qa/audits/<id>/ links the work item it audited, and everyone who sees the audit can
open that item."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.qa.models import Audit
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.CLIENT_MANAGER, Role.CLIENT_STAFF,
                                  Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_the_audit_links_the_item_it_audited_and_the_link_opens(
        signed_in: Any, audits: list[Audit], role: Role) -> None:
    audit = audits[0]
    reader = signed_in(role)
    html = reader.get(f"/qa/audits/{audit.pk}/").content.decode()
    link = reverse("workqueue:item", args=[audit.item_id])
    cell = html.split('data-testid="audited-item"')[1].split("</td>")[0]
    assert f'href="{link}"' in cell
    assert reader.get(link).status_code == 200


def test_the_audit_links_the_claim_of_the_item_it_audited(signed_in: Any,
                                                          audits: list[Audit]) -> None:
    from rcmdesk.workqueue.models import WorkItem
    from rcmdesk.workqueue.tests.factories import make_claim

    audit = audits[0]
    claim = make_claim(audit.client, "PCNAUDITED")
    WorkItem.objects.filter(pk=audit.item_id).update(claim=claim)
    reader = signed_in(Role.PARTNER_QA)
    html = reader.get(f"/qa/audits/{audit.pk}/").content.decode()
    cell = html.split('data-testid="audited-item"')[1].split("</td>")[0]
    assert f'href="{reverse("claims:claim", args=[claim.pk])}"' in cell
    assert "PCNAUDITED" in cell
    assert reader.get(reverse("claims:claim", args=[claim.pk])).status_code == 200
