from __future__ import annotations

from django import forms

from rcmdesk.tenancy.roles import Workflow


class ScopeForm(forms.Form):
    scope = forms.MultipleChoiceField(
        choices=[(w.value, w.value.replace("_", " ")) for w in Workflow],
        widget=forms.CheckboxSelectMultiple, required=False,
    )


class AssignForm(forms.Form):
    username = forms.CharField(max_length=150)


class BreakGlassForm(forms.Form):
    client = forms.SlugField(help_text="The client organization's slug.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), min_length=20,
                             help_text="Why emergency access is needed (ticket, incident).")
    minutes = forms.IntegerField(min_value=5, max_value=240, initial=60)
