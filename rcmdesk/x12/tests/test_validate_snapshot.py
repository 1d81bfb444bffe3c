"""Validation findings on every shared sample stay exactly what they were.

``validate_findings.json`` was recorded from the validator before it was rewritten for
speed; any change to a finding's rule, place, severity, order or message shows here.
Messages are kept as one hash per sample to keep the fixture small; regenerate with
``python -m rcmdesk.x12.tests.test_validate_snapshot`` only for an intended change.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from rcmdesk.x12 import X12Error
from rcmdesk.x12.tests.samples import SAMPLES, manifest, need_samples
from rcmdesk.x12.validate import validate

FIXTURE = Path(__file__).with_name("validate_findings.json")
EXPECTED: dict[str, dict[str, object]] = json.loads(FIXTURE.read_text(encoding="utf-8"))


def findings_of(local_path: str) -> tuple[list[list[object]], list[str]]:
    """(rule, position, segment, element, severity) per finding, and the messages."""
    rows: list[list[object]] = []
    messages: list[str] = []
    try:
        for f in validate(SAMPLES / local_path, name=local_path):
            rows.append([f.rule, f.position, f.segment_id, f.element, f.severity.value])
            messages.append(f.message)
    except X12Error as exc:
        rows.append(["raised"])
        messages.append(str(exc))
    return rows, messages


def messages_hash(messages: list[str]) -> str:
    return hashlib.sha256("\n".join(messages).encode()).hexdigest()


def test_the_fixture_covers_every_sample_in_the_manifest():
    need_samples()
    assert sorted(EXPECTED) == sorted(r["local_path"] for r in manifest())


@pytest.mark.parametrize("local_path", sorted(EXPECTED))
def test_validation_findings_match_the_recorded_ones(local_path):
    need_samples()
    rows, messages = findings_of(local_path)
    expected = EXPECTED[local_path]
    assert rows == expected["findings"]
    assert messages_hash(messages) == expected["messages_sha256"], messages


def _record() -> None:
    """Rewrite the fixture from the current validator (one finding per line)."""
    entries = []
    for row in sorted(manifest(), key=lambda r: r["local_path"]):
        rows, messages = findings_of(row["local_path"])
        lines = ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows)
        entries.append(
            f"{json.dumps(row['local_path'])}: "
            f'{{"messages_sha256": "{messages_hash(messages)}", "findings": [\n{lines}]}}'
        )
    FIXTURE.write_text("{\n" + ",\n".join(entries) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    _record()
