"""Situational rules of the guides: "required when ...", "if not required, do not send".

The guide data (``schemas/``) says only that such an element or segment is situational
(``S``); the condition is prose in the TR3. These are the conditions a strict receiver
enforces on segments we write or posting reads, each taken from the TR3 note it cites.
A rule is a check over one loop iteration, run when the loop is validated (streamed
loops included), keyed by set and loop id so a set only pays for its own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rcmdesk.x12.findings import Finding
from rcmdesk.x12.parser import Loop
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.rules_elements import finding
from rcmdesk.x12.schemas import family

Check = Callable[[str, Loop], Iterator[Finding]]

RULE = "snip2.situational"
NOT_USED = "snip2.situational-not-used"

# 835 BPR04 payment methods that move money through a bank (TR3 BPR04 code notes: "when
# this code is used, see BPR05 through BPR15 for additional requirements").
ELECTRONIC = frozenset({"ACH", "BOP", "FWT"})
# BPR06-BPR09 (payer's bank and account), BPR10 (payer identifier), BPR12-BPR15 (payee's
# bank and account): "Required when BPR04 = ACH, BOP or FWT."
BANK_ELEMENTS = (6, 7, 8, 9, 10, 12, 13, 14, 15)
# ... and, except BPR10, "If not required by this implementation guide, do not send."
NOT_SENT_BY_CHECK = (5, 6, 7, 8, 9, 12, 13, 14, 15)
_BPR_NAMES = {
    5: "payment format", 6: "payer DFI qualifier", 7: "payer DFI (routing) number",
    8: "payer account qualifier", 9: "payer account number", 10: "payer identifier",
    12: "payee DFI qualifier", 13: "payee DFI (routing) number",
    14: "payee account qualifier", 15: "payee account number",
}


def _bpr(file: str, root: Loop) -> Iterator[Finding]:
    bpr = root.first("BPR")
    if bpr is None:
        return
    method = bpr.get(4)
    if method == "ACH" and not bpr.get(5):
        yield finding(file, bpr, 5, RULE, "BPR05 (payment format, CCP or CTX) is required "
                                          "when BPR04 is ACH")
    if method in ELECTRONIC:
        for index in BANK_ELEMENTS:
            if not bpr.get(index):
                yield finding(file, bpr, index, RULE, f"BPR{index:02d} ({_BPR_NAMES[index]}) "
                                                      f"is required when BPR04 is {method}")
    elif method in ("CHK", "NON"):
        for index in NOT_SENT_BY_CHECK:
            if bpr.get(index):
                yield finding(file, bpr, index, NOT_USED,
                              f"BPR{index:02d} ({_BPR_NAMES[index]}) is sent only when BPR04 "
                              f"is ACH, BOP or FWT; with {method} the guide says do not send",
                              warn=True)
    yield from _zero_payment(file, bpr)


def _zero_payment(file: str, bpr: Segment) -> Iterator[Finding]:
    """A zero BPR02 is a notification (BPR01 H, BPR04 NON) unless it is a prenote (P).

    X12 RFI 2228 (005010X221): with BPR02 = 0 and no prenotification, BPR01 must be H
    and BPR04 must be NON; ACH with a zero payment is not compliant. A warning, not an
    error: no money moves either way and posting reads such a file correctly, so refusing
    a payer's all-denied remittance over it would cost more than it protects (what we
    write is held to it: the conformance test allows no warnings).
    """
    try:
        paid = Decimal(bpr.get(2) or "x")
    except InvalidOperation:
        return  # a malformed amount is reported by the element rules
    if paid or bpr.get(1) == "P":
        return
    for index, code in ((1, "H"), (4, "NON")):
        if bpr.get(index) != code:
            yield finding(file, bpr, index, RULE, f"a zero payment (BPR02 = 0) that is not a "
                                                  f"prenotification must have BPR{index:02d} = "
                                                  f"{code}", warn=True)


def _trace_originator(file: str, loop: Loop) -> Iterator[Finding]:
    """270/271 and 278 TRN: TRN03, who assigned the trace, is required (TR3 TRN03 usage R:
    "1" + EIN, or "9" + an identifier of the assigner's own), so the answer can be
    matched to the asker even when a clearinghouse adds its own TRN. Element 509 is AN
    10/10, which the hand-written guides type loosely, so its length is checked here."""
    for trn in loop.all("TRN"):
        originator = trn.get(3)
        if not originator:
            yield finding(file, trn, 3, RULE, "TRN03 (trace assigning entity identifier) "
                                              "is required on every trace number")
        elif len(originator) != 10:
            yield finding(file, trn, 3, RULE, f"TRN03 (trace assigning entity identifier) "
                                              f"is exactly 10 characters, not "
                                              f"{len(originator)}")


_REPLACES = frozenset({"7", "8"})  # CLM05-3 claim frequency: replacement, void


def _payer_claim_number(file: str, loop: Loop) -> Iterator[Finding]:
    """837 2300 REF*F8: "Required when CLM05-3 indicates this claim is a replacement or
    void to a previously adjudicated claim" (frequency 7 or 8): the payer cannot find the
    claim it is asked to replace without its own claim control number."""
    clm = loop.items[0] if loop.items else None
    if not isinstance(clm, Segment) or clm.id != "CLM":
        return
    parts = clm.components(5)
    frequency = parts[2] if len(parts) > 2 else ""
    if frequency in _REPLACES and loop.first("REF", "F8") is None:
        yield finding(file, clm, 5, RULE, f"REF*F8 (payer claim control number) is required "
                                          f"when CLM05-3 is {frequency} (replacement or void)")


def _patient_subscriber_demographics(file: str, loop: Loop) -> Iterator[Finding]:
    """837 2010BA DMG: "Required when the patient is the subscriber" (SBR02 = 18): the
    birth date and sex are the payer's second key to the member after the id."""
    sbr = loop.first("SBR")
    if sbr is None or sbr.get(2) != "18":
        return
    for name in loop.children("2010BA"):
        if name.first("DMG") is None:
            head = name.items[0]
            assert isinstance(head, Segment)
            yield finding(file, head, 0, RULE, "DMG (subscriber birth date and sex) is "
                                               "required when the subscriber is the patient "
                                               "(SBR02 = 18)")


_INPATIENT = frozenset({"11"})  # 837I CLM05-1 facility type 11x: hospital inpatient


def _inpatient_admission(file: str, loop: Loop) -> Iterator[Finding]:
    """837I 2300 on a hospital inpatient bill (type of bill 11x): the admission date and
    hour (DTP*435) "are required on inpatient claims" (X12 RFI 1520), and CL101, the
    admission type, is "required when the patient is being admitted for inpatient
    services"."""
    clm = loop.items[0] if loop.items else None
    if not isinstance(clm, Segment) or clm.id != "CLM":
        return
    if clm.components(5)[0] not in _INPATIENT:
        return
    if loop.first("DTP", "435") is None:
        yield finding(file, clm, 5, RULE, "DTP*435 (admission date and hour) is required on "
                                          "an inpatient claim (type of bill 11x)")
    cl1 = loop.first("CL1")
    if cl1 is not None and not cl1.get(1):
        yield finding(file, cl1, 1, RULE, "CL101 (admission type) is required on an "
                                          "inpatient claim (type of bill 11x)")


_837: dict[str, tuple[Check, ...]] = {
    "2300": (_payer_claim_number,),
    "2000B": (_patient_subscriber_demographics,),
}
_837I: dict[str, tuple[Check, ...]] = {
    **_837, "2300": (_payer_claim_number, _inpatient_admission),
}
_TRACED: dict[str, tuple[Check, ...]] = {
    loop_id: (_trace_originator,) for loop_id in ("2000C", "2000D", "2000E", "2000F")
}
# By set id and guide family (the 837P's CLM05-1 is a place of service, the 837I's a
# type of bill, so they need their own rules).
RULES: dict[tuple[str, str], Mapping[str, tuple[Check, ...]]] = {
    ("835", "X221"): {"ST_LOOP": (_bpr,)},
    ("837", "X222"): _837,
    ("837", "X223"): _837I,
    ("270", "X279"): _TRACED,
    ("271", "X279"): _TRACED,
    ("278", "X217"): _TRACED,
}
NONE: Mapping[str, tuple[Check, ...]] = {}


@lru_cache(maxsize=256)  # asked once per streamed claim loop
def rules_for(set_id: str, version: str) -> Mapping[str, tuple[Check, ...]]:
    """The situational checks of a set by loop id, for its ST01 and GS08 (empty for sets
    without any)."""
    return RULES.get((set_id, family(version)), NONE)
