"""Loading CARC/RARC description texts a client holds under its own X12 licence.

We ship code values only; the texts are X12's to licence, so each client imports its own
copy (``code<TAB>text`` or ``code,text`` per line) into CodeDescription.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from rcmdesk import untrusted
from rcmdesk.audit.services import record
from rcmdesk.remits.models import CodeDescription
from rcmdesk.tenancy.models import Organization

LISTS = frozenset({"carc", "rarc"})
MAX_CODE = 8  # CodeDescription.code


def _lines(text: str, delimiter: str) -> list[list[str]]:
    """Every line's cells, through the caps on untrusted CSV; a code longer than any CARC
    or RARC (8 characters) is refused by its line, as a cap is (a ValueError)."""
    out = []
    for number, cells in untrusted.csv_rows(text, untrusted.Limits.of(settings),
                                            delimiter=delimiter, header=False):
        if len(cells[0].strip()) > MAX_CODE:
            raise untrusted.Refused(f"{cells[0].strip()[:20]!r} is longer than a code "
                                    f"({MAX_CODE} characters).", row=number, column="column 1")
        out.append(cells)
    return out


def import_descriptions(client: Organization, code_list: str, text: str, *,
                        acting_user: Any = None) -> int:
    """Create or replace the client's descriptions; returns how many rows were loaded."""
    if code_list not in LISTS:
        raise ValueError(f"list must be one of {sorted(LISTS)}, not {code_list!r}")
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    rows = [r for r in _lines(text, delimiter)
            if len(r) >= 2 and r[0].strip() and r[0].strip().lower() != "code"]
    with transaction.atomic():
        for code, description, *_ in rows:
            CodeDescription.objects.update_or_create(
                client=client, list=code_list, code=code.strip().upper(),
                defaults={"text": description.strip()})
        record("remits.code_descriptions_imported", client_id=client.pk, acting_user=acting_user,
               object_type="remits.codedescription", detail={"list": code_list,
                                                             "rows": len(rows)})
    return len(rows)
