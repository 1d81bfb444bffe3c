"""Code forms and the code sets we may ship.

Forms are checked for every code set; existence only where the code set is public:
place of service (CMS, CC0 via HL7) ships in ``data/``, ICD-10-CM (CMS, public domain) comes
from the pinned ``simple-icd-10-cm`` package's code list. CPT is the AMA's: form only, and
no descriptions anywhere in this product.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# ICD-10-CM without the dot: a letter, a digit, a digit or letter, then up to four more.
ICD10CM_FORM = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")
# ICD-9-CM: three digits (or V + two digits, E + three digits), up to two more digits.
ICD9_FORM = re.compile(r"^(?:[0-9]{3}|V[0-9]{2}|E[0-9]{3})[0-9]{0,2}$")
# CPT Category I: five digits; Category II (F), Category III (T) and PLA (U): 4 digits + letter.
CPT_FORM = re.compile(r"^(?:[0-9]{5}|[0-9]{4}[FTU])$")
# HCPCS Level II: a letter A-V and four digits.
HCPCS_FORM = re.compile(r"^[A-V][0-9]{4}$")
MODIFIER_FORM = re.compile(r"^[0-9A-Z]{2}$")
REVENUE_FORM = re.compile(r"^[0-9]{4}$")
TAXONOMY_FORM = re.compile(r"^[0-9A-Z]{9}X$")  # NUCC: ten characters, the last X
ZIP_FORM = re.compile(r"^[0-9]{5}(?:[0-9]{4})?$")
PO_BOX = re.compile(r"\b(?:P\.?\s*O\.?\s*BOX|POST\s+OFFICE\s+BOX|LOCK\s*BOX|LOCKBOX)\b",
                    re.IGNORECASE)
ICD10_START = "2015-10-01"  # ICD-10-CM replaced ICD-9-CM for services from this date

ICD10_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "ABN", "APR"})
ICD9_QUALIFIERS = frozenset({"BK", "BF", "BJ", "BN", "PR"})


def procedure_form(code: str) -> str:
    """'cpt', 'hcpcs' or '' (neither): the form decides which modifier rules apply."""
    if CPT_FORM.match(code):
        return "cpt"
    if HCPCS_FORM.match(code):
        return "hcpcs"
    return ""


@dataclass(frozen=True)
class Icd10Set:
    """ICD-10-CM codes of one release: every code, and the billable ones (leaves)."""

    release: str
    codes: frozenset[str]
    billable: frozenset[str]

    def knows(self, code: str) -> bool:
        return code in self.codes

    def is_billable(self, code: str) -> bool:
        return code in self.billable


@dataclass(frozen=True)
class CodeSets:
    place_of_service: dict[str, str]
    icd10: Icd10Set | None  # None: the package is missing, forms only


@cache
def place_of_service() -> dict[str, str]:
    with (DATA / "place_of_service.csv").open(newline="", encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


@cache
def icd10() -> Icd10Set | None:
    """Read the package's code list as a file (importing the package parses a 10 MB XML)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    files = sorted(data.glob("code-list-*.txt"))
    if not files:
        return None
    return parse_code_list(files[-1].read_text(encoding="utf-8"),
                           release=files[-1].stem.removeprefix("code-list-"))


def parse_code_list(text: str, *, release: str) -> Icd10Set:
    """The list is the tabular index in order (chapters, blocks, codes); a code is billable
    when the next code does not extend it."""
    codes = [c for c in (ln.split(" ")[0].replace(".", "").strip() for ln in text.splitlines())
             if c and "-" not in c and not c.isdigit()]
    billable = {c for c, nxt in zip(codes, [*codes[1:], ""], strict=True)
                if not nxt.startswith(c)}
    return Icd10Set(release, frozenset(codes), frozenset(billable))


def load() -> CodeSets:
    return CodeSets(place_of_service(), icd10())
