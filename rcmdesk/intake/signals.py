"""Hooks for the apps downstream of intake, so intake never imports them.

- ``APPLIERS``: (transaction set id, guide) -> function applying one set (inside the set's
  database transaction). 837 and 835 are intake's own; other apps (e.g. the 277 claim
  status answers) register theirs in ``AppConfig.ready``. The guide (GS08's tail, e.g.
  "X214") tells sets that share an id apart: a 277CA answers an 837 at the front door, a
  277 (X212) answers a 276. An applier registered with no guide takes every guide that has
  none of its own. A set with no applier is stored only.
- ``file_applied``: sent once a file's sets are committed (kwargs ``received`` and
  ``status``), so producers of work items can react to what the file changed. Receivers
  must be idempotent: a retried file sends it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

Applier = Callable[[Any, Any, Any], dict[str, Any]]  # (received, transaction, actor) -> summary

APPLIERS: dict[tuple[str, str], Applier] = {}

file_applied = Signal()


def register(set_id: str, applier: Applier, *, guide: str = "") -> None:
    APPLIERS[(set_id, guide)] = applier


def applier_for(set_id: str, version: str) -> Applier | None:
    """The applier for a set: one registered for its guide (``version`` ends with it) first."""
    for (registered_set, guide), applier in APPLIERS.items():
        if registered_set == set_id and guide and version.endswith(guide):
            return applier
    return APPLIERS.get((set_id, ""))
