"""Hooks for the apps above claims, so claims and charges never import them.

``claims_built``: sent with ``client_id`` and ``claim_ids`` (a list) once claims and their
lines have been written: every claim of a mirrored 837 set once its last chunk is written
(``services.apply_837``: one call per set, so a receiver loads what it needs once, not once
per chunk), a claim entered, drafts imported or a draft edited (``rcmdesk.charges``).
Contracts price the lines there (expected allowed amounts).

It is sent inside the writer's transaction, right after the rows are written, on purpose:
what a receiver derives from the lines then commits (or rolls back) with them, so no one
ever reads a claim whose lines changed but whose derived rows are still the old ones (the
work queue, run from ``file_applied`` after the commit, reads them at once). Receivers must
therefore be bulk (a fixed number of queries per call) and idempotent (a replacement claim
sends its ids again).
"""

from __future__ import annotations

from django.dispatch import Signal

claims_built = Signal()
