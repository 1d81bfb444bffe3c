"""The claim field a scrubber rule checks, in words: rules name fields by their path
("line[n].service_date") because the engine and the charge form find them by it; a page
says "Line: service date"."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_ACRONYMS = {"npi": "NPI", "id": "ID", "pos": "POS", "zip": "ZIP", "dx": "diagnosis"}


def _words(part: str) -> str:
    part = re.sub(r"\[[^\]]*\]", "", part)
    return " ".join(_ACRONYMS.get(w, w) for w in part.split("_"))


@register.filter
def field_words(path: str | None) -> str:
    """``billing_provider.npi`` -> "Billing provider: NPI"; "—" for no field."""
    if not path:
        return "—"
    text = ": ".join(_words(p) for p in path.split(".") if p)
    return text[:1].upper() + text[1:]
