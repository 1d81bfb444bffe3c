"""Writing 277 claim status responses (005010X212) for tests, as a payer would answer our 276.

``rcmdesk.x12.writers`` has no 277 builder (synth writes only the 277CA), so the segments are
laid out here in guide order, one provider and subscriber level per answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.writer import Elements, Envelope, TransactionBody, amount, write_interchange


@dataclass(frozen=True)
class Reply:
    """One claim's answer: our trace, the references echoed, and one STC01."""

    trace: str
    pcn: str
    category: str
    status: str
    entity: str = ""
    day: str = "20260105"
    payer_claim_number: str = ""
    charge: Decimal = Decimal("100.00")
    paid: Decimal | None = None


def build_277(replies: Sequence[Reply], *, control: str = "0001") -> TransactionBody:
    segs: list[Elements] = [
        ["BHT", "0010", "08", "277TEST", "20260105", "1200", "DG"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "COMMERCIAL PAYER", "", "", "", "", "PI", "P-commercial"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "41", "2", "ACME", "", "", "", "", "46", "ACME"],
    ]
    hl = 2
    for reply in replies:
        provider = hl + 1
        hl += 2
        composite = tuple(p for p in (reply.category, reply.status, reply.entity) if p)
        stc: Elements = ["STC", composite, reply.day, "", amount(reply.charge)]
        if reply.paid is not None:
            stc.append(amount(reply.paid))
        segs += [
            ["HL", str(provider), "2", "19", "1"],
            ["NM1", "1P", "2", "ACME CLINIC", "", "", "", "", "XX", "1234567893"],
            ["HL", str(hl), str(provider), "22", "0"],
            ["NM1", "IL", "1", "SYNTHETIC", "PAT", "", "", "", "MI", "M1"],
            ["TRN", "2", reply.trace],
            stc,
        ]
        if reply.payer_claim_number:
            segs.append(["REF", "1K", reply.payer_claim_number])
        segs += [["REF", "EJ", reply.pcn], ["DTP", "472", "RD8", "20251201-20251201"]]
    return TransactionBody("277", "005010X212", "HN", control, segs)


def write_277(replies: Sequence[Reply], *, interchange: int = 1) -> bytes:
    """A whole interchange from the payer; a new ``interchange`` number makes new bytes."""
    env = Envelope(sender="PCOMMERCIAL", receiver="ACME", interchange_control=interchange,
                   group_control=interchange)
    return write_interchange([build_277(replies)], env)
