"""Our default appeal wording per denial category, used until a client writes its own.

Plain text with ``{field}`` merge fields (see ``merge.FIELDS``); each body asks for one
concrete thing and says what is enclosed, which is what reviewers act on.
"""

from __future__ import annotations

from typing import Final

from rcmdesk.workqueue.categories import RootCause

SUBJECT: Final = ("Level {appeal_level} appeal: claim {payer_claim_number} for {patient_name}, "
                  "dates of service {service_from} to {service_to}")

_OPENING: Final = (
    "To the {payer_name} appeals department:\n\n"
    "{client_name} requests reconsideration of the denial of claim {payer_claim_number} "
    "(our claim {claim_number}) for {patient_name}, born {patient_birth_date}, member id "
    "{member_id}, for services on {service_from} to {service_to} by {provider_name} "
    "(NPI {provider_npi}). The remittance dated {remit_date} denied {denied_amount} with "
    "adjustment reason {carc_codes} and remarks {rarc_codes}.\n\n"
)

_CLOSING: Final = (
    "\n\nPlease reprocess the claim and pay the denied amount. If you uphold the denial, "
    "please send the specific policy provision relied on so that we can consider the next "
    "level of appeal.\n\nSincerely,\n{client_name}"
)

_ARGUMENT: Final[dict[RootCause, str]] = {
    RootCause.ELIGIBILITY_COVERAGE: (
        "Our records show the patient was covered on the dates of service. We enclose the "
        "eligibility response and the insurance card on file, and ask you to verify coverage "
        "for those dates."),
    RootCause.AUTHORIZATION: (
        "The services were authorised, or did not require authorisation under the plan's "
        "published list. We enclose the authorisation reference and the request as "
        "submitted."),
    RootCause.CODING: (
        "The procedure and diagnosis codes billed describe the services as documented. We "
        "enclose the records supporting each code and any modifier, and ask you to review "
        "the edit that was applied."),
    RootCause.MEDICAL_NECESSITY: (
        "The services were medically necessary for this patient's condition. We enclose the "
        "clinical notes, the ordering provider's rationale and the coverage criteria the "
        "services meet."),
    RootCause.TIMELY_FILING: (
        "The claim was filed within the filing limit. We enclose proof of timely filing "
        "(the original submission and its acceptance report)."),
    RootCause.DUPLICATE: (
        "This claim is not a duplicate: the services are distinct from those on any earlier "
        "claim (different date, service or unit). We enclose the records showing each "
        "service separately."),
    RootCause.MISSING_INFORMATION: (
        "We enclose the information the payer asked for, and ask you to reprocess the claim "
        "with it."),
    RootCause.COORDINATION_OF_BENEFITS: (
        "The coordination-of-benefits information has been confirmed. We enclose the other "
        "payer's remittance or the patient's statement of other coverage, as applicable."),
    RootCause.CONTRACTUAL: (
        "The adjustment does not match our contracted rate for these services. We enclose "
        "the relevant fee schedule page and ask you to pay at the contracted amount."),
    RootCause.OTHER: (
        "We believe the denial was made in error and enclose the supporting documentation."),
}


def default_body(category: RootCause) -> str:
    return _OPENING + _ARGUMENT[category] + _CLOSING
