"""The contract pages: anyone who sees the client reads them; only the client's admins and
managers change anything, and another client's contract is not there at all."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.contracts.models import Contract, ContractVersion, FeeRate, ReferenceSchedule
from rcmdesk.contracts.tests.factories import contract, payer
from rcmdesk.tenancy.roles import Role

SCHEDULE = b"procedure,amount,effective_from,action\n99213,110.00,07/01/2026,\n" \
           b"99203,90.00,07/01/2026,\n99214,,07/01/2026,remove\n"
PFS = b"HCPCS,MOD,NON-FACILITY PRICE,FACILITY PRICE\n99213,,$92.03,$65.11\n"
READERS = [Role.CLIENT_ADMIN, Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
           Role.PARTNER_SPECIALIST, Role.PARTNER_QA]
NOT_MANAGERS = [Role.CLIENT_STAFF, Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST,
                Role.PARTNER_QA]


def _change_pages(made: Contract) -> list[str]:
    return [reverse("contracts:new"), reverse("contracts:load_reference"),
            reverse("contracts:terms", args=[made.pk]),
            reverse("contracts:import", args=[made.pk]),
            reverse("contracts:confirm_import", args=[made.pk])]


@pytest.mark.parametrize("role", READERS, ids=lambda r: r.value)
def test_everyone_who_sees_the_client_reads_its_contracts(world: Any, signed_in: Any,
                                                          role: Role) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    client = signed_in(role)
    listing = client.get(reverse("contracts:contracts")).content.decode()
    assert made.name in listing
    page = client.get(reverse("contracts:contract", args=[made.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "$100.00" in body
    assert "initial schedule" in body
    assert ('data-testid="import-schedule"' in body) is (
        role in (Role.CLIENT_ADMIN, Role.CLIENT_MANAGER))
    assert client.get(reverse("contracts:version", args=[made.pk, 1])).status_code == 200
    assert client.get(reverse("contracts:references")).status_code == 200
    assert AuditEvent.objects.filter(action="read", object_type__icontains="contract").exists()


@pytest.mark.parametrize("role", NOT_MANAGERS, ids=lambda r: r.value)
def test_every_change_page_refuses_partners_and_client_staff(world: Any, signed_in: Any,
                                                              role: Role) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    client = signed_in(role)
    for url in _change_pages(made):
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, {"note": "x", "token": "x"}).status_code == 403, url
    assert ContractVersion.objects.filter(contract=made).count() == 1


def test_another_clients_contract_is_not_found(world: Any, signed_in: Any) -> None:
    theirs = contract(world.birch, {"99213": "100.00"})
    client = signed_in(Role.CLIENT_ADMIN)
    for url in [reverse("contracts:contract", args=[theirs.pk]),
                reverse("contracts:version", args=[theirs.pk, 1]),
                reverse("contracts:terms", args=[theirs.pk]),
                reverse("contracts:import", args=[theirs.pk])]:
        assert client.get(url).status_code == 404, url
    confirm = reverse("contracts:confirm_import", args=[theirs.pk])
    assert client.post(confirm, {"token": "x"}).status_code == 404
    assert theirs.name not in client.get(reverse("contracts:contracts")).content.decode()


def test_an_import_is_previewed_as_a_diff_then_confirmed_as_a_version(
        world: Any, signed_in: Any) -> None:
    made = contract(world.acme, {"99213": "100.00", "99214": "150.00"})
    client = signed_in(Role.CLIENT_MANAGER)
    preview = client.post(reverse("contracts:import", args=[made.pk]), {
        "note": "2026 mid-year schedule",
        "file": SimpleUploadedFile("fees-2026.csv", SCHEDULE, content_type="text/csv")})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "1 added, 1 changed, 1 removed, 0 unchanged" in body
    assert "$100.00" in body
    assert "$110.00" in body
    assert FeeRate.objects.filter(contract=made).count() == 2  # nothing yet
    token = body.split('name="token" value="')[1].split('"')[0]
    done = client.post(reverse("contracts:confirm_import", args=[made.pk]), {"token": token})
    assert done.status_code == 302
    version = ContractVersion.objects.get(contract=made, number=2)
    assert version.source == "CSV import fees-2026.csv"
    assert version.note == "2026 mid-year schedule"
    assert version.author == world.user(Role.CLIENT_MANAGER)
    assert version.rates.count() == 3


def test_an_altered_preview_is_not_applied(world: Any, signed_in: Any) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    client = signed_in(Role.CLIENT_ADMIN)
    done = client.post(reverse("contracts:confirm_import", args=[made.pk]),
                       {"token": "eyJ0ZXh0Ijoi.forged"})
    assert done.status_code == 302
    assert ContractVersion.objects.filter(contract=made).count() == 1


def test_a_bad_file_comes_back_with_each_problem_by_row_and_column(world: Any,
                                                                    signed_in: Any) -> None:
    made = contract(world.acme, {"99213": "100.00"})
    page = signed_in(Role.CLIENT_ADMIN).post(reverse("contracts:import", args=[made.pk]), {
        "note": "x", "file": SimpleUploadedFile(
            "bad.csv", b"procedure,amount,effective_from\n99213,abc,01/01/2026\n")})
    assert page.status_code == 400
    body = page.content.decode()
    assert 'data-testid="import-problems"' in body
    assert "&#x27;abc&#x27; is not a number" in body


def test_a_new_contract_and_a_change_of_terms_are_versions_with_notes(
        world: Any, signed_in: Any) -> None:
    client = signed_in(Role.CLIENT_ADMIN)
    aetna = payer(world.acme)
    made = client.post(reverse("contracts:new"), {
        "payer": aetna.pk, "plan": "", "name": "Aetna 2026", "bilateral_percent": "150",
        "tolerance_amount": "1.00", "tolerance_percent": "1"})
    assert made.status_code == 302
    found = Contract.objects.get(client=world.acme, name="Aetna 2026")
    form = {"name": "Aetna 2026", "bilateral_percent": "150", "tolerance_amount": "5.00",
            "tolerance_percent": "1", "active": "on"}
    refused = client.post(reverse("contracts:terms", args=[found.pk]), form)
    assert refused.status_code == 400  # a note is required
    done = client.post(reverse("contracts:terms", args=[found.pk]),
                       form | {"note": "Amendment 1"})
    assert done.status_code == 302
    found.refresh_from_db()
    assert found.tolerance_amount == Decimal("5.00")
    assert "Amendment 1" in ContractVersion.objects.get(contract=found, number=1).note
    assert AuditEvent.objects.filter(action="contracts.contract_created").count() == 1


def test_the_client_loads_a_reference_schedule_from_the_page(world: Any,
                                                              signed_in: Any) -> None:
    client = signed_in(Role.CLIENT_ADMIN)
    done = client.post(reverse("contracts:load_reference"), {
        "name": "Medicare PFS 2026", "year": "2026",
        "file": SimpleUploadedFile("pfs.csv", PFS, content_type="text/csv")})
    assert done.status_code == 302
    assert ReferenceSchedule.objects.get(client=world.acme).rows == 1
    assert "Medicare PFS 2026" in client.get(reverse("contracts:references")).content.decode()
