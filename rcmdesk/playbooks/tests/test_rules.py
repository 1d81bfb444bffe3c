"""Deadlines in force: the client's playbook beats the payer record beats the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from rcmdesk.playbooks.rules import DEFAULTS, resolve


@dataclass
class Rule:
    timely_filing_days: int | None = None
    appeal_days: int | None = None
    followup_days: int | None = None
    corrected_days: int | None = None
    secondary_days: int | None = None


def test_medicare_defaults_to_a_year_to_file_and_120_days_to_appeal() -> None:
    d = resolve("medicare", None, None, None)
    assert (d.timely_filing_days, d.appeal_days) == (365, 120)


def test_an_unknown_payer_kind_gets_the_general_default() -> None:
    assert resolve("workers_comp", None, None, None) == DEFAULTS["other"]


def test_the_payer_records_filing_limit_beats_the_default() -> None:
    d = resolve("commercial", 120, None, None)
    assert d.timely_filing_days == 120
    assert "payer record" in d.source


def test_the_payer_rule_beats_the_client_rule_field_by_field() -> None:
    d = resolve("commercial", 120, Rule(timely_filing_days=60, appeal_days=45),
                Rule(appeal_days=30))
    assert (d.timely_filing_days, d.appeal_days, d.followup_days) == (60, 30, 30)
    assert d.source.endswith("client playbook; payer playbook")


def test_corrected_and_secondary_claims_have_the_filing_window_unless_the_playbook_says() -> None:
    d = resolve("commercial", None, None, None)
    assert (d.corrected_filing_days, d.secondary_filing_days) == (90, 90)
    d = resolve("commercial", None, None, Rule(corrected_days=180, secondary_days=60))
    assert (d.corrected_filing_days, d.secondary_filing_days) == (180, 60)
