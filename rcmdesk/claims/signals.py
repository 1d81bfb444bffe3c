"""Hooks for the apps above claims, so claims and charges never import them.

``claims_built``: sent with ``client_id`` and ``claim_ids`` (a list) once claims and their
lines have been written: a mirrored 837's chunk (``services.apply_837``), a claim entered
or a draft edited (``rcmdesk.charges``). Contracts price the lines there (expected allowed
amounts). It is sent inside the writer's transaction, right after the rows are written, on
purpose: what a receiver derives from the lines then commits (or rolls back) with them, so
no one ever reads a claim whose lines changed but whose derived rows are still the old
ones (the work queue, run from ``file_applied`` after the commit, reads them at once); and a
later chunk of the same file that replaces a claim finds the rows of the earlier one.
Receivers must therefore be bulk (a fixed number of queries per call) and idempotent (a
replacement claim sends its ids again).
"""

from __future__ import annotations

from django.dispatch import Signal

claims_built = Signal()
