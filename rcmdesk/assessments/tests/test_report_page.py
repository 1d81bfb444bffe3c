"""The assessment report page: every section in the office's words, what-if on the weeks,
who may open it, and which readers are linked to the prospect's claims."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.models import User
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.tests.report_fixtures import (  # noqa: F401 - fixtures (no conftest: shared by helpers)
    computed,
    prospect,
    prospect_admin,
)
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.crawl_checks import raw_values


def _url(assessment: Assessment, query: str = "") -> str:
    return reverse("assessments:assessment", args=[assessment.pk]) + query


def _visible(html: str) -> str:
    return re.sub(r"<(script|style|svg)[^>]*>.*?</\1>|<[^>]+>", " ", html, flags=re.S)


def test_the_page_shows_every_section_with_formatted_money_and_no_codes_or_reprs(
        computed: Assessment, prospect_admin: User) -> None:  # noqa: F811 - the fixtures imported above
    page = sign_in(Client(), prospect_admin).get(_url(computed))
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("recommendation", "proposal", "reasoning", "capacity", "chart-burndown",
                    "aging", "chart-aging", "cliff", "chart-cliff", "denials", "chart-pareto",
                    "quality", "unmatched", "underpaid", "assumptions"):
        assert f'data-testid="{section}"' in html, section
    text = _visible(html)
    assert "Start with AR follow-up" in text
    assert "Fixed-scope backlog clean-up" in text
    assert "$419,300.00" in text
    assert "$4,380.22" in text
    assert "$9,320.00" in text
    assert "Other payers (2)" in text
    assert "Already past" in text
    assert "Authorization" in text
    assert "Eligibility" in text
    assert "Measured: over 212 closed denial items" in text
    assert "Set for this assessment" in text
    assert raw_values(text) == []
    assert html.count("<svg") == 4
    assert "<style" not in html.split("<body", 1)[1]
    assert ' style="' not in html
    assert reverse("assessments:pdf", args=[computed.pk]) in html
    assert reverse("assessments:files", args=[computed.pk]) in html
    assert reverse("assessments:list") in html
    assert AuditEvent.objects.filter(action="read", object_id=str(computed.pk),
                                     client_org_id=computed.client_id).count() == 1


def test_its_own_admin_is_linked_to_the_claims_of_each_named_payer(
        computed: Assessment, prospect_admin: User) -> None:  # noqa: F811 - the fixtures imported above
    html = sign_in(Client(), prospect_admin).get(_url(computed)).content.decode()
    assert f'{reverse("claims:claims")}?client=oakridge&amp;payer=Aetna' in html
    assert html.count('data-testid="claims-link"') == 5  # the top payers, not "others"


def test_a_platform_admin_sees_the_figures_but_no_claim_links(
        computed: Assessment, world: World) -> None:  # noqa: F811 - the fixtures imported above
    page = sign_in(Client(), world.user(Role.PLATFORM_ADMIN)).get(_url(computed))
    assert page.status_code == 200
    html = page.content.decode()
    assert "$419,300.00" in html
    assert "Start with AR follow-up" in html
    assert reverse("claims:claims") not in html
    assert "claims-link" not in html


def test_what_if_twelve_weeks_shows_twelve_and_the_specialists_for_twelve(
        computed: Assessment, prospect_admin: User) -> None:  # noqa: F811 - the fixtures imported above
    browser = sign_in(Client(), prospect_admin)
    eight = browser.get(_url(computed)).content.decode()
    twelve = browser.get(_url(computed, "?weeks=12"))
    assert twelve.status_code == 200
    html = twelve.content.decode()
    assert computed.what_if_asked == [12]  # type: ignore[attr-defined]
    assert "within 12 weeks" in html
    assert 'value="12"' in html
    assert re.findall(r'data-testid="to-clear">([^<]*)<', eight)[1] == "3 specialists"
    assert re.findall(r'data-testid="to-clear">([^<]*)<', html)[1] == "2 specialists"
    assert f'{reverse("assessments:pdf", args=[computed.pk])}?weeks=12' in html


def test_weeks_that_are_not_one_to_fifty_two_answer_400_in_words(
        computed: Assessment, prospect_admin: User) -> None:  # noqa: F811 - the fixtures imported above
    browser = sign_in(Client(), prospect_admin)
    for bad in ("0", "53", "ten", "-3", "2.5"):
        page = browser.get(_url(computed, f"?weeks={bad}"))
        assert page.status_code == 400, bad
        text = _visible(page.content.decode())
        assert "must be a whole number from 1 to 52" in text
        assert raw_values(text) == []
    assert computed.what_if_asked == []  # type: ignore[attr-defined]


def test_a_partner_and_another_clients_admin_get_404(
        computed: Assessment, world: World) -> None:  # noqa: F811 - the fixtures imported above
    for user in (world.user(Role.PARTNER_LEAD), world.birch_admin,
                 world.user(Role.CLIENT_ADMIN)):
        assert sign_in(Client(), user).get(_url(computed)).status_code == 404, user


def test_an_assessment_not_computed_yet_says_so_and_links_to_its_files(
        prospect: Organization, prospect_admin: User, monkeypatch: Any) -> None:  # noqa: F811 - the fixtures imported above
    empty = Assessment.objects.create(client=prospect, name="Oakridge assessment")
    page = sign_in(Client(), prospect_admin).get(_url(empty))
    assert page.status_code == 200
    html = page.content.decode()
    assert "has no figures yet" in html
    assert reverse("assessments:files", args=[empty.pk]) in html
    assert reverse("assessments:pdf", args=[empty.pk]) not in html
