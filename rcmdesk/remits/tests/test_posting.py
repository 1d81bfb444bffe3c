"""835 auto-posting: each test writes the 835 as X12 and the ledger it expects."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from rcmdesk.claims.models import Claim, ClaimStatus
from rcmdesk.conftest import World
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, LedgerEntry, PostingException
from rcmdesk.remits.tests.x12text import header, make_claim, remit

D = Decimal


@pytest.fixture(autouse=True)
def _ledger_stays_balanced(db: Any) -> Iterator[None]:
    yield
    assert check_ledger() == []


def balances(claim: Claim) -> dict[str, Decimal]:
    rows = LedgerEntry.objects.filter(claim=claim).values("account").annotate(t=Sum("amount"))
    return {r["account"]: r["t"] for r in rows if r["t"]}


def test_a_claim_paid_in_full_clears_its_insurance_balance(world: World) -> None:
    claim = make_claim(world.acme, "PCN1", [("99213", "100.00")])
    data = remit(header("100.00") + "CLP*PCN1*1*100*100**12*CCN1~SVC*HC:99213*100*100**1~")
    assert ingest(world.acme, data, "paid.835").outcome == FileStatus.APPLIED
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert claim.payer_claim_control_number == "CCN1"
    assert balances(claim) == {Account.REVENUE: D("-100"), Account.PAYER_CASH: D("100")}


def test_a_partial_payment_posts_co45_as_contractual_and_pr_to_the_patient(world: World) -> None:
    claim = make_claim(world.acme, "PCN2", [("99214", "200.00")])
    data = remit(header("120.00") + "CLP*PCN2*1*200*120*50*12*CCN2~"
                 "SVC*HC:99214*200*120**1~CAS*CO*45*30~CAS*PR*1*20**2*20**3*10~")
    assert ingest(world.acme, data, "partial.835").outcome == FileStatus.APPLIED
    claim.refresh_from_db()
    assert balances(claim) == {
        Account.REVENUE: D("-200"), Account.PAYER_CASH: D("120"),
        Account.CONTRACTUAL: D("30"), Account.PATIENT_AR: D("50")}
    assert (claim.insurance_balance, claim.patient_balance) == (D("0"), D("50"))
    assert claim.status == ClaimStatus.PATIENT_BALANCE


@pytest.mark.parametrize("reason", ["50", "197"])
def test_a_zero_paid_denial_stays_open_as_insurance_ar(world: World, reason: str) -> None:
    claim = make_claim(world.acme, "PCN3", [("99215", "150.00")])
    data = remit(header("0.00", credit="C") + f"CLP*PCN3*4*150*0**12*CCN3~"
                 f"SVC*HC:99215*150*0**1~CAS*CO*{reason}*150~")
    assert ingest(world.acme, data, "denial.835").outcome == FileStatus.APPLIED
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DENIED
    assert claim.insurance_balance == D("150")
    assert Account.CONTRACTUAL not in balances(claim)


def test_a_reversal_and_its_correction_repost_the_claim(world: World) -> None:
    claim = make_claim(world.acme, "PCN4", [("99213", "100.00")])
    first = remit(header("80.00", trace="T1") + "CLP*PCN4*1*100*80**12*CCN4~"
                  "SVC*HC:99213*100*80**1~CAS*CO*45*20~", isa13="000000201")
    assert ingest(world.acme, first, "first.835").outcome == FileStatus.APPLIED
    second = remit(header("10.00", trace="T2") +
                   "CLP*PCN4*22*-100*-80**12*CCN4~SVC*HC:99213*-100*-80**1~CAS*CO*45*-20~"
                   "CLP*PCN4*1*100*90**12*CCN4B~SVC*HC:99213*100*90**1~CAS*CO*45*10~",
                   isa13="000000202")
    assert ingest(world.acme, second, "second.835").outcome == FileStatus.APPLIED
    claim.refresh_from_db()
    assert balances(claim) == {Account.REVENUE: D("-100"), Account.PAYER_CASH: D("90"),
                               Account.CONTRACTUAL: D("10")}
    assert claim.status == ClaimStatus.PAID
    assert claim.payer_claim_control_number == "CCN4B"


def test_plb_wo_recoups_another_claim_and_l6_interest_is_income(world: World) -> None:
    old = make_claim(world.acme, "OLD1", [("99213", "100.00")])
    paid = remit(header("100.00", trace="T1") + "CLP*OLD1*1*100*100**12*CCNO~"
                 "SVC*HC:99213*100*100**1~", isa13="000000301")
    ingest(world.acme, paid, "old.835")
    new = make_claim(world.acme, "NEW1", [("99213", "100.00")])
    data = remit(header("85.00", trace="T2") + "CLP*NEW1*1*100*100**12*CCNN~"
                 "SVC*HC:99213*100*100**1~PLB*1234567893*20251231*WO:OLD1*20*L6*-5",
                 isa13="000000302")
    assert ingest(world.acme, data, "plb.835").outcome == FileStatus.APPLIED
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.insurance_balance == D("20")  # the payer took 20 back: open again
    assert new.insurance_balance == D("0")
    interest = LedgerEntry.objects.filter(account=Account.INTEREST_INCOME).get()
    assert interest.amount == D("-5")
    cash = LedgerEntry.objects.filter(account=Account.PAYER_CASH,
                                      journal__remittance__trace_number="T2")
    assert cash.aggregate(t=Sum("amount"))["t"] == D("85")


def test_two_plb_recoupments_of_one_claim_both_reopen_it_and_a_copy_posts_them_once(
        world: World) -> None:
    old = make_claim(world.acme, "OLD2", [("99213", "100.00")])
    ingest(world.acme, remit(header("100.00", trace="T1") + "CLP*OLD2*1*100*100**12*CCNO2~"
                             "SVC*HC:99213*100*100**1~", isa13="000000311"), "old.835")
    make_claim(world.acme, "NEW2", [("99213", "100.00")])
    make_claim(world.acme, "NEW3", [("99213", "100.00")])
    new2 = "CLP*NEW2*1*100*100**12*CCNN2~SVC*HC:99213*100*100**1~"
    new3 = "CLP*NEW3*1*100*100**12*CCNN3~SVC*HC:99213*100*100**1~"
    plb = "PLB*1234567893*20251231*WO:OLD2*10*WO:OLD2*15"
    first = remit(header("75.00", trace="T2") + new2 + plb, isa13="000000312")
    copy = remit(header("175.00", trace="T2") + new2 + new3 + plb, isa13="000000313")
    assert ingest(world.acme, first, "plb.835").outcome == FileStatus.APPLIED
    result = ingest(world.acme, copy, "copy.835")
    assert result.file.summary["sets"]["000000313/1/0001"]["already_posted"] == 3
    old.refresh_from_db()
    assert old.insurance_balance == D("25")
    recouped = LedgerEntry.objects.filter(claim=old, journal__kind="plb",
                                          account=Account.INSURANCE_AR)
    assert sorted(e.amount for e in recouped) == [D("10"), D("15")]


def test_a_crossover_flags_the_claim_for_secondary_billing(world: World) -> None:
    claim = make_claim(world.acme, "PCN6", [("99213", "100.00")])
    data = remit(header("70.00") + "CLP*PCN6*19*100*70*30*MB*CCN6~"
                 "NM1*TT*2*MEDIGAP PLAN*****PI*MG01~SVC*HC:99213*100*70**1~CAS*PR*2*30~")
    ingest(world.acme, data, "crossover.835")
    claim.refresh_from_db()
    assert claim.secondary_flag is True
    assert claim.patient_balance == D("30")


def test_an_unmatched_claim_becomes_an_exception_not_a_posting(world: World) -> None:
    data = remit(header("50.00") + "CLP*NOPE*1*50*50**12*CCNX~")
    assert ingest(world.acme, data, "unmatched.835").outcome == FileStatus.APPLIED
    exception = PostingException.objects.get()
    assert exception.reason == "unmatched"
    assert "NOPE" in exception.detail
    assert not LedgerEntry.objects.filter(account=Account.PAYER_CASH).exists()


def test_paying_more_than_is_open_becomes_an_overpayment_exception(world: World) -> None:
    make_claim(world.acme, "PCN8", [("99213", "40.00")])
    data = remit(header("60.00") + "CLP*PCN8*1*60*60**12*CCN8~")
    ingest(world.acme, data, "over.835")
    assert PostingException.objects.get().reason == "overpaid"


def test_an_unbalanced_835_is_held_and_posts_nothing(world: World) -> None:
    make_claim(world.acme, "PCN9", [("99213", "100.00")])
    data = remit(header("100.00") + "CLP*PCN9*1*100*90**12*CCN9~SVC*HC:99213*100*90**1~")
    result = ingest(world.acme, data, "unbalanced.835")
    assert result.outcome == FileStatus.HELD_FOR_REVIEW
    assert "does not balance" in result.file.reason
    assert not LedgerEntry.objects.filter(account=Account.PAYER_CASH).exists()


def test_two_transactions_from_two_payers_in_one_file_both_post(world: World) -> None:
    from rcmdesk.remits.tests.x12text import interchange

    a = make_claim(world.acme, "PA1", [("99213", "100.00")], payer_id="PAYER01")
    b = make_claim(world.acme, "PB1", [("99213", "50.00")], payer_id="PAYER02")
    data = interchange([
        ("HP", "005010X221A1", header("100.00", trace="TA") + "CLP*PA1*1*100*100**12*C1~"),
        ("HP", "005010X221A1", header("50.00", trace="TB", payer="OTHER", payer_id="PAYER02")
         + "CLP*PB1*1*50*50**12*C2~"),
    ])
    assert ingest(world.acme, data, "two.835").outcome == FileStatus.APPLIED
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (ClaimStatus.PAID, ClaimStatus.PAID)


def test_lines_are_matched_by_their_ref_6r_control_number(world: World) -> None:
    claim = make_claim(world.acme, "PCN11", [("99213", "100.00"), ("99213", "60.00")],
                       control_numbers=["LINE-A", "LINE-B"])
    data = remit(header("50.00") + "CLP*PCN11*1*160*50**12*CCN11~"
                 "SVC*HC:99213*60*50**1~CAS*CO*45*10~REF*6R*LINE-B~"
                 "SVC*HC:99213*100*0**1~CAS*CO*45*100~REF*6R*LINE-A~")
    ingest(world.acme, data, "6r.835")
    line_b = claim.lines.get(control_number="LINE-B")
    paid = LedgerEntry.objects.get(claim_line=line_b, journal__kind="payment")
    assert paid.amount == D("-50")


def test_a_crash_midway_through_an_835_posts_nothing_of_it(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from rcmdesk.remits import services

    for n in (1, 2, 3):
        make_claim(world.acme, f"C{n}", [("99213", "10.00")])
    real, calls = services.post_claim, []

    def failing(run: Any, index: int, clp: Any) -> None:
        calls.append(index)
        if index == 3:
            raise RuntimeError("disk on fire")
        real(run, index, clp)

    monkeypatch.setattr(services, "post_claim", failing)
    body = header("30.00") + "".join(f"CLP*C{n}*1*10*10**12*K{n}~" for n in (1, 2, 3))
    result = ingest(world.acme, remit(body), "crash.835")
    assert result.outcome == FileStatus.FAILED
    assert calls == [1, 2, 3]
    assert not LedgerEntry.objects.filter(account=Account.PAYER_CASH).exists()
    assert Claim.objects.filter(status=ClaimStatus.PAID).count() == 0


def test_claim_interest_in_clp04_is_posted_as_interest_income(world: World) -> None:
    claim = make_claim(world.acme, "PCN12", [("99213", "100.00")])
    data = remit(header("103.00") + "CLP*PCN12*1*100*103**12*CCN12~AMT*I*3~"
                 "SVC*HC:99213*100*100**1~")
    assert ingest(world.acme, data, "interest.835").outcome == FileStatus.APPLIED
    assert balances(claim) == {Account.REVENUE: D("-100"), Account.PAYER_CASH: D("103"),
                               Account.INTEREST_INCOME: D("-3")}


def test_group_cr_is_quarantined_at_intake_but_the_poster_treats_it_as_oa(
        world: World) -> None:
    from rcmdesk.remits.models import Remittance
    from rcmdesk.remits.services import post_835
    from rcmdesk.x12 import t835

    claim = make_claim(world.acme, "PCN13", [("99213", "100.00")])
    data = remit(header("90.00") + "CLP*PCN13*1*100*90**12*CCN13~"
                 "SVC*HC:99213*100*90**1~CAS*CR*45*10~")
    # intake quarantines CR (the validator knows 5010); the poster still copes with it
    assert ingest(world.acme, data, "cr.835").outcome == FileStatus.QUARANTINED
    post_835(world.acme, next(t835.remittances(data)))
    assert balances(claim)[Account.OTHER_ADJUSTMENT] == D("10")
    assert "CR is not used in 5010" in Remittance.objects.get().warnings[0]


def test_the_payer_claim_number_is_tried_first_when_the_payer_says_so(world: World) -> None:
    from rcmdesk.claims.models import MatchOrder, Payer

    claim = make_claim(world.acme, "PCN14", [("99213", "100.00")])
    Claim.objects.filter(pk=claim.pk).update(payer_claim_control_number="ICN14")
    Payer.objects.filter(payer_id="PAYER01").update(match_order=MatchOrder.PAYER_CCN_FIRST)
    data = remit(header("100.00") + "CLP*GARBLED*1*100*100**12*ICN14~")
    ingest(world.acme, data, "ccn.835")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


@pytest.mark.parametrize("group", ["CO", "OA", "PI"])
def test_an_adjustment_with_an_unknown_reason_code_stays_open_and_becomes_an_exception(
        world: World, group: str) -> None:
    claim = make_claim(world.acme, "PCN15", [("99213", "100.00")])
    data = remit(header("70.00") + "CLP*PCN15*1*100*70**12*CCN15~"
                 f"SVC*HC:99213*100*70**1~CAS*CO*45*10~CAS*{group}*ZZ9*20~")
    assert ingest(world.acme, data, "unknown.835").outcome == FileStatus.APPLIED
    claim.refresh_from_db()
    # CO-45 is known and written off; ZZ9 is not: its 20.00 stays open with the payer
    assert balances(claim) == {Account.REVENUE: D("-100"), Account.PAYER_CASH: D("70"),
                               Account.CONTRACTUAL: D("10"), Account.INSURANCE_AR: D("20")}
    assert claim.insurance_balance == D("20")
    exception = PostingException.objects.get()
    assert exception.reason == "unknown_carc"
    assert f"unknown adjustment reason code: {group}-ZZ9 20.00" in exception.detail


def test_a_patient_responsibility_with_an_unknown_reason_code_still_moves_to_the_patient(
        world: World) -> None:
    claim = make_claim(world.acme, "PCN16", [("99213", "100.00")])
    data = remit(header("80.00") + "CLP*PCN16*1*100*80*20*12*CCN16~"
                 "SVC*HC:99213*100*80**1~CAS*PR*ZZ9*20~")
    ingest(world.acme, data, "unknown-pr.835")
    claim.refresh_from_db()
    assert (claim.insurance_balance, claim.patient_balance) == (D("0"), D("20"))
    assert not PostingException.objects.exists()


def test_the_same_835_in_a_new_interchange_keeps_no_second_remittance_and_says_already_posted(
        world: World) -> None:
    from rcmdesk.audit.models import AuditEvent
    from rcmdesk.remits.deposits import open_remittances
    from rcmdesk.remits.models import Remittance

    make_claim(world.acme, "PCN17", [("99213", "100.00")])
    old = make_claim(world.acme, "OLD17", [("99213", "10.00")])
    body = header("95.00") + "CLP*PCN17*1*100*100**12*CCN17~PLB*1234567893*20251231*WO:OLD17*5"
    first = ingest(world.acme, remit(body, isa13="000000501"), "first.835")
    again = ingest(world.acme, remit(body, isa13="000000502"), "again.835")
    assert again.outcome == FileStatus.APPLIED
    summary = again.file.summary["sets"]["000000502/1/0001"]
    assert summary["already_posted"] == 2
    assert summary["remittance"] is None
    assert summary["reason"].startswith("already posted")
    remittance = Remittance.objects.get()
    assert remittance.file == first.file
    assert list(open_remittances(world.acme)) == [remittance]
    assert AuditEvent.objects.filter(action="remits.835_already_posted").count() == 1
    old.refresh_from_db()
    assert old.insurance_balance == D("15")  # the PLB recouped 5 once, not twice


def test_an_835_copy_with_one_new_claim_keeps_its_remittance(world: World) -> None:
    from rcmdesk.remits.models import Remittance

    body = header("50.00") + "CLP*PCN18*1*50*50**12*CCN18~"
    ingest(world.acme, remit(body, isa13="000000503"), "early.835")  # unmatched: not posted
    make_claim(world.acme, "PCN18", [("99213", "50.00")])
    ingest(world.acme, remit(body, isa13="000000504"), "again.835")
    assert Remittance.objects.count() == 2
    assert LedgerEntry.objects.filter(account=Account.PAYER_CASH).get().amount == D("50")


def test_plb_l6_and_l3_at_the_same_position_of_the_same_trace_both_post(world: World) -> None:
    make_claim(world.acme, "PCN19", [("99213", "100.00")])
    claim = "CLP*PCN19*1*100*100**12*CCN19~SVC*HC:99213*100*100**1~"
    first = remit(header("105.00", trace="T19") + claim + "PLB*1234567893*20251231*L6*-5",
                  isa13="000000601")
    second = remit(header("90.00", trace="T19") + claim + "PLB*1234567893*20251231*L3*10",
                   isa13="000000602")
    ingest(world.acme, first, "l6.835")
    result = ingest(world.acme, second, "l3.835")
    assert result.file.summary["sets"]["000000602/1/0001"]["already_posted"] == 1  # the CLP
    plb = LedgerEntry.objects.filter(journal__kind="plb")
    assert plb.get(account=Account.INTEREST_INCOME).amount == D("-5")
    assert plb.get(account=Account.PAYER_OFFSET).amount == D("10")


def test_the_migration_rewrites_old_plb_keys_with_the_reason_that_posted(world: World) -> None:
    import importlib

    from django.apps import apps

    from rcmdesk.remits.models import PostingKey

    make_claim(world.acme, "PCN20", [("99213", "100.00")])
    ingest(world.acme, remit(header("105.00", trace="T20") + "CLP*PCN20*1*100*100**12*CCN20~"
                             "PLB*1234567893*20251231*L6*-5"), "l6.835")
    key = PostingKey.objects.get(line_index=-1)
    assert key.status_code == "PL6"
    PostingKey.objects.filter(pk=key.pk).update(status_code="PL")  # as written before
    migration = importlib.import_module("rcmdesk.remits.migrations.0006_plb_key_full_reason")
    migration.widen_plb_keys(apps, None)
    key.refresh_from_db()
    assert key.status_code == "PL6"
