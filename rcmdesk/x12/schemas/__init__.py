"""Implementation guides, one module per TR3, imported lazily on first use.

Guides are chosen by ST01 and the guide family in GS08 (``X222`` for 837P, ``X223``
for 837I, ...) so that addenda (``A1``/``A2``/``A3``) of the same guide share a
schema. 278 requests and responses share one structure (see ``x217_278``).
"""

from __future__ import annotations

import importlib
import re

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
