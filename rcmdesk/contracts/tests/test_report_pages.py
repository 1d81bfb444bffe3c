"""/expected-payment/: the underpayments page and the payer scorecard, their CSV downloads
(audited), and who may open them."""

from __future__ import annotations

import csv
import io

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.contracts.tests.report_fixture import march
from rcmdesk.tenancy.roles import Role

MARCH = "from=2026-03-01&to=2026-03-31"
UNDER = "/expected-payment/underpayments/"
SCORE = "/expected-payment/scorecard/"


def test_a_client_manager_sees_underpayments_by_payer_and_code_with_links_to_the_work(
        world: World, signed_in) -> None:
    march(world.acme)
    page = signed_in(Role.CLIENT_MANAGER).get(f"{UNDER}?client=acme&{MARCH}")
    body = page.content.decode()
    assert page.status_code == 200
    for shown in ("Aetna (synthetic)", "99213", "$20.00", "$5.00", "$55.00"):
        assert shown in body
    assert "03/01/2026" in body
    assert f"kind=underpayment&amp;client={world.acme.pk}&amp;payer=P-AETNA" in body
    assert "/claims/?client=acme&amp;payer=P-AETNA" in body
    assert "None" not in body  # no Python repr on the page
    assert "False" not in body


def test_the_scorecard_shows_pay_rate_days_to_pay_denials_and_recoupments(
        world: World, signed_in) -> None:
    march(world.acme)
    page = signed_in(Role.PARTNER_LEAD).get(f"{SCORE}?client=acme&{MARCH}")
    body = page.content.decode()
    assert page.status_code == 200
    for shown in ("97.2%", "11.3", "33.3%"):
        assert shown in body
    assert "Recoupments found in the period: 1, $10.00" in body
    assert "None" not in body


def test_with_no_period_the_last_90_days_are_shown(world: World, signed_in) -> None:
    page = signed_in(Role.CLIENT_MANAGER).get(UNDER)
    assert page.status_code == 200
    assert "None found in the period." in page.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused_with_the_reason(
        world: World, signed_in) -> None:
    page = signed_in(Role.CLIENT_MANAGER).get(f"{UNDER}?from=2026-03-31&to=2026-03-01")
    assert page.status_code == 400
    assert "ends before it starts" in page.content.decode()


def test_a_specialist_without_report_rights_is_refused(world: World, signed_in) -> None:
    client = signed_in(Role.PARTNER_SPECIALIST)
    for url in (UNDER, SCORE, f"{UNDER[:-1]}.csv", f"{SCORE[:-1]}.csv"):
        assert client.get(url).status_code == 403, url


def test_another_clients_reports_answer_not_found(world: World, signed_in) -> None:
    client = signed_in(Role.CLIENT_MANAGER)
    for url in (UNDER, SCORE, f"{UNDER[:-1]}.csv", f"{SCORE[:-1]}.csv"):
        assert client.get(f"{url}?client=birch").status_code == 404, url


def test_each_table_downloads_as_csv_and_the_export_is_audited(world: World,
                                                                 signed_in) -> None:
    march(world.acme)
    client = signed_in(Role.CLIENT_MANAGER)
    got = client.get(f"/expected-payment/underpayments.csv?client=acme&{MARCH}&table=code")
    assert got.status_code == 200
    assert got["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.content.decode())))
    assert rows == [["Procedure code", "Lines", "Found", "Recovered", "Open"],
                    ["99213", "2", "60.00", "55.00", "5.00"]]
    event = AuditEvent.objects.get(action="export", object_type="contracts.linevariance")
    assert event.client_org_id == world.acme.pk
    assert event.detail == {"report": "code", "from": "2026-03-01", "to": "2026-03-31",
                            "rows": 1}
    score = client.get(f"/expected-payment/scorecard.csv?client=acme&{MARCH}")
    lines = list(csv.reader(io.StringIO(score.content.decode())))
    assert lines[0][0] == "Payer"
    assert {r[0] for r in lines[1:]} == {"Aetna (synthetic)", "Blue Shield (synthetic)"}
    assert AuditEvent.objects.filter(action="export",
                                     object_type="contracts.scorecard").count() == 1


def test_an_unknown_table_answers_not_found(world: World, signed_in) -> None:
    got = signed_in(Role.CLIENT_MANAGER).get("/expected-payment/underpayments.csv?table=x")
    assert got.status_code == 404
