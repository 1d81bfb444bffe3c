"""Who is acting, from where: set once per request or CLI command, read by the audit writer.

A context variable lets services record audit events without every call site threading the
request through, and the CLI sets the same context for its own commands.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class ActingContext:
    user: Any = None
    ip: str | None = None
    request_id: str = ""
    channel: str = "web"


_current: ContextVar[ActingContext | None] = ContextVar("rcmdesk_acting", default=None)


def current() -> ActingContext:
    return _current.get() or ActingContext(channel="system")


@contextmanager
def acting(
    user: Any = None, *, ip: str | None = None, request_id: str | None = None,
    channel: str = "web",
) -> Iterator[ActingContext]:
    ctx = ActingContext(user=user, ip=ip, request_id=request_id or uuid.uuid4().hex,
                        channel=channel)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
