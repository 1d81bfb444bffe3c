"""Merge fields for client-authored appeal text: ``{field}`` and nothing else.

Client text never goes through Django's template language (a template author could reach
objects and filters we never meant to expose); a small replacer fills a fixed list of fields,
and an unknown field is an error shown to the author when the template is saved. ``{{`` and
``}}`` write literal braces. Code values (CARC/RARC) are merged, never X12's description
texts, which a client licenses separately.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

from rcmdesk import errors

FIELDS: Final[dict[str, str]] = {
    "client_name": "the practice or hospital (our client)",
    "patient_name": "patient's name",
    "patient_birth_date": "patient's date of birth",
    "member_id": "patient's member id with the payer",
    "claim_number": "our claim number (patient control number)",
    "payer_claim_number": "the payer's claim control number",
    "payer_name": "payer's name",
    "payer_id": "payer id",
    "provider_name": "billing provider's name",
    "provider_npi": "billing provider's NPI",
    "service_from": "first date of service",
    "service_to": "last date of service",
    "total_charge": "claim's total charge",
    "denied_amount": "amount denied",
    "carc_codes": "denial reason codes (CARC values, with group code)",
    "rarc_codes": "remark codes (RARC values)",
    "remit_date": "date of the remittance that denied the claim",
    "appeal_level": "appeal level (1, 2, ...)",
    "appeal_deadline": "last day to file this appeal",
    "category": "denial category",
    "today": "today's date",
}

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class MergeError(errors.Invalid, ValueError):
    """The template names fields we do not offer, or has a stray brace."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def problems(text: str) -> list[str]:
    """What is wrong with a template, in words for its author (empty: fine)."""
    found: list[str] = []
    for match in _FIELD.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            found.append(f"A single '{token}' must be doubled ('{token * 2}') to print it.")
        elif name.strip() not in FIELDS:
            found.append(f"Unknown merge field {{{name}}}; use one of: "
                         + ", ".join(sorted(FIELDS)) + ".")
    return found


def check(text: str) -> None:
    found = problems(text)
    if found:
        raise MergeError(found)


def merge(text: str, values: Mapping[str, str], *,
          escape: Callable[[str], str] | None = None) -> str:
    """Fill ``{field}`` from ``values``; with ``escape`` (e.g. ``html.escape``) both the
    author's text and the values are escaped, so neither can inject markup."""
    check(text)
    esc = escape or (lambda s: s)
    out: list[str] = []
    position = 0
    for match in _FIELD.finditer(text):
        out.append(esc(text[position:match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            out.append(esc(token[0]))
        else:
            out.append(esc(values.get(match.group(1).strip(), "")))
        position = match.end()
    out.append(esc(text[position:]))
    return "".join(out)
