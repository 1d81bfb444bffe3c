"""Forms of the work pages. Every form that changes an item carries the version the person
saw, so a change made meanwhile by someone else is a conflict, never an overwrite."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.workqueue.actionsets import RECORDABLE, action_set
from rcmdesk.workqueue.bulk import ACTIONS, Params
from rcmdesk.workqueue.models import ActionKind, CallChannel, ItemStatus
from rcmdesk.workqueue.services import Call, Step

NEXT_STATUSES = [
    ("", "keep working it (in progress)"),
    (ItemStatus.PENDING_PAYER.value, "pending payer (follow up on a date)"),
    (ItemStatus.PENDING_CLIENT_DECISION.value, "pending client decision"),
    (ItemStatus.DONE.value, "done (say the outcome)"),
]


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ActionForm(VersionForm):
    """What a specialist did; ``kind`` (the item's) narrows the choices to its action set."""

    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in sorted(RECORDABLE)],
                             label="What you did")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(required=False, max_length=120)
    status = forms.ChoiceField(choices=NEXT_STATUSES, required=False, label="Next status")
    follow_up_on = forms.DateField(required=False, label="Follow up on",
                                   widget=forms.DateInput(attrs={"type": "date"}))
    call_channel = forms.ChoiceField(
        choices=[("", "— (phone for a call, portal for a portal check)"),
                 *CallChannel.choices], required=False, label="Call log: how")
    call_contact = forms.CharField(required=False, max_length=120,
                                   label="Call log: representative or portal")
    call_reference = forms.CharField(required=False, max_length=60,
                                     label="Call log: payer's reference number")
    call_said = forms.CharField(required=False, label="Call log: what they said",
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, item_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item_kind:
            self.fields["kind"].choices = action_set(item_kind).choices()  # type: ignore[attr-defined]

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
        call = Call(data.get("call_channel") or "", data.get("call_contact") or "",
                    data.get("call_reference") or "", data.get("call_said") or "")
        return Step(ActionKind(data["kind"]), note=data.get("note") or "",
                    outcome=(data.get("outcome") or "").strip(), status=status,
                    follow_up_on=data.get("follow_up_on"),
                    call=None if call.is_empty() else call)


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
