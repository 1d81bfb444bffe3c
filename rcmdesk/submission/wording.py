"""Our own plain words for acknowledgment codes, and where an error sits in the 837 guide.

The 999's small syntax-error code lists (IK3/IK4/IK5) and the 277CA's claim status
categories are described here in our own phrasing; claim status code values are shown as
values only (their descriptions are licensed and not ours to ship).
"""

from __future__ import annotations

from rcmdesk.x12.schemas import guide_for
from rcmdesk.x12.schemas.model import C, L, S

SEGMENT_ERRORS = {  # IK304
    "1": "segment id not recognised",
    "2": "segment not expected here",
    "3": "a required segment is missing",
    "4": "loop repeats more often than allowed",
    "5": "segment repeats more often than allowed",
    "6": "segment does not belong to this transaction set",
    "7": "segment out of order",
    "8": "segment has element errors",
    "I4": "segment the guide does not use is present",
    "I6": "segment the guide needs in this situation is missing",
    "I7": "loop occurs fewer times than the guide needs",
    "I8": "segment occurs fewer times than the guide needs",
    "I9": "segment the guide does not use in this situation is present",
}

ELEMENT_ERRORS = {  # IK403
    "1": "required element missing",
    "2": "conditionally required element missing",
    "3": "too many elements",
    "4": "value too short",
    "5": "value too long",
    "6": "invalid character",
    "7": "code value not allowed",
    "8": "invalid date",
    "9": "invalid time",
    "10": "element present where another excludes it",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used by this guide",
    "I9": "element the guide needs in this situation is missing",
    "I10": "element the guide does not use is present",
    "I11": "too few repetitions for the guide",
    "I12": "value does not match the guide's pattern",
    "I13": "element the guide does not use in this situation is present",
}

SET_STATUS = {  # IK501 / AK901
    "A": "accepted",
    "E": "accepted with errors noted",
    "M": "rejected: message authentication failed",
    "P": "partly accepted: some sets rejected",
    "R": "rejected",
    "W": "rejected: failed assurance checks",
    "X": "rejected: content could not be analysed after decryption",
}

SET_ERRORS = {  # IK502..IK506
    "1": "transaction set not supported",
    "2": "trailer (SE) missing",
    "3": "ST and SE control numbers differ",
    "4": "segment count in SE is wrong",
    "5": "one or more segments in error",
    "6": "backward compatibility not supported",
    "7": "control number not unique in the group",
    "23": "control number not unique in the group",
    "I5": "implementation guide not supported",
    "I6": "implementation convention reference invalid",
}

ACCEPTED_STATUSES = frozenset({"A", "E"})

# 277CA STC01-1 categories at the front door, in our words
CATEGORIES = {
    "A0": "forwarded to another entity",
    "A1": "received",
    "A2": "accepted for processing",
    "A3": "returned as unprocessable",
    "A4": "not found",
    "A5": "split by the payer",
    "A6": "rejected: information missing",
    "A7": "rejected: information invalid",
    "A8": "rejected: data elements conflict",
}
ACCEPTED_CATEGORIES = frozenset({"A1", "A2", "A5"})
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})


def set_status(code: str) -> str:
    return SET_STATUS.get(code, f"status {code}")


def _find(loop: L, loop_id: str) -> L | None:
    if loop.id == loop_id:
        return loop
    for child in loop.children:
        if isinstance(child, L):
            found = _find(child, loop_id)
            if found is not None:
                return found
    return None


def segment_spec(version: str, loop_id: str, segment_id: str) -> tuple[S | None, L | None]:
    """The guide's segment and loop for an error location (None when not found)."""
    guide = guide_for("837", version)
    if guide is None:
        return None, None
    loop = _find(guide.root, loop_id) if loop_id else None
    where = loop or guide.root
    for child in where.children:
        if isinstance(child, S) and child.id == segment_id:
            return child, loop
    return None, loop


def explain_segment(version: str, segment_id: str, position: str, loop_id: str,
                    code: str) -> str:
    spec, loop = segment_spec(version, loop_id, segment_id)
    named = f"{segment_id} ({spec.name})" if spec is not None else segment_id
    place = f" in loop {loop_id}" + (f" ({loop.name})" if loop is not None else "")
    place = place if loop_id else ""
    what = SEGMENT_ERRORS.get(code, f"error code {code}")
    return f"{named}, segment {position} of the set{place}: {what} (IK3 code {code})"


def explain_element(version: str, segment_id: str, loop_id: str, position: tuple[str, ...],
                    reference: str, code: str, value: str) -> str:
    spec, _loop = segment_spec(version, loop_id, segment_id)
    index = position[0] if position else "?"
    where = f"{segment_id}{int(index):02d}" if index.isdigit() else f"{segment_id}{index}"
    if len(position) > 1 and position[1]:
        where += f"-{position[1]}"
    ref = reference
    if spec is not None and index.isdigit() and 0 < int(index) <= len(spec.elements):
        item = spec.elements[int(index) - 1]
        if isinstance(item, C) and len(position) > 1 and position[1].isdigit():
            part = int(position[1])
            ref = item.parts[part - 1].ref if 0 < part <= len(item.parts) else item.ref
        else:
            ref = item.ref or ref
    what = ELEMENT_ERRORS.get(code, f"error code {code}")
    shown = f", value sent: {value!r}" if value else ""
    dictionary = f" (data element {ref})" if ref else ""
    return f"{where}{dictionary}: {what} (IK4 code {code}){shown}"


def explain_category(category: str, status: str, entity: str) -> str:
    words = CATEGORIES.get(category, "status reported")
    who = f", entity {entity}" if entity else ""
    return f"{category}: {words} (status code {status}{who})"
