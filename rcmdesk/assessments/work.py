"""The kinds of backlog an assessment measures, and the product workflow each belongs to.

Pure Python: the findings, the staffing arithmetic, the recommendation, the report and the
synthetic truth's checker all speak of the same five kinds, in this order.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class WorkType(StrEnum):
    """One kind of item in a practice's backlog (an item is one claim, one remittance claim
    or one claim line, as each kind says)."""

    # An open claim the payer has not answered (no 835) past the follow-up days from its
    # date of service, and not rejected at the front door.
    AR_FOLLOWUP = "ar_followup"
    # A claim the payer denied (its latest 835 answer, CLP02 4) with an insurance balance.
    DENIALS = "denials"
    # A claim the payer's front door rejected (277CA) with no later acceptance or 835 answer.
    REJECTIONS = "rejections"
    # A remittance claim (835 CLP) that matched no claim of the practice.
    UNMATCHED_REMITS = "unmatched_remits"
    # A posted line allowed below its contract beyond tolerance (only where contracts exist).
    UNDERPAYMENTS = "underpayments"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[WorkType, str] = {
    WorkType.AR_FOLLOWUP: "Claims with no payer response",
    WorkType.DENIALS: "Open denials",
    WorkType.REJECTIONS: "Front-door rejections",
    WorkType.UNMATCHED_REMITS: "Unmatched remittances",
    WorkType.UNDERPAYMENTS: "Underpaid lines",
}

# The product workflow (``tenancy.roles.Workflow`` value) whose specialists work each kind.
WORKFLOW: dict[WorkType, str] = {
    WorkType.AR_FOLLOWUP: "ar_followup",
    WorkType.DENIALS: "denials",
    WorkType.REJECTIONS: "charges_claims",
    WorkType.UNMATCHED_REMITS: "posting",
    WorkType.UNDERPAYMENTS: "ar_followup",
}

# The work-queue item kind (``workqueue.models.ItemKind`` value) whose measured handle time,
# where the product has a history of it, stands for each kind.
ITEM_KIND: dict[WorkType, str] = {
    WorkType.AR_FOLLOWUP: "ar_followup",
    WorkType.DENIALS: "denial",
    WorkType.REJECTIONS: "rejection",
    WorkType.UNMATCHED_REMITS: "posting_exception",
    WorkType.UNDERPAYMENTS: "underpayment",
}

# Hours a specialist spends on one item when the product has no history of the kind and the
# assessment sets none: typical of co-managed teams (a payer call or portal check and its
# note; an appeal letter; a corrected claim; a remittance researched and applied).
DEFAULT_HANDLE_HOURS: dict[WorkType, Decimal] = {
    WorkType.AR_FOLLOWUP: Decimal("0.33"),
    WorkType.DENIALS: Decimal("0.50"),
    WorkType.REJECTIONS: Decimal("0.25"),
    WorkType.UNMATCHED_REMITS: Decimal("0.25"),
    WorkType.UNDERPAYMENTS: Decimal("0.50"),
}

# Share of the recoverable dollars expected to be collected once an item is worked (percent):
# not every follow-up ends in payment, not every appeal is overturned. Shown beside every
# figure that uses it, and set per assessment.
DEFAULT_RECOVERY_PERCENT: dict[WorkType, Decimal] = {
    WorkType.AR_FOLLOWUP: Decimal("70"),
    WorkType.DENIALS: Decimal("50"),
    WorkType.REJECTIONS: Decimal("90"),
    WorkType.UNMATCHED_REMITS: Decimal("100"),
    WorkType.UNDERPAYMENTS: Decimal("60"),
}

MEASURED_MINIMUM = 30  # closed items of a kind with handle time before a measure is used
