"""The guides' "required when ..." rules: an ACH payment names both banks, a trace names
who assigned it, a zero payment is a notification. (837 rules: synth/tests, on the
claims the generator writes.)"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from rcmdesk.x12 import t270, t278, t835
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.tests.test_reader import SAMPLE
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_270, build_278, build_835

CHECK = "BPR*I*100*C*CHK************20240101~"
ACH = ("BPR*I*100*C*ACH*CCP*01*999999992*DA*SYNTHPAYER*1512345678**01*999988880*DA*SYNTHPAYEE"
       "*20240101~")


def situational(data: str | bytes) -> list[Finding]:
    raw = data.encode() if isinstance(data, str) else data
    return [f for f in validate(raw, name="t.x12") if f.rule.startswith("snip2.situational")]


def test_a_check_payment_needs_no_bank_details():
    assert situational(SAMPLE) == []


def test_an_ach_payment_with_both_banks_and_accounts_passes():
    assert situational(SAMPLE.replace(CHECK, ACH)) == []


def test_an_ach_payment_without_bank_details_fails_at_each_missing_element():
    found = situational(SAMPLE.replace(CHECK, "BPR*I*100*C*ACH*CCP***********20240101~"))
    assert [(f.segment_id, f.element) for f in found] == [
        ("BPR", n) for n in (6, 7, 8, 9, 10, 12, 13, 14, 15)]
    assert all(f.severity is Severity.ERROR for f in found)
    assert "required when BPR04 is ACH" in found[0].message


@pytest.mark.parametrize("method", ["BOP", "FWT"])
def test_other_electronic_methods_need_the_banks_too_but_not_a_payment_format(method):
    bare = SAMPLE.replace(CHECK, f"BPR*I*100*C*{method}************20240101~")
    assert {f.element for f in situational(bare)} == {6, 7, 8, 9, 10, 12, 13, 14, 15}
    full = SAMPLE.replace(CHECK, ACH.replace("*ACH*CCP*", f"*{method}**"))
    assert situational(full) == []


def test_an_ach_payment_needs_its_payment_format():
    (found,) = situational(SAMPLE.replace(CHECK, ACH.replace("*CCP*", "**")))
    assert (found.element, found.severity) == (5, Severity.ERROR)


def test_bank_details_on_a_check_payment_are_a_warning_not_an_error():
    found = situational(SAMPLE.replace(CHECK, ACH.replace("*ACH*CCP*", "*CHK**")))
    assert {f.element for f in found} == {6, 7, 8, 9, 12, 13, 14, 15}
    assert {f.severity for f in found} == {Severity.WARNING}


def test_a_zero_payment_should_be_a_notification_without_money_moving():
    zero = (SAMPLE.replace(CHECK, "BPR*I*0*C*ACH*CCP*01*999999992*DA*A*1512345678**01*"
                                  "999988880*DA*B*20240101~")
            .replace("CLP*PCN1*1*150*100", "CLP*PCN1*4*150*0").replace("SVC*HC:99213*150*100",
                                                                     "SVC*HC:99213*150*0"))
    found = situational(zero)
    assert {f.element for f in found} == {1, 4}
    assert {f.severity for f in found} == {Severity.WARNING}  # nothing moves: not refused
    notification = zero.replace(zero[zero.index("BPR"):zero.index("TRN")],
                                "BPR*H*0*C*NON************20240101~")
    assert situational(notification) == []


def test_the_typed_835_view_reads_both_banks_and_writes_them_back():
    (remit,) = t835.remittances(SAMPLE.replace(CHECK, ACH).encode())
    payment = remit.payment
    assert payment.payer_bank == t835.BankAccount("01", "999999992", "DA", "SYNTHPAYER")
    assert payment.payee_bank == t835.BankAccount("01", "999988880", "DA", "SYNTHPAYEE")
    assert payment.payer_identifier == "1512345678"
    again = write_interchange([build_835(remit)], Envelope())
    assert next(t835.remittances(again)).payment == payment


def review(originator: str) -> bytes:
    event = t278.Review("2000E", "HS", "I", "1", dates=(DateRef("472", "20260105", "D8"),),
                        trace="AUTH1", trace_originator=originator)
    service = t278.Review("2000F", "HS", "I", "1", units_qualifier="UN", units=Decimal(1))
    request = t278.ServicesReview(
        "0001", False, Name("X3", "2", "PAYER", id_qualifier="PI", id="90001"),
        Name("1P", "2", "CLINIC", id_qualifier="XX", id="1234567893"),
        Name("IL", "1", "DOE", "JANE", id_qualifier="MI", id="M1"), (event, service))
    return write_interchange([build_278(request)], Envelope())


def test_a_278_request_names_who_assigned_its_trace():
    assert situational(review("9000000001")) == []
    assert next(t278.services_reviews(review("9000000001"))).reviews[0].trace_originator == (
        "9000000001")


def test_a_278_trace_without_trn03_is_an_error():
    (found,) = situational(review(""))
    assert (found.segment_id, found.element, found.severity) == ("TRN", 3, Severity.ERROR)


def test_a_270_trace_without_trn03_is_an_error_too():
    member = t270.InquiryMember(Name("IL", "1", "DOE", "JANE", id_qualifier="MI", id="M1"),
                                "ELIG1", "", "19800101", "F", (), ("30",))
    inquiry = t270.EligibilityInquiry(
        "0001", "ELIG1", Name("PR", "2", "PAYER", id_qualifier="PI", id="90001"),
        Name("1P", "2", "CLINIC", id_qualifier="XX", id="1234567893"), (member,))
    data = write_interchange([build_270(inquiry)], Envelope())
    (found,) = situational(data)
    assert (found.segment_id, found.element) == ("TRN", 3)
    fixed = replace(inquiry, subscribers=(replace(member, trace_originator="9000000001"),))
    assert situational(write_interchange([build_270(fixed)], Envelope())) == []


def test_a_trace_originator_is_exactly_ten_characters():
    """Element 509 is AN 10/10: "9RCMDESKSIM", which the simulator's 271 once echoed,
    is one too many (x12sdk found it; our loosely typed 270/271/278 guides did not)."""
    (found,) = situational(review("9RCMDESKSIM"))
    assert (found.segment_id, found.element, found.severity) == ("TRN", 3, Severity.ERROR)
    assert "exactly 10" in found.message
