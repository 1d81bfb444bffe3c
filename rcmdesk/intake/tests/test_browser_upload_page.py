"""Headless Chromium uploads a file as client staff, watches the page poll while the worker
runs the ingestion task, and sees the outcome appear without touching the page."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST


def test_client_staff_upload_a_file_and_the_page_shows_the_outcome_when_the_worker_is_done(
        page, world, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    _sign_in(page, world, Role.CLIENT_STAFF)
    page.get_by_role("link", name="Intake").click()
    page.get_by_test_id("upload-link").click()
    sent = tmp_path / "note.txt"
    sent.write_bytes(b"this is not X12")
    page.get_by_label("Client").select_option("acme")
    page.get_by_label("X12 files (835, 837, 277CA, 999)").set_input_files(str(sent))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("progress")).to_be_visible()
    assert ReceivedFile.objects.get().status == FileStatus.RECEIVED

    call_command("db_worker", queue_name="*", batch=True, no_startup_delay=True, verbosity=0)

    expect(page.get_by_test_id("status")).to_have_text("Quarantined", timeout=10_000)
    expect(page.get_by_test_id("progress")).to_have_count(0)
    expect(page.get_by_test_id("reason")).to_contain_text("This file is plain text, not an X12")
    expect(page.get_by_test_id("retry")).to_have_count(0)
    assert re.search(r"/intake/files/\d+/", page.url)
    assert reverse("intake:files") in page.content()
    assert page.csp_errors == []


DROP = """([names, zone]) => {
  const moved = new DataTransfer();
  for (const name of names) {
    moved.items.add(new File(["not X12 but " + name], name, {type: "text/plain"}));
  }
  const target = document.querySelector(zone);
  target.dispatchEvent(new DragEvent("dragover", {dataTransfer: moved, bubbles: true,
                                                  cancelable: true}));
  target.dispatchEvent(new DragEvent("drop", {dataTransfer: moved, bubbles: true,
                                              cancelable: true}));
}"""


def test_two_files_dropped_on_the_zone_are_both_received(page, world) -> None:  # noqa: F811
    from playwright.sync_api import expect

    _sign_in(page, world, Role.CLIENT_STAFF)
    page.goto(reverse("intake:upload"))
    page.get_by_label("Client").select_option("acme")
    page.evaluate(DROP, [["first.835", "second.835"], "[data-dropzone]"])
    expect(page.get_by_test_id("dropzone")).to_contain_text("first.835")
    expect(page.get_by_test_id("dropzone")).to_contain_text("second.835")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("2 files received")).to_be_visible()
    assert sorted(ReceivedFile.objects.values_list("original_name", flat=True)) == [
        "first.835", "second.835"]
    expect(page.get_by_test_id("files")).to_contain_text("first.835")
    assert page.csp_errors == []
