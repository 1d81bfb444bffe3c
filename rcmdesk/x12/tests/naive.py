"""A deliberately naive X12 splitter used to cross-check the real reader's totals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path


def naive_segments(path: Path) -> list[list[str]]:
    """Split on the ISA-declared delimiters with plain str.split (8-bit files only)."""
    text = path.read_bytes().decode("latin-1").lstrip("\ufeff\xef\xbb\xbf").lstrip()
    if text.startswith("ST"):  # a bare ST..SE fragment: no ISA to read delimiters from
        terminator = "~" if "~" in text else "\n"
        return [s.strip().split(text[2]) for s in text.split(terminator) if s.strip()]
    sep = text[3]
    index = 3
    for _ in range(15):
        index = text.index(sep, index + 1)
    terminator = text[index + 2]
    return [s.strip().split(sep) for s in text.split(terminator) if s.strip()]


def naive_totals(path: Path) -> list[dict[str, object]]:
    """Per ST..SE: claim count, sum of charges, sum of CLP04 and BPR02."""
    out: list[dict[str, object]] = []
    current: dict[str, object] = {}
    for seg in naive_segments(path):
        sid = seg[0]
        if sid == "ST":
            current = {"set": seg[1], "claims": 0, "charge": Decimal(0), "paid": Decimal(0)}
        elif sid == "CLP":
            current["claims"] = int(str(current["claims"])) + 1
            current["charge"] = Decimal(str(current["charge"])) + Decimal(seg[3] or 0)
            current["paid"] = Decimal(str(current["paid"])) + Decimal(seg[4] or 0)
        elif sid == "CLM":
            current["claims"] = int(str(current["claims"])) + 1
            current["charge"] = Decimal(str(current["charge"])) + Decimal(seg[2] or 0)
        elif sid == "BPR":
            current["payment"] = Decimal(seg[2] or 0)
        elif sid == "SE":
            out.append(current)
    return out
