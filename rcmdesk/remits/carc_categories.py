"""Our own root-cause category for each CARC value (X12 owns the codes and their texts).

Only values and our categories live here: descriptions are X12's and a client loads them
under its own licence (``rcmdesk codes import-descriptions``). Every value in
``rcmdesk.x12.codes.CARC`` (retired ones included) is listed exactly once; a code outside
that list is "unknown". The category decides posting: adjustments in DENIAL_CATEGORIES are
denials, recorded and left open as insurance AR for the client to decide, never written off on
their own (coordination_of_benefits included: another payer may owe it); a CO/OA/PI adjustment
with an unknown code is left open the same way (we cannot say whether it is a contract
write-off or a denial) and the poster raises a posting exception.
"""

from __future__ import annotations

from typing import Final

_BY_CATEGORY: Final[dict[str, tuple[str, ...]]] = {
    # Non-denials: posted as adjustments (or moved to the patient).
    "contractual": ("41", "42", "44", "45", "59", "68", "69", "70", "74", "75", "76", "77", "79",
                    "80", "81", "82", "83", "84", "87", "90", "91", "92", "93", "94", "103",
                    "131", "132", "139", "172", "217", "232", "260", "262", "263", "264",
                    "265", "266", "271", "281", "A2", "A4", "A5", "B2", "B3", "P5", "P12",
                    "P22", "P23", "P24", "P25", "P26", "P28", "P29", "W1", "Y2", "Y3"),
    # Payer bookkeeping: sequestration, levies and taxes, withholds, incentives, interest and
    # penalties, fees, refunds and offsets, amounts a prior payer already settled.
    "payer_adjustment": ("23", "43", "63", "64", "71", "86", "88", "99", "102", "104", "105",
                         "118", "121", "123", "130", "137", "144", "145", "161", "205", "223",
                         "225", "235", "237", "245", "246", "253", "259", "295", "A3", "A7"),
    "patient_responsibility": ("1", "2", "3", "36", "37", "66", "72", "85", "100", "122", "126",
                               "127", "142", "156", "187", "201", "241", "247", "248", "A0",
                               "P3"),
    # Denials (DENIAL_CATEGORIES): left open as insurance AR.
    "eligibility": ("13", "14", "24", "26", "27", "28", "30", "31", "32", "33", "34", "106",
                    "120", "124", "140", "141", "177", "178", "179", "180", "200", "218", "224",
                    "238", "239", "257", "258", "277", "P6"),
    "provider_eligibility": ("52", "98", "111", "147", "170", "171", "183", "184", "185", "213",
                             "242", "278", "279", "283", "299", "B6", "B7", "B23", "D13", "P16",
                             "W5"),
    "authorization": ("15", "39", "61", "62", "95", "101", "165", "197", "198", "210", "243",
                      "284", "287", "288", "296", "302", "P17", "W6"),
    "coding": ("4", "5", "6", "7", "8", "9", "10", "11", "12", "40", "47", "54", "58", "65",
               "89", "134", "146", "181", "182", "189", "199", "203", "220", "229", "230",
               "240", "267", "268", "282", "A8", "B16", "B18", "B22", "P7", "P9", "P18", "W7"),
    "timely_filing": ("29", "138", "166", "286", "B4"),
    "duplicate": ("18", "B13", "B20"),
    "medical_necessity": ("46", "50", "55", "56", "57", "73", "108", "116", "117", "150", "151",
                          "152", "153", "154", "167", "169", "173", "174", "186", "188", "216",
                          "219", "249", "261", "272", "A6", "B5", "B8", "B19", "P15", "W4"),
    "bundling": ("60", "97", "128", "190", "194", "231", "234", "236", "274", "B10", "B15",
                 "B21", "P14", "W3"),
    "coordination_of_benefits": ("19", "20", "21", "22", "109", "136", "191", "195", "196",
                                 "209", "214", "215", "254", "270", "275", "276", "280", "290",
                                 "291", "292", "293", "294", "297", "298", "300", "301", "303",
                                 "304", "B11", "D23", "P2", "P4", "P32"),
    "missing_information": ("16", "17", "107", "110", "112", "125", "129", "135", "148", "163",
                            "164", "175", "176", "192", "206", "207", "208", "226", "227", "228",
                            "250", "251", "252", "285", "A1", "B12", "B17", "D1", "D2", "D3",
                            "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D12", "D14",
                            "D15", "D16", "D17", "D18", "D19", "D20", "D21", "P30"),
    "non_covered": ("25", "38", "48", "49", "51", "53", "78", "96", "113", "114", "115", "155",
                    "157", "158", "159", "160", "162", "168", "202", "204", "211", "212", "233",
                    "256", "269", "289", "B1", "B9", "P1", "P13", "P19", "P20", "P21", "P27",
                    "W2", "W8", "W9", "Y1"),
    "benefit_limit": ("35", "67", "119", "149", "222", "273", "B14", "P31"),
    # Payer has not finished: under review or investigation, deferred, held for litigation,
    # or a decision upheld on review.
    "payer_review": ("133", "143", "193", "221", "244", "255", "D22", "P8", "P10", "P11"),
}

CARC_CATEGORIES: Final[dict[str, str]] = {
    code: category for category, codes in reversed(list(_BY_CATEGORY.items())) for code in codes
}

DENIAL_CATEGORIES: Final[frozenset[str]] = frozenset({
    "eligibility", "provider_eligibility", "authorization", "coding", "timely_filing",
    "duplicate", "medical_necessity", "bundling", "coordination_of_benefits",
    "missing_information", "non_covered", "benefit_limit", "payer_review",
})

NON_DENIAL_CATEGORIES: Final[frozenset[str]] = frozenset({
    "contractual", "payer_adjustment", "patient_responsibility",
})

GROUP_CODES: Final[frozenset[str]] = frozenset({"CO", "PR", "OA", "PI"})


UNKNOWN: Final[str] = "unknown"


def category(reason: str) -> str:
    """Our root-cause category of a CARC value; "unknown" when our table does not list it."""
    return CARC_CATEGORIES.get(reason.strip().upper(), UNKNOWN)


def category_label(value: str) -> str:
    """A category as the office reads it ("medical necessity"): pages never show the key."""
    return value.replace("_", " ")


def is_unknown(group: str, reason: str) -> bool:
    """An adjustment (not the patient's share) whose reason we cannot categorise."""
    return group != "PR" and category(reason) == UNKNOWN


def is_denial(group: str, reason: str) -> bool:
    """A payer saying no (not a contract or the patient's share): left open, never written off.

    An unknown reason counts too: writing off what we cannot categorise is not our call.
    """
    return group != "PR" and (category(reason) in DENIAL_CATEGORIES or
                              is_unknown(group, reason))
