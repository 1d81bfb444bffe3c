"""The root-cause category a denial item is filed under: the issue's ten categories.

One seam, ``denial_category``, used by the producers. Our finer per-CARC categories
(``rcmdesk.remits.carc_categories``) decide posting; the work queue files denials under the
coarser root cause a specialist fixes (``ROOT_CAUSE`` below), codes our table does not list
as "other" so a person sees them rather than a blank. The client adjusts the mapping with
``rcmdesk.denials`` rules (client administrators only), keyed on group and RARCs too (a CO-16
with N290 is missing information, with M127 coding); the most specific rule wins: CARC + RARC
+ group, then CARC + RARC, then CARC + group, then CARC. Producers categorise thousands of
lines, so they load one ``CategoryBook`` per client and pass it as ``book=``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Final, Protocol

from rcmdesk.remits import carc_categories


class RootCause(StrEnum):
    ELIGIBILITY_COVERAGE = "eligibility_coverage"
    AUTHORIZATION = "authorization"
    CODING = "coding"
    MEDICAL_NECESSITY = "medical_necessity"
    TIMELY_FILING = "timely_filing"
    DUPLICATE = "duplicate"
    MISSING_INFORMATION = "missing_information"
    COORDINATION_OF_BENEFITS = "coordination_of_benefits"
    CONTRACTUAL = "contractual"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("eligibility coverage",
                                                    "eligibility / coverage")


OTHER: Final = RootCause.OTHER

# Our finer category -> the root cause a specialist works. Every finer category is listed
# (a test holds us to it), so a new one cannot fall into "other" unnoticed.
ROOT_CAUSE: Final[dict[str, RootCause]] = {
    "eligibility": RootCause.ELIGIBILITY_COVERAGE,
    # the provider, not the patient, is not covered (credentialing, enrolment): same fix path
    "provider_eligibility": RootCause.ELIGIBILITY_COVERAGE,
    "non_covered": RootCause.ELIGIBILITY_COVERAGE,
    "benefit_limit": RootCause.ELIGIBILITY_COVERAGE,
    "authorization": RootCause.AUTHORIZATION,
    "coding": RootCause.CODING,
    "bundling": RootCause.CODING,  # NCCI-style edits are fixed by recoding
    "medical_necessity": RootCause.MEDICAL_NECESSITY,
    "timely_filing": RootCause.TIMELY_FILING,
    "duplicate": RootCause.DUPLICATE,
    "missing_information": RootCause.MISSING_INFORMATION,
    "coordination_of_benefits": RootCause.COORDINATION_OF_BENEFITS,
    "contractual": RootCause.CONTRACTUAL,
    "payer_adjustment": RootCause.CONTRACTUAL,
    "patient_responsibility": RootCause.OTHER,
    "payer_review": RootCause.OTHER,
    carc_categories.UNKNOWN: RootCause.OTHER,
}


def default_category(carc: str) -> RootCause:
    """The root cause from our table alone."""
    return ROOT_CAUSE.get(carc_categories.category(carc), RootCause.OTHER)


def _norm(code: str) -> str:
    return code.strip().upper()


class RuleLike(Protocol):
    """What a client rule carries (``rcmdesk.denials.models.DenialCategoryRule``)."""

    group: str
    carc: str
    rarc: str
    category: str


class CategoryBook:
    """One client's category rules, loaded once; ``category()`` then costs no query."""

    def __init__(self, client_id: int, rules: Iterable[RuleLike] | None = None) -> None:
        if rules is None:
            from rcmdesk.denials.models import DenialCategoryRule  # the app owning the rules

            rules = DenialCategoryRule.objects.filter(client_id=client_id)
        self.client_id = client_id
        self._by_carc: dict[str, list[tuple[int, str, str, RootCause]]] = {}
        for rule in rules:
            specificity = (2 if rule.rarc else 0) + (1 if rule.group else 0)
            self._by_carc.setdefault(_norm(rule.carc), []).append(
                (specificity, _norm(rule.group), _norm(rule.rarc), RootCause(rule.category)))
        for candidates in self._by_carc.values():
            candidates.sort(key=lambda c: -c[0])

    def category(self, group: str, carc: str, rarcs: Sequence[str] = ()) -> RootCause:
        """The client's most specific matching rule, else our default."""
        group, wanted = _norm(group), {_norm(r) for r in rarcs}
        for _, rule_group, rule_rarc, cause in self._by_carc.get(_norm(carc), ()):
            if (not rule_group or rule_group == group) and (not rule_rarc or rule_rarc in wanted):
                return cause
        return default_category(carc)


def denial_category(client_id: int, group: str, carc: str, rarcs: Sequence[str] = (),
                    *, book: CategoryBook | None = None) -> RootCause:
    """Root cause of one denial adjustment of ``client_id``'s remit.

    Pass a ``book`` (``CategoryBook(client_id)``) when categorising many lines: without one,
    the client's rules are loaded for this call alone.
    """
    if book is None or book.client_id != client_id:
        book = CategoryBook(client_id)
    return book.category(group, carc, rarcs)
