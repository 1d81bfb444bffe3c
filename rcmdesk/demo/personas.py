"""The demo back office: one partner, three clients, a user for every role.

Passwords and TOTP keys are derived from this installation's secret key, so re-running the
demo prints the same logins without storing them, and no two installations share them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from rcmdesk.tenancy.roles import Role, Workflow

W = Workflow


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    time_zone: str


@dataclass(frozen=True)
class EngagementPlan:
    client: str
    name: str
    scope: tuple[Workflow, ...]
    starts_days_ago: int
    ended_days_ago: int | None = None

    def dates(self, today: date) -> tuple[date, date | None]:
        start = today - timedelta(days=self.starts_days_ago)
        end = None if self.ended_days_ago is None else today - timedelta(days=self.ended_days_ago)
        return start, end


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: Role
    org: str | None
    assigned_to: tuple[str, ...] = ()


PARTNER = OrgSpec("pillar", "Pillar RCM Partners", "partner", "America/Chicago")
CLIENTS = (
    OrgSpec("acme", "Acme Family Medicine", "client", "America/New_York"),
    OrgSpec("birch", "Birch Valley Hospital", "client", "America/Chicago"),
    OrgSpec("cedar", "Cedar Orthopedics", "client", "America/Los_Angeles"),
)
ENGAGEMENTS = (
    EngagementPlan("acme", "Acme AR and denials", (W.AR_FOLLOWUP, W.DENIALS, W.POSTING,
                                                    W.REPORTING), 120),
    EngagementPlan("birch", "Birch front end", (W.ELIGIBILITY, W.PRIOR_AUTH,
                                                 W.CHARGES_CLAIMS), 60),
    EngagementPlan("cedar", "Cedar backlog clean-up (ended)", tuple(Workflow), 200, 30),
)
PERSONAS = (
    Persona("acme.admin", "Alice", "Admin", Role.CLIENT_ADMIN, "acme"),
    Persona("acme.manager", "Marcus", "Manager", Role.CLIENT_MANAGER, "acme"),
    Persona("acme.staff", "Sofia", "Staff", Role.CLIENT_STAFF, "acme"),
    Persona("birch.admin", "Bella", "Admin", Role.CLIENT_ADMIN, "birch"),
    Persona("birch.manager", "Ben", "Manager", Role.CLIENT_MANAGER, "birch"),
    Persona("birch.staff", "Tara", "Staff", Role.CLIENT_STAFF, "birch"),
    Persona("cedar.admin", "Carl", "Admin", Role.CLIENT_ADMIN, "cedar"),
    Persona("pillar.lead", "Priya", "Lead", Role.PARTNER_LEAD, "pillar",
            ("acme", "birch", "cedar")),
    Persona("pillar.specialist", "Sam", "Specialist", Role.PARTNER_SPECIALIST, "pillar",
            ("acme",)),
    Persona("pillar.specialist2", "Noor", "Specialist", Role.PARTNER_SPECIALIST, "pillar",
            ("acme", "birch", "cedar")),
    Persona("pillar.qa", "Quinn", "Auditor", Role.PARTNER_QA, "pillar", ("acme", "birch")),
    Persona("platform.admin", "Pat", "Operator", Role.PLATFORM_ADMIN, None),
)


def _derive(secret_key: str, purpose: str, username: str) -> bytes:
    return hmac.new(secret_key.encode(), f"{purpose}:{username}".encode(),
                    hashlib.sha256).digest()


def demo_password(secret_key: str, username: str) -> str:
    raw = base64.b32encode(_derive(secret_key, "password", username)).decode().lower()
    return "-".join([raw[0:5], raw[5:10], raw[10:15]])


def demo_totp_key(secret_key: str, username: str) -> str:
    """A 20-byte TOTP key as hex, the form django-otp stores."""
    return _derive(secret_key, "totp", username)[:20].hex()


def base32_of(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
