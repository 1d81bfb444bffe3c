"""The client admin's forms: the plan (model and numbers) and a workflow's go-live."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.engagements.models import EngagementModel, MonthlyUnit
from rcmdesk.engagements.services import PlanTerms


class PlanForm(forms.Form):
    model = forms.ChoiceField(label="Engagement model", choices=EngagementModel.choices)
    specialist = forms.ChoiceField(label="Dedicated specialist (dedicated model)",
                                   required=False)
    pod_specialists = forms.IntegerField(label="Specialists in the pod besides the lead "
                                               "(managed pod)", min_value=0, max_value=50,
                                         required=False)
    monthly_unit = forms.ChoiceField(label="Monthly plan in (monthly support)",
                                     choices=[("", "—"), *MonthlyUnit.choices], required=False)
    monthly_amount = forms.DecimalField(label="Hours or items per month (monthly support)",
                                        min_value=0, max_digits=9, decimal_places=2,
                                        required=False)
    target_date = forms.DateField(label="Target date (backlog clean-up)", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        field = self.fields["specialist"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(str(p.pk), p.get_full_name() or p.username)
                                       for p in people]

    def terms(self) -> PlanTerms:
        data = self.cleaned_data
        return PlanTerms(model=data["model"], specialist=self.people.get(data["specialist"]),
                         pod_specialists=data["pod_specialists"] or 0,
                         monthly_unit=data["monthly_unit"] or "",
                         monthly_amount=data["monthly_amount"],
                         target_date=data["target_date"])


class GoLiveForm(forms.Form):
    workflow = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(label="Go-live day", widget=forms.DateInput(attrs={"type": "date"}))
