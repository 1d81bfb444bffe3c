"""Locate the shared public X12 samples and their manifest (tests skip without them)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLES = (REPO / ".." / "shared" / "x12-samples").resolve()
SKIP_REASON = f"shared X12 samples not found at {SAMPLES} (expected ../shared next to the repo)"
X12_SETS = {"835", "837P", "837I", "270", "271", "276", "277", "277CA", "278", "999", "834"}


def need_samples() -> Path:
    """The samples directory, or skip the calling test."""
    if not (SAMPLES / "MANIFEST.tsv").is_file():
        pytest.skip(SKIP_REASON)
    return SAMPLES


def _rows(name: str) -> list[dict[str, str]]:
    path = SAMPLES / name
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def manifest() -> list[dict[str, str]]:
    """Rows of MANIFEST.tsv that are X12 inputs (not expected-output files)."""
    return [r for r in _rows("MANIFEST.tsv") if r["transaction_set"] in X12_SETS | {"none"}]


def pairs() -> list[dict[str, str]]:
    return _rows("PAIRS.tsv")


def pyx12_results() -> list[dict[str, str]]:
    return _rows("VALIDATION_pyx12.tsv")


def no_envelope(row: dict[str, str]) -> bool:
    """Files that are bare ST..SE fragments (no ISA/GS): parsed with a warning."""
    return "NO ISA envelope" in row["notes"]


def ids(rows: list[dict[str, str]]) -> list[str]:
    return [r["local_path"] for r in rows]
