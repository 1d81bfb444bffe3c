"""The appeals list and page speak the billing office's language: a missed deadline stands
out from ordinary open appeals, and a denial's reasons read as code and category."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.denials.tests.test_appeal_list_page import an_appeal
from rcmdesk.remits.models import CodeDescription
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import WorkItem

pytestmark = pytest.mark.django_db


def _row(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


def test_an_expired_appeal_deadline_is_flagged_on_the_appeals_list(
        world: World, signed_in: Any) -> None:
    missed = an_appeal(world, pcn="PCN-MISSED", days_left=-3)
    ordinary = an_appeal(world, pcn="PCN-LATER", days_left=60)
    html = signed_in(Role.PARTNER_SPECIALIST).get("/appeals/").content.decode()
    missed_row = _row(html, f"appeal-{missed.pk}")
    assert 'class="deadline-past"' in missed_row
    assert "Deadline missed" in missed_row
    assert "3 days past the deadline" in missed_row
    ordinary_row = _row(html, f"appeal-{ordinary.pk}")
    assert "deadline-" not in ordinary_row
    assert "Deadline missed" not in ordinary_row


def test_a_denials_carc_list_reads_as_code_and_category_on_the_appeal_page(
        world: World, signed_in: Any) -> None:
    appeal = an_appeal(world, pcn="PCN-CARC")
    WorkItem.objects.filter(pk=appeal.item_id).update(
        detail={"carcs": ["CO-97", "CO-50"], "rarcs": ["N130"]})
    html = signed_in(Role.PARTNER_SPECIALIST).get(f"/appeals/{appeal.pk}/").content.decode()
    assert "<code>CO-97</code> (bundling)" in html
    assert "<code>CO-50</code> (medical necessity)" in html
    assert "<code>N130</code>" in html
    assert "[&#x27;CO-97" not in html
    assert "['CO-97" not in html


def test_the_description_shows_only_where_the_client_imported_the_licensed_texts(
        world: World, signed_in: Any) -> None:
    appeal = an_appeal(world, pcn="PCN-TEXT")
    WorkItem.objects.filter(pk=appeal.item_id).update(detail={"carcs": ["CO-97"]})
    browser = signed_in(Role.PARTNER_SPECIALIST)
    assert "CLIENT-LICENSED-TEXT" not in browser.get(f"/appeals/{appeal.pk}/").content.decode()
    CodeDescription.objects.create(client=world.acme, list="carc", code="97",
                                   text="CLIENT-LICENSED-TEXT")
    assert "CLIENT-LICENSED-TEXT" in browser.get(f"/appeals/{appeal.pk}/").content.decode()
