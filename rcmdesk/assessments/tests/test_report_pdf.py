"""The assessment report's PDF: two letter pages (the recommendation, then the findings),
read by whoever may open the assessment, and audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

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


def _pdf(browser: Client, assessment: Assessment, query: str = "") -> Any:
    response = browser.get(reverse("assessments:pdf", args=[assessment.pk]) + query)
    if response.status_code == 503 and b"WeasyPrint" in response.content:
        pytest.skip("WeasyPrint or Pango missing on this machine (rcmdesk.pdf.PdfUnavailable)")
    return response


def _pages(response: Any) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(response.content)).pages]


def test_the_pdf_is_two_pages_recommendation_first_then_the_findings(
        computed: Assessment, prospect_admin: User) -> None:  # noqa: F811 - the fixtures imported above
    response = _pdf(sign_in(Client(), prospect_admin), computed)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = _pages(response)
    assert len(pages) == 2
    assert "Start with AR follow-up" in pages[0]
    assert "within 8 weeks" in pages[0]
    assert "Timely-filing cliff" in pages[1]
    assert "Assumptions" in pages[1]
    assert "$419,300.00" in pages[0]
    assert AuditEvent.objects.filter(action="assessments.report.pdf",
                                     object_id=str(computed.pk)).count() == 1


def test_the_pdf_of_a_what_if_shows_the_weeks_asked_on_two_pages(
        computed: Assessment, world: World) -> None:  # noqa: F811 - the fixtures imported above
    response = _pdf(sign_in(Client(), world.user(Role.PLATFORM_ADMIN)), computed, "?weeks=26")
    assert response.status_code == 200
    pages = _pages(response)
    assert len(pages) == 2
    assert "within 26 weeks" in pages[0]


def test_a_partner_and_another_clients_admin_get_404(
        computed: Assessment, world: World) -> None:  # noqa: F811 - the fixtures imported above
    for user in (world.user(Role.PARTNER_LEAD), world.birch_admin):
        response = sign_in(Client(), user).get(
            reverse("assessments:pdf", args=[computed.pk]))
        assert response.status_code == 404


def test_no_pdf_before_the_assessment_is_computed_said_in_words(
        prospect: Organization, prospect_admin: User) -> None:  # noqa: F811 - the fixtures imported above
    empty = Assessment.objects.create(client=prospect, name="Oakridge assessment")
    response = sign_in(Client(), prospect_admin).get(reverse("assessments:pdf", args=[empty.pk]))
    assert response.status_code == 409
    assert "has no figures yet, so it has no PDF" in response.content.decode()
