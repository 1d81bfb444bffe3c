from __future__ import annotations

from django import forms


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
