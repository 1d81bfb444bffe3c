"""The target form, the holiday form and the working-week form (presentation only; the
rules are in ``services`` and ``tenancy.calendars``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.servicelevels.models import Kind
from rcmdesk.tenancy.roles import Workflow

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices)
    workflow = forms.ChoiceField(label="Workflow", required=False)
    business_days = forms.IntegerField(label="Within business days", required=False,
                                       min_value=0, max_value=60,
                                       help_text="Not used for QA accuracy.")
    target_percent = forms.DecimalField(label="Target (%)", min_value=Decimal("0.01"),
                                        max_value=Decimal("100"), decimal_places=2)

    def __init__(self, *args: Any, scope: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workflow: Any = self.fields["workflow"]
        workflow.choices = [("", "Every workflow (QA accuracy only)")] + [
            (w, Workflow(w).label) for w in scope]


class HolidayForm(forms.Form):
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label="Name", max_length=120)


class WeekdaysForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label="Working weekdays", choices=WEEKDAYS, coerce=int,
        widget=forms.CheckboxSelectMultiple)
