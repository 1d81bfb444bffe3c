"""The HMAC hash chain. Pure functions, so ``audit verify`` and the writer share one truth."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def link(key: str, prev_hash: str, fields: Mapping[str, Any]) -> str:
    message = prev_hash.encode() + b"\n" + canonical(fields)
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def event_fields(
    *, chain: int, seq: int, event_id: int, at: datetime, actor_id: int | None,
    actor_username: str, acting_org_id: int | None, client_org_id: int | None, action: str,
    object_type: str, object_id: str, ip: str | None, request_id: str, detail: Any,
) -> dict[str, Any]:
    """Everything an event asserts; any edit to one of these breaks the chain. The chain and
    the event's id are in it too, so an event cannot be moved to another chain or swapped
    with another row unnoticed."""
    return {
        "chain": chain, "seq": seq, "id": event_id, "at": at.isoformat(timespec="microseconds"),
        "actor": actor_id, "actor_username": actor_username, "acting_org": acting_org_id,
        "client_org": client_org_id, "action": action, "object_type": object_type,
        "object_id": object_id, "ip": ip, "request_id": request_id, "detail": detail,
    }
