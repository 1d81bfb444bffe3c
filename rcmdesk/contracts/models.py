"""Payer contracts, fee schedules and what they make a claim line worth.

The client owns its contracts: only the client edits them (``MANAGE_CONTRACTS``), each
change is a ``ContractVersion`` with its author and note, and no rate row is ever updated or
deleted. A rate change, a retroactive correction or a removed code is a new version's row;
which row applies to a date of service is decided by ``pricing.effective`` (the latest
version whose dates cover the day; a ``removed`` row there means "no rate").

What a claim line should be paid (``ExpectedLine``), how a posted line compared
(``LineVariance``) and money a payer took back (``Recoupment``) all name the contract rate
that set the expectation, so a specialist can show the payer the line of the contract.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Claim, ClaimLine, Payer
from rcmdesk.remits.models import (
    ProviderAdjustment,
    RemitClaim,
    RemitLine,
    Remittance,
    money_field,
)
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


def percent_field(*, null: bool = True) -> models.DecimalField[Any, Any]:
    """A percentage as written in a contract: 120.000 means 120%."""
    return models.DecimalField(max_digits=7, decimal_places=3, null=null, blank=null)


class ContractsQuerySet(TenantQuerySet):
    pass


class RateBasis(models.TextChoices):
    FEE = "fee", "Fee per unit"
    PERCENT_OF_REFERENCE = "pct_reference", "Percent of the reference schedule"
    PERCENT_OF_CHARGE = "pct_charge", "Percent of billed charges"
    PER_DIEM = "per_diem", "Per diem (per day)"
    CASE_RATE = "case_rate", "Case rate (per stay)"


class ReferenceSchedule(models.Model):
    """A public reference schedule the client loaded, e.g. the CMS physician fee schedule
    for its locality and year; contracts price codes as a percentage of it."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)  # "Medicare PFS 2026, locality 01"
    year = models.PositiveIntegerField()
    source_name = models.CharField(max_length=255, blank=True)  # the file it came from
    rows = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = ContractsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "name"],
                                               name="one_reference_schedule_per_name")]

    def __str__(self) -> str:
        return self.name


class ReferenceRate(models.Model):
    """One code of a reference schedule: the non-facility and facility amounts."""

    tenant_field = "schedule__client_id"
    tenant_workflow = None

    schedule = models.ForeignKey(ReferenceSchedule, on_delete=models.CASCADE,
                                 related_name="rates")
    procedure = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    non_facility = money_field()
    facility = money_field()

    objects = ContractsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "procedure", "modifier"],
                                               name="one_reference_rate_per_code")]

    def __str__(self) -> str:
        return f"{self.procedure}{'-' + self.modifier if self.modifier else ''}"


class Contract(models.Model):
    """The client's agreement with one payer (and one plan of it, when ``plan`` is set).

    ``plan`` is matched against the claim's group number (SBR03); a claim uses its payer's
    contract for that plan when there is one, else the payer's contract with no plan.
    The reductions and the tolerance are contract terms too: they change through versions.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="contracts")
    plan = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=200)
    # Codes with no row of their own: this percent of the reference schedule, if both set.
    reference = models.ForeignKey(ReferenceSchedule, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="contracts")
    reference_percent = percent_field()
    # Second and later surgical procedures on one date of service (None: no reduction).
    multiple_procedure_percent = percent_field()
    # modifier 50 with no rate of its own: this percent of the code's rate
    bilateral_percent = models.DecimalField(max_digits=7, decimal_places=3,
                                            default=Decimal("150"))
    # A posted line is a variance when it differs from expected by more than both.
    tolerance_amount = models.DecimalField(max_digits=12, decimal_places=2,
                                           default=Decimal("1.00"))
    tolerance_percent = models.DecimalField(max_digits=7, decimal_places=3,
                                            default=Decimal("1"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ContractsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "payer", "plan"],
                                               name="one_contract_per_payer_plan")]

    def __str__(self) -> str:
        return self.name


class ContractVersion(models.Model):
    """One change of a contract, as the playbook's rule changes: who, when, why."""

    tenant_field = "contract__client_id"
    tenant_workflow = None

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.TextField()
    source = models.CharField(max_length=255, blank=True)  # "CSV import fees-2026.csv"
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ContractsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "number"],
                                               name="one_contract_version_number")]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"


