"""Typed objects to X12 bytes on disk, all through ``rcmdesk.x12``'s writer.

Control numbers come from one ``Controls`` per run so that ISA13/GS06, TRN02 traces and
payer claim numbers never repeat across the files of a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rcmdesk.synth.claims import Billed, d8
from rcmdesk.synth.world import Payer, Practice
from rcmdesk.x12 import t835, t837, t999
from rcmdesk.x12.values import Name
from rcmdesk.x12.writer import (
    Elements,
    Envelope,
    TransactionBody,
    amount,
    write_interchange,
)
from rcmdesk.x12.writers import build_835, build_837, build_999

CLEARINGHOUSE = Name("40", "2", "RCMDESK SYNTH CLEARINGHOUSE", "", "", "", "46", "SYNTHCH")
CLEARINGHOUSE_ID = "SYNTHCH"
VERSION_837 = {"P": "005010X222A1", "I": "005010X223A2"}
# Bank details of ACH remittances, obviously fake: ABA routing numbers begin 00-12, 21-32,
# 61-72 or 80, so 99... names no bank (these two are the X12 guide's own examples and
# carry a valid check digit); the accounts spell out SYNTH.
SYNTH_PAYER_ROUTING = "999999992"
SYNTH_PAYEE_ROUTING = "999988880"


def payer_bank(payer: Payer) -> t835.BankAccount:
    """The payer's (originating) bank and account of a synthetic ACH payment."""
    return t835.BankAccount("01", SYNTH_PAYER_ROUTING, "DA", f"SYNTHPAYER{payer.code}")


def payee_bank(practice: Practice) -> t835.BankAccount:
    """The practice's (receiving) bank and account of a synthetic ACH payment."""
    return t835.BankAccount("01", SYNTH_PAYEE_ROUTING, "DA", f"SYNTHPAYEE{practice.code}")


class Controls:
    """Run-wide counters: interchange/group control numbers, traces, payer claim numbers."""

    def __init__(self) -> None:
        self.interchange = 0
        self.trace = 0
        self.icn = 0

    def envelope(self, sender: str, receiver: str, day: str) -> Envelope:
        self.interchange += 1
        return Envelope(
            sender=sender,
            receiver=receiver,
            date=day,
            time="1200",
            interchange_control=self.interchange,
            group_control=self.interchange,
            usage="T",
        )

    def next_trace(self) -> int:
        self.trace += 1
        return self.trace

    def next_icn(self, payer: Payer) -> str:
        self.icn += 1
        return f"{payer.payer_id}{self.icn:011d}"


def write_837(
    path: Path,
    controls: Controls,
    practice: Practice,
    kind: str,
    claims: Sequence[t837.Claim],
    day: str,
    reference: str,
) -> int:
    """One 837 file of one practice; returns its GS06 for the 999."""
    submission = t837.ClaimSubmission(
        kind=kind,
        control="0001",
        reference=reference,
        submitter=Name("41", "2", practice.name, "", "", "", "46", practice.submitter_id),
        receiver=CLEARINGHOUSE,
        claims=tuple(claims),
        contact_name="BILLING OFFICE",
        contact_phone="5555550100",
    )
    body = build_837(submission, date=day, time="1200")
    envelope = controls.envelope(practice.submitter_id, CLEARINGHOUSE_ID, day)
    path.write_bytes(write_interchange([body], envelope))
    return envelope.group_control


def write_999(
    path: Path, controls: Controls, practice: Practice, kind: str, group: int, day: str
) -> None:
    """The clearinghouse accepts the 837 (our files are valid; the tests check that)."""
    version = VERSION_837[kind]
    ack = t999.Acknowledgment(
        control="0001",
        functional_id="HC",
        group_control=str(group),
        version=version,
        sets=(t999.SetResponse("837", "0001", version, "A"),),
        group_status="A",
        included="1",
        received="1",
        accepted_count="1",
    )
    envelope = controls.envelope(CLEARINGHOUSE_ID, practice.submitter_id, day)
    path.write_bytes(write_interchange([build_999(ack)], envelope))


@dataclass(frozen=True, slots=True)
class Rejection:
    """A claim the clearinghouse rejected: STC01 category, status and entity code."""

    billed: Billed
    category: str
    status: str
    entity: str


def _stc(
    category: str, status: str, entity: str, day: str, action: str, value: Decimal
) -> Elements:
    parts = (category, status, entity) if entity else (category, status)
    return ["STC", parts, day, action, amount(value)]


