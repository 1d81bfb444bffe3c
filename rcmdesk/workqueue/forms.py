"""Forms of the work pages. Every form that changes an item carries the version the person
saw, so a change made meanwhile by someone else is a conflict, never an overwrite."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.workqueue.bulk import ACTIONS, Params
from rcmdesk.workqueue.models import ActionKind, ItemStatus
from rcmdesk.workqueue.services import Step

# What a specialist may record by hand. Never a write-off: that is the client's decision.
SPECIALIST_ACTIONS = [(k.value, k.label) for k in (
    ActionKind.CALLED_PAYER, ActionKind.CHECKED_PORTAL, ActionKind.RESUBMITTED,
    ActionKind.APPEALED, ActionKind.CORRECTED_REBILLED, ActionKind.ESCALATED, ActionKind.NOTE)]
NEXT_STATUSES = [
    ("", "keep working it (in progress)"),
    (ItemStatus.PENDING_PAYER.value, "pending payer (follow up on a date)"),
    (ItemStatus.PENDING_CLIENT_DECISION.value, "pending client decision"),
    (ItemStatus.DONE.value, "done (say the outcome)"),
]


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ActionForm(VersionForm):
    kind = forms.ChoiceField(choices=SPECIALIST_ACTIONS, label="What you did")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(required=False, max_length=120)
    status = forms.ChoiceField(choices=NEXT_STATUSES, required=False, label="Next status")
    follow_up_on = forms.DateField(required=False, label="Follow up on",
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if status == ItemStatus.PENDING_PAYER and not data.get("follow_up_on"):
            self.add_error("follow_up_on", "Pending payer needs a follow-up date.")
        if status == ItemStatus.DONE and not (data.get("outcome") or "").strip():
            self.add_error("outcome", "Say what the outcome was before closing the item.")
        return data

    def step(self) -> Step:
        data = self.cleaned_data
        status = ItemStatus(data["status"]) if data.get("status") else None
        return Step(ActionKind(data["kind"]), note=data.get("note") or "",
                    outcome=(data.get("outcome") or "").strip(), status=status,
                    follow_up_on=data.get("follow_up_on"))


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    assignee = forms.CharField(required=False, max_length=150)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.CharField(required=False, max_length=120)
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id may be posted; which of them the user may touch is decided by visibility.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]  # type: ignore[attr-defined]

    def params(self) -> Params:
        data = self.cleaned_data
        return Params(assignee=data.get("assignee") or "", until=data.get("until"),
                      outcome=data.get("outcome") or "", note=data.get("note") or "")


class ReassignForm(forms.Form):
    from_user = forms.CharField(max_length=150, label="From")
    to_user = forms.CharField(max_length=150, label="To")
    workflow = forms.CharField(required=False, max_length=16)
