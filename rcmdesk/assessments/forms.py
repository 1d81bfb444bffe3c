"""Forms of the assessment workspace: a new prospect, its files, its settings, deletion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.work import DEFAULT_HANDLE_HOURS, DEFAULT_RECOVERY_PERCENT, WorkType
from rcmdesk.tenancy.models import validate_time_zone

ZONES = [("America/New_York", "Eastern (New York)"), ("America/Chicago", "Central (Chicago)"),
         ("America/Denver", "Mountain (Denver)"), ("America/Phoenix", "Arizona (Phoenix)"),
         ("America/Los_Angeles", "Pacific (Los Angeles)"),
         ("America/Anchorage", "Alaska (Anchorage)"), ("Pacific/Honolulu", "Hawaii (Honolulu)")]


class NewAssessmentForm(forms.Form):
    practice_name = forms.CharField(label="Practice name", max_length=200)
    slug = forms.SlugField(label="Short name (slug)", max_length=50,
                           help_text="Lower-case letters, digits and dashes: the drop folder "
                                     "and the command line name the practice by it.")
    time_zone = forms.ChoiceField(label="The practice's time zone", choices=ZONES,
                                  validators=[validate_time_zone])
    as_of = forms.DateField(label="Figures as of", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Blank: the practice's today.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesForm(forms.Form):
    """The files themselves are read from ``request.FILES.getlist("x12_files")``."""

    x12_files = forms.FileField(label="837, 999, 277CA and 835 files", required=False,
                            widget=MultipleFileInput(attrs={"multiple": True}),
                            help_text="Choose as many files as you like; they are applied "
                                      "claims first, then acknowledgments, then remittances.")


def _handle_field(work: WorkType) -> str:
    return f"handle_{work.value}"


def _recovery_field(work: WorkType) -> str:
    return f"recovery_{work.value}"


class SettingsForm(forms.Form):
    as_of = forms.DateField(label="Figures as of", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Blank: the practice's today.")
    weeks_to_clear = forms.IntegerField(label="Weeks to clear the backlog", min_value=1,
                                        max_value=52)
    hours_per_day = forms.DecimalField(label="A specialist's working hours a day",
                                       min_value=Decimal("1"), max_value=Decimal("10"),
                                       decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for work in WorkType:
            self.fields[_handle_field(work)] = forms.DecimalField(
                label=f"Hours per item: {work.label.lower()}", required=False,
                min_value=Decimal("0.01"), max_value=Decimal("8"), decimal_places=2,
                help_text=f"Blank: measured where the product has a history, else "
                          f"{DEFAULT_HANDLE_HOURS[work]} hours.")
        for work in WorkType:
            self.fields[_recovery_field(work)] = forms.DecimalField(
                label=f"Recovery percent: {work.label.lower()}", required=False,
                min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=1,
                help_text=f"Blank: {DEFAULT_RECOVERY_PERCENT[work]} percent.")

    @classmethod
    def initial_of(cls, assessment: Assessment) -> dict[str, Any]:
        initial: dict[str, Any] = {"as_of": assessment.as_of,
                                   "weeks_to_clear": assessment.weeks_to_clear,
                                   "hours_per_day": assessment.hours_per_day}
        for work in WorkType:
            initial[_handle_field(work)] = assessment.handle_hours.get(work.value)
            initial[_recovery_field(work)] = assessment.recovery_percent.get(work.value)
        return initial

    def handle_hours(self) -> dict[WorkType, Decimal | None]:
        return {w: self.cleaned_data.get(_handle_field(w)) for w in WorkType}

    def recovery_percent(self) -> dict[WorkType, Decimal | None]:
        return {w: self.cleaned_data.get(_recovery_field(w)) for w in WorkType}


class DeleteForm(forms.Form):
    confirm = forms.CharField(label="Type the practice's name to confirm", max_length=200)
    requested_by = forms.CharField(label="Requested by", max_length=200,
                                   help_text="Who asked for the deletion, as the certificate "
                                             "will name them.")
    reason = forms.CharField(label="Reason", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, practice_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice_name = practice_name

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"].strip()
        if typed != self.practice_name:
            raise forms.ValidationError(f"Type {self.practice_name} exactly to confirm.")
        return typed
