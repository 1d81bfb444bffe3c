"""The connection form and the write-only secret form.

The secret form never holds a value on its way back to the browser: a password field does
not render what was typed, and a refused key or certificate comes back as an empty box with
the reason beside it."""

from __future__ import annotations

from typing import Any

from django import forms

from rcmdesk.connectivity.models import Completion, ConnectionKind, CredentialKind, RemoteAfter
from rcmdesk.connectivity.validation import MAX_CORE_TIMEOUT, MAX_SECRET_CHARS

SET_CHOICES = [("837", "837 claims"), ("270", "270 eligibility"),
               ("276", "276 claim status"), ("278", "278 authorizations")]
SFTP_FIELDS = ("host", "port", "username", "host_key", "outbound_dir", "inbound_dir",
               "inbound_pattern", "completion", "after_download", "archive_dir")
CORE_FIELDS = ("endpoint_url", "token_url", "oauth_client_id", "core_sender_id",
               "core_receiver_id", "timeout_seconds")
MULTILINE = (CredentialKind.PRIVATE_KEY, CredentialKind.CLIENT_CERT)


def _text(label: str, help_text: str = "", **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, **kwargs)


class ConnectionForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    kind = forms.ChoiceField(label="Kind", choices=ConnectionKind.choices)
    carries = forms.MultipleChoiceField(label="Carries", choices=SET_CHOICES,
                                        widget=forms.CheckboxSelectMultiple,
                                        initial=["837", "270", "276", "278"])
    host = _text("Host", "The mailbox server's name or address, e.g. sftp.example.com.",
                 max_length=255)
    port = forms.IntegerField(label="Port", initial=22, min_value=1, max_value=65535,
                              required=False)
    username = _text("User name", max_length=100)
    host_key = _text("Host key", "The server's public key, one line (\"ssh-ed25519 AAAA...\"), "
                     "as your clearinghouse gives it or ssh-keyscan prints it.",
                     widget=forms.Textarea(attrs={"rows": 2}))
    outbound_dir = _text("Upload folder", "Where we put claims and inquiries.",
                         max_length=255)
    inbound_dir = _text("Answers folder", "Where the clearinghouse leaves its answers.",
                        max_length=255)
    inbound_pattern = _text("Files to take", "A name pattern, e.g. *.835 (* takes all).",
                            max_length=100, initial="*")
    completion = forms.ChoiceField(label="A file is complete when",
                                   choices=Completion.choices)
    after_download = forms.ChoiceField(label="After a file is taken",
                                       choices=RemoteAfter.choices)
    archive_dir = _text("Archive folder", max_length=255)
    endpoint_url = _text("Endpoint address", "https://... as the clearinghouse gave it.",
                         max_length=500)
    token_url = _text("OAuth 2.0 token address", "CORE REST only.", max_length=500)
    oauth_client_id = _text("OAuth 2.0 client ID", "CORE REST only.", max_length=200)
    core_sender_id = _text("CORE sender ID", max_length=80)
    core_receiver_id = _text("CORE receiver ID", max_length=80)
    timeout_seconds = forms.IntegerField(label="Time limit (seconds)", required=False,
                                         initial=MAX_CORE_TIMEOUT, min_value=1,
                                         max_value=MAX_CORE_TIMEOUT)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # a connection's kind stays: its secrets belong to the kind
            self.fields["kind"].disabled = True
            self.fields["kind"].required = False

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.fields["kind"].disabled:
            data.pop("kind", None)
        return data

    def sftp_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SFTP_FIELDS]

    def core_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CORE_FIELDS]


class SecretForm(forms.Form):
    secret = forms.CharField(label="New secret", max_length=MAX_SECRET_CHARS, strip=False)

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["secret"]
        field.label = f"New {CredentialKind(kind).label.lower()}"
        if kind in MULTILINE:
            field.widget = forms.Textarea(attrs={"rows": 8, "autocomplete": "off",
                                                 "spellcheck": "false"})
            field.help_text = ("Paste the whole file, BEGIN and END lines included"
                               + (", certificate and private key together."
                                  if kind == CredentialKind.CLIENT_CERT else "."))
        else:
            field.widget = forms.PasswordInput(render_value=False,
                                               attrs={"autocomplete": "new-password"})
