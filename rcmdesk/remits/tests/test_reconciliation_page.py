"""The Reconciliation page and its API: posting-scope users only, uploads by those who work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils.html import escape

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.remits.deposits import import_deposits_csv, match_deposits
from rcmdesk.remits.models import Deposit, Remittance
from rcmdesk.remits.tests.test_deposits import HOSTILE, csv_bytes, hostile_message, paid_remit
from rcmdesk.tenancy.roles import Role
from rcmdesk.tenancy.services import open_break_glass
from rcmdesk.tests.hostile import Hostile
from rcmdesk.uploads import size_shown

PAGE = "/reconciliation/"
UPLOAD = "/reconciliation/upload/"
API = "/api/reconciliation/unmatched"


@pytest.fixture
def acme_books(world: World) -> World:
    """One matched pair, one discrepancy, one stray deposit and one unpaid-for 835 at Acme."""
    paid_remit(world.acme, "PCN1", "100.00", "1111", "000000401")
    paid_remit(world.acme, "PCN2", "200.00", "2222", "000000402")
    paid_remit(world.acme, "PCN3", "300.00", "3333", "000000403")
    import_deposits_csv(world.acme, csv_bytes("2025-01-03,100.00,1111,ACH ONE",
                                              "2025-01-03,195.00,2222,ACH TWO LESS FEE",
                                              "2025-01-04,42.42,9999,STRAY CREDIT"), "jan.csv")
    match_deposits(world.acme)
    return world


def give_pillar_posting(world: World) -> None:
    world.acme_engagement.scope = [*world.acme_engagement.scope, "posting"]
    world.acme_engagement.save()


def upload(client: Client, slug: str, data: bytes, name: str = "bank.csv") -> object:
    return client.post(UPLOAD, {"client": slug, "file": SimpleUploadedFile(name, data)})


def test_the_page_shows_unmatched_deposits_remits_and_discrepancies(acme_books: World) -> None:
    page = sign_in(Client(), acme_books.user(Role.CLIENT_MANAGER)).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "STRAY CREDIT" in text
    assert "42.42" in text
    assert "3333" in text  # the 835 no deposit paid
    assert "($5.00)" in text  # 195.00 deposited against a 200.00 835
    assert "ACH ONE" not in text  # matched: nothing to show
    assert 'data-testid="deposit-upload"' in text
    event = AuditEvent.objects.get(action="list", object_type="remits.deposit")
    assert event.client_org_id == acme_books.acme.pk
    assert_names_the_open_deposits_and_payments(event.detail, "reconciliation")


def assert_names_the_open_deposits_and_payments(detail: dict[str, object], view: str) -> None:
    assert detail == {
        "view": view,
        "deposits": list(Deposit.objects.filter(trace__in=["2222", "9999"])
                         .order_by("deposit_date", "pk").values_list("pk", flat=True)),
        "remittances": list(Remittance.objects.filter(trace_number__in=["2222", "3333"])
                            .order_by("pk").values_list("pk", flat=True))}


def test_a_partner_without_the_posting_workflow_sees_nothing(acme_books: World) -> None:
    specialist = sign_in(Client(), acme_books.user(Role.PARTNER_SPECIALIST))
    assert specialist.get(PAGE, {"client": "acme"}).status_code == 404
    assert "STRAY CREDIT" not in specialist.get(PAGE).content.decode()
    assert specialist.get(API, {"client": "acme"}).status_code == 404
    assert upload(specialist, "acme", csv_bytes("2025-01-05,1.00,X,x")).status_code == 404  # type: ignore[attr-defined]
    assert Deposit.objects.count() == 3


def test_another_clients_books_answer_like_a_missing_client(acme_books: World) -> None:
    birch = sign_in(Client(), acme_books.birch_admin)
    for slug in ("acme", "no-such-client"):
        assert birch.get(PAGE, {"client": slug}).status_code == 404
        assert birch.get(API, {"client": slug}).status_code == 404


def test_a_partner_given_posting_sees_the_page_and_may_upload(acme_books: World) -> None:
    give_pillar_posting(acme_books)
    specialist = sign_in(Client(), acme_books.user(Role.PARTNER_SPECIALIST))
    assert "STRAY CREDIT" in specialist.get(PAGE, {"client": "acme"}).content.decode()
    response = upload(specialist, "acme", csv_bytes("2025-01-05,300.00,3333,ACH THREE"))
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Deposit.objects.get(trace="3333").remittance is not None


def test_roles_that_do_not_work_items_get_no_form_and_403(acme_books: World) -> None:
    give_pillar_posting(acme_books)
    for user in (acme_books.user(Role.CLIENT_ADMIN), acme_books.user(Role.PARTNER_QA)):
        client = sign_in(Client(), user)
        page = client.get(PAGE, {"client": "acme"})
        assert page.status_code == 200
        assert 'data-testid="deposit-upload"' not in page.content.decode()
        assert upload(client, "acme", csv_bytes("2025-01-05,1.00,X,x")).status_code == 403  # type: ignore[attr-defined]
    assert Deposit.objects.count() == 3


def test_break_glass_reads_the_page_but_cannot_upload(acme_books: World) -> None:
    admin = acme_books.user(Role.PLATFORM_ADMIN)
    open_break_glass(acme_books.acme, "Checking a reconciliation incident for Acme",
                     acting_user=admin)
    client = sign_in(Client(), admin)
    page = client.get(PAGE, {"client": "acme"})
    assert page.status_code == 200
    assert 'data-testid="deposit-upload"' not in page.content.decode()
    assert upload(client, "acme", csv_bytes("2025-01-05,1.00,X,x")).status_code == 403  # type: ignore[attr-defined]


def test_an_upload_imports_and_matches_and_a_repeat_adds_nothing(acme_books: World) -> None:
    staff = sign_in(Client(), acme_books.user(Role.CLIENT_STAFF))
    data = csv_bytes("01/05/2025,$300.00,3333,ACH THREE")
    first = upload(staff, "acme", data)
    assert first.url == "/reconciliation/?client=acme"  # type: ignore[attr-defined]
    assert Deposit.objects.get(trace="3333").remittance is not None
    upload(staff, "acme", data)
    assert Deposit.objects.count() == 4
    text = staff.get(PAGE, {"client": "acme"}).content.decode()
    assert "already imported" in text
    assert AuditEvent.objects.filter(action="remits.deposits_imported",
                                     actor_username="acme.staff").count() == 1


def test_a_bad_upload_imports_nothing_and_says_where(acme_books: World) -> None:
    staff = sign_in(Client(), acme_books.user(Role.CLIENT_STAFF))
    upload(staff, "acme", csv_bytes("2025-01-05,1.00,A,a", "2025-13-01,2.00,B,b"), "feb.csv")
    assert Deposit.objects.count() == 3
    text = staff.get(PAGE, {"client": "acme"}).content.decode()
    assert "Nothing imported. feb.csv: row 3, column &#x27;Date&#x27;" in text


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_size_limit_imports_nothing_and_says_its_size_and_the_limit(
        acme_books: World) -> None:
    staff = sign_in(Client(), acme_books.user(Role.CLIENT_STAFF))
    rows = [f"2025-01-{day:02},{day}.00,T{day},ACH {day}" for day in range(1, 29)] * 3
    data = csv_bytes(*rows)
    assert len(data) > 2 * 1024
    upload(staff, "acme", data, "march.csv")
    assert Deposit.objects.count() == 3
    text = staff.get(PAGE, {"client": "acme"}).content.decode()
    assert (f"Nothing imported. The deposit file is {size_shown(len(data), up=True)}; the "
            "largest file accepted is 1 KB.") in text


def test_a_picture_uploaded_as_deposits_is_named_as_a_picture(acme_books: World) -> None:
    staff = sign_in(Client(), acme_books.user(Role.CLIENT_STAFF))
    upload(staff, "acme", b"\x89PNG\r\n\x1a\n\x00\x00", "statement.png")
    assert Deposit.objects.count() == 3
    text = staff.get(PAGE, {"client": "acme"}).content.decode()
    assert ("Nothing imported. statement.png: this file is a PNG image, not a deposit file. "
            "Upload the CSV or BAI2 file your bank sent.") in text


def test_an_upload_without_a_csrf_token_is_refused(acme_books: World) -> None:
    staff = sign_in(Client(enforce_csrf_checks=True), acme_books.user(Role.CLIENT_STAFF))
    assert upload(staff, "acme", csv_bytes("2025-01-05,1.00,X,x")).status_code == 403  # type: ignore[attr-defined]
    assert Deposit.objects.count() == 3


def test_the_api_lists_both_sides_with_ages(acme_books: World) -> None:
    staff = sign_in(Client(), acme_books.user(Role.CLIENT_STAFF))
    body = staff.get(API, {"client": "acme"}).json()
    assert body["client"] == "acme"
    deposits = {d["trace"]: d for d in body["deposits"]}
    assert set(deposits) == {"2222", "9999"}
    assert deposits["9999"]["age_days"] > 0
    assert Decimal(deposits["9999"]["amount"]) == Decimal("42.42")
    assert [r["trace_number"] for r in body["remittances"]] == ["2222", "3333"]
    assert [Decimal(x["difference"]) for x in body["discrepancies"]] == [Decimal("-5.00")]
    assert Client().get(API, {"client": "acme"}).status_code == 401
    event = AuditEvent.objects.get(action="list", object_type="remits.deposit")
    assert_names_the_open_deposits_and_payments(event.detail, "api.reconciliation.unmatched")


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_upload_imports_nothing_and_says_where_and_which_limit(
        acme_books: World, case: Hostile) -> None:
    staff = sign_in(Client(), acme_books.user(Role.CLIENT_STAFF))
    upload(staff, "acme", case.data, case.name)
    assert Deposit.objects.count() == 3
    text = staff.get(PAGE, {"client": "acme"}).content.decode()
    assert escape(f"Nothing imported. {hostile_message(case)}") in text
    assert escape(case.says) in text


def test_the_page_links_each_835_trace_number_to_its_remittance(acme_books: World) -> None:
    text = sign_in(Client(), acme_books.user(Role.CLIENT_MANAGER)).get(PAGE).content.decode()
    for trace in ("2222", "3333"):
        remittance = Remittance.objects.get(trace_number=trace)
        assert f'<a href="/posting/remittances/{remittance.pk}/" data-testid="trace">{trace}</a>' \
            in text
