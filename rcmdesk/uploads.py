"""Reading an uploaded file: the one place an upload's size is capped.

Every upload path (X12 files, charge imports, visit imports, bank deposit files; pages and
API) reads the file through ``read_upload``, so one setting, ``RCMDESK_MAX_UPLOAD_BYTES``
(20 MB by default), bounds them all, and a file over it is refused before it is read into
memory: Django has spooled a large upload to a temporary file, and only its declared size
is looked at. The declared size comes from the client, so at most one byte past the cap is
read, in case it lies. The refusal is a ``ValidationError``: a form shows it under its
field, the API answers it as invalid input, and an import path lists it as the file's
problem.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

UNITS = ((1024 * 1024, "MB"), (1024, "KB"))


class UploadRefused(ValidationError):
    """An upload that is empty or over ``RCMDESK_MAX_UPLOAD_BYTES``; ``str()`` is the sentence."""

    def __str__(self) -> str:
        return str(self.message)


def max_upload_bytes() -> int:
    """The cap, read when asked (so ``override_settings`` and the environment both hold)."""
    return int(settings.RCMDESK_MAX_UPLOAD_BYTES)


def read_upload(file: Any, *, what: str) -> bytes:
    """The bytes of an uploaded ``file`` (Django's or ninja's ``UploadedFile``), refused
    with ``UploadRefused`` when empty or over the cap; ``what`` names it in the sentence
    ("charge file": "The charge file is 31 MB; the largest file accepted is 20 MB.")."""
    cap = max_upload_bytes()
    if file.size is not None and file.size > cap:
        raise UploadRefused(f"The {what} is {size_shown(file.size, up=True)}; the largest "
                            f"file accepted is {size_shown(cap)}.")
    data: bytes = file.read(cap + 1)
    if len(data) > cap:
        raise UploadRefused(f"The {what} is larger than {size_shown(cap)}, the largest "
                            "file accepted.")
    if not data:
        raise UploadRefused(f"The {what} is empty.")
    return data


def size_shown(size: int, *, up: bool = False) -> str:
    """A size as people read it (31 MB, 20.5 MB, 900 KB, 12 bytes); ``up`` rounds a file's
    size up, so a file one byte over a 20 MB cap never reads "20 MB"."""
    for unit, name in UNITS:
        if size >= unit:
            tenths = size * 10 / unit
            value = (math.ceil(tenths) if up else math.floor(tenths)) / 10
            return f"{value:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} byte" + ("" if size == 1 else "s")
