"""PLACEHOLDER for the access registry's question (issue 21, item 1, built on another branch).

``missing_access(engagement, workflow)`` answers which of the engagement's specialists lack a
granted login a workflow needs, as ``MissingAccess`` rows (``.user``, ``.system``,
``.sentence``). Until the access registry is merged this stand-in says nothing is missing, so
the onboarding path's access step passes; the integrator replaces this module with the real
one. Not an installed app, no models.
"""

from __future__ import annotations

from typing import Any


def missing_access(engagement: Any, workflow: Any) -> list[Any]:
    """Placeholder: nothing missing (the real registry replaces this)."""
    return []
