from __future__ import annotations

import html

import pytest

from rcmdesk.conftest import World
from rcmdesk.denials.merge import MergeError, merge, problems
from rcmdesk.denials.models import AppealTemplate
from rcmdesk.denials.playbook import save_template
from rcmdesk.tenancy.roles import Role


def test_fields_are_filled_and_doubled_braces_print_literally() -> None:
    text = merge("Claim {claim_number} ({{ours}}) denied { carc_codes }.",
                 {"claim_number": "PCN1", "carc_codes": "CO-197"})
    assert text == "Claim PCN1 ({ours}) denied CO-197."


def test_unknown_fields_and_stray_braces_are_named_for_the_author() -> None:
    found = problems("Dear {patient.name}, see {claim.patient.__class__} {today")
    assert any("{patient.name}" in p for p in found)
    assert any("{claim.patient.__class__}" in p for p in found)
    assert any("single '{'" in p for p in found)
    with pytest.raises(MergeError):
        merge("{secret_key}", {})


def test_django_template_syntax_is_never_evaluated() -> None:
    assert merge("{{ settings.SECRET_KEY }}", {}) == "{ settings.SECRET_KEY }"
    assert "Unknown merge field {% load static %}" in problems("{% load static %}")[0]


def test_html_rendering_escapes_the_text_and_the_values() -> None:
    out = merge("<b>{patient_name}</b>", {"patient_name": "<script>x</script>"},
                escape=html.escape)
    assert out == "&lt;b&gt;&lt;script&gt;x&lt;/script&gt;&lt;/b&gt;"


def test_saving_a_template_with_an_unknown_field_is_refused(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    with pytest.raises(MergeError, match=r"\{diagnosis\}"):
        save_template(world.acme.pk, acting_user=admin, category="coding", subject="Appeal",
                      body="Please review {diagnosis}.")
    assert not AppealTemplate.objects.exists()
    save_template(world.acme.pk, acting_user=admin, category="coding",
                  subject="Appeal {claim_number}",
                  body="Please review claim {payer_claim_number}.")
    assert AppealTemplate.objects.count() == 1
