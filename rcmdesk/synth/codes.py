"""Reference code values the generator draws from: code values only, never descriptions.

CPT descriptions belong to the AMA and CARC/RARC descriptions to X12, so only the codes
(which are facts, and what the files carry) are listed. Charges are a plausible
primary-care fee schedule so that the money columns look like a real practice's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Procedure:
    """A billable code with its charge; ``weight`` is how often a practice bills it."""

    code: str
    charge: Decimal
    weight: int


def _d(text: str) -> Decimal:
    return Decimal(text)


# E/M visits: one per professional claim.
VISITS: tuple[Procedure, ...] = (
    Procedure("99202", _d("110.00"), 3),
    Procedure("99203", _d("165.00"), 6),
    Procedure("99204", _d("250.00"), 3),
    Procedure("99205", _d("320.00"), 1),
    Procedure("99211", _d("45.00"), 2),
    Procedure("99212", _d("90.00"), 8),
    Procedure("99213", _d("135.00"), 30),
    Procedure("99214", _d("195.00"), 20),
    Procedure("99215", _d("270.00"), 4),
    Procedure("G0439", _d("175.00"), 3),
)

# Ancillary lines added to some visits (labs, ECG, imaging, vaccine admin, injection).
ANCILLARIES: tuple[Procedure, ...] = (
    Procedure("36415", _d("12.00"), 20),
    Procedure("80053", _d("48.00"), 10),
    Procedure("85025", _d("28.00"), 10),
    Procedure("83036", _d("35.00"), 6),
    Procedure("80061", _d("42.00"), 6),
    Procedure("93000", _d("65.00"), 5),
    Procedure("71046", _d("95.00"), 3),
    Procedure("90471", _d("30.00"), 5),
    Procedure("90686", _d("40.00"), 4),
    Procedure("J1100", _d("18.00"), 2),
)

# Outpatient hospital lines for 837I: revenue code, HCPCS, charge.
INSTITUTIONAL: tuple[tuple[str, str, Decimal], ...] = (
    ("0450", "99283", _d("780.00")),
    ("0450", "99284", _d("1250.00")),
    ("0300", "80053", _d("160.00")),
    ("0300", "85025", _d("95.00")),
    ("0320", "71046", _d("410.00")),
    ("0730", "93000", _d("220.00")),
    ("0636", "J1100", _d("55.00")),
)

# Inpatient per-day room and board (0110) and pharmacy (0250), billed without HCPCS.
ROOM_AND_BOARD = _d("1850.00")
INPATIENT_PHARMACY = _d("340.00")

# ICD-10-CM codes as written in HI (no dot); common primary-care diagnoses.
DIAGNOSES: tuple[str, ...] = (
    "E119",
    "E1165",
    "E785",
    "E039",
    "E669",
    "I10",
    "I2510",
    "I480",
    "J069",
    "J029",
    "J209",
    "J45909",
    "J449",
    "M5450",
    "M545",
    "M2550",
    "M1990",
    "K219",
    "K5900",
    "N390",
    "R0789",
    "R05",
    "R51",
    "R109",
    "F419",
    "F329",
    "G4700",
    "Z0000",
    "Z0001",
    "Z23",
    "Z1231",
    "Z79899",
    "L309",
    "H6690",
    "B349",
    "R5383",
    "D649",
    "E559",
)

# Rendering provider taxonomies (family, internal, general practice, family NP).
RENDERING_TAXONOMIES: tuple[str, ...] = ("207Q00000X", "207R00000X", "208D00000X", "363LF0000X")
# Billing provider (the practice) taxonomy: primary care clinic.
CLINIC_TAXONOMY = "261QP2300X"

FIRST_NAMES: tuple[str, ...] = (
    "ALEX",
    "JORDAN",
    "TAYLOR",
    "MORGAN",
    "CASEY",
    "RILEY",
    "JAMIE",
    "AVERY",
    "QUINN",
    "ROWAN",
    "SAGE",
    "REESE",
    "DAKOTA",
    "EMERSON",
    "FINLEY",
    "HARPER",
    "KENDALL",
    "LOGAN",
    "MARLOWE",
    "PARKER",
    "SKYLER",
    "TATUM",
    "BLAKE",
    "CAMERON",
    "DREW",
    "ELLIOT",
)
LAST_NAMES: tuple[str, ...] = (
    "ASHFORD",
    "BRAMBLE",
    "CALLOWAY",
    "DUNMORE",
    "ELDRIDGE",
    "FAIRWEATHER",
    "GALLOWAY",
    "HOLLISTER",
    "IVERSEN",
    "JESSOP",
    "KINCAID",
    "LANGLEY",
    "MERRIWEATHER",
    "NORCROSS",
    "OAKHURST",
    "PEMBERTON",
    "QUILLON",
    "ROOKWOOD",
    "STANHOPE",
    "THORNBURY",
    "UPWOOD",
    "VANTREASE",
    "WHITLOCK",
    "YARBOROUGH",
    "ZELLWEGER",
    "BLACKTHORN",
    "COPPERFIELD",
)
STREETS: tuple[str, ...] = (
    "MAPLE ST",
    "OAK AVE",
    "CEDAR LN",
    "BIRCH RD",
    "ELM ST",
    "WILLOW WAY",
    "ASPEN CT",
    "SPRUCE DR",
    "HICKORY BLVD",
    "LINDEN PL",
    "POPLAR ST",
    "SYCAMORE AVE",
)
# City, state, ZIP prefix: addresses are made up; the places are just places.
CITIES: tuple[tuple[str, str, str], ...] = (
    ("SPRINGFIELD", "IL", "627"),
    ("COLUMBUS", "OH", "432"),
    ("MADISON", "WI", "537"),
    ("RALEIGH", "NC", "276"),
    ("AUSTIN", "TX", "787"),
    ("BOISE", "ID", "837"),
    ("ALBANY", "NY", "122"),
    ("SALEM", "OR", "973"),
)
PRACTICE_WORDS: tuple[str, ...] = (
    "RIVERSIDE",
    "LAKEVIEW",
    "HIGHLAND",
    "MEADOWBROOK",
    "SUMMIT",
    "PINECREST",
    "FAIRVIEW",
    "NORTHGATE",
    "CEDAR HILL",
    "BAYSHORE",
)
