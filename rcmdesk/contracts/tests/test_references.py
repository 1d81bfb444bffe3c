"""The CMS fee schedule export loads whatever its header's spelling, replaces by name, and
only the client loads it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.contracts.csvimport import ScheduleFileRefused
from rcmdesk.contracts.models import ReferenceRate
from rcmdesk.contracts.references import load_reference, parse
from rcmdesk.contracts.tests.factories import contract
from rcmdesk.tenancy.roles import Role

EXPORT = """PFS Look-up Tool export
Year: 2026, Locality 01

HCPCS,MOD,DESCRIPTION,NON-FACILITY PRICE,FACILITY PRICE
99213,,Office visit,$92.03,$65.11
93000,26,ECG interpretation,"$1,017.50",NA
"""


def test_the_cms_export_is_read_past_its_title_lines_with_dollars_and_commas() -> None:
    assert parse(EXPORT) == [
        ("99213", "", Decimal("92.03"), Decimal("65.11")),
        ("93000", "26", Decimal("1017.50"), Decimal("1017.50")),
    ]


def test_header_spellings_vary_by_year() -> None:
    text = "hcpcs code,modifier,Non Facility Price,Facility_Price\n99214,,130.10,95.00\n"
    assert parse(text) == [("99214", "", Decimal("130.10"), Decimal("95.00"))]


def test_a_bad_price_is_named_by_row_and_column() -> None:
    with pytest.raises(ScheduleFileRefused) as refused:
        parse("HCPCS,MOD,NON FACILITY PRICE,FACILITY PRICE\n99213,,abc,1\n")
    problem = refused.value.problems[0]
    assert (problem.row, problem.column) == (2, "NON FACILITY PRICE")


def test_a_file_without_the_columns_is_refused_in_words() -> None:
    with pytest.raises(ScheduleFileRefused, match="CMS PFS Look-up Tool"):
        parse("a,b\n1,2\n")


def test_loading_again_under_the_same_name_replaces_the_rows_and_reprices(
        world: Any) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    first = load_reference(world.acme, name="Medicare PFS 2026", year=2026, text=EXPORT,
                           source_name="pfs.csv", acting_user=admin)
    uses = contract(world.acme, reference=first, reference_percent=Decimal("120"))
    with mock.patch("rcmdesk.contracts.expected.recompute_open_claims") as reprice:
        again = load_reference(world.acme, name="Medicare PFS 2026", year=2026,
                               text="HCPCS,MOD,NON-FACILITY PRICE,FACILITY PRICE\n"
                                    "99213,,$95.00,$70.00\n",
                               source_name="pfs-fixed.csv", acting_user=admin)
    assert again.pk == first.pk
    assert list(ReferenceRate.objects.filter(schedule=again).values_list(
        "procedure", "non_facility")) == [("99213", Decimal("95.00"))]
    assert again.rows == 1
    assert again.loaded_by == admin
    reprice.assert_called_once_with(uses)
    events = AuditEvent.objects.filter(action="contracts.reference_loaded").order_by("pk")
    assert [e.detail["replaced_rows"] for e in events] == [0, 2]


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST,
                                  Role.CLIENT_STAFF])
def test_only_the_client_loads_a_reference_schedule(world: Any, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        load_reference(world.acme, name="PFS", year=2026, text=EXPORT,
                       acting_user=world.user(role))
