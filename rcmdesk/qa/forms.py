"""The plan form: only engagements of the admin's own client in its choice."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.qa.models import SamplingPlan
from rcmdesk.qa.services import PLAN_FIELDS
from rcmdesk.tenancy.models import Engagement


class PlanForm(forms.ModelForm[SamplingPlan]):
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.none())

    class Meta:
        model = SamplingPlan
        fields = ("engagement", *PLAN_FIELDS)
        labels = {"base_percent": "Base rate (%)",
                  "new_specialist_percent": "New specialist rate (%)",
                  "new_specialist_days": "New for (days since start)",
                  "after_failure_percent": "After a failed audit (%)",
                  "after_failure_weeks": "After a failure, for (weeks)",
                  "minimum_per_week": "Minimum per specialist per week",
                  "workflow": "Workflow (blank: all in scope)"}

    def __init__(self, *args: Any, engagements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["engagement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = engagements
        if self.instance.pk:
            field.disabled = True

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}

    def validate_unique(self) -> None:
        """The service reports a second active plan in words; skip the model's check."""


class DrawForm(forms.Form):
    week = forms.RegexField(regex=r"^\d{4}-W\d{2}$", max_length=8,
                            help_text="ISO week, e.g. 2026-W47")
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1,
                              help_text="blank: a fresh random seed, recorded")
    redraw = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=300, required=False)
