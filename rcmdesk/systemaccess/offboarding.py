"""Offboarding: when a partner user's reach ends, every login they hold is to be taken back.

``on_access_ending`` receives ``tenancy.signals.access_ending`` synchronously, inside the
transaction that disables the user, removes them from an engagement or ends the engagement,
and opens one ``RevocationTask`` per registered (not denied, not revoked) access in its
reach, so the checklist exists exactly when the change does: a rollback takes both.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rcmdesk.audit.context import current
from rcmdesk.systemaccess import services
from rcmdesk.systemaccess.models import LIVE_STATUSES, RevocationTrigger, SystemAccess
from rcmdesk.tenancy.signals import (
    TRIGGER_ENGAGEMENT_ENDED,
    TRIGGER_UNASSIGNED,
    TRIGGER_USER_DISABLED,
)

TRIGGERS = {TRIGGER_USER_DISABLED: RevocationTrigger.USER_DISABLED,
            TRIGGER_UNASSIGNED: RevocationTrigger.UNASSIGNED,
            TRIGGER_ENGAGEMENT_ENDED: RevocationTrigger.ENGAGEMENT_ENDED}


def on_access_ending(sender: Any, *, user: Any = None, engagement: Any = None,
                     trigger: str, acting_user: Any = None, **kwargs: Any) -> None:
    """Open the revocations (Django names a receiver's arguments)."""
    accesses = SystemAccess.objects.filter(status__in=LIVE_STATUSES)
    if user is not None:
        accesses = accesses.filter(user_id=user.pk)
    if engagement is not None:
        accesses = accesses.filter(engagement_id=engagement.pk)
    if user is None and engagement is None:
        return
    acting = acting_user if acting_user is not None else current().user
    with transaction.atomic():
        for access in accesses.select_related("engagement", "system", "user"):
            services.open_revocation(access, TRIGGERS[trigger], acting_user=acting)
