"""Remittances as received, the double-entry ledger they post to, and what could not post.

Ledger rows (JournalEntry, LedgerEntry) are append-only: database triggers refuse UPDATE and
DELETE (``rcmdesk.audit.immutability``); a correction is a new reversing entry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Claim, ClaimLine, Payer
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet


def money_field(*, null: bool = False) -> models.DecimalField[Any, Any]:
    """Two places, twelve digits: every amount column of the ledger and the remits."""
    return models.DecimalField(max_digits=12, decimal_places=2, null=null, blank=null)


class RemitsQuerySet(TenantQuerySet):
    pass


class Account(models.TextChoices):
    INSURANCE_AR = "insurance_ar", "insurance A/R"
    PATIENT_AR = "patient_ar", "patient A/R"
    # clearing: cleared by deposit reconciliation
    PAYER_CASH = "payer_cash", "payer cash (clearing)"
    REVENUE = "revenue", "gross charges"
    CONTRACTUAL = "contractual", "contractual adjustment"  # CO adjustments the contract explains
    # OA / PI (and CR, which 5010 does not use)
    OTHER_ADJUSTMENT = "other_adjustment", "other adjustment"
    INTEREST_INCOME = "interest_income", "interest income"  # AMT*I and PLB L6
    # provider-level PLB amounts not tied to a claim
    PAYER_OFFSET = "payer_offset", "payer offset (PLB)"
    # balances the client decided not to pursue (decisions app)
    WRITE_OFF = "write_off", "write-off"
    # Money received that no claim explains yet (a credit: held for the payer's claims):
    # parked from a posting exception, later applied to a claim or refunded.
    UNAPPLIED_CASH = "unapplied_cash", "unapplied cash"


class JournalKind(models.TextChoices):
    CHARGE = "charge", "charge"
    CHARGE_REVERSAL = "charge_reversal", "charge reversal"
    PAYMENT = "payment", "payment"
    ADJUSTMENT = "adjustment", "adjustment"
    PATIENT_RESP = "patient_resp", "patient responsibility"
    TRANSFER = "transfer", "transfer to secondary"  # patient share handed back to a secondary payer
    REVERSAL = "reversal", "payer reversal"  # CLP02 = 22
    INTEREST = "interest", "interest"
    PLB = "plb", "provider-level adjustment (PLB)"
    WRITE_OFF = "write_off", "write-off"  # an approved client decision (rcmdesk.decisions)
    UNAPPLIED = "unapplied", "parked as unapplied cash"  # remits.resolution
    APPLIED = "applied", "unapplied cash applied"  # unapplied cash applied to a claim
    REFUND = "refund", "refund"  # a credit balance paid back: an approved client decision


class Remittance(models.Model):
    """One 835 transaction set that was posted (held ones are not stored: see intake)."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey("intake.ReceivedFile", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="remittances")
    st_control = models.CharField(max_length=9)
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="remittances")
    payer_key = models.CharField(max_length=80)  # N1*PR id, else TRN03
    payer_name = models.CharField(max_length=200, blank=True)
    trace_number = models.CharField(max_length=50)  # TRN02
    amount = money_field()  # BPR02
    credit_debit = models.CharField(max_length=1, blank=True)
    method = models.CharField(max_length=3, blank=True)  # BPR04: ACH, CHK, NON, ...
    payment_date = models.DateField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.payer_name or self.payer_key} {self.trace_number}"


class RemitClaim(models.Model):
    tenant_field = "remittance__client_id"
    tenant_workflow = None

    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT, related_name="claims")
    index = models.PositiveIntegerField()
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="remit_claims")
    patient_control_number = models.CharField(max_length=38)
    status_code = models.CharField(max_length=2)  # CLP02
    charge = money_field()
    paid = money_field()
    patient_responsibility = money_field(null=True)
    filing_indicator = models.CharField(max_length=2, blank=True)
    payer_claim_control_number = models.CharField(max_length=50, blank=True)
    facility_type = models.CharField(max_length=2, blank=True)
    frequency = models.CharField(max_length=1, blank=True)
    crossover_payer = models.CharField(max_length=200, blank=True)  # NM1*TT
    interest = money_field(null=True)  # AMT*I
    outcome = models.CharField(max_length=16, default="posted")  # posted / exception / denied

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.patient_control_number} ({self.status_code})"



