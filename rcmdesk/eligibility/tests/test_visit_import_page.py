"""The import page: a clean file imports and returns to the list; a bad one lists its errors
by row and column and imports nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit
from rcmdesk.eligibility.tests.test_imports import HOSTILE
from rcmdesk.tenancy.roles import Role
from rcmdesk.tests.hostile import Hostile

HEADER = ("external_id,scheduled_on,patient_last_name,patient_first_name,patient_birth_date,"
          "payer_id,member_id\n")


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("visits.csv", text.encode(), content_type="text/csv")


def test_a_clean_csv_imports_and_returns_to_the_list(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(Role.CLIENT_STAFF)
    assert client.get(reverse("eligibility:import")).status_code == 200
    response = client.post(reverse("eligibility:import"), {
        "client": "acme", "file": upload(HEADER + "A1,2026-12-01,Smith,John,1963-05-19,P1,M1\n")})
    assert response.status_code == 302
    assert Visit.objects.get().external_id == "A1"


def test_a_bad_row_is_listed_by_row_and_column_and_nothing_is_imported(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(Role.CLIENT_STAFF).post(reverse("eligibility:import"), {
        "client": "acme", "file": upload(HEADER + "A1,2026-12-01,Smith,John,1963-05-19,P1,M1\n"
                                                   "A2,someday,Jones,Ann,1970-01-01,P1,M2\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "<td>3</td><td>scheduled_on</td>" in html
    assert not Visit.objects.exists()


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=64)
def test_a_file_over_the_size_limit_is_refused_with_its_size_and_the_limit(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    clean = HEADER + "A1,2026-12-01,Smith,John,1963-05-19,P1,M1\n"
    response = signed_in(Role.CLIENT_STAFF).post(reverse("eligibility:import"), {
        "client": "acme", "file": upload(clean)})
    assert response.status_code == 400
    assert (f"The visits file is {len(clean)} bytes; the largest file accepted is 64 bytes."
            in response.content.decode())
    assert not Visit.objects.exists()


def test_a_client_admin_may_not_import(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(Role.CLIENT_ADMIN).get(reverse("eligibility:import")).status_code == 403


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_listed_by_where_and_which_limit_and_nothing_is_imported(
        world: World, signed_in, case: Hostile) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(Role.CLIENT_STAFF).post(reverse("eligibility:import"), {
        "client": "acme", "file": SimpleUploadedFile(case.name, case.data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<td>{case.row}</td><td>{escape(case.field)}</td>" in html
    assert escape(case.says) in html
    assert not Visit.objects.exists()
