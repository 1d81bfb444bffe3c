"""The scrubber's vocabulary: findings, rules and the one registry that lists every rule.

A rule is a small function that looks at one claim (its ``Subject``: the claim with its
lines, patient, coverage, billing provider and payer, all loaded beforehand) and yields a
``Hit`` for each problem. The rule's own code, severity and field are stamped on by the
engine, so a rule reads like the edit it implements and the docs page can list every rule
from this registry alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rcmdesk.claims.models import Claim, ClaimLine, Coverage, Patient, Payer, Provider
    from rcmdesk.scrubber.codesets import CodeSets

ERROR = "error"  # the claim is held
WARNING = "warning"  # shown; the claim may still go
SeverityName = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str  # "error" | "warning"
    field: str  # "claim.diagnoses[1]", "line[2].modifiers", "billing_provider.npi"
    line_number: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Hit:
    """One problem a rule saw; the engine turns it into a ``Finding`` with the rule's code."""

    message: str
    field: str = ""  # blank: the rule's own field
    line_number: int | None = None


@dataclass
class Subject:
    """One claim and everything its rules read, loaded set-based before any rule runs."""

    claim: Claim
    lines: list[ClaimLine]
    patient: Patient | None
    coverage: Coverage | None
    provider: Provider | None
    payer: Payer | None
    memo: dict[str, Any] = field(default_factory=dict)  # what two rules would work out twice

    @property
    def is_professional(self) -> bool:
        return self.claim.kind != "I"

    @property
    def is_replacement(self) -> bool:
        """Frequency 7 (replacement) or 8 (void): a corrected claim, not a first one."""
        return self.claim.frequency in ("7", "8")

    @cached_property
    def diagnosis_entries(self) -> list[tuple[int, str, str]]:
        """(1-based position, qualifier, code) of each diagnosis, upper-cased and trimmed."""
        return [(i, *_pair(entry)) for i, entry in enumerate(self.claim.diagnoses or [],
                                                             start=1)]

    @cached_property
    def first_service_date(self) -> date | None:
        dates = [d for d in [self.claim.service_from, *(ln.service_date for ln in self.lines)]
                 if d is not None]
        return min(dates) if dates else None


def _pair(entry: Any) -> tuple[str, str]:
    if isinstance(entry, list | tuple) and len(entry) >= 2:
        return str(entry[0]).strip().upper(), str(entry[1]).strip().upper()
    return "", str(entry).strip().upper()


@dataclass
class Context:
    """What the rules consult beyond the claim itself, loaded once per scrub."""

    today: date
    codes: CodeSets
    # claim pk -> pk of the earlier claim it duplicates
    duplicates: dict[int, int] = field(default_factory=dict)
    deadline_books: dict[int, Any] = field(default_factory=dict)  # client id -> DeadlineBook
    auth_books: dict[int, Any] = field(default_factory=dict)  # client id -> AuthBook
    edits: dict[int, list[Any]] = field(default_factory=dict)  # client id -> [PlaybookEdit]
    # HCPCS Level II codes of these claims found in the loaded code set; None: none loaded
    hcpcs: frozenset[str] | None = None


Check = Callable[[Subject, Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    topic: str
    severity: str
    field: str
    title: str  # one line: what it checks
    why: str  # one line: why a payer or the guide cares
    check: Check
    kinds: str = "PI"  # the claim kinds it applies to: P (837P), I (837I)

    def run(self, subject: Subject, context: Context) -> Iterator[Finding]:
        if subject.claim.kind not in self.kinds and subject.claim.kind in "PI":
            return
        for hit in self.check(subject, context):
            yield Finding(self.code, hit.message, self.severity, hit.field or self.field,
                          hit.line_number)


RULES: dict[str, Rule] = {}
TOPICS = ("required data", "provider", "codes", "dates", "money", "duplicates", "filing",
          "authorization", "playbook")


def rule(code: str, *, topic: str, severity: SeverityName, field: str, title: str, why: str,
         kinds: str = "PI") -> Callable[[Check], Check]:
    """Register ``check`` under ``code``; a second rule with the same code is a bug."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, topic, severity, field, title, why, check, kinds)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every built-in rule, by topic then code (the order of the docs and the rules page)."""
    import rcmdesk.scrubber.rules  # noqa: F401  (registers them)

    return sorted(RULES.values(), key=lambda r: (TOPICS.index(r.topic), r.code))
