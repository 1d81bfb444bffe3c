"""The presentation filters: one style for dates, times, percentages, counts and codes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from rcmdesk.labels import families, label
from rcmdesk.tenancy.roles import Role, Workflow
from rcmdesk.web.templatetags.present import dash, day, num, pct, when
from rcmdesk.workqueue.models import ItemStatus


def test_a_day_is_written_month_day_year() -> None:
    assert day(date(2026, 12, 5)) == "12/05/2026"


def test_a_moment_reads_as_its_day_in_the_clients_zone_not_utcs() -> None:
    late_evening_in_new_york = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    assert day(late_evening_in_new_york, "America/New_York") == "12/05/2026"


def test_a_moment_names_its_zone() -> None:
    at = datetime(2026, 12, 5, 19, 30, tzinfo=UTC)
    assert when(at, "America/New_York") == "12/05/2026 2:30 PM EST"
    assert when(at, "America/Los_Angeles") == "12/05/2026 11:30 AM PST"


def test_missing_values_read_as_a_dash_never_none() -> None:
    assert [day(None), when(None), pct(None), num(None), dash(None), label(None)] == ["—"] * 6


def test_percentages_and_counts_have_separators_and_fixed_places() -> None:
    assert pct(Decimal("45.25")) == "45.3%"
    assert pct(7, 0) == "7%"
    assert num(1234) == "1,234"
    assert num(Decimal("5885.35000000000"), 2) == "5,885.35"


def test_codes_read_as_words() -> None:
    assert label("ar_followup", "workflow") == "AR follow-up"
    assert label(Workflow.PRIOR_AUTH) == "Prior authorization"
    assert label("partner_specialist", "role") == "Partner specialist"
    assert label("pending_client_decision") == "Waiting on the client's decision"
    assert label(ItemStatus.PENDING_PAYER) == "Waiting on the payer"


def test_a_code_no_family_knows_still_loses_its_underscores() -> None:
    assert label("waiting_for_a_fax") == "Waiting for a fax"


def test_asking_for_a_family_that_does_not_exist_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no label family"):
        label("x", "nonsense")


def test_every_role_and_workflow_has_words_without_underscores() -> None:
    for member in (*Role, *Workflow):
        assert "_" not in member.label


def test_no_family_leaves_a_code_as_its_label() -> None:
    for name, table in families().items():
        for code, words in table.items():
            assert "_" not in words, (name, code, words)


def test_templates_load_the_whole_layer_with_one_tag() -> None:
    page = Template('{% load present %}{{ a|money }} {{ w|label:"workflow" }} {{ d|day }}')
    out = page.render(Context({"a": Decimal("26920"), "w": "denials", "d": date(2026, 1, 2)}))
    assert out == "$26,920.00 Denials 01/02/2026"


def test_an_automatic_title_case_label_reads_as_a_sentence() -> None:
    assert label("held_for_review", "file_status") == "Held for review"


def test_a_label_in_a_cell_starts_with_a_capital() -> None:
    page = Template('{% load present %}{{ k|label:"item_kind" }}')
    assert page.render(Context({"k": "posting_exception"})) == "Posting exception"
