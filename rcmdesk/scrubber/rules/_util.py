"""Small helpers shared by the rule modules."""

from __future__ import annotations

from rcmdesk.claims.models import ClaimLine


def at(line: ClaimLine, name: str) -> str:
    """The field name of a line's attribute as findings show it: ``line[2].modifiers``."""
    return f"line[{line.line_number}].{name}"
