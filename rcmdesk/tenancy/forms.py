from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.labels import label
from rcmdesk.tenancy.roles import Workflow


class ScopeForm(forms.Form):
    scope = forms.MultipleChoiceField(
        label="Workflows in scope",
        choices=[(w.value, label(w, "workflow")) for w in Workflow],
        widget=forms.CheckboxSelectMultiple, required=False,
    )


class AssignForm(forms.Form):
    """A picker of the people who may be put on the engagement, never a typed username."""

    username = forms.ChoiceField(label="Person to assign")

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].choices = [("", "Choose a person")] + [  # type: ignore[attr-defined]
            (p.username, f"{p.get_full_name() or p.username} ({label(p.role, 'role')})")
            for p in people]


class BreakGlassForm(forms.Form):
    """Typed, not picked: a platform admin sees no client until access is open, so the form
    must not list the clients there are."""

    client = forms.SlugField(label="Client", help_text=(
        "The client's short name, as in its web address (for example acme)."))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), min_length=20,
                             help_text="Why emergency access is needed (ticket, incident).")
    minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=240, initial=60)
