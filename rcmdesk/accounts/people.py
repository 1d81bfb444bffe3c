"""Who a change is credited to: the signed-in person, or nobody.

Services are called by pages and the API (a signed-in user), by the CLI (a named user) and by
the system (tasks, the demo, tests: no user, or Django's ``AnonymousUser``). Foreign keys
such as ``created_by`` and the audit trail's actor must name a real account or nothing, so
every service asks this one function instead of each writing out its own test.

It lives in ``rcmdesk.accounts`` because people are accounts, in a module of its own that
imports nothing of rcmdesk at run time: every domain app may use it (the layering contracts
forbid the domain only the web and the API), and the audit trail, which the accounts
services themselves import, can use it without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rcmdesk.accounts.models import User


def person(user: Any) -> User | None:
    """``user`` when it is a signed-in account, else None (nobody, the system, anonymous)."""
    return user if getattr(user, "is_authenticated", False) else None
