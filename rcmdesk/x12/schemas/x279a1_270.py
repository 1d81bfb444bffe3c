"""Eligibility, Coverage or Benefit Inquiry (005010X279A1), hand-written.

Loop structure from the 5010 TR3: 2000A information source > 2000B information
receiver > 2000C subscriber (2100C name, 2110C EQ inquiries) > 2000D dependent.
"""

from rcmdesk.x12.schemas._build import DATE, SERVICE_TYPES, hl, name_loop, seg, transaction
from rcmdesk.x12.schemas.model import Guide, L, S


def _member_rest(prefix: str) -> tuple[S | L, ...]:
    return (
        seg("REF", "Additional Identification", "S", 9, 3),
        seg("N3", "Address", "S", 1, 2),
        seg("N4", "City, State, ZIP Code", "S", 1, 7),
        seg("PRV", "Provider Information", "S", 1, 3),
        seg("DMG", "Demographic Information", "S", 1, 3, typed={2: DATE}),
        seg("INS", "Multiple Birth Sequence Number", "S", 1, 17),
        seg("HI", "Health Care Diagnosis Code", "S", 1, 8),
        seg("DTP", "Date", "S", 2, 3),
        L(
            f"2110{prefix}",
            "Eligibility or Benefit Inquiry",
            "S",
            99,
            (
                seg("EQ", "Eligibility or Benefit Inquiry", "R", 1, 5, typed={1: SERVICE_TYPES}),
                seg("AMT", "Spend Down Amount", "S", 2, 2),
                seg("III", "Additional Inquiry Information", "S", 10, 2),
                seg("REF", "Additional Information", "S", 1, 2),
                seg("DTP", "Date", "S", 1, 3),
            ),
        ),
    )


_DEPENDENT = L(
    "2000D",
    "Dependent Level",
    "S",
    0,
    (
        hl("23", "Dependent Level"),
        seg("TRN", "Dependent Trace Number", "S", 2, 4),
        name_loop("2100D", "Dependent Name", "R", 1, ("03",), *_member_rest("D")),
    ),
)
_SUBSCRIBER = L(
    "2000C",
    "Subscriber Level",
    "R",
    0,
    (
        hl("22", "Subscriber Level"),
        seg("TRN", "Subscriber Trace Number", "S", 2, 4),
        name_loop("2100C", "Subscriber Name", "R", 1, ("IL",), *_member_rest("C")),
        _DEPENDENT,
    ),
)
_RECEIVER = L(
    "2000B",
    "Information Receiver Level",
    "R",
    0,
    (
        hl("21", "Information Receiver Level"),
        name_loop(
            "2100B",
            "Information Receiver Name",
            "R",
            1,
            ("1P", "2B", "36", "80", "FA", "GP", "P5", "PR"),
            seg("REF", "Information Receiver Additional Identification", "S", 9, 3),
            seg("N3", "Information Receiver Address", "S", 1, 2),
            seg("N4", "Information Receiver City, State, ZIP Code", "S", 1, 7),
            seg("PRV", "Information Receiver Provider Information", "S", 1, 3),
        ),
        _SUBSCRIBER,
    ),
)
_SOURCE = L(
    "2000A",
    "Information Source Level",
    "R",
    0,
    (
        hl("20", "Information Source Level"),
        name_loop("2100A", "Information Source Name", "R", 1, ("2B", "36", "GP", "P5", "PR")),
        _RECEIVER,
    ),
)

GUIDE = Guide(
    "270",
    "005010X279A1",
    "HS",
    "Eligibility, Coverage or Benefit Inquiry",
    transaction("270", "0022", ("01", "13", "36"), _SOURCE),
)
