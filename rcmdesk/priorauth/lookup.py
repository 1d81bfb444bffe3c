"""One client's authorization picture, loaded once and asked many times.

The scrubber checks every line of every claim in a batch (100,000 claims in the benchmark), so
the requirements, the authorizations and the units already billed against them are loaded in a
fixed number of queries up front and each ``check`` is answered from memory.

Units: a line without units counts as one. Units "already used" are those on claim lines that
have left us (any claim status but draft and reversed) for the same patient, payer and code
with a service date inside the authorization's dates. Lines of a draft claim are not counted
until it is submitted; pass ``claim_id`` to leave a submitted claim's own lines out when it is
checked again. Each ``check`` is one line on its own: two lines of the same draft claim are
not added up against each other (the scrubber sees the draft, the count catches up once it
is sent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rcmdesk.claims.models import ClaimLine, ClaimStatus
from rcmdesk.playbooks.codes import CodeList, CodeListError
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.priorauth.models import Authorization, AuthStatus

ONE = Decimal(1)


@dataclass(frozen=True)
class AuthCheck:
    needed: bool
    authorization_id: int | None
    problem: str  # "" ok, "missing", "denied", "outside_dates", "units_exceeded", "pending"
    message: str

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass
class _Auth:
    pk: int
    status: str
    codes: frozenset[str]
    start: date | None
    end: date | None
    approved_units: Decimal | None
    certification_number: str
    rejection_code: str
    # (claim id, code, units) of submitted lines billed against it
    used: list[tuple[int, str, Decimal]] = field(default_factory=list)

    def covers_date(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def used_units(self, exclude_claim_id: int | None = None) -> Decimal:
        return sum((u for claim_id, _, u in self.used if claim_id != exclude_claim_id),
                   Decimal(0))


def _norm(code: str) -> str:
    return code.strip().upper()


class AuthBook:
    """Requirements and authorizations of one client (optionally only some patients)."""

    def __init__(self, client_id: int, patient_ids: Iterable[int] | None = None) -> None:
        self.client_id = client_id
        self._every_payer: list[CodeList] = []
        self._by_payer: dict[int, list[CodeList]] = defaultdict(list)
        self._auths: dict[tuple[int, int], list[_Auth]] = defaultdict(list)
        patients = None if patient_ids is None else sorted(set(patient_ids))
        self._load_requirements()
        self._load_authorizations(patients)

    def _load_requirements(self) -> None:
        rows = AuthRequirement.objects.filter(client_id=self.client_id, active=True)
        for payer_id, codes in rows.values_list("payer_id", "codes"):
            try:
                parsed = CodeList.parse(codes)
            except CodeListError:
                continue  # the editor refuses these; an old bad row must not stop a batch
            if payer_id is None:
                self._every_payer.append(parsed)
            else:
                self._by_payer[payer_id].append(parsed)

    def _load_authorizations(self, patients: list[int] | None) -> None:
        rows = Authorization.objects.filter(client_id=self.client_id)
        if patients is not None:
            rows = rows.filter(patient_id__in=patients)
        codes: set[str] = set()
        for row in rows.values("pk", "patient_id", "payer_id", "status", "codes", "start_date",
                               "end_date", "approved_units", "certification_number",
                               "rejection_code"):
            auth = _Auth(pk=row["pk"], status=row["status"],
                         codes=frozenset(_norm(c) for c in row["codes"] or []),
                         start=row["start_date"], end=row["end_date"],
                         approved_units=row["approved_units"],
                         certification_number=row["certification_number"],
                         rejection_code=row["rejection_code"])
            codes |= auth.codes
            self._auths[(row["patient_id"], row["payer_id"])].append(auth)
        for auths in self._auths.values():
            auths.sort(key=lambda a: (a.start or date.min, a.pk))
        if self._auths:
            self._load_used_units(patients, codes)

    def _load_used_units(self, patients: list[int] | None, codes: set[str]) -> None:
        lines = (ClaimLine.objects
                 .filter(claim__client_id=self.client_id, procedure__in=sorted(codes))
                 .exclude(claim__status__in=[ClaimStatus.DRAFT, ClaimStatus.REVERSED]))
        if patients is not None:
            lines = lines.filter(claim__patient_id__in=patients)
        for claim_id, patient_id, payer_id, code, units, day, claim_day in lines.values_list(
                "claim_id", "claim__patient_id", "claim__payer_id", "procedure", "units",
                "service_date", "claim__service_from"):
            auth = self._billed_against(patient_id, payer_id, _norm(code), day or claim_day)
            if auth is not None:
                auth.used.append((claim_id, _norm(code), units if units is not None else ONE))

    def _billed_against(self, patient_id: int, payer_id: int, code: str,
                        day: date | None) -> _Auth | None:
        for auth in self._auths.get((patient_id, payer_id), []):
            if (auth.status in AuthStatus.usable() and code in auth.codes
                    and auth.covers_date(day)):
                return auth
        return None

    def used_units(self) -> dict[int, Decimal]:
        """Units billed so far against each approved authorization (by id)."""
        return {a.pk: a.used_units() for auths in self._auths.values() for a in auths
                if a.status in AuthStatus.usable()}

    def needs_auth(self, payer_id: int, code: str) -> bool:
        if not code:
            return False
        return (any(code in codes for codes in self._by_payer.get(payer_id, ()))
                or any(code in codes for codes in self._every_payer))

    def authorizations_for(self, patient_id: int, payer_id: int, code: str) -> list[int]:
        """Ids of every authorization on file for the code, whatever its status."""
        code = _norm(code)
        return [a.pk for a in self._auths.get((patient_id, payer_id), []) if code in a.codes]

    def check(self, patient_id: int, payer_id: int, code: str, service_date: date | None,
              units: Decimal | None, *, claim_id: int | None = None) -> AuthCheck:
        """Whether a line may be billed: needed, and if so covered by which authorization."""
        needed = self.needs_auth(payer_id, code)
        norm = _norm(code)
        candidates = [a for a in self._auths.get((patient_id, payer_id), [])
                      if norm in a.codes]
        wanted = units if units is not None else ONE
        problems: list[tuple[int, _Auth, str, str]] = []
        for auth in candidates:
            if auth.status in AuthStatus.usable():
                if not auth.covers_date(service_date):
                    problems.append((2, auth, "outside_dates",
                                     f"authorization {auth.certification_number or auth.pk} "
                                     f"covers {_span(auth)}, not {service_date}"))
                    continue
                if auth.approved_units is not None:
                    used = auth.used_units(claim_id)
                    if used + wanted > auth.approved_units:
                        problems.append((1, auth, "units_exceeded",
                                         f"{_units(wanted)} units asked, {_units(used)} of "
                                         f"{_units(auth.approved_units)} approved units already "
                                         "billed"))
                        continue
                return AuthCheck(needed, auth.pk, "", "")
            if auth.status in (AuthStatus.REQUESTED, AuthStatus.PENDING):
                problems.append((3, auth, "pending", (
                    f"the payer returned the request unprocessed (reason {auth.rejection_code}):"
                    " correct it and ask again" if auth.rejection_code
                    else "the authorization has no decision yet")))
            elif auth.status == AuthStatus.DENIED:
                problems.append((4, auth, "denied", "the payer denied the authorization"))
        if not needed:
            return AuthCheck(False, None, "", "")
        if problems:
            _, auth, problem, message = min(problems, key=lambda p: (p[0], -p[1].pk))
            return AuthCheck(True, auth.pk, problem, message)
        return AuthCheck(True, None, "missing",
                         f"{code} needs the payer's prior authorization and none is on file")


def _span(auth: _Auth) -> str:
    start = auth.start.isoformat() if auth.start else "any date"
    end = auth.end.isoformat() if auth.end else "onwards"
    return f"{start} to {end}"


def _units(value: Decimal) -> str:
    return format(value.normalize(), "f")
