"""Visits for tests, with the payer, coverage and provider a 270 needs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rcmdesk.claims.models import Coverage, Patient, Payer, Provider
from rcmdesk.eligibility.models import Visit
from rcmdesk.tenancy.models import Organization


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
        scheduled_on=timezone.localdate() + timedelta(days=days_ahead),
        service_types=service_types or ["30"], **extra)
