"""docs/scrubber.md lists every built-in rule with its code and severity."""

from __future__ import annotations

from pathlib import Path

from rcmdesk.scrubber.registry import all_rules

DOC = Path(__file__).resolve().parents[3] / "docs" / "scrubber.md"


def test_the_scrubber_docs_list_every_built_in_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [r.code for r in all_rules() if f"| {r.code} | {r.severity} |" not in text]
    assert missing == []
