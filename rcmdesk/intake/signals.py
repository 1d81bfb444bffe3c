"""Hooks for the apps downstream of intake, so intake never imports them.

- ``APPLIERS``: (transaction set id, guide) -> function applying one set (inside the set's
  database transaction). 837 and 835 are intake's own; other apps (e.g. the 277 claim
  status answers) register theirs in ``AppConfig.ready``. The guide (GS08's tail, e.g.
  "X214") tells sets that share an id apart: a 277CA answers an 837 at the front door, a
  277 (X212) answers a 276. An applier registered with no guide takes every guide that has
  none of its own. A set with no applier is stored only.
- ``INTERCHANGE_ACK_HANDLERS``: functions given a file's TA1s (interchange acknowledgments,
  which sit outside every set, so no applier sees them; a file may hold nothing else).
  Registered with ``register_interchange_ack`` in ``AppConfig.ready``; intake calls each
  inside one database transaction, once per file (a retry skips them once applied).
- ``file_applied``: sent once a file's sets are committed (kwargs ``received`` and
  ``status``), so producers of work items can react to what the file changed. Receivers
  must be idempotent: a retried file sends it again.
- ``outbound_written``: sent by ``intake.outbound.write`` inside its transaction (kwarg
  ``outbound``), so connectivity can queue the file for sending without intake importing
  it; receivers that act outside the database wait for the commit (``on_commit``).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.dispatch import Signal


class Applier(Protocol):
    """(received file, transaction set, the acting user) -> summary."""

    def __call__(self, received: Any, tx: Any, /, *, acting_user: Any) -> dict[str, Any]: ...


APPLIERS: dict[tuple[str, str], Applier] = {}


class InterchangeAckHandler(Protocol):
    """(received file, list of x12.t999.InterchangeAck, the acting user) -> summary."""

    def __call__(self, received: Any, acks: list[Any], /, *,
                 acting_user: Any) -> dict[str, Any]: ...


INTERCHANGE_ACK_HANDLERS: list[InterchangeAckHandler] = []

file_applied = Signal()
outbound_written = Signal()


def register(set_id: str, applier: Applier, *, guide: str = "") -> None:
    APPLIERS[(set_id, guide)] = applier


def applier_for(set_id: str, version: str) -> Applier | None:
    """The applier for a set: one registered for its guide (``version`` ends with it) first."""
    for (registered_set, guide), applier in APPLIERS.items():
        if registered_set == set_id and guide and version.endswith(guide):
            return applier
    return APPLIERS.get((set_id, ""))


def register_interchange_ack(handler: InterchangeAckHandler) -> None:
    """Registering the same handler twice keeps one: each TA1 is handled once per handler."""
    if handler not in INTERCHANGE_ACK_HANDLERS:
        INTERCHANGE_ACK_HANDLERS.append(handler)


def interchange_ack_handlers() -> list[InterchangeAckHandler]:
    return list(INTERCHANGE_ACK_HANDLERS)