def build_277ca(
    practice: Practice,
    accepted: Sequence[Billed],
    rejected: Sequence[Rejection],
    day: str,
    reference: str,
    name_accepted: bool = False,
) -> TransactionBody:
    """A 277CA (005010X214) for one 837: totals, then one patient level per rejection
    (and, with ``name_accepted``, one per accepted claim first: STC A2:20, accepted for
    processing, which is the practice mode's proof of timely filing per claim).

    ``rcmdesk.x12.writers`` has no 277CA builder, so the segments are laid out here
    in guide order and handed to the same envelope writer as every other set.
    """
    ok = sum((b.claim.charge for b in accepted), Decimal("0.00"))
    bad = sum((r.billed.claim.charge for r in rejected), Decimal("0.00"))
    segs: list[Elements] = [
        ["BHT", "0085", "08", reference, day, "1200", "TH"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "AY", "2", CLEARINGHOUSE.last, "", "", "", "", "46", CLEARINGHOUSE_ID],
        ["TRN", "1", reference],
        ["DTP", "050", "D8", day],
        ["DTP", "009", "D8", day],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "41", "2", practice.name, "", "", "", "", "46", practice.submitter_id],
        ["TRN", "2", reference],
        _stc("A1", "19", "", day, "WQ", ok + bad),
        ["QTY", "90", str(len(accepted))],
        ["QTY", "AA", str(len(rejected))],
        ["AMT", "YU", amount(ok)],
        ["AMT", "YY", amount(bad)],
        ["HL", "3", "2", "19", "1"],
        ["NM1", "85", "2", practice.name, "", "", "", "", "XX", practice.npi],
        ["TRN", "1", f"{reference}P"],
        ["STC", ("A1", "19"), "", "WQ", amount(ok + bad)],
        ["QTY", "QA", str(len(accepted))],
        ["QTY", "QC", str(len(rejected))],
        ["AMT", "YU", amount(ok)],
        ["AMT", "YY", amount(bad)],
    ]
    named = [Rejection(b, "A2", "20", "") for b in accepted] if name_accepted else []
    for n, r in enumerate([*named, *rejected], start=4):
        b = r.billed
        p = b.patient
        segs += [
            ["HL", str(n), "3", "PT"],
            ["NM1", "QC", "1", p.last, p.first, "", "", "", "MI", b.coverage.member_id],
            ["TRN", "2", b.claim.patient_control_number],
            _stc(r.category, r.status, r.entity, day, "WQ" if r.category == "A2" else "U",
                 b.claim.charge),
            ["DTP", "472", "D8", d8(b.service_date)],
        ]
    return TransactionBody("277", "005010X214", "HN", "0001", segs)


def write_277ca(
    path: Path,
    controls: Controls,
    practice: Practice,
    accepted: Sequence[Billed],
    rejected: Sequence[Rejection],
    day: str,
    reference: str,
    name_accepted: bool = False,
) -> None:
    body = build_277ca(practice, accepted, rejected, day, reference, name_accepted)
    envelope = controls.envelope(CLEARINGHOUSE_ID, practice.submitter_id, day)
    path.write_bytes(write_interchange([body], envelope))


def remittance(
    controls: Controls,
    payer: Payer,
    practice: Practice,
    claims: Sequence[t835.Claim],
    adjustments: Sequence[t835.ProviderAdjustment],
    day: str,
) -> t835.Remittance:
    """One payment: BPR02 is computed as claim payments less PLB, so it always balances."""
    total = sum((c.paid for c in claims), Decimal("0.00")) - sum(
        (a.amount for a in adjustments), Decimal("0.00")
    )
    originator = f"1{int(payer.payer_id):09d}"  # "1" + the payer's (synthetic) EIN
    if not total:  # nothing moves: a notification (X12 RFI 2228)
        payment = t835.Payment("H", total, "C", "NON", "", day)
    elif payer.method == "ACH":  # the guide requires both banks and accounts (BPR06-15)
        payment = t835.Payment("I", total, "C", "ACH", "CCP", day, payer_bank(payer),
                               originator, "", payee_bank(practice))
    else:
        payment = t835.Payment("I", total, "C", payer.method, "", day)
    return t835.Remittance(
        control="0001",
        payment=payment,
        trace=f"{payer.code}{controls.next_trace():09d}",
        trace_originator=originator,
        payer=t835.Party(
            "PR",
            payer.name,
            address=payer.address,
            contacts=(("BL", "PROVIDER SERVICES", "TE", "8005550100"),),
        ),
        payee=t835.Party("PE", practice.name, "XX", practice.npi, practice.address),
        claims=tuple(claims),
        provider_adjustments=tuple(adjustments),
    )


def write_835(
    path: Path, controls: Controls, remit: t835.Remittance, payer: Payer, practice: Practice
) -> None:
    envelope = controls.envelope(payer.payer_id, practice.submitter_id, remit.payment.date)
    path.write_bytes(write_interchange([build_835(remit)], envelope))
