"""The crawler's raw-value detector on sample texts: it catches what the issue saw on the
pages and leaves the words a billing person reads alone."""

from __future__ import annotations

import pytest

from rcmdesk.web.tests.crawl_checks import known_codes, raw_values, server_ms, url_pattern

CODES = frozenset({"ar_followup", "pending_client_decision", "partner_specialist"})


def kinds(text: str) -> list[str]:
    return [found.what for found in raw_values(text, CODES)]


@pytest.mark.parametrize(("text", "kind"), [
    ("Adjustment reasons: ['CO-97']", "repr"),
    ("Point: {'point': 3}", "repr"),
    ("warnings: []", "repr"),
    ("Amount Decimal('12.50')", "repr"),
    ("Assigned to\tNone", "None"),
    ("held: False", "boolean"),
    ("Paid\tTrue\n", "boolean"),
    ("Get next ar_followup", "code"),
    ("Status: pending_client_decision.", "code"),
    ("Total $1050.00 billed", "money"),
    ("Balance $12.5", "money"),
    ("Paid $1,050.125", "money"),
    ("Hours 5885.35000000000 this week", "decimal"),
])
def test_program_output_on_a_page_is_caught(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "AR follow-up",
    "Get next AR follow-up item",
    "$1,050.00",
    "($5.00) credit, $26,920.00 billed, $0.00 due, $5",
    "The payer denied the claim on 12/05/2026 because the service was not covered.",
    "None of the appeals is due this week.",
    "Open escalations: None.\nRecent actions\nNone available",
    "None: everything in this payment posted.",
    "False positives are rare: 45.2 % of 1,234 claims were clean.",
    "Version 4.14.1 on 12.05.2026, 4.0.1, accuracy 45.0 %, rate 75.0, 1.0 KB",
])
def test_ordinary_text_is_not_flagged(text):
    assert raw_values(text, CODES) == []


def test_the_sample_names_the_offending_text():
    (found,) = raw_values("Payer\tAetna\nAdjustments\t['CO-97']\nNext", CODES)

    assert found.sample == "Adjustments ['CO-97']"


def test_the_codes_come_from_the_enums_and_choices_of_the_code_base():
    codes = known_codes()

    assert {"ar_followup", "pending_client_decision", "partner_specialist",
            "AR_FOLLOWUP"} <= codes
    assert not {"denials", "posting", "open"} & codes  # one-word codes are ordinary words


def test_urls_of_one_route_share_a_pattern():
    assert url_pattern("http://x/claims/123/?tab=notes") == "/claims/{id}/?tab=notes"
    assert url_pattern("http://x/claims/9/?tab=notes") == "/claims/{id}/?tab=notes"
    assert url_pattern("http://x/work/?workflow=denials&page=2") == \
        "/work/?page={id}&workflow=denials"


def test_the_server_time_is_read_from_the_header():
    assert server_ms("app;dur=12.5") == 12.5
    assert server_ms("db;dur=3, app;dur=480") == 480
    assert server_ms(None) is None
