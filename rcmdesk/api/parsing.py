"""Request input the database can store, checked before any route runs.

The schemathesis run of issue 15 found values that passed validation and then broke the
query they reached, a 500 instead of an answer: a 30-digit id in a JSON body overflows a
64-bit column, and a NUL character in any text (query, form, JSON) is
refused by PostgreSQL. One parser for the whole API refuses both up front, with a 400 that
says what was wrong, so no route has to remember to.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from rcmdesk.api.paging import ID_MAX

NUL = "\x00"


class RefusedInput(ValueError):
    """A value no column could hold; its message is the Problem's ``detail``."""


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:24] + "…"


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > len(str(ID_MAX)) or not -ID_MAX - 1 <= int(text) <= ID_MAX:
        raise RefusedInput(f"The number {_shown(text)} is outside what the server stores "
                           f"(-{ID_MAX + 1:,} to {ID_MAX:,}).")
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise RefusedInput(f"The number {_shown(text)} is too large to store.")
    return value


def _no_constant(text: str) -> None:
    raise RefusedInput(f"{text} is not a number the server stores; send a finite number.")


def _refuse_nul(texts: Iterable[str], where: str) -> None:
    if any(NUL in text for text in texts):
        raise RefusedInput(f"Text in the {where} contains a NUL character (\\u0000), which "
                           "cannot be stored; remove it and send again.")


def _texts(data: Any) -> Iterable[str]:
    """Every string in decoded JSON, keys included; iterative, so nesting costs no stack."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from (k for k in value if isinstance(k, str))
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _form_texts(data: MultiValueDict[str, Any]) -> Iterable[str]:
    """Field names and text values (Django already drops NUL from an upload's file name)."""
    for key, values in data.lists():
        yield key
        yield from (value for value in values if isinstance(value, str))


class StorableInput(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.body, parse_int=_whole,
                                          parse_float=_finite, parse_constant=_no_constant)
        _refuse_nul(_texts(data), "body")
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        _refuse_nul(_form_texts(data), "query" if data is request.GET else "form")
        return super().parse_querydict(data, list_fields, request)
