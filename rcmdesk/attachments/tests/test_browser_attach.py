"""Headless Chromium: a specialist attaches the payer's fax to a work item through the htmx
panel, sees it listed without a page load, and is told in words why a program renamed .pdf
was not attached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rcmdesk.attachments.models import Attachment
from rcmdesk.attachments.tests.documents import PROGRAM, image
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST


def test_a_specialist_attaches_a_fax_in_the_panel_and_a_program_is_refused_in_words(
        page: Any, world: Any, owners: Any, live_server: Any, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    fax, program = tmp_path / "payer-fax.tif", tmp_path / "records.pdf"
    fax.write_bytes(image("TIFF", frames=2))
    program.write_bytes(PROGRAM)
    _sign_in(page, world, Role.PARTNER_SPECIALIST)
    page.goto(f"/work/items/{owners.denied.item.pk}/")
    page.get_by_test_id("attach-file").set_input_files(str(fax))
    page.get_by_test_id("attach").click()
    expect(page.get_by_test_id("attachment-done")).to_have_text("Attached payer-fax.tif.")
    expect(page.get_by_test_id("attachment-link")).to_have_text("payer-fax.tif")
    page.get_by_test_id("attach-file").set_input_files(str(program))
    page.get_by_test_id("attach").click()
    expect(page.get_by_test_id("attachment-problem")).to_contain_text(
        "records.pdf is not a PDF, PNG, JPEG or TIFF file")
    assert list(Attachment.objects.values_list("name", flat=True)) == ["payer-fax.tif"]