class RemitLine(models.Model):
    tenant_field = "remit_claim__remittance__client_id"
    tenant_workflow = None

    remit_claim = models.ForeignKey(RemitClaim, on_delete=models.PROTECT, related_name="lines")
    index = models.PositiveIntegerField()
    claim_line = models.ForeignKey(ClaimLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="remit_lines")
    # Wide on purpose: a payer that writes the wrong component separator puts the whole
    # composite here, and we keep what was received rather than refuse the remittance.
    procedure_qualifier = models.CharField(max_length=48, blank=True)
    procedure = models.CharField(max_length=48, blank=True)
    modifiers = models.JSONField(default=list, blank=True)
    charge = money_field()
    paid = money_field()
    revenue_code = models.CharField(max_length=4, blank=True)
    units = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    control_number = models.CharField(max_length=50, blank=True)  # REF*6R
    remarks = models.JSONField(default=list, blank=True)  # LQ: [[qualifier, code], ...]

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.remit_claim} line {self.index}"



class RemitAdjustment(models.Model):
    """One CAS triplet; ``posted`` is False for denials, which stay open as insurance AR."""

    tenant_field = "remit_claim__remittance__client_id"
    tenant_workflow = None

    remit_claim = models.ForeignKey(RemitClaim, on_delete=models.PROTECT,
                                    related_name="adjustments")
    remit_line = models.ForeignKey(RemitLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="adjustments")
    group = models.CharField(max_length=2)
    reason = models.CharField(max_length=5)
    amount = money_field()
    quantity = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)
    category = models.CharField(max_length=32, blank=True)  # ours: carc_categories.py
    posted = models.BooleanField(default=True)

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"



class ProviderAdjustment(models.Model):
    """One PLB reason/amount pair; ``claim`` is set when the reference names a known PCN."""

    tenant_field = "remittance__client_id"
    tenant_workflow = None

    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT,
                                   related_name="provider_adjustments")
    index = models.PositiveIntegerField()
    provider_id = models.CharField(max_length=50)
    fiscal_date = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=2)
    reference = models.CharField(max_length=50, blank=True)
    amount = money_field()
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="provider_adjustments")

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"PLB {self.reason} {self.reference} {self.amount}"



class JournalEntry(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="journal_entries")
    kind = models.CharField(max_length=16, choices=JournalKind.choices)
    remittance = models.ForeignKey(Remittance, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="journal_entries")
    memo = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"journal #{self.pk} {self.kind}"


class LedgerEntry(models.Model):
    """Signed: debits positive, credits negative; a journal's entries sum to zero."""

    tenant_field = "client_id"
    tenant_workflow = None

    journal = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="entries")
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ledger_entries")
    claim_line = models.ForeignKey(ClaimLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ledger_entries")
    account = models.CharField(max_length=20, choices=Account.choices)
    amount = money_field()
    reason = models.CharField(max_length=8, blank=True)  # e.g. "CO-45", "PLB-WO"

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"



class PostingKey(models.Model):
    """Exactly-once: inserted in the same transaction as the entries it guards.

    ``line_index`` is 0 for a claim, n for its n-th line posted on its own, and -n for the
    n-th PLB pair, whose ``status_code`` is "P" and the full PLB reason (PL6, PL3).
    CLP02 is part of the key because a reversal (22) and its correction
    usually share CLP01, and often CLP07, in the same 835.
    """

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer_key = models.CharField(max_length=80)
    trace_number = models.CharField(max_length=50)
    patient_control_number = models.CharField(max_length=38, blank=True)
    payer_claim_control_number = models.CharField(max_length=50, blank=True)
    status_code = models.CharField(max_length=8, blank=True)  # CLP02, or "P" + PLB reason
    line_index = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["client", "payer_key", "trace_number", "patient_control_number",
                    "payer_claim_control_number", "status_code", "line_index"],
            name="post_each_remit_item_once")]

    def __str__(self) -> str:
        return f"{self.trace_number}/{self.patient_control_number}/{self.line_index}"



class ChargeKey(models.Model):
    """Exactly-once for charges: one per claim version (a digest of what was billed)."""

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "digest"],
                                               name="post_each_claim_version_once")]

    def __str__(self) -> str:
        return f"charge {self.claim_id} {self.digest[:12]}"



class ExceptionStatus(models.TextChoices):
    OPEN = "open"
    RESOLVED = "resolved"


class ExceptionReason(models.TextChoices):
    """Why the poster stopped (``PostingException.reason``), in a billing person's words."""

    UNMATCHED = "unmatched", "no claim of ours matches"
    CONFLICT = "conflict", "matches more than one claim"
    OVERPAID = "overpaid", "paid more than the balance"
    UNKNOWN_CARC = "unknown_carc", "unknown adjustment code"
    CREDIT_BALANCE = "credit_balance", "credit balance"


