"""The demo's expected payment at Acme: its contract with its busiest payer, and this
morning's remittance from that payer, checked line by line against it.

- Acme's admin loads a synthetic excerpt of a Medicare-style reference schedule and the
  payer's contract: a fee per code Acme bills (the E/M codes raised by an amendment a
  month ago, a second version with its note), other codes at a percent of the reference.
  Loading it prices Acme's open claims with that payer (their expected allowed amounts).
- This morning's 835 from the payer pays some of those open claims: most exactly as
  contracted, two lines short (one of them with CO-45 written off beyond the contract's
  allowance), one line over; it takes back a line paid earlier (PLB WO, the original
  claim's payer claim number as its reference) and reverses an earlier payment with no
  correction. The variance and recoupment work items are today's work.

Built through the real services and intake, as the people who would do it; keyed by the
contract and the 835's trace number, so a second run adds nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count

from rcmdesk.accounts.models import User
from rcmdesk.claims.models import Claim, ClaimStatus, Payer
from rcmdesk.contracts.models import Contract, ExpectedLine, LineVariance, Recoupment
from rcmdesk.contracts.services import RateRow, do_add_version, do_create_contract
from rcmdesk.demo.clock import moment, stopped_at
from rcmdesk.demo.services import built_on
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import RemitLine, Remittance
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.x12 import t835
from rcmdesk.x12.values import Address, DateRef, Name
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_835

CLIENT = "acme"
TRACE = "DEMOCONTRACT0001"
FILE_HOUR = 8  # after the morning's clearinghouse files
FEE_SHARE = Decimal("0.62")  # the contract's fees: about what the payer allowed lately
AMENDMENT_DAYS = 30  # the E/M amendment took effect this many days before today
AMENDMENT_RAISE = Decimal("1.03")
PAID_CLAIMS = 8  # open claims this morning's 835 pays
SHORT = {0: Decimal("0.85"), 1: Decimal("0.70")}  # claims paid short, and by how much
OVER = 2  # the claim paid over its contract
ZERO = Decimal("0.00")
PAYER_ADDRESS = Address("1 CLAIMS WAY", "", "ALBANY", "NY", "12207")
PAYEE_ADDRESS = Address("100 MAIN ST", "", "SPRINGFIELD", "NY", "10001")


@dataclass(frozen=True)
class ContractsDemo:
    contract: str
    priced_lines: int
    variances: Counter[str]
    recoupments: int
    items: Counter[str]

    def line(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.variances.items()))
        items = ", ".join(f"{n} {kind}" for kind, n in sorted(self.items.items()))
        return (f"demo contracts: {self.contract}, {self.priced_lines} open lines priced; "
                f"this morning's 835: {kinds or 'no lines'}; {self.recoupments} recoupments; "
                f"items: {items or 'none'}")


def build_contracts() -> ContractsDemo | None:
    """Acme's contract and this morning's remittance against it (idempotent)."""
    acme = Organization.objects.get(slug=CLIENT, kind="client")
    contract = Contract.objects.filter(client=acme).order_by("pk").first()
    payer = contract.payer if contract is not None else busiest_payer(acme)
    if payer is None:
        return None
    today = built_on(acme)
    if contract is None:
        with stopped_at(moment(today, acme.time_zone, FILE_HOUR - 1)):
            contract = load_contract(acme, payer, today)
    if not Remittance.objects.filter(client=acme, trace_number=TRACE).exists():
        with stopped_at(moment(today, acme.time_zone, FILE_HOUR)):
            data = this_mornings_835(acme, payer, contract, today)
            if data is not None:
                ingest(acme, data, "demo-contract-835.x12", channel="cli")
    return summary(acme, contract)


def busiest_payer(client: Organization) -> Payer | None:
    """The payer with the most open claims: the contract a billing office loads first."""
    row = (Claim.objects.filter(client=client, status__in=OPEN)
           .values("payer_id").annotate(n=Count("pk")).order_by("-n", "payer_id").first())
    return Payer.objects.get(pk=row["payer_id"]) if row else None


OPEN = (ClaimStatus.SUBMITTED,)  # sent and not yet answered by a payment


def load_contract(client: Organization, payer: Payer, today: date) -> Contract:
    admin = User.objects.get(username=f"{CLIENT}.admin")
    fees = typical_fees(client, payer)
    contract = do_create_contract(
        client, payer, name=f"{payer.name} professional fee schedule", acting_user=admin,
        multiple_procedure_percent=Decimal(50), tolerance_amount=Decimal("2.00"),
        tolerance_percent=Decimal(2))
    start = date(today.year - 1, 1, 1)
    do_add_version(contract, [RateRow(code, start, amount=fee) for code, fee in fees.items()],
                   note="Signed contract, schedule A (fees per code)",
                   source="demo: schedule A", acting_user=admin, reprice=False)
    since = today - timedelta(days=AMENDMENT_DAYS)
    raised = [RateRow(code, since, amount=(fee * AMENDMENT_RAISE).quantize(Decimal("0.01")))
              for code, fee in fees.items() if code.startswith("992")]
    do_add_version(contract, raised, note="Amendment 1: office visits +3%",
                   source="demo: amendment 1", acting_user=admin)
    return contract


def typical_fees(client: Organization, payer: Payer) -> dict[str, Decimal]:
    """A fee per code the client bills the payer: the share of its usual charge."""
    charges: dict[str, list[Decimal]] = {}
    for code, charge, units in Claim.objects.filter(client=client, payer=payer).values_list(
            "lines__procedure", "lines__charge", "lines__units"):
        if code and charge:
            charges.setdefault(code, []).append(charge / (units or 1))
    return {code: (sorted(values)[len(values) // 2] * FEE_SHARE).quantize(Decimal("1"))
            for code, values in sorted(charges.items())}


def this_mornings_835(client: Organization, payer: Payer, contract: Contract,
                      today: date) -> bytes | None:
    claims = list(Claim.objects.filter(client=client, payer=payer, status__in=OPEN,
                                       expected_lines__amount__isnull=False)
                  .distinct().order_by("service_from", "pk")[:PAID_CLAIMS])
    if not claims:
        return None
    paid = [_payment(claim, n) for n, claim in enumerate(claims)]
    earlier = _earlier_payments(client, payer, exclude={c.pk for c in claims})
    reversal = [_reversal(earlier[1])] if len(earlier) > 1 else []
    takeback = [_takeback(earlier[0])] if earlier else []
    remit = _remittance(payer, today, [*paid, *reversal], takeback)
    envelope = Envelope(sender=payer.payer_id[:15], receiver="ACME", date=f"{today:%Y%m%d}",
                        interchange_control=990001, group_control=990001, usage="T")
    return write_interchange([build_835(remit)], envelope)


def _payment(claim: Claim, n: int) -> t835.Claim:
    """Paid as contracted, except the first line of: the first claim, short by 15%; the
    second, short by 30% (both with CO-45 beyond the contract's allowance); the third, over
    by $25 where its charge leaves room."""
    lines: list[t835.ServiceLine] = []
    for line in claim.lines.select_related("expected").order_by("line_number"):
        expected = getattr(line, "expected", None)
        allowed = expected.amount if expected and expected.amount is not None else line.charge
        if not lines and n in SHORT:
            allowed = (allowed * SHORT[n]).quantize(Decimal("0.01"))
        elif not lines and n == OVER:
            allowed = min(line.charge, allowed + Decimal(25))
        coinsurance = (allowed * Decimal("0.20")).quantize(Decimal("0.01"))
        adjustments = [t835.Adjustment("CO", "45", line.charge - allowed)] if (
            line.charge > allowed) else []
        adjustments.append(t835.Adjustment("PR", "2", coinsurance))
        lines.append(t835.ServiceLine(
            procedure=("HC", line.procedure, *line.modifiers), charge=line.charge,
            paid=allowed - coinsurance, units=line.units if line.units != 1 else None,
            dates=(DateRef("472", f"{line.service_date or claim.service_from:%Y%m%d}"),),
            adjustments=tuple(adjustments), control_number=line.control_number))
    return _claim(claim, "1", lines)


def _claim(claim: Claim, status: str, lines: list[t835.ServiceLine]) -> t835.Claim:
    responsibility = sum((a.amount for ln in lines for a in ln.adjustments if a.group == "PR"),
                         ZERO)
    return t835.Claim(
        patient_control_number=claim.patient_control_number, status=status,
        charge=sum((ln.charge for ln in lines), ZERO), paid=sum((ln.paid for ln in lines), ZERO),
        patient_responsibility=responsibility, filing_indicator="12",
        payer_claim_control_number=claim.payer_claim_control_number or
        f"DEMO{claim.pk:010d}",
        patient=Name("QC", "1", claim.patient.last_name, claim.patient.first_name, "", "",
                     "MI", "DEMO"),
        lines=tuple(lines))


def _earlier_payments(client: Organization, payer: Payer,
                      exclude: set[int]) -> list[RemitLine]:
    """Paid lines of two claims paid earlier, one each: what a takeback or a reversal takes."""
    found: dict[int, RemitLine] = {}
    lines = (RemitLine.objects.filter(
        remit_claim__remittance__client=client, remit_claim__claim__payer=payer,
        remit_claim__status_code="1",
        remit_claim__claim__status__in=(ClaimStatus.PAID, ClaimStatus.PATIENT_BALANCE),
        claim_line__isnull=False, paid__gt=0)
        .exclude(remit_claim__claim_id__in=exclude)
        .select_related("remit_claim__claim", "claim_line")
        .order_by("-remit_claim__remittance__payment_date", "pk")[:50])
    for line in lines:
        found.setdefault(line.remit_claim.claim_id or 0, line)
    return list(found.values())[:2]


def _takeback(paid: RemitLine) -> t835.ProviderAdjustment:
    claim = paid.remit_claim.claim
    assert claim is not None
    reference = claim.payer_claim_control_number or claim.patient_control_number
    return t835.ProviderAdjustment("1234567893", "20261231", "WO", reference, paid.paid)


def _reversal(paid: RemitLine) -> t835.Claim:
    """The whole earlier payment of that claim, negated (CLP02 22), no correction after it."""
    original = paid.remit_claim
    claim = original.claim
    assert claim is not None
    lines = [t835.ServiceLine(
        procedure=("HC", ln.procedure, *ln.modifiers), charge=-ln.charge, paid=-ln.paid,
        adjustments=tuple(t835.Adjustment(a.group, a.reason, -a.amount)
                          for a in ln.adjustments.all()),
        control_number=ln.control_number) for ln in original.lines.order_by("index")]
    return _claim(claim, "22", lines)


def _remittance(payer: Payer, today: date, claims: list[t835.Claim],
                plbs: list[t835.ProviderAdjustment]) -> t835.Remittance:
    total = sum((c.paid for c in claims), ZERO) - sum((p.amount for p in plbs), ZERO)
    return t835.Remittance(
        control="0001", payment=t835.Payment("I", total, "C", "CHK", "", f"{today:%Y%m%d}"),
        trace=TRACE, trace_originator=f"1{payer.payer_id[-9:]:0>9}",
        payer=t835.Party("PR", payer.name, "XV", payer.payer_id, PAYER_ADDRESS,
                         contacts=(("BL", "PROVIDER SERVICES", "TE", "8005550100"),)),
        payee=t835.Party("PE", "ACME FAMILY MEDICINE", "XX", "1234567893", PAYEE_ADDRESS),
        claims=tuple(claims), provider_adjustments=tuple(plbs))


def summary(client: Organization, contract: Contract) -> ContractsDemo:
    variances = Counter(LineVariance.objects.filter(client=client).values_list(
        "kind", flat=True))
    items = Counter(WorkItem.objects.active().filter(
        client=client, kind__in=(ItemKind.UNDERPAYMENT, ItemKind.OVERPAYMENT,
                                 ItemKind.RECOUPMENT)).values_list("kind", flat=True))
    return ContractsDemo(contract.name, ExpectedLine.objects.filter(contract=contract).count(),
                         variances, Recoupment.objects.filter(client=client).count(), items)
