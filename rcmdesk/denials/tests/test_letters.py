from __future__ import annotations

import sys

import pytest

from rcmdesk.conftest import World
from rcmdesk.denials import appeals
from rcmdesk.denials.letters import letter_html, letter_pdf
from rcmdesk.denials.models import Appeal
from rcmdesk.denials.tests.builders import denied_claim, lease
from rcmdesk.pdf import PdfUnavailable
from rcmdesk.tenancy.roles import Role


def _appeal(world: World) -> Appeal:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    return appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)


def test_the_letter_html_carries_letterhead_payer_and_claim_facts(world: World) -> None:
    page = letter_html(_appeal(world))
    for fact in ("Acme Family Medicine", "commercial payer", "PAYER-CCN-55512", "PCN-7781",
                 "MBR0042", "$150.00", "CO-197", "N54"):
        assert fact in page, fact


def test_letter_text_is_escaped_in_the_html(world: World) -> None:
    appeal = _appeal(world)
    appeal.letter_text = "<img src=x onerror=alert(1)>\n\nsecond paragraph"
    page = letter_html(appeal)
    assert "<img" not in page
    assert "&lt;img src=x" in page
    assert page.count("<p>") >= 2


def test_the_pdf_letter_is_a_real_pdf(world: World) -> None:
    pdf = letter_pdf(_appeal(world))
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000


def test_without_weasyprint_the_error_names_the_missing_library(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    appeal = _appeal(world)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import raises ImportError
    with pytest.raises(PdfUnavailable, match="Pango"):
        letter_pdf(appeal)