class FeeRate(models.Model):
    """One row of a contract's schedule as one version wrote it; never updated.

    The key is (procedure, modifier, place of service); blank modifier or place of service
    means "any". ``procedure`` is a HCPCS/CPT code, or for institutional per diems and case
    rates the revenue code. ``removed``: this version ends the code's rate from
    ``effective_from`` (a deleted row), so later dates of service have no expected amount.
    """

    tenant_field = "contract__client_id"
    tenant_workflow = None

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="rates")
    version = models.ForeignKey(ContractVersion, on_delete=models.PROTECT, related_name="rates")
    procedure = models.CharField(max_length=48)
    modifier = models.CharField(max_length=2, blank=True)
    place_of_service = models.CharField(max_length=2, blank=True)
    basis = models.CharField(max_length=16, choices=RateBasis.choices, default=RateBasis.FEE)
    amount = money_field(null=True)  # fee, per diem, case rate
    percent = percent_field()  # percent of reference or of charges
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)  # inclusive; None: open-ended
    removed = models.BooleanField(default=False)

    objects = ContractsQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["contract", "procedure"], name="rate_by_code")]

    def __str__(self) -> str:
        return f"{self.procedure} {self.basis} from {self.effective_from}"


class ExpectedLine(models.Model):
    """What a claim line should be allowed under its contract, and which rate said so.

    ``amount`` None: the contract has no rate for the line's code on its date of service
    (shown as "not priced"; never a variance). Recomputed for open claims when a contract
    changes; ``computed_at`` says when.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="expected_lines")
    claim_line = models.OneToOneField(ClaimLine, on_delete=models.CASCADE,
                                      related_name="expected")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    rate = models.ForeignKey(FeeRate, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    amount = money_field(null=True)
    basis = models.CharField(max_length=300, blank=True)  # how, in words
    computed_at = models.DateTimeField(default=timezone.now)

    objects = ContractsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"expected {self.amount} for line {self.claim_line_id}"


class VarianceKind(models.TextChoices):
    UNDERPAID = "underpaid", "Underpaid"
    OVERPAID = "overpaid", "Overpaid"
    WITHIN = "within", "Paid as contracted"


class LineVariance(models.Model):
    """One posted service line compared with what its contract says it should be allowed.

    allowed = paid + patient responsibility (PR); variance = allowed - expected (negative:
    underpaid). ``contractual_excess`` is CO-45 written off beyond the contract's allowance
    (charge - expected): flagged, never silently accepted.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    remit_line = models.OneToOneField(RemitLine, on_delete=models.PROTECT,
                                      related_name="variance")
    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="variances")
    claim_line = models.ForeignKey(ClaimLine, on_delete=models.PROTECT,
                                   related_name="variances")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    rate = models.ForeignKey(FeeRate, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    procedure = models.CharField(max_length=48, blank=True)
    expected = money_field()
    allowed = money_field()
    paid = money_field()
    patient_responsibility = money_field()
    variance = money_field()
    contractual_excess = money_field()
    kind = models.CharField(max_length=10, choices=VarianceKind.choices)
    found_on = models.DateField()  # the client's day it was found (reports group by it)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ContractsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.kind} {self.variance} on line {self.claim_line_id}"


class RecoupmentSource(models.TextChoices):
    PLB = "plb", "Provider-level takeback (PLB)"
    REVERSAL = "reversal", "Claim reversal (CLP02 22)"


class Recoupment(models.Model):
    """Money a payer took back, traced to the claim line whose payment it took.

    From a PLB (WO overpayment recovery, FB forwarding balance, 72 authorised return) with
    its reference, or a claim reversal. ``correction``: the corrected payment that explains
    it (a later claim payment of the same claim); unexplained ones become work items.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=RecoupmentSource.choices)
    provider_adjustment = models.OneToOneField(ProviderAdjustment, null=True, blank=True,
                                               on_delete=models.PROTECT,
                                               related_name="recoupment")
    reversal = models.OneToOneField(RemitClaim, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="recoupment")
    reason = models.CharField(max_length=4)  # PLB reason, or "22"
    reference = models.CharField(max_length=50, blank=True)
    amount = money_field()  # positive: the dollars taken back
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="recoupments")
    claim_line = models.ForeignKey(ClaimLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="recoupments")
    original = models.ForeignKey(RemitLine, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="recouped_by")  # the payment taken back
    how = models.CharField(max_length=200, blank=True)  # how it was traced, in words
    correction = models.ForeignKey(RemitClaim, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="explains")
    found_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ContractsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"recoupment {self.reason} {self.amount}"
