"""Our own root-cause category for each CARC value (X12 owns the codes and their texts).

Only values and our categories live here: descriptions are X12's and a client loads them
under its own licence (``rcmdesk codes import-descriptions``). A code not listed is
"unknown". The category decides posting: adjustments in DENIAL_CATEGORIES are denials,
recorded and left open as insurance AR for the client to decide, never written off on their
own; a CO/OA/PI adjustment with an unknown code is left open the same way (we cannot say
whether it is a contract write-off or a denial) and the poster raises a posting exception.
"""

from __future__ import annotations

from typing import Final

_BY_CATEGORY: Final[dict[str, tuple[str, ...]]] = {
    "contractual": ("42", "45", "59", "94", "104", "118", "131", "144", "172", "223", "237",
                    "253", "P24"),
    "patient_responsibility": ("1", "2", "3", "66", "100", "122", "142", "241"),
    "eligibility": ("24", "26", "27", "31", "32", "33", "177", "200", "B7"),
    "authorization": ("15", "39", "197", "198", "243", "284", "288"),
    "coding": ("4", "5", "6", "7", "8", "9", "10", "11", "12", "40", "54", "58", "146",
               "181", "182", "185", "189", "199", "204", "B22"),
    "timely_filing": ("29",),
    "duplicate": ("18",),
    "medical_necessity": ("46", "50", "55", "56", "57", "150", "151", "152", "167", "B5"),
    "bundling": ("97", "231", "234", "236", "B15"),
    "coordination_of_benefits": ("22", "23", "109", "136", "190", "B13"),
    "missing_information": ("16", "17", "21", "125", "206", "207", "208", "227", "252",
                            "A1", "B4"),
    "non_covered": ("35", "38", "49", "51", "96", "119", "149", "160", "170", "171", "B1",
                    "B9"),
}

CARC_CATEGORIES: Final[dict[str, str]] = {
    code: category for category, codes in reversed(list(_BY_CATEGORY.items())) for code in codes
}

DENIAL_CATEGORIES: Final[frozenset[str]] = frozenset({
    "eligibility", "authorization", "coding", "timely_filing", "duplicate",
    "medical_necessity", "bundling", "missing_information", "non_covered",
})

GROUP_CODES: Final[frozenset[str]] = frozenset({"CO", "PR", "OA", "PI"})


UNKNOWN: Final[str] = "unknown"


def category(reason: str) -> str:
    """Our root-cause category of a CARC value; "unknown" when our table does not list it."""
    return CARC_CATEGORIES.get(reason.strip().upper(), UNKNOWN)


def is_unknown(group: str, reason: str) -> bool:
    """An adjustment (not the patient's share) whose reason we cannot categorise."""
    return group != "PR" and category(reason) == UNKNOWN


def is_denial(group: str, reason: str) -> bool:
    """A payer saying no (not a contract or the patient's share): left open, never written off.

    An unknown reason counts too: writing off what we cannot categorise is not our call.
    """
    return group != "PR" and (category(reason) in DENIAL_CATEGORIES or
                              is_unknown(group, reason))
