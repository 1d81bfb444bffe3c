"""Code lists owned by X12 (external code sources), as code values only.

X12 owns the descriptions, so none are shipped: the lists only answer "is this
a code X12 has published". They change three times a year, which is why the
rules using them warn instead of rejecting; each module's ``*_AS_OF`` says how
current its list is.
"""

from __future__ import annotations

from rcmdesk.x12.codes.carc import CARC, CARC_AS_OF
from rcmdesk.x12.codes.claim_status import (
    CLAIM_STATUS,
    CLAIM_STATUS_AS_OF,
    CLAIM_STATUS_CATEGORY,
    CLAIM_STATUS_CATEGORY_AS_OF,
)
from rcmdesk.x12.codes.rarc import RARC, RARC_AS_OF

AS_OF = {
    "CARC": CARC_AS_OF,
    "RARC": RARC_AS_OF,
    "CLAIM_STATUS_CATEGORY": CLAIM_STATUS_CATEGORY_AS_OF,
    "CLAIM_STATUS": CLAIM_STATUS_AS_OF,
}

__all__ = [
    "AS_OF",
    "CARC",
    "CARC_AS_OF",
    "CLAIM_STATUS",
    "CLAIM_STATUS_AS_OF",
    "CLAIM_STATUS_CATEGORY",
    "CLAIM_STATUS_CATEGORY_AS_OF",
    "RARC",
    "RARC_AS_OF",
]
