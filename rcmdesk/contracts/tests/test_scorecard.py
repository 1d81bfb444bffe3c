"""The reports' grouped figures equal a hand computation on a small month (report_fixture)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rcmdesk.conftest import World
from rcmdesk.contracts import scorecard
from rcmdesk.contracts.scorecard import Period
from rcmdesk.contracts.tests.report_fixture import MARCH, march

PERIOD = Period(*MARCH)
D = Decimal


def _by_name(rows):
    return {r.name: r for r in rows}


def test_underpayments_by_payer_count_the_shortfall_and_cap_later_payments_at_it(
        world: World) -> None:
    march(world.acme)
    rows = _by_name(scorecard.underpayments(world.acme, PERIOD, "payer"))
    aetna, blue = rows["Aetna (synthetic)"], rows["Blue Shield (synthetic)"]
    assert (aetna.lines, aetna.found, aetna.recovered, aetna.open) == (1, D("20.00"),
                                                                       D("15.00"), D("5.00"))
    # Blue paid $50 later on a $40 shortfall: recovered is capped at $40.
    assert (blue.lines, blue.found, blue.recovered, blue.open) == (1, D("40.00"), D("40.00"),
                                                                   D("0.00"))
    assert aetna.payer_code == "P-AETNA"
    first = scorecard.underpayments(world.acme, PERIOD)[0]
    assert first.name == "Aetna (synthetic)"  # the most still open first


def test_underpayments_by_code_sum_every_payers_lines_of_the_code(world: World) -> None:
    march(world.acme)
    rows = _by_name(scorecard.underpayments(world.acme, PERIOD, "procedure"))
    assert set(rows) == {"99213"}
    assert (rows["99213"].lines, rows["99213"].found, rows["99213"].recovered) == (
        2, D("60.00"), D("55.00"))
    total = scorecard.totals(list(rows.values()))
    assert (total.found, total.open) == (D("60.00"), D("5.00"))


def test_overpayments_count_the_excess_and_what_a_recoupment_took_back(world: World) -> None:
    march(world.acme)
    (row,) = scorecard.overpayments(world.acme, PERIOD, "payer")
    assert (row.name, row.lines, row.found, row.recovered, row.open) == (
        "Aetna (synthetic)", 1, D("10.00"), D("10.00"), D("0.00"))
    (by_code,) = scorecard.overpayments(world.acme, PERIOD, "procedure")
    assert by_code.name == "99214"


def test_the_payer_scorecard_equals_the_hand_computation(world: World) -> None:
    march(world.acme)
    scores = {s.name: s for s in scorecard.scorecard(world.acme, PERIOD)}
    aetna, blue = scores["Aetna (synthetic)"], scores["Blue Shield (synthetic)"]
    # Aetna: allowed 80 + 130 + 140 = 350 of 360 expected; 1 of 3 lines as contracted.
    assert (aetna.compared, aetna.allowed, aetna.expected) == (3, D("350.00"), D("360.00"))
    assert (aetna.pay_rate, aetna.as_contracted) == (D("97.2"), D("33.3"))
    # Paid March 9 (twice) and March 19 on claims submitted March 1: (8 + 8 + 18) / 3.
    assert (aetna.paid_claims, aetna.days_to_pay) == (3, D("11.3"))
    assert (aetna.remitted, aetna.denied, aetna.denial_rate) == (3, 0, D("0.0"))
    assert (aetna.recoupments, aetna.recouped, aetna.unexplained) == (1, D("10.00"), 1)
    # Blue: 60 of 100; paid March 10 and 21 on a March 1 claim: (9 + 20) / 2; 1 of 3 denied.
    assert (blue.pay_rate, blue.as_contracted, blue.days_to_pay) == (D("60.0"), D("0.0"),
                                                                     D("14.5"))
    assert (blue.remitted, blue.denied, blue.denial_rate) == (3, 1, D("33.3"))
    assert (blue.recoupments, blue.recouped) == (0, D("0.00"))


def test_days_to_pay_start_at_the_first_batch_that_sent_the_claim(world: World) -> None:
    from rcmdesk.intake.models import OutboundFile
    from rcmdesk.submission.models import BatchClaim, SubmissionBatch

    month = march(world.acme)
    outbound = OutboundFile.objects.create(client=world.acme, set_id="837", name="b.837",
                                           sha256="0" * 64, size=1, content=b"x",
                                           isa_sender="ACME", isa13="000000001", gs06="1",
                                           count=1)
    batch = SubmissionBatch.objects.create(client=world.acme, kind="P", outbound=outbound,
                                           created_at=month.remittances["R2"].created_at
                                           .replace(day=5))
    BatchClaim.objects.create(batch=batch, claim=month.claims["two"], set_control="0001",
                              position=1)
    blue = _by_name(scorecard.scorecard(world.acme, PERIOD))["Blue Shield (synthetic)"]
    assert blue.days_to_pay == D("10.5")  # (10 - 5 + 21 - 5) / 2


def test_another_period_and_another_client_show_nothing(world: World) -> None:
    march(world.acme)
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    assert scorecard.underpayments(world.acme, april) == []
    assert scorecard.scorecard(world.birch, PERIOD) == []
    assert scorecard.recoupments(world.acme, april)["count"] == 0


def test_the_figures_cost_a_few_grouped_queries_whatever_the_lines(world: World) -> None:
    march(world.acme)
    with CaptureQueriesContext(connection) as queries:
        scorecard.underpayments(world.acme, PERIOD)
        scorecard.scorecard(world.acme, PERIOD)
    assert len(queries) <= 5


def test_the_weekly_section_totals_the_week(world: World) -> None:
    march(world.acme)
    section = scorecard.weekly_section(world.acme, date(2026, 3, 9), date(2026, 3, 15))
    under = section["underpaid"]
    assert (under.lines, under.found, under.recovered, under.open) == (2, D("60.00"),
                                                                       D("55.00"), D("5.00"))
    assert section["recoupments"]["count"] == 0  # the PLB came the week after
    assert [p.name for p in section["payers"]] == ["Aetna (synthetic)",
                                                   "Blue Shield (synthetic)"]


def test_the_weekly_report_carries_the_expected_payment_section(world: World) -> None:
    from rcmdesk.reports import weekly

    march(world.acme)
    content = weekly.build(world.acme, "2026-W11")  # March 9 to 15
    assert content.expected_payment["underpaid"].found == D("60.00")
    body = weekly.render_html(content)
    assert 'data-testid="expected-payment"' in body
    assert "Underpayments found this week: 2 lines, $60.00 below contract" in body
    assert "97.2%" in body
    quiet = weekly.render_html(weekly.build(world.birch, "2026-W11"))
    assert "No posted line was compared with a contract this week" in quiet


def test_a_shortfall_paid_in_part_later_is_found_once_and_recovered_in_part(
        world: World) -> None:
    """Through the real poster: $40 short, then the payer reprocesses (reversal and a
    corrected payment $25 higher). The line is compared twice (the second time $15 short on
    its running totals); the report finds $40 once, recovered $25, open $15 - not $55."""
    from rcmdesk.contracts.models import LineVariance
    from rcmdesk.contracts.scorecard import Period, totals, underpayments
    from rcmdesk.contracts.tests.remits import expected_claim, payer_contract
    from rcmdesk.intake.services import ingest
    from rcmdesk.remits.tests.x12text import header, remit

    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    for trace, isa13, body, amount in (
            ("T1", "000000801", "CLP*PCN1*1*150*60**12*ICN1~SVC*HC:99213*150*60**1~"
             "CAS*CO*45*90~", "60.00"),
            ("T2", "000000802", "CLP*PCN1*22*-150*-60**12*ICN1~SVC*HC:99213*-150*-60**1~"
             "CAS*CO*45*-90~CLP*PCN1*1*150*85**12*ICN2~SVC*HC:99213*150*85**1~"
             "CAS*CO*45*65~", "25.00")):
        ingest(world.acme, remit(header(amount, trace=trace) + body, isa13=isa13),
               f"{trace}.835")
    assert LineVariance.objects.filter(kind="underpaid").count() == 2
    today = world.acme.today()
    found = totals(underpayments(world.acme, Period(today, today)))
    assert (found.lines, found.found, found.recovered, found.open) == (
        1, Decimal("40.00"), Decimal("25.00"), Decimal("15.00"))
