"""Every built-in rule, with a claim that fails it and a claim that passes it.

The passing claim is near the failing one (the same thing, done right), so each row shows
where the rule draws its line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus, FrontDoor
from rcmdesk.conftest import World
from rcmdesk.playbooks.models import AuthRequirement, PayerRule
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.scrubber.engine import scrub_claims
from rcmdesk.scrubber.models import HcpcsCode
from rcmdesk.scrubber.registry import all_rules
from rcmdesk.scrubber.rules.provider import npi_is_valid
from rcmdesk.scrubber.tests import builders as b

pytestmark = pytest.mark.django_db

Make = Callable[[World], Claim]


def codes_of(c: Claim) -> set[str]:
    return {f.code for f in scrub_claims([c], today=b.TODAY)[c.pk]}


def _lines(**spec: Any) -> list[dict[str, Any]]:
    return [dict(spec)]


def _pat(**kw: Any) -> Make:
    return lambda w: b.claim(w.acme, pat=b.patient(w.acme, **kw))


def _prov(**kw: Any) -> Make:
    npi = str(kw.pop("npi", ""))
    return lambda w: b.claim(w.acme, prov=b.provider(w.acme, npi=npi or b.fresh_npi(), **kw))


def _claim(**kw: Any) -> Make:
    return lambda w: b.claim(w.acme, **kw)


def _inst(**kw: Any) -> Make:
    return lambda w: b.institutional(w.acme, **kw)


def _duplicate(w: World, **draft: Any) -> Claim:
    pat = b.patient(w.acme)
    b.claim(w.acme, pat=pat, origin=ClaimOrigin.MIRROR, status=ClaimStatus.SUBMITTED)
    return b.claim(w.acme, pat=pat, **draft)


def _rejected_original(w: World) -> Claim:
    pat = b.patient(w.acme)
    b.claim(w.acme, pat=pat, status=ClaimStatus.SUBMITTED, front_door=FrontDoor.REJECTED)
    return b.claim(w.acme, pat=pat)


def _served(days_ago: int, **kw: Any) -> Make:
    day = b.TODAY - timedelta(days=days_ago)
    return lambda w: b.claim(w.acme, service_from=day, service_to=day,
                             lines=[{"service_date": day}], **kw)


def _corrected_window(frequency: str) -> Make:
    def make(w: World) -> Claim:
        PayerRule.objects.update_or_create(client=w.acme, payer=b.payer(w.acme),
                                           defaults={"corrected_days": 365})
        return _served(200, frequency=frequency)(w)
    return make


def _secondary_window(priority: str) -> Make:
    def make(w: World) -> Claim:
        PayerRule.objects.update_or_create(client=w.acme, payer=b.payer(w.acme),
                                           defaults={"secondary_days": 365})
        return _served(200, cov={"priority": priority})(w)
    return make


def _mri(with_auth: bool) -> Make:
    def make(w: World) -> Claim:
        pay = b.payer(w.acme)
        AuthRequirement.objects.create(client=w.acme, payer=pay, codes="70551-70553")
        pat = b.patient(w.acme)
        if with_auth:
            Authorization.objects.create(client=w.acme, patient=pat, payer=pay,
                                         codes=["70551"], status=AuthStatus.APPROVED,
                                         certification_number="CERT1",
                                         start_date=b.SERVED - timedelta(days=5),
                                         end_date=b.SERVED + timedelta(days=25))
        return b.claim(w.acme, pat=pat, pay=pay, lines=[{"procedure": "70551"}])
    return make


def _hcpcs(code: str) -> Make:
    def make(w: World) -> Claim:
        HcpcsCode.objects.get_or_create(code="J9035")
        return b.claim(w.acme, lines=[{"procedure": code}])
    return make


CASES: list[tuple[str, Make, Make]] = [
    ("RQ001", _pat(first_name=""), _pat(first_name="Ann")),
    ("RQ002", _pat(birth_date=None), _pat(birth_date=date(2001, 5, 5))),
    ("RQ003", _pat(sex="X"), _pat(sex="U")),
    ("RQ004", _claim(cov={"member_id": " "}), _claim(cov={"member_id": "XYZ1"})),
    ("RQ005", _claim(cov={"relationship": "19"}),
     _claim(cov={"relationship": "19", "subscriber_last_name": "Doe",
                 "subscriber_birth_date": date(1970, 1, 1), "subscriber_sex": "M"})),
    ("RQ006", lambda w: b.claim(w.acme, pay=b.payer(w.acme, payer_id="")), _claim()),
    ("RQ010", _prov(npi=" "), _prov()),
    ("RQ011", _prov(tax_id="12345"), _prov(tax_id="12-3456789")),
    ("RQ012", _prov(postal_code="6270"), _prov(postal_code="62701-1234")),
    ("RQ013", _prov(address_line1="PO Box 12"), _prov(address_line1="12 Box Elder Rd")),
    ("RQ020", _claim(frequency="3"), _claim(frequency="7")),
    ("RQ021", _claim(facility_code=""), _claim(facility_code="22")),
    ("RQ022", _claim(lines=[], total_charge=Decimal("0.00")), _claim()),
    ("RQ023", _claim(lines=_lines(units=None)), _claim(lines=_lines(units=Decimal("2")))),
    ("RQ024", _claim(service_from=None, service_to=None, lines=_lines(service_date=None)),
     _claim(lines=_lines(service_date=None))),
    ("RQ025", _claim(diagnoses=[], lines=_lines(diagnosis_pointers=[])), _claim()),
    ("RQ026", _claim(lines=_lines(procedure="")), _claim()),
    ("RQ030", _inst(lines=[{"revenue_code": "", "diagnosis_pointers": []}]), _inst()),
    ("RQ031", _inst(facility_code="93"), _inst(facility_code="11")),
    ("RQ032", _inst(service_to=None), _inst()),
    ("NPI01", _prov(npi="1234567890"), _prov(npi="1245319599")),
    ("TX001", _prov(taxonomy="207Q0000"), _prov(taxonomy="363LF0000X")),
    ("DX001", _claim(diagnoses=[["ABK", "E11.9"], ["ABF", "I10"]]),
     _claim(diagnoses=[["ABK", "U071"], ["ABF", "I10"]])),
    ("DX002", _claim(diagnoses=[["BK", "25000"], ["ABF", "I10"]]),
     _claim(diagnoses=[["BK", "25000"], ["BF", "4019"]], service_from=date(2015, 9, 30),
            service_to=date(2015, 9, 30), lines=_lines(service_date=date(2015, 9, 30)))),
    ("DX003", _claim(diagnoses=[["ABK", "E11"], ["ABF", "I10"]]),
     _claim(diagnoses=[["ABK", "S72001A"], ["ABF", "I10"]])),
    ("DX004", _claim(diagnoses=[["ABF", "E119"], ["ABK", "I10"]]), _claim()),
    ("PR001", _claim(lines=_lines(procedure="9921")), _claim(lines=_lines(procedure="0001U"))),
    ("PR002", _hcpcs("J9036"), _hcpcs("J9035")),
    ("MD001", _claim(lines=_lines(modifiers=["25", "59", "LT", "RT", "XS"])),
     _claim(lines=_lines(modifiers=["25", "59", "LT", "RT"]))),
    ("MD002", _claim(lines=_lines(modifiers=["1P"])),
     _claim(lines=_lines(procedure="3074F", modifiers=["1P"]))),
    ("MD003", _claim(lines=_lines(modifiers=["25", "25"])), _claim(lines=_lines(modifiers=["25"]))),
    ("RV001", _inst(lines=[{"revenue_code": "450", "diagnosis_pointers": []}]), _inst()),
    ("PT001", _claim(lines=_lines(diagnosis_pointers=[1, 3])),
     _claim(lines=_lines(diagnosis_pointers=[2]))),
    ("PT002", _claim(lines=_lines(diagnosis_pointers=[])), _claim()),
    ("PS001", _claim(facility_code="30"), _claim(facility_code="02")),
    ("DT001", _claim(lines=_lines(service_date=b.TODAY + timedelta(days=1)),
                     service_to=b.TODAY + timedelta(days=1)),
     _claim(service_to=b.TODAY, lines=_lines(service_date=b.TODAY))),
    ("DT002", _pat(birth_date=b.SERVED + timedelta(days=1)), _pat(birth_date=b.SERVED)),
    ("DT003", _claim(service_to=b.SERVED - timedelta(days=1),
                     lines=_lines(service_date=b.SERVED - timedelta(days=1))),
     _claim(service_to=b.SERVED + timedelta(days=1))),
    ("DT004", _claim(lines=_lines(service_date=b.SERVED + timedelta(days=1))),
     _claim(service_to=b.SERVED + timedelta(days=1),
            lines=_lines(service_date=b.SERVED + timedelta(days=1)))),
    ("MN001", _claim(lines=_lines(charge=Decimal("0.00"))),
     _claim(lines=_lines(charge=Decimal("0.01")))),
    ("MN002", _claim(total_charge=Decimal("151.00")), _claim(total_charge=Decimal("150.00"))),
    ("MN003", _claim(lines=_lines(units=Decimal("0"))),
     _claim(lines=_lines(units=Decimal("0.5")))),
    ("DU001", _duplicate, lambda w: _duplicate(w, frequency="7")),
    ("DU001", lambda w: _duplicate(w), _rejected_original),
    ("TF001", _served(91), _served(90)),
    ("TF001", _corrected_window("1"), _corrected_window("7")),
    ("TF001", _secondary_window("P"), _secondary_window("S")),
    ("TF002", _served(80), _served(70)),
    ("AU001", _mri(with_auth=False), _mri(with_auth=True)),
]


@pytest.mark.parametrize(("code", "failing", "passing"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_stops_the_failing_claim_and_passes_the_good_one(
        world: World, code: str, failing: Make, passing: Make) -> None:
    assert code in codes_of(failing(world))
    assert code not in codes_of(passing(world))


def test_every_built_in_rule_has_a_failing_and_a_passing_case() -> None:
    assert {r.code for r in all_rules()} == {c[0] for c in CASES}


def test_an_npi_check_digit_follows_luhn_with_the_80840_prefix() -> None:
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567894")
    assert not npi_is_valid("123456789")
    assert not npi_is_valid("12345678AB")


def test_a_finding_names_its_rule_field_severity_and_line(world: World) -> None:
    c = b.claim(world.acme, lines=[{}, {"units": None}])
    found = [f for f in scrub_claims([c], today=b.TODAY)[c.pk] if f.code == "RQ023"]
    assert [(f.field, f.severity, f.line_number) for f in found] == [
        ("line[2].units", "error", 2)]


def test_two_identical_drafts_hold_only_the_later_one(world: World) -> None:
    pat = b.patient(world.acme)
    first, second = b.claim(world.acme, pat=pat), b.claim(world.acme, pat=pat)
    found = scrub_claims([first, second], today=b.TODAY)
    assert "DU001" not in {f.code for f in found[first.pk]}
    assert "DU001" in {f.code for f in found[second.pk]}


def test_two_lines_of_one_claim_together_may_not_exceed_the_approved_units(
        world: World) -> None:
    pay, pat = b.payer(world.acme), b.patient(world.acme)
    AuthRequirement.objects.create(client=world.acme, payer=pay, codes="97110")
    Authorization.objects.create(client=world.acme, patient=pat, payer=pay, codes=["97110"],
                                 status=AuthStatus.APPROVED, approved_units=Decimal("4"),
                                 start_date=b.SERVED, end_date=b.SERVED)
    fits = b.claim(world.acme, pat=pat, pay=pay, lines=[
        {"procedure": "97110", "units": Decimal("2")}, {"procedure": "97110",
                                                        "units": Decimal("2")}])
    found = scrub_claims([fits], today=b.TODAY)[fits.pk]
    assert "AU001" not in {f.code for f in found}
    over = b.claim(world.acme, pat=pat, pay=pay, lines=[
        {"procedure": "97110", "units": Decimal("3")}, {"procedure": "97110",
                                                        "units": Decimal("2")}])
    found = scrub_claims([over], today=b.TODAY)[over.pk]
    assert [f.line_number for f in found if f.code == "AU001"] == [2]


def test_a_professional_rule_leaves_institutional_claims_alone(world: World) -> None:
    c = b.institutional(world.acme, lines=[{"revenue_code": "0450", "procedure": "",
                                            "diagnosis_pointers": []}])
    assert not {"RQ026", "PT002", "PS001"} & codes_of(c)
