"""What a person may record on each kind of work item: the one list the item form, the API,
the bulk actions and the work engine read.

A denial is worked by appealing or correcting it, an AR follow-up by asking the payer where
the claim stands, a rejection by fixing and resending the claim; a posting exception is not
a denial at all (its money already arrived), so its generic actions are only the contact
with the payer and a note; its own resolution actions are added to its set where they are
built. A QA item is scored on the QA pages: here it takes a note only. A write-off is never
here: it is the client's decision (``rcmdesk.decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rcmdesk.workqueue.models import ActionKind, ItemKind

K = ActionKind


@dataclass(frozen=True)
class ActionSet:
    record: tuple[ActionKind, ...]  # what the item form offers and the API accepts
    status_request: bool = False  # a 276 may be asked from the item (alone or in bulk)

    def choices(self) -> list[tuple[str, str]]:
        return [(k.value, str(k.label)) for k in self.record]

    def allows(self, kind: str) -> bool:
        return kind in self.record


ACTION_SETS: dict[str, ActionSet] = {
    ItemKind.AR_FOLLOWUP: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.RESUBMITTED,
                                     K.CORRECTED_REBILLED, K.ESCALATED, K.NOTE),
                                    status_request=True),
    ItemKind.DENIAL: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.APPEALED,
                                K.CORRECTED_REBILLED, K.RESUBMITTED, K.ESCALATED, K.NOTE),
                               status_request=True),
    ItemKind.REJECTION: ActionSet((K.CORRECTED_REBILLED, K.RESUBMITTED, K.CALLED_PAYER,
                                   K.CHECKED_PORTAL, K.ESCALATED, K.NOTE)),
    ItemKind.ELIGIBILITY: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.ESCALATED, K.NOTE)),
    ItemKind.PRIOR_AUTH: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.ESCALATED, K.NOTE)),
    ItemKind.POSTING_EXCEPTION: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.NOTE)),
    ItemKind.QA_AUDIT: ActionSet((K.NOTE,)),
    ItemKind.QA_FEEDBACK: ActionSet((K.NOTE,)),
    # a file that would not go, or an 837 whose 999 is late: send again, or take it up
    ItemKind.TRANSMISSION: ActionSet((K.RESUBMITTED, K.ESCALATED, K.NOTE)),
    ItemKind.JOB_FAILURE: ActionSet((K.NOTE,)),
    # contracts: an underpayment is recovered from the payer (a call, the portal, a
    # reprocessing request or an appeal); an overpayment or a takeback is confirmed with it
    ItemKind.UNDERPAYMENT: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.APPEALED,
                                      K.ESCALATED, K.NOTE), status_request=True),
    ItemKind.OVERPAYMENT: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.NOTE)),
    ItemKind.RECOUPMENT: ActionSet((K.CALLED_PAYER, K.CHECKED_PORTAL, K.ESCALATED, K.NOTE)),
}

# Every action someone records by hand on some kind: the engine refuses one of these on a
# kind whose set lacks it. Bookkeeping (claimed, snoozed, closed...) is not among them.
RECORDABLE = frozenset(k for s in ACTION_SETS.values() for k in s.record)

# Contact with a payer: these carry a call / portal log (``CallLog``).
CALL_LOG_ACTIONS = frozenset({K.CALLED_PAYER, K.CHECKED_PORTAL})


def action_set(kind: str) -> ActionSet:
    """The set for ``kind``; an unknown kind gets a note only (never a wider set)."""
    return ACTION_SETS.get(kind, ActionSet((K.NOTE,)))


def refusal(kind: str, action: str) -> str | None:
    """Why ``action`` may not be recorded on a ``kind`` item, or None when it may."""
    if action not in RECORDABLE or action_set(kind).allows(action):
        return None
    label = ItemKind(kind).label if kind in ItemKind.values else kind
    allowed = ", ".join(str(k.label) for k in action_set(kind).record)
    return (f"“{ActionKind(action).label}” is not an action for a {label} item "
            f"(it takes: {allowed}).")
