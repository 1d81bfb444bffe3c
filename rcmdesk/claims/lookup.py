"""The header's search: one box that finds a claim by whatever the caller has in hand.

A billing person on the phone hears a patient's name, our claim number (PCN), the payer's
claim number (ICN) or a member id; the box takes any of them, and several words narrow
(each word must match something). Results come only through ``visible_to``, so a search
never reaches another client's patient, and what was shown is audited as any listing is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from rcmdesk.audit.services import record_listing
from rcmdesk.claims.models import Claim, Coverage
from rcmdesk.eligibility.models import Visit

MAX_WORDS = 4
MAX_QUERY = 100
CLAIMS_SHOWN = 50
VISITS_SHOWN = 20
# Below this length an identifier must match whole: "12" would match half the claims.
PARTIAL_ID_MIN = 3


@dataclass(frozen=True)
class Found:
    query: str
    claims: list[Claim]
    visits: list[Visit]
    more_claims: bool  # more claims matched than are shown: narrow the search

    @property
    def empty(self) -> bool:
        return not self.claims and not self.visits


def words(query: str) -> list[str]:
    """The words searched for: "Smith, John" is two words; at most ``MAX_WORDS``."""
    return query[:MAX_QUERY].replace(",", " ").split()[:MAX_WORDS]


def _identifier(field: str, word: str) -> Q:
    lookup = "icontains" if len(word) >= PARTIAL_ID_MIN else "iexact"
    return Q(**{f"{field}__{lookup}": word})


def _members(user: Any, word: str) -> Q:
    """Patients holding a coverage with this member id (a subquery: no duplicate rows).

    Among the coverages of the clients the user sees only: a member id is matched by
    substring, which no index serves, so unbounded the subquery read every tenant's
    coverages and one client's search grew with the others' data."""
    holders = (Coverage.objects.visible_to(user).filter(_identifier("member_id", word))
               .values("patient_id"))
    return Q(patient_id__in=holders)


def _name(word: str) -> Q:
    return (Q(patient__last_name__istartswith=word)
            | Q(patient__first_name__istartswith=word))


def _claim_word(user: Any, word: str) -> Q:
    return (_name(word) | _identifier("patient_control_number", word)
            | _identifier("payer_claim_control_number", word) | _members(user, word))


def _visit_word(user: Any, word: str) -> Q:
    return _name(word) | _identifier("external_id", word) | _members(user, word)


def _every_word(user: Any, rows: Any, query: str,
                word_matches: Callable[[Any, str], Q]) -> Any:
    """``rows`` matching every word of ``query`` (none for an empty query)."""
    found = words(query)
    if not found:
        return rows.none()
    for word in found:
        rows = rows.filter(word_matches(user, word))
    return rows


def matching_claims(user: Any, query: str) -> Any:
    """The claims the user may see that match every word, newest service date first."""
    claims = (Claim.objects.visible_to(user)
              .select_related("client", "patient", "payer").order_by("-service_from", "-id"))
    return _every_word(user, claims, query, _claim_word)


def matching_visits(user: Any, query: str) -> Any:
    """The visits (front desk) the user may see whose patient matches every word."""
    visits = (Visit.objects.visible_to(user)
              .select_related("client", "patient", "payer").order_by("-scheduled_on", "-pk"))
    return _every_word(user, visits, query, _visit_word)


def search(user: Any, query: str) -> Found:
    """What the results page shows, audited: one ``list`` event per client shown."""
    query = query.strip()[:MAX_QUERY]
    claims = list(matching_claims(user, query)[:CLAIMS_SHOWN + 1])
    visits = list(matching_visits(user, query)[:VISITS_SHOWN])
    shown = claims[:CLAIMS_SHOWN]
    record_listing(shown, "claims.claim", key="claims", detail={"search": query})
    record_listing(visits, "eligibility.visit", key="visits", detail={"search": query})
    return Found(query, shown, visits, more_claims=len(claims) > CLAIMS_SHOWN)
