from __future__ import annotations

from django import forms
from django.contrib.auth.validators import ASCIIUsernameValidator

from rcmdesk.labels import label
from rcmdesk.tenancy.roles import Role

MEMBER_ROLES = (Role.CLIENT_STAFF, Role.CLIENT_MANAGER, Role.CLIENT_ADMIN)  # a client admin's


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Authentication code", min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError("Enter the digits from your authenticator app.")
        return token


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, validators=[ASCIIUsernameValidator()],
                               help_text="Letters, digits and . - _ only.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=[(r.value, label(r, "role")) for r in MEMBER_ROLES])
    password = forms.CharField(widget=forms.PasswordInput(render_value=False),
                               help_text="At least 12 characters; not a common password.")
