"""The client's claims, mirrored from the 837s its system of record sends.

We mirror, we do not replace: the client's system stays the system of record, so rows here
are created and updated from files, keyed by what the client controls (the patient control
number), and every money movement lives in the ledger (``rcmdesk.remits``), not here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet, visibility_for

ZERO = Decimal("0.00")


class ClaimsQuerySet(TenantQuerySet):
    """The mirror's rows. Claims and their lines (models naming a ``claim_path``) keep a
    draft to charge entry: it has not left for the payer, so only a scope holding the
    charges/claims workflow sees it (a client's own users do), in every list, count, page,
    API route and command that starts from ``visible_to``. A claim that was sent is seen by
    anyone who sees the client's claims."""

    def visible_to(self, user: Any, workflow: Workflow | None = None) -> Self:
        rows = super().visible_to(user, workflow)
        claim = getattr(self.model, "claim_path", None)
        if claim is None:
            return rows
        entering = visibility_for(user).clients_for(Workflow.CHARGES_CLAIMS)
        return rows.filter(Q(**{f"{claim}client_id__in": entering})
                           | ~Q(**{f"{claim}status": ClaimStatus.DRAFT}))


class TenantModel(models.Model):
    """Every row belongs to one client; ``visible_to`` filters on it."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    objects = ClaimsQuerySet.as_manager()

    class Meta:
        abstract = True


class PayerKind(models.TextChoices):
    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    OTHER = "other"


class MatchOrder(models.TextChoices):
    """Which 835 identifier to try first: some payers echo CLP01 badly, so ops can flip it."""

    PCN_FIRST = "pcn_first", "patient control number, then payer claim number"
    PAYER_CCN_FIRST = "payer_ccn_first", "payer claim number, then patient control number"


class Payer(TenantModel):
    payer_id = models.CharField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PayerKind.choices, default=PayerKind.OTHER)
    timely_filing_days = models.PositiveIntegerField(null=True, blank=True)
    match_order = models.CharField(max_length=16, choices=MatchOrder.choices,
                                   default=MatchOrder.PCN_FIRST)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "payer_id"],
                                               name="one_payer_id_per_client")]

    def __str__(self) -> str:
        return f"{self.name} ({self.payer_id})"


class Address(models.Model):
    """Street address (N3/N4): the 837 needs it for the billing provider and subscriber."""

    address_line1 = models.CharField(max_length=55, blank=True)
    address_line2 = models.CharField(max_length=55, blank=True)
    city = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=15, blank=True)

    class Meta:
        abstract = True


class Provider(TenantModel, Address):
    npi = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    taxonomy = models.CharField(max_length=10, blank=True)
    # REF*EI (employer id) or SY (social security number): the 837 requires one
    tax_id_qualifier = models.CharField(max_length=2, blank=True)
    tax_id = models.CharField(max_length=20, blank=True)
    entity_type = models.CharField(max_length=1, default="2")  # NM102: 1 person, 2 organization

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "npi"],
                                               name="one_provider_npi_per_client")]

    def __str__(self) -> str:
        return f"{self.name} ({self.npi})"


class Patient(TenantModel, Address):
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=50, blank=True)
    suffix = models.CharField(max_length=10, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)

    class Meta:
        # apply_837 finds the patient of each claim by name and birth date
        indexes = [
            models.Index(
                fields=["client", "last_name", "first_name", "birth_date"],
                name="claims_patient_identity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}".strip(", ")


class Coverage(TenantModel):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="coverages")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages")
    member_id = models.CharField(max_length=80)
    priority = models.CharField(max_length=1, default="P")  # SBR01: P, S, T, ...
    group_number = models.CharField(max_length=50, blank=True)  # SBR03
    filing_indicator = models.CharField(max_length=2, blank=True)  # SBR09: MB, MC, CI, ...
    # The patient's relationship to the subscriber (SBR02 / PAT01): 18 is "self". When not
    # self, the subscriber is another person, named here (the 837 sends both).
    relationship = models.CharField(max_length=2, default="18")
    subscriber_last_name = models.CharField(max_length=100, blank=True)
    subscriber_first_name = models.CharField(max_length=100, blank=True)
    subscriber_birth_date = models.DateField(null=True, blank=True)
    subscriber_sex = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "payer", "member_id"],
                                               name="one_coverage_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id} ({self.priority})"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft"  # entered here, not yet sent: no ledger rows until submission
    SUBMITTED = "submitted"
    PAID = "paid"
    PARTIAL = "partial"
    DENIED = "denied"
    REVERSED = "reversed"
    PATIENT_BALANCE = "patient_balance"
    # what the payer left open was written off on the client's decision (rcmdesk.decisions)
    ADJUSTED = "adjusted", "Adjusted (written off)"


class ClaimOrigin(models.TextChoices):
    """How the claim reached us: mirrored from the client's 837s, or entered for us to send."""

    MIRROR = "mirror", "837 mirrored from the client's system"
    ENTRY = "entry", "charge entry"
    CSV = "csv", "charge import (CSV)"
    FHIR = "fhir", "charge import (FHIR)"
    X12 = "x12", "charge import (837)"


class FrontDoor(models.TextChoices):
    """Where a claim we send stands before adjudication (scrubber, 999, 277CA)."""

    NONE = "", "not sent by us"
    HELD = "held", "held by the scrubber"
    READY = "ready", "clean, waiting for a batch"
    SENT = "sent", "in a batch sent"
    SYNTAX_ACCEPTED = "syntax_accepted", "accepted by the 999"
    ACCEPTED = "accepted", "accepted by the payer (277CA)"
    REJECTED = "rejected", "rejected at the front door"


class Claim(TenantModel):
    claim_path = ""  # where ClaimsQuerySet finds the claim's client and status

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="claims")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="claims")
    coverage = models.ForeignKey(Coverage, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="claims")
    billing_provider = models.ForeignKey(Provider, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="claims")
    patient_control_number = models.CharField(max_length=38)
    payer_claim_control_number = models.CharField(max_length=50, blank=True, db_index=True)
    kind = models.CharField(max_length=1, choices=[("P", "professional"),
                                                   ("I", "institutional")])
    frequency = models.CharField(max_length=1, default="1")
    facility_code = models.CharField(max_length=2, blank=True)
    service_from = models.DateField(null=True, blank=True)
    service_to = models.DateField(null=True, blank=True)
    total_charge = models.DecimalField(max_digits=12, decimal_places=2)
    # [[qualifier, code], ...] as on the HI segments, principal first (ABK/ABF: ICD-10-CM)
    diagnoses = models.JSONField(default=list, blank=True)
    prior_authorization = models.CharField(max_length=50, blank=True)  # REF*G1
    origin = models.CharField(max_length=8, choices=ClaimOrigin.choices,
                              default=ClaimOrigin.MIRROR)
    front_door = models.CharField(max_length=16, choices=FrontDoor.choices, blank=True,
                                  default=FrontDoor.NONE)
    status = models.CharField(max_length=16, choices=ClaimStatus.choices,
                              default=ClaimStatus.SUBMITTED)
    secondary_flag = models.BooleanField(default=False)  # crossed over: bill the next payer
    version = models.PositiveIntegerField(default=1)
    # Kept equal to the ledger by the posting services (``check_ledger`` proves it): lists
    # and work queues read these instead of summing ledger rows per claim.
    insurance_balance = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    patient_balance = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "patient_control_number"],
                                               name="one_claim_per_pcn")]

    def __str__(self) -> str:
        return self.patient_control_number


class ClaimLine(models.Model):
    tenant_field = "claim__client_id"
    tenant_workflow = None
    claim_path = "claim__"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    control_number = models.CharField(max_length=50, blank=True)  # REF*6R
    procedure_qualifier = models.CharField(max_length=2, blank=True)
    procedure = models.CharField(max_length=48, blank=True)
    modifiers = models.JSONField(default=list, blank=True)
    revenue_code = models.CharField(max_length=4, blank=True)
    charge = models.DecimalField(max_digits=12, decimal_places=2)
    units = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    service_date = models.DateField(null=True, blank=True)
    diagnosis_pointers = models.JSONField(default=list, blank=True)  # 1-based ints into HI
    place_of_service = models.CharField(max_length=2, blank=True)  # SV105, when not the claim's

    objects = ClaimsQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "line_number"]
        constraints = [models.UniqueConstraint(fields=["claim", "line_number"],
                                               name="one_claim_line_per_number")]

    def __str__(self) -> str:
        return f"{self.claim} line {self.line_number}"
