"""Visits for tests, with the payer, coverage and provider a 270 needs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rcmdesk.claims.models import Coverage, Patient, Payer, Provider
from rcmdesk.eligibility.models import Visit
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12.writer import Envelope, TransactionBody, write_interchange


def make_visit(client: Organization, *, last: str = "SMITH", first: str = "JOHN",
               born: date | None = date(1963, 5, 19), sex: str = "M",
               member_id: str = "123456789", payer_id: str = "841610001",
               payer_name: str = "ABC COMPANY", days_ahead: int = 2,
               relationship: str = "18", service_types: list[str] | None = None,
               **extra: Any) -> Visit:
    payer, _ = Payer.objects.get_or_create(client=client, payer_id=payer_id,
                                           defaults={"name": payer_name})
    patient = Patient.objects.create(client=client, last_name=last, first_name=first,
                                     birth_date=born, sex=sex)
    coverage = Coverage.objects.create(
        client=client, patient=patient, payer=payer, member_id=member_id,
        relationship=relationship,
        **({"subscriber_last_name": "SMITH", "subscriber_first_name": "JOHN",
            "subscriber_birth_date": date(1963, 5, 19), "subscriber_sex": "M"}
           if relationship != "18" else {}))
    provider, _ = Provider.objects.get_or_create(client=client, npi="1234567893",
                                                 defaults={"name": "BONE AND JOINT CLINIC"})
    return Visit.objects.create(
        client=client, patient=patient, coverage=coverage, payer=payer, provider=provider,
        scheduled_on=client.today() + timedelta(days=days_ahead),
        service_types=service_types or ["30"], **extra)


def build_271(trace: str, *, last: str = "SMITH", first: str = "JOHN",
              member_id: str = "123456789", born: str = "19630519",
              benefits: list[list[Any]] | None = None, member_aaa: str = "",
              reference: str = "REF1", isa13: int = 1, dates: list[list[str]] | None = None
              ) -> bytes:
    """A 271 answering one subscriber, as a payer would: ``benefits`` are EB segments (a
    list may be followed by ["2120", name] to name a party under it)."""
    segs: list[Any] = [
        ["BHT", "0022", "11", reference, "20260105", "1200"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "ABC COMPANY", "", "", "", "", "PI", "841610001"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "2", "BONE AND JOINT CLINIC", "", "", "", "", "XX", "1234567893"],
        ["HL", "3", "2", "22", "0"],
        ["TRN", "2", trace, "9877281234"],
        ["NM1", "IL", "1", last, first, "", "", "", "MI", member_id],
    ]
    if member_aaa:
        segs.append(["AAA", "N", "", member_aaa, "C"])
    segs.append(["DMG", "D8", born])
    segs.extend(["DTP", *d] for d in dates or [])
    for eb in benefits or []:
        if eb[0] == "2120":
            segs += [["LS", "2120"], ["NM1", "PR", "2", eb[1]], ["LE", "2120"]]
        else:
            segs.append(["EB", *eb])
    body = TransactionBody("271", "005010X279A1", "HB", "0001", segs)
    return write_interchange([body], Envelope(sender="ABCCOMPANY", receiver="ACME",
                                              interchange_control=isa13,
                                              group_control=isa13))
