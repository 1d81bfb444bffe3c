"""Implementation guides, one module per TR3, imported lazily on first use.

Guides are chosen by ST01 and the guide family in GS08 (``X222`` for 837P, ``X223``
for 837I, ...) so that addenda (``A1``/``A2``/``A3``) of the same guide share a
schema. 278 requests and responses share one structure (see ``x217_278``).

``choose`` is the one place that decides which guide a transaction set follows: the
parser stores its answer on every ``Transaction``, and validation, ``inspect`` and the
typed views all read it from there, so they never disagree about a file.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from rcmdesk.x12.schemas.model import Guide

_MODULES: dict[tuple[str, str], str] = {
    ("835", "X221"): "x221a1_835",
    ("837", "X222"): "x222a1_837p",
    ("837", "X223"): "x223a2_837i",
    ("270", "X279"): "x279a1_270",
    ("271", "X279"): "x279a1_271",
    ("276", "X212"): "x212_276",
    ("277", "X212"): "x212_277",
    ("277", "X214"): "x214_277ca",
    ("278", "X217"): "x217_278",
    ("999", "X231"): "x231a1_999",
}
_FAMILY = re.compile(r"X\d{3}")


def family(version: str) -> str:
    """The guide family of a GS08/ST03 value, e.g. ``X222`` for ``005010X222A1``."""
    match = _FAMILY.search(version)
    return match.group(0) if match else ""


@dataclass(frozen=True, slots=True)
class Choice:
    """The guide a set follows, or why it follows none.

    ``problem`` is set when the set is one we have guides for (an 835, an 837, ...) but
    its GS08 (or, in a bare set, ST03) names none of them, e.g. ``5010``: such a set
    cannot be read as its guide says and must be refused, not read as a flat list.
    For sets we have no guide for at all (e.g. 834) it is empty: only envelopes apply.
    """

    guide: Guide | None
    problem: str = ""


GUIDED_SETS = frozenset(set_id for set_id, _family in _MODULES)


def choose(set_id: str, version: str, bht02: str = "") -> Choice:
    """Which guide a set with this ST01 and GS08/ST03 follows (see ``Choice``)."""
    guide = guide_for(set_id, version, bht02)
    if guide is not None or set_id not in GUIDED_SETS:
        return Choice(guide)
    known = sorted(module.split("_")[0].upper() for (sid, _f), module in _MODULES.items()
                   if sid == set_id)
    return Choice(None, f"GS08 {version!r} names no implementation guide we know for "
                        f"{set_id} (known: {', '.join('005010' + k for k in known)})")


def guide_for(set_id: str, version: str, bht02: str = "") -> Guide | None:
    """The guide for a transaction set, or None when we have none."""
    module = _MODULES.get((set_id, family(version)))
    if module is None:
        return None
    guide: Guide = importlib.import_module(f"rcmdesk.x12.schemas.{module}").GUIDE
    return guide


def all_guides() -> list[Guide]:
    """Every guide we ship (imports them all)."""
    return [importlib.import_module(f"rcmdesk.x12.schemas.{m}").GUIDE for m in _MODULES.values()]
