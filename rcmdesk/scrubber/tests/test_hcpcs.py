"""HCPCS Level II: the loader reads CMS's fixed-width file or a plain list, and the
existence rule runs only once a code set is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.scrubber import hcpcs
from rcmdesk.scrubber.engine import scrub_claims
from rcmdesk.scrubber.models import HcpcsCode
from rcmdesk.scrubber.tests import builders as b

pytestmark = pytest.mark.django_db

# The CMS layout: code (5), sequence (5), record id (1: 3 first line, 4 continuation),
# long description (80). Descriptions here are our own words.
FIXED = ("J9035000103Injection, example drug, 10 mg" + " " * 50 + "\n"
         "J9035000204continued description" + " " * 59 + "\n"
         "A0021000103Ambulance service, example" + " " * 54 + "\n")


def test_the_fixed_width_file_gives_codes_with_joined_descriptions() -> None:
    assert hcpcs.parse(FIXED) == {
        "J9035": "Injection, example drug, 10 mg continued description",
        "A0021": "Ambulance service, example"}


def test_a_plain_list_and_a_csv_are_read_too() -> None:
    assert hcpcs.parse("G0008\tFlu shot admin\nE0100,Cane\n99213 not hcpcs\n") == {
        "G0008": "Flu shot admin", "E0100": "Cane"}


def test_loading_replaces_the_code_set_and_is_audited(tmp_path: Path, world: World) -> None:
    HcpcsCode.objects.create(code="Q9999")
    (tmp_path / "HCPC.txt").write_text(FIXED)
    result = CliRunner().invoke(app, ["claims", "codes", "load-hcpcs",
                                      str(tmp_path / "HCPC.txt")])
    assert result.exit_code == 0, result.output
    assert set(HcpcsCode.objects.values_list("code", flat=True)) == {"J9035", "A0021"}
    assert AuditEvent.objects.filter(action="scrubber.hcpcs.load").exists()


def test_a_file_without_codes_exits_1_and_keeps_the_code_set(tmp_path: Path,
                                                            world: World) -> None:
    HcpcsCode.objects.create(code="Q9999")
    (tmp_path / "empty.txt").write_text("nothing here\n")
    result = CliRunner().invoke(app, ["claims", "codes", "load-hcpcs",
                                      str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert HcpcsCode.objects.filter(code="Q9999").exists()


def test_without_a_loaded_code_set_hcpcs_codes_are_checked_for_form_only(
        world: World) -> None:
    c = b.claim(world.acme, lines=[{"procedure": "J9999"}])
    assert "PR002" not in {f.code for f in scrub_claims([c], today=b.TODAY)[c.pk]}
