"""Health Care Services Review - Request for Review and Response (005010X217).

Hand-written from the published loop structure of the 005010X217 TR3 (pyx12 ships no
5010 278 map, and its 4010 map predates the 2000E patient event / 2000F service
levels). Requests and responses share the structure; AAA and HCR are allowed where
the response uses them. Elements are typed loosely (AN) except loop qualifiers and
the amounts/dates the typed view reads, so validation of this guide is structural.
"""

from rcmdesk.x12.schemas._build import hl as _hl
from rcmdesk.x12.schemas._build import seg as _seg
from rcmdesk.x12.schemas.model import E, Guide, L, S


def _name_loop(loop_id: str, name: str, usage: str, repeat: int, codes: tuple[str, ...]) -> L:
    return L(
        loop_id,
        name,
        usage,
        repeat,
        (
            _seg("NM1", name, "R", 1, 12, codes),
            _seg("REF", "Supplemental Identification", "S", 9, 4),
            _seg("N3", "Address", "S", 1, 2),
            _seg("N4", "City, State, ZIP Code", "S", 1, 7),
            _seg("PER", "Contact Information", "S", 1, 9),
            _seg("AAA", "Request Validation", "S", 9, 4),
            _seg("PRV", "Provider Information", "S", 1, 6),
            _seg("DMG", "Demographic Information", "S", 1, 3),
            _seg("INS", "Relationship", "S", 1, 17),
            _seg("DTP", "Date", "S", 9, 3),
        ),
    )


_AAA = _seg("AAA", "Request Validation", "S", 9, 4)
_REVIEW = (
    _seg("TRN", "Trace Number", "S", 2, 4),
    _AAA,
    _seg("UM", "Health Care Services Review Information", "R", 1, 10),
    _seg("HCR", "Health Care Services Review", "S", 1, 4),
    _seg("REF", "Reference Identification", "S", 9, 4),
    _seg("DTP", "Date", "S", 9, 3),
    _seg("HI", "Health Care Information Codes", "S", 1, 12),
    _seg("HSD", "Health Care Services Delivery", "S", 1, 8),
    _seg("CRC", "Conditions Indicator", "S", 9, 7),
    _seg("CL1", "Institutional Claim Code", "S", 1, 4),
    _seg("CR1", "Ambulance Transport Information", "S", 1, 10),
    _seg("CR2", "Spinal Manipulation Information", "S", 1, 12),
    _seg("CR5", "Home Oxygen Therapy Information", "S", 1, 18),
    _seg("CR6", "Home Health Care Information", "S", 1, 21),
    _seg("SV1", "Professional Service", "S", 1, 21),
    _seg("SV2", "Institutional Service Line", "S", 1, 10),
    _seg("SV3", "Dental Service", "S", 1, 11),
    _seg("TOO", "Tooth Information", "S", 32, 3),
    _seg("PWK", "Additional Patient Information", "S", 10, 9),
    _seg("MSG", "Message Text", "S", 1, 3),
)
_EVENT_PROVIDER_CODES = (
    "1T",
    "71",
    "72",
    "73",
    "77",
    "AAJ",
    "DD",
    "DK",
    "DN",
    "FA",
    "G3",
    "P3",
    "QB",
    "QV",
    "SJ",
    "FS",
    "ND",
    "PW",
    "R3",
    "45",
    "L5",
)

_SERVICE = L(
    "2000F",
    "Service Level",
    "S",
    0,
    (
        _hl("SS", "Service Level"),
        *_REVIEW,
        _name_loop("2010F", "Service Provider Name", "S", 3, _EVENT_PROVIDER_CODES),
    ),
)
_EVENT = L(
    "2000E",
    "Patient Event Level",
    "R",
    0,
    (
        _hl("EV", "Patient Event Level"),
        *_REVIEW,
        _name_loop("2010E", "Patient Event Provider Name", "S", 0, _EVENT_PROVIDER_CODES),
        _SERVICE,
    ),
)
_DEPENDENT = L(
    "2000D",
    "Dependent Level",
    "S",
    1,
    (
        _hl("23", "Dependent Level"),
        _seg("TRN", "Trace Number", "S", 2, 4),
        _name_loop("2010D", "Dependent Name", "R", 1, ("QC",)),
        _EVENT,
    ),
)
_SUBSCRIBER = L(
    "2000C",
    "Subscriber Level",
    "R",
    1,
    (
        _hl("22", "Subscriber Level"),
        _seg("TRN", "Trace Number", "S", 2, 4),
        _name_loop("2010C", "Subscriber Name", "R", 1, ("IL",)),
        _DEPENDENT,
        _EVENT,
    ),
)
_REQUESTER = L(
    "2000B",
    "Requester Level",
    "R",
    1,
    (
        _hl("21", "Requester Level"),
        _name_loop("2010B", "Requester Name", "R", 1, ("1P", "FA")),
        _SUBSCRIBER,
    ),
)
_SOURCE = L(
    "2000A",
    "Utilization Management Organization (UMO) Level",
    "R",
    1,
    (
        _hl("20", "UMO Level"),
        _AAA,
        _name_loop("2010A", "UMO Name", "R", 1, ("X3", "PR", "2B")),
        _REQUESTER,
    ),
)

GUIDE = Guide(
    "278",
    "005010X217",
    "HI",
    "Health Care Services Review",
    L(
        "ST_LOOP",
        "Transaction Set Header",
        "R",
        0,
        (
            S(
                "ST",
                "Transaction Set Header",
                "R",
                1,
                (
                    E("143", "R", "ID", 3, 3, ("278",)),
                    E("329", "R", "AN", 4, 9),
                    E("1705", "S", "AN", 1, 35),
                ),
                (1, 0),
            ),
            S(
                "BHT",
                "Beginning of Hierarchical Transaction",
                "R",
                1,
                (
                    E("1005", "R", "ID", 4, 4, ("0007",)),
                    E("353", "R", "ID", 2, 2, ("01", "11", "13", "36")),
                    E("127", "R", "AN", 1, 50),
                    E("373", "R", "DT", 8, 8),
                    E("337", "R", "TM", 4, 8),
                    E("640", "S", "ID", 2, 2),
                ),
            ),
            _SOURCE,
            S(
                "SE",
                "Transaction Set Trailer",
                "R",
                1,
                (E("96", "R", "N0", 1, 10), E("329", "R", "AN", 4, 9)),
            ),
        ),
    ),
)
