"""Loading the HCPCS Level II code set (CMS, public domain) from the file CMS publishes.

No maintained package carries it, so the operator loads the year's file: the CMS
alpha-numeric text file (fixed width: code, sequence, record id, long description), or any
"code<TAB|,|spaces>description" list. Loading replaces the table in one transaction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.db import transaction

from rcmdesk.audit.services import record
from rcmdesk.scrubber.codesets import HCPCS_FORM
from rcmdesk.scrubber.models import HcpcsCode

FIXED_WIDTH = re.compile(r"^([A-V][0-9]{4})([0-9]{5})([0-9])(.*)$")
FIRST_LINE, CONTINUATION = "3", "4"  # record ids of a procedure's lines in the CMS layout


class HcpcsFileError(ValueError):
    pass


def parse(text: str) -> dict[str, str]:
    """Code -> description (the long description, continuation lines joined)."""
    found: dict[str, str] = {}
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.rstrip()
        fixed = FIXED_WIDTH.match(line)
        if fixed:
            code, _, record_id, rest = fixed.groups()
            text_part = rest[:80].strip()
            if record_id == FIRST_LINE:
                found.setdefault(code, text_part)
            elif record_id == CONTINUATION and code in found:
                found[code] = f"{found[code]} {text_part}".strip()
            continue
        parts = re.split(r"[\t,]|\s+", line.strip(), maxsplit=1)
        code = parts[0].strip().strip('"').upper()
        if HCPCS_FORM.match(code):
            found.setdefault(code, parts[1].strip().strip('"') if len(parts) > 1 else "")
    return found


def load(path: Path, *, acting_user: Any = None) -> int:
    codes = parse(path.read_text(encoding="utf-8", errors="replace"))
    if not codes:
        raise HcpcsFileError(f"No HCPCS Level II codes found in {path.name}.")
    with transaction.atomic():
        HcpcsCode.objects.all().delete()
        HcpcsCode.objects.bulk_create(
            (HcpcsCode(code=c, description=d[:300]) for c, d in sorted(codes.items())),
            batch_size=2000)
        record("scrubber.hcpcs.load", client_id=None, acting_user=acting_user,
               detail={"file": path.name, "codes": len(codes)})
    return len(codes)
