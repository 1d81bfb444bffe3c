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
