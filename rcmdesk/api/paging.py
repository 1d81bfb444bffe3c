"""Paging parameters of the API's list routes, checked in one place.

Each route used to clamp ``limit`` and ``offset`` its own way, and some not at all: an offset
past 2^63 overflowed the database and a negative one broke the slice, both as 500s. Every
list route now takes one of these schemas, so an out-of-range value is a 422 that says what
range is allowed, before any query runs. ``limit`` above the page size is refused too rather
than silently cut, so a client never mistakes a short page for the end of the list.
"""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema

PAGE_MAX = 500
# The largest primary key the database can hold (a signed 64-bit BigAutoField).
ID_MAX = 2**63 - 1


class Limit(Schema):
    limit: int = Field(default=100, ge=1, le=PAGE_MAX,
                       description=f"Rows per page, 1 to {PAGE_MAX}.")


class Page(Limit):
    offset: int = Field(
        default=0, ge=0, le=settings.RCMDESK_API_MAX_OFFSET,
        description=f"Rows to skip, 0 to {settings.RCMDESK_API_MAX_OFFSET:,} "
        "(RCMDESK_API_MAX_OFFSET); past that, narrow the list with its filters.")


class Cursor(Limit):
    before_id: int | None = Field(default=None, ge=1, le=ID_MAX,
                                  description="Only rows with a smaller id (the next page).")
