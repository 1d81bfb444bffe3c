"""Hooks for the apps downstream of intake, so intake never imports them.

- ``APPLIERS``: transaction set id -> function applying one set (inside the set's database
  transaction). 837 and 835 are intake's own; other apps (e.g. the work queue's 277 claim
  status) register theirs in ``AppConfig.ready``. A set with no applier is stored only.
- ``file_applied``: sent once a file's sets are committed (kwargs ``received`` and
  ``status``), so producers of work items can react to what the file changed. Receivers
  must be idempotent: a retried file sends it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

Applier = Callable[[Any, Any, Any], dict[str, Any]]  # (received, transaction, actor) -> summary

APPLIERS: dict[str, Applier] = {}

file_applied = Signal()


def register(set_id: str, applier: Applier) -> None:
    APPLIERS[set_id] = applier
