"""The server's date is never a client's day: product code reads "today" from the client.

Every rule that counts days (timely filing, appeal windows, follow-ups, SLAs, aging, report
and QA weeks) must use the client's calendar day (``Organization.today``, built on
``rcmdesk.calendar``). This check parses the product sources and fails on any call that
reads the server's date instead.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]

# Exempt, with the reason each may read the server's date:
EXEMPT_PARTS = {
    "tests": "tests build synthetic data around the day they run",
    "migrations": "migrations run once, outside any client's day",
    "synth": "the synthetic-data generator invents dates; no client owns them",
}
EXEMPT_FILES = {
    "calendar.py": "the clock itself",
    "conftest.py": "test fixtures, like tests, date synthetic data from the run day",
}



def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_dotted(node.func)}()"
    return "?"


SERVER_DATE = {"date.today", "datetime.date.today", "timezone.localdate",
               "django.utils.timezone.localdate", "timezone.now().date",
               "datetime.now().date", "datetime.datetime.now().date"}


def server_date_calls(source: str) -> list[int]:
    """Line numbers of calls that read the server's calendar day."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and _dotted(node.func) in SERVER_DATE]


def _product_files() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if not EXEMPT_PARTS.keys() & set(path.relative_to(PACKAGE).parts[:-1])
            and path.name not in EXEMPT_FILES]


def test_the_check_sees_each_way_of_reading_the_server_date() -> None:
    source = ("from datetime import date\nfrom django.utils import timezone\n"
              "a = date.today()\nb = timezone.localdate()\nc = timezone.now().date()\n"
              "d = client.today()\ne = timezone.now()\n")
    assert server_date_calls(source) == [3, 4, 5]


def test_product_code_never_reads_the_servers_date() -> None:
    found = Counter({
        str(path.relative_to(PACKAGE.parent)): len(lines)
        for path in _product_files()
        if (lines := server_date_calls(path.read_text(encoding="utf-8")))
    })
    assert not found, (
        "Read the client's day (Organization.today / rcmdesk.calendar), not the server's; "
        f"found {dict(found)}")
