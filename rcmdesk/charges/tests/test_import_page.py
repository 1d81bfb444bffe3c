"""The import page: a file in, drafts out, or every problem listed with where it is."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from rcmdesk.charges.tests.test_imports import GOOD, HOSTILE
from rcmdesk.claims.models import Claim
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def upload(world, text: str, role=Role.CLIENT_STAFF, client_id=None):
    client = sign_in(Client(), world.user(role))
    return client.post(reverse("charges:import"), {
        "client": client_id or world.acme.pk, "format": "",
        "file": SimpleUploadedFile("charges.csv", text.encode(), "text/csv")})


def test_a_good_csv_is_imported_and_counted(world):
    response = upload(world, GOOD)
    assert response.status_code == 200
    assert "2 draft(s) created" in response.content.decode()
    assert Claim.objects.count() == 2


def test_a_bad_csv_lists_its_problems_and_imports_nothing(world):
    response = upload(world, GOOD.replace("125.00", "abc"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "<td>row 2</td><td>charge</td>" in body
    assert not Claim.objects.exists()


def test_another_clients_id_is_refused(world):
    assert upload(world, GOOD, client_id=world.birch.pk).status_code == 400
    assert not Claim.objects.exists()


def test_a_role_that_works_no_items_may_not_import(world):
    assert upload(world, GOOD, role=Role.CLIENT_ADMIN).status_code == 403


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_listed_by_where_and_which_limit_and_nothing_is_imported(world,
                                                                                   case):
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    response = client.post(reverse("charges:import"), {
        "client": world.acme.pk, "format": "",
        "file": SimpleUploadedFile(case.name, case.data)})
    body = response.content.decode()
    assert response.status_code == 400
    assert f"<td>{case.row}</td><td>{escape(case.field)}</td>" in body
    assert escape(case.says) in body
    assert not Claim.objects.exists()


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=400)
def test_a_file_over_the_size_limit_is_refused_whole_with_its_size_and_the_limit(world):
    response = upload(world, GOOD)  # 451 bytes: good rows, but too big
    body = response.content.decode()
    assert response.status_code == 400
    assert ("<td>file</td><td></td><td>The charge file is 451 bytes; the largest file "
            "accepted is 400 bytes.</td>") in body
    assert not Claim.objects.exists()


def test_an_empty_file_is_refused(world):
    response = upload(world, "")
    assert response.status_code == 400
    assert "The charge file is empty." in response.content.decode()
