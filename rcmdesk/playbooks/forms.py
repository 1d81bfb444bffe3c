"""The playbook editor's forms: an SOP, its next version, one payer's deadlines."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.claims.models import Payer
from rcmdesk.playbooks.editing import RULE_DAY_FIELDS, SopText, clean_checklist
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow

BODY_HELP = "Markdown. Raw HTML is shown as text; links may be http, https or mailto."


class SopVersionForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}), help_text=BODY_HELP)
    checklist = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                                help_text="One point a QA auditor checks per line.")
    change_note = forms.CharField(max_length=500, help_text="What changed, and why.")

    def text(self) -> SopText:
        data = self.cleaned_data
        return SopText(body=data["body"], change_note=data["change_note"],
                       checklist=clean_checklist(data.get("checklist") or ""))


class SopDocumentForm(SopVersionForm):
    title = forms.CharField(max_length=200)
    workflow = forms.ChoiceField(choices=[(w.value, w.label) for w in Workflow])
    payer = forms.ModelChoiceField(queryset=Payer.objects.none(), required=False,
                                   empty_label="every payer")
    category = forms.CharField(max_length=40, required=False,
                               help_text="A work item category (e.g. a denial root cause); "
                                         "blank: any.")
    field_order = ["title", "workflow", "payer", "category", "body", "checklist",
                   "change_note"]

    def __init__(self, *args: Any, client: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["payer"].queryset = Payer.objects.filter(client=client).order_by("name")
        self.fields["change_note"].initial = "first version"


class PayerRuleForm(forms.Form):
    payer = forms.ModelChoiceField(queryset=Payer.objects.none(), required=False,
                                   empty_label="every payer")
    timely_filing_days = forms.IntegerField(min_value=1, max_value=3650, required=False)
    appeal_days = forms.IntegerField(min_value=1, max_value=3650, required=False)
    followup_days = forms.IntegerField(min_value=1, max_value=3650, required=False)
    corrected_days = forms.IntegerField(min_value=1, max_value=3650, required=False)
    secondary_days = forms.IntegerField(min_value=1, max_value=3650, required=False)
    call_reference_required = forms.NullBooleanField(
        required=False, label="Call reference number",
        widget=forms.Select(choices=[("unknown", "as the rule for every payer (else optional)"),
                                     ("true", "required on every payer call and portal check"),
                                     ("false", "optional")]))
    note = forms.CharField(max_length=300, required=False)
    change_note = forms.CharField(max_length=500, help_text="What changed, and why.")

    def __init__(self, *args: Any, client: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["payer"].queryset = Payer.objects.filter(client=client).order_by("name")

    def days(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in RULE_DAY_FIELDS}
