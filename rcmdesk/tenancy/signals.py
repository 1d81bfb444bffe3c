"""Signals tenancy and accounts send to apps they must not import.

``access_ending``: a partner user's reach into a client's systems is ending (the user was
disabled, taken off an engagement, or the engagement ended). Sent *inside* the transaction
that makes the change, and handled synchronously, so whatever a receiver opens (the access
registry's revocation tasks) commits or rolls back with the change itself.

Arguments: ``user`` (the person, or None for every person on the engagement),
``engagement`` (or None for every engagement of the user), ``trigger`` (one of
``TRIGGER_*`` below), ``acting_user`` (who made the change, None when unknown).
"""

from __future__ import annotations

from django.dispatch import Signal

TRIGGER_USER_DISABLED = "user_disabled"
TRIGGER_UNASSIGNED = "unassigned"
TRIGGER_ENGAGEMENT_ENDED = "engagement_ended"

access_ending = Signal()
