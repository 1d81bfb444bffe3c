"""Eligibility, Coverage or Benefit Information (005010X279A1), hand-written.

Loop structure from the 5010 TR3: 2000A information source > 2000B information
receiver > 2000C subscriber (2100C name, 2110C EB benefits with LS/2120C/LE
benefit-related entities) > 2000D dependent. AAA may appear at every level.
"""

from rcmdesk.x12.schemas._build import AMOUNT, DATE, SERVICE_TYPES, hl, name_loop, seg, transaction
from rcmdesk.x12.schemas.model import Guide, L, S

_AAA = seg("AAA", "Request Validation", "S", 9, 4)
_ENTITY_CODES = (
    "13",
    "1I",
    "1P",
    "2B",
    "36",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
    "80",
    "FA",
    "GP",
    "GW",
    "I3",
    "IL",
    "LR",
    "P3",
    "P4",
    "P5",
    "PR",
    "PRP",
    "S1",
    "SEP",
    "TTP",
    "VER",
    "VN",
    "VY",
    "X3",
    "Y2",
)


def _benefits(prefix: str) -> L:
    return L(
        f"2110{prefix}",
        "Eligibility or Benefit Information",
        "S",
        0,
        (
            seg(
                "EB",
                "Eligibility or Benefit Information",
                "R",
                1,
                14,
                typed={3: SERVICE_TYPES, 7: AMOUNT},
            ),
            seg("HSD", "Health Care Services Delivery", "S", 9, 8),
            seg("REF", "Additional Identification", "S", 9, 3),
            seg("DTP", "Eligibility/Benefit Date", "S", 20, 3),
            _AAA,
            seg("MSG", "Message Text", "S", 10, 3),
            seg("III", "Additional Information", "S", 10, 4),
            seg("LS", "Loop Header", "S", 1, 1),
            name_loop(
                f"2120{prefix}",
                "Benefit Related Entity Name",
                "S",
                23,
                _ENTITY_CODES,
                seg("N3", "Address", "S", 1, 2),
                seg("N4", "City, State, ZIP Code", "S", 1, 7),
                seg("PER", "Contact Information", "S", 3, 9),
                seg("PRV", "Provider Information", "S", 1, 3),
            ),
            seg("LE", "Loop Trailer", "S", 1, 1),
        ),
    )


def _member(prefix: str) -> tuple[S | L, ...]:
    return (
        seg("REF", "Additional Identification", "S", 9, 3),
        seg("N3", "Address", "S", 1, 2),
        seg("N4", "City, State, ZIP Code", "S", 1, 7),
        _AAA,
        seg("PRV", "Provider Information", "S", 1, 3),
        seg("DMG", "Demographic Information", "S", 1, 3, typed={2: DATE}),
        seg("INS", "Relationship", "S", 1, 17),
        seg("HI", "Health Care Diagnosis Code", "S", 1, 8),
        seg("DTP", "Date", "S", 9, 3),
        seg("MPI", "Military Personnel Information", "S", 1, 7),
        _benefits(prefix),
    )


_DEPENDENT = L(
    "2000D",
    "Dependent Level",
    "S",
    0,
    (
        hl("23", "Dependent Level"),
        seg("TRN", "Dependent Trace Number", "S", 3, 4),
        name_loop("2100D", "Dependent Name", "R", 1, ("03",), *_member("D")),
    ),
)
_SUBSCRIBER = L(
    "2000C",
    "Subscriber Level",
    "S",
    0,
    (
        hl("22", "Subscriber Level"),
        seg("TRN", "Subscriber Trace Number", "S", 3, 4),
        name_loop("2100C", "Subscriber Name", "R", 1, ("IL",), *_member("C")),
        _DEPENDENT,
    ),
)
_RECEIVER = L(
    "2000B",
    "Information Receiver Level",
    "S",
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
            _AAA,
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
        _AAA,
        name_loop(
            "2100A",
            "Information Source Name",
            "R",
            1,
            ("2B", "36", "GP", "P5", "PR"),
            seg("PER", "Information Source Contact Information", "S", 3, 9),
            _AAA,
        ),
        _RECEIVER,
    ),
)

GUIDE = Guide(
    "271",
    "005010X279A1",
    "HB",
    "Eligibility, Coverage or Benefit Information",
    transaction("271", "0022", ("06", "11"), _SOURCE),
)