class PostingException(models.Model):
    """A remit claim we would not post on our own; a person decides."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT,
                                   related_name="exceptions")
    remit_claim = models.ForeignKey(RemitClaim, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="exceptions")
    # unmatched / overpaid / conflict (nothing posted: retried by ``repost_exception``),
    # unknown_carc (posted, a code left open), credit_balance (a replacement charge below
    # what was already settled)
    reason = models.CharField(max_length=16)
    detail = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=ExceptionStatus.choices,
                              default=ExceptionStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolution = models.CharField(max_length=300, blank=True)  # e.g. "posted", "already_posted"
    # The claim a person matched the payment to, or a takeback's original claim.
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="posting_exceptions")
    # The refund asked of the client for a credit balance (decisions app; latest asked).
    refund = models.ForeignKey("decisions.Proposal", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail[:60]}"



class UnappliedCash(models.Model):
    """A payment parked on the unapplied-cash account, and what of it is still unapplied.

    The ledger holds the money (``Account.UNAPPLIED_CASH``); this row says where it came
    from, why it was parked and how much is left, so the aging report reads rows, not sums
    (``invariants`` proves the two agree).
    """

    tenant_field = "client_id"
    tenant_workflow = Workflow.POSTING

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT,
                                   related_name="unapplied_cash")
    exception = models.OneToOneField(PostingException, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="unapplied_cash")
    amount = money_field()
    remaining = money_field()
    reason = models.CharField(max_length=300)
    parked_on = models.DateField()  # the client's day it was parked: what it ages from
    parked_at = models.DateTimeField(default=timezone.now)
    parked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"unapplied cash #{self.pk} ({self.remaining} of {self.amount})"


class UnappliedApplication(models.Model):
    """Some unapplied cash applied to a claim (its journal moves the money)."""

    tenant_field = "unapplied__client_id"
    tenant_workflow = Workflow.POSTING

    unapplied = models.ForeignKey(UnappliedCash, on_delete=models.PROTECT,
                                  related_name="applications")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    amount = money_field()
    journal = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = RemitsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.amount} of unapplied cash #{self.unapplied_id} to claim {self.claim_id}"


class CodeDescription(models.Model):
    """CARC/RARC texts a client loads under its own X12 licence; we ship values only."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    list = models.CharField(max_length=4, choices=[("carc", "CARC"), ("rarc", "RARC")])
    code = models.CharField(max_length=8)
    text = models.TextField()

    objects = RemitsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "list", "code"],
                                               name="one_description_per_code")]

    def __str__(self) -> str:
        return f"{self.list} {self.code}"


class DepositImport(models.Model):
    """One bank deposit file as received; the same bytes twice add nothing (sha256)."""

    tenant_field = "client_id"
    tenant_workflow = Workflow.POSTING

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=8, default="csv")  # csv / bai2
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    objects = RemitsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "sha256"],
                                               name="import_each_deposit_file_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.rows} deposits)"


class MatchMethod(models.TextChoices):
    TRACE_AMOUNT = "trace_amount"  # TRN02 and amount agree: matched automatically
    TRACE_ONLY = "trace_only"  # TRN02 agrees, amount differs: only a person confirms it
    MANUAL = "manual"  # a person paired them (checks without a trace)


class Deposit(models.Model):
    """One bank credit (or debit, negative) and the 835 payment it is matched to, if any."""

    tenant_field = "client_id"
    tenant_workflow = Workflow.POSTING

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    deposit_import = models.ForeignKey(DepositImport, on_delete=models.PROTECT,
                                       related_name="deposits")
    row = models.PositiveIntegerField()  # row (line) number in the file, header = 1
    deposit_date = models.DateField()
    amount = money_field()
    trace = models.CharField(max_length=80, blank=True)  # as the bank wrote it
    trace_key = models.CharField(max_length=80, blank=True, db_index=True)  # normalised
    description = models.CharField(max_length=300, blank=True)
    remittance = models.ForeignKey(Remittance, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="deposits")
    match_method = models.CharField(max_length=16, choices=MatchMethod.choices, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    objects = RemitsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["remittance"],
                                               name="match_each_remittance_once")]

    def __str__(self) -> str:
        return f"deposit {self.deposit_date} {self.amount} {self.trace}"
