"""Health Care Claim Status Request (005010X212), hand-written.

Loop structure from the 5010 TR3: 2000A payer > 2000B information receiver >
2000C service provider > 2000D subscriber (2100D name, 2200D claim status tracking,
2210D service lines) > 2000E dependent (2100E, 2200E, 2210E).
"""

from rcmdesk.x12.schemas._build import AMOUNT, DATE, hl, name_loop, seg, transaction
from rcmdesk.x12.schemas.model import Guide, L


def _claims(prefix: str) -> L:
    return L(
        f"2200{prefix}",
        "Claim Status Tracking Number",
        "S",
        0,
        (
            seg("TRN", "Claim Status Tracking Number", "R", 1, 3),
            seg("REF", "Claim Identification", "S", 9, 3),
            seg("AMT", "Claim Submitted Charges", "S", 1, 2, typed={2: AMOUNT}),
            seg("DTP", "Claim Service Date", "S", 1, 3),
            L(
                f"2210{prefix}",
                "Service Line Information",
                "S",
                0,
                (
                    seg("SVC", "Service Line Information", "R", 1, 7, typed={2: AMOUNT}),
                    seg("REF", "Service Line Item Identification", "S", 1, 3),
                    seg("DTP", "Service Line Date", "S", 1, 3),
                ),
            ),
        ),
    )


_DEMOGRAPHICS = seg("DMG", "Demographic Information", "S", 1, 3, typed={2: DATE})
_DEPENDENT = L(
    "2000E",
    "Dependent Level",
    "S",
    0,
    (
        hl("23", "Dependent Level"),
        _DEMOGRAPHICS,
        name_loop("2100E", "Dependent Name", "R", 1, ("QC",)),
        _claims("E"),
    ),
)
_SUBSCRIBER = L(
    "2000D",
    "Subscriber Level",
    "R",
    0,
    (
        hl("22", "Subscriber Level"),
        _DEMOGRAPHICS,
        name_loop("2100D", "Subscriber Name", "R", 1, ("IL",)),
        _claims("D"),
        _DEPENDENT,
    ),
)
_PROVIDER = L(
    "2000C",
    "Service Provider Level",
    "R",
    0,
    (
        hl("19", "Service Provider Level"),
        name_loop("2100C", "Provider Name", "R", 1, ("1P",)),
        _SUBSCRIBER,
    ),
)
_RECEIVER = L(
    "2000B",
    "Information Receiver Level",
    "R",
    0,
    (
        hl("21", "Information Receiver Level"),
        name_loop("2100B", "Information Receiver Name", "R", 1, ("41",)),
        _PROVIDER,
    ),
)
_SOURCE = L(
    "2000A",
    "Information Source Level",
    "R",
    0,
    (
        hl("20", "Information Source Level"),
        name_loop("2100A", "Payer Name", "R", 1, ("PR",)),
        _RECEIVER,
    ),
)

GUIDE = Guide(
    "276",
    "005010X212",
    "HR",
    "Health Care Claim Status Request",
    transaction("276", "0010", ("13",), _SOURCE),
)
