"""Request input the database can store, checked before any route runs.

The schemathesis run and the hostile-input probes of issue 15 found values that passed
validation and then broke the query they reached, a 500 instead of an answer: a 30-digit id
in a JSON body overflows a 64-bit column, a NUL character in any text (query, form, JSON) is
refused by PostgreSQL, and ninja's bare ``json.loads`` met deep nesting and 100,000-digit
numbers with a RecursionError or a bare "Cannot parse request body". One parser for the whole
API reads bodies through ``rcmdesk.untrusted`` (the caps every file from outside meets) and
refuses the rest up front, with a 400 that says what was wrong and where.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from rcmdesk import untrusted
from rcmdesk.api.paging import ID_MAX


class RefusedInput(ValueError):
    """A value no column could hold; its message is the Problem's ``detail``."""


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:24] + "…"


def _refuse_out_of_range(data: Any) -> None:
    """Whole numbers past 64 bits: within the digit cap, yet no id or count column holds them."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, int) and not isinstance(value, bool) and \
                not -ID_MAX - 1 <= value <= ID_MAX:
            raise RefusedInput(f"The number {_shown(str(value))} is outside what the server "
                               f"stores (-{ID_MAX + 1:,} to {ID_MAX:,}).")




def _refuse_nul(texts: Iterable[str], where: str) -> None:
    if any(untrusted.NUL in text for text in texts):
        raise RefusedInput(untrusted.nul_problem(f"Text in the {where}"))


def _form_texts(data: MultiValueDict[str, Any]) -> Iterable[str]:
    """Field names and text values (Django already drops NUL from an upload's file name)."""
    for key, values in data.lists():
        yield key
        yield from (value for value in values if isinstance(value, str))


class StorableInput(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # The caps every JSON from outside meets (depth, number length, NUL, NaN; fractions
        # as Decimal): rcmdesk.untrusted, whose Refused names the element and the limit.
        text = request.body.decode("utf-8-sig")
        data: dict[str, Any] = untrusted.json_document(text, untrusted.Limits.of(settings))
        _refuse_out_of_range(data)
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        _refuse_nul(_form_texts(data), "query" if data is request.GET else "form")
        return super().parse_querydict(data, list_fields, request)
