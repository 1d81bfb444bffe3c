"""The audit trail in words a client admin reads: what happened, to what, and the detail as
"Key: value" pairs, never a Python dict.

Events are stored with stable codes (``intake.received``, ``claims.claim``) and a JSON
detail, so the trail can be exported and checked; this module only words them for the page.
An action nobody listed still reads as a sentence ("Deposits imported" from
``remits.deposits_imported``), so a new event never shows its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps

from rcmdesk.labels import families

ACTIONS = {
    "read": "Viewed", "list": "Listed", "create": "Created", "update": "Changed",
    "export": "Exported", "login": "Signed in", "logout": "Signed out",
    "login_failed": "Sign-in failed", "login_locked_out": "Locked out after failed sign-ins",
    "otp_verified": "Two-step code accepted", "otp_failed": "Two-step code refused",
    "otp_enrolled": "Two-step sign-in set up", "password_reset": "Password reset",
    "password_reset_requested": "Password reset asked for",
    "session_expired": "Session expired", "session_rejected": "Session refused",
    "access_refused": "Access refused", "scope_changed": "Engagement scope changed",
    "revoke": "Access revoked", "unassigned": "Unassigned",
    "break_glass": "Break-glass access opened",
    "connection.create": "Connection added", "connection.update": "Connection changed",
    "connection.secret_set": "Connection secret set", "connection.disable":
    "Connection disabled", "connection.enable": "Connection enabled",
    "connection.rekey": "Connection secrets sealed under a new key",
}
KEYS = {"sha256": "Fingerprint (SHA-256)", "ip": "IP address", "pcn": "Claim number",
        "icn": "Payer claim number", "id": "ID", "url": "Address", "dos": "Date of service",
        "ids": "IDs", "isa13": "Interchange control number", "npi": "NPI",
        "key_id": "Sealed with key", "hint": "Fingerprint", "host_key": "Host key (SHA-256)",
        "endpoint_url": "Endpoint address", "token_url": "Token address",
        "outbound_dir": "Upload folder", "inbound_dir": "Answers folder",
        "oauth_client_id": "OAuth 2.0 client ID"}
# Detail keys whose values are stored codes: worded by their label family (rcmdesk.labels).
KEY_FAMILIES = {"channel": "channel", "role": "role", "workflow": "workflow",
                "scope": "workflow", "before": "workflow", "after": "workflow",
                "previous_status": "file_status", "kind": "file_kind",
                "connection_kind": "connection_kind", "secret": "credential_kind",
                "completion": "completion", "after_download": "remote_after"}
LONGEST = 200  # a value longer than this is cut: the CSV export has it whole


def action_words(action: str) -> str:
    """``intake.received`` -> "Intake: received"; a listed action -> its words."""
    if action in ACTIONS:
        return ACTIONS[action]
    area, _, what = action.rpartition(".")
    words = _sentence(what)
    return f"{_sentence(area.replace('.', ' '))}: {words.lower()}" if area else words


def object_words(object_type: str, object_id: str) -> str:
    """``claims.claim`` + "12" -> "Claim 12"; a type no model has reads as words."""
    if not object_type:
        return "—"
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type.rpartition(".")[2].replace("_", " ")
    name = name[:1].upper() + name[1:]
    return f"{name} {object_id}" if object_id else name


def detail_pairs(detail: Any) -> list[tuple[str, str]]:
    """The event's detail as (Key, value) pairs for a person to read."""
    if not isinstance(detail, Mapping):
        return [("Detail", value_words(detail))] if detail not in (None, "", []) else []
    return [(key_words(str(k)), value_words(coded(str(k), v))) for k, v in detail.items()]


def coded(key: str, value: Any) -> Any:
    """A stored code (or a list of them) under a key that names its family, as words; a
    value the family does not know is left as it is (these keys are not only codes)."""
    words = families().get(KEY_FAMILIES.get(key, ""), {})
    if isinstance(value, list):
        return [words.get(v, v) if isinstance(v, str) else v for v in value]
    return words.get(value, value) if isinstance(value, str) else value


def key_words(key: str) -> str:
    return KEYS.get(key) or _sentence(key)


def value_words(value: Any) -> str:
    """A value as text: lists joined, mappings as "key: value", yes/no, "—" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Mapping):
        text = "; ".join(f"{key_words(str(k))}: {value_words(v)}" for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        text = ", ".join(value_words(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"


def _sentence(code: str) -> str:
    text = code.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]
