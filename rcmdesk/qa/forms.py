"""The plan form (only engagements of the admin's own client in its choice), the draw form,
and the sample-size calculator's form."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from rcmdesk.qa import stats
from rcmdesk.qa.models import SamplingPlan
from rcmdesk.qa.services import PLAN_FIELDS, QaProblem
from rcmdesk.tenancy.models import Engagement

KEPT_WHEN_BLANK = ("method", "confidence_percent", "expected_error_percent")


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
                  "method": "How the week's sample is sized",
                  "precision_points": "Target precision (\u00b1 percentage points)",
                  "confidence_percent": "Confidence (%)",
                  "expected_error_percent": "Expected error rate (%; 50 is the safe "
                                            "assumption)",
                  "workflow": "Workflow (blank: all in scope)"}

    def __init__(self, *args: Any, engagements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["engagement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = engagements
        if self.instance.pk:
            field.disabled = True
        for name in KEPT_WHEN_BLANK:  # a form posted before plans had them still saves
            self.fields[name].required = False

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS
                if not (name in KEPT_WHEN_BLANK and self.cleaned_data[name] in (None, ""))}

    def validate_unique(self) -> None:
        """The service reports a second active plan in words; skip the model's check."""


class DrawForm(forms.Form):
    week = forms.RegexField(regex=r"^\d{4}-W\d{2}$", max_length=8,
                            help_text="ISO week, e.g. 2026-W47")
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1,
                              help_text="blank: a fresh random seed, recorded")
    redraw = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=300, required=False)


def dollars(text: str) -> Decimal | None:
    """An amount typed on the audit form ("$1,234.50"); blank is None. A wrong amount is a
    refusal in words, not a crash."""
    cleaned = text.strip().replace("$", "").replace(",", "")[:20]
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise QaProblem(f"{text[:20]!r} is not an amount of dollars.") from None
    if not value.is_finite():
        raise QaProblem("The dollars in error must be a number.")
    return value


class SampleSizeForm(forms.Form):
    """The calculator: population, expected error rate, precision and confidence -> n."""

    population = forms.IntegerField(required=False, min_value=1, max_value=10**9,
                                     help_text="items in the population; blank: very large")
    expected_error_percent = forms.DecimalField(
        initial=Decimal(50), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
        label="Expected error rate (%)", help_text="50 gives the largest, safest size")
    precision_points = forms.DecimalField(
        initial=Decimal(5), min_value=Decimal("0.1"), max_value=Decimal(50), decimal_places=2,
        label="Precision (\u00b1 percentage points)")
    confidence_percent = forms.DecimalField(
        initial=Decimal(90), min_value=Decimal(50), max_value=Decimal("99.9"),
        decimal_places=1, label="Confidence (%)")

    def size(self) -> stats.SampleSize:
        data = self.cleaned_data
        return stats.sample_size(float(data["precision_points"] / 100),
                                 float(data["confidence_percent"] / 100),
                                 float(data["expected_error_percent"] / 100),
                                 data["population"])


class PeriodForm(forms.Form):
    """The accuracy page's period: the days audits were completed (both included)."""

    first = forms.DateField(required=False, label="From")
    last = forms.DateField(required=False, label="To")
    DEFAULT_DAYS = 91  # 13 weeks, as the report's trend

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def days(self) -> tuple[date, date]:
        """The chosen days, or the 13 weeks to today (a wrong or reversed entry too)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        last = data.get("last") or self.today
        first = data.get("first") or last - timedelta(days=self.DEFAULT_DAYS - 1)
        return (first, last) if first <= last else (last, first)
