"""Writing outbound X12 files: control numbers that are unique and never reused.

ISA13 is nine digits, so a counter per client and sender runs to 999,999,999 before it
would wrap; we refuse to wrap (a reused control number makes the payer drop a file as a
duplicate). The group number (GS06) reuses the interchange number, which keeps it unique too;
set numbers (ST02) are the caller's, unique within the group.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db import transaction

from rcmdesk.audit.services import record
from rcmdesk.intake.models import ControlCounter, OutboundFile
from rcmdesk.intake.signals import outbound_written
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12.writer import Envelope, TransactionBody, write_interchange

MAX_CONTROL = 999_999_999


class ControlNumbersExhausted(RuntimeError):
    pass


def next_control(client: Organization, sender: str) -> int:
    """Take the next interchange control number; call inside the caller's transaction."""
    counter, _ = ControlCounter.objects.select_for_update().get_or_create(
        client=client, isa_sender=sender)
    if counter.last >= MAX_CONTROL:
        raise ControlNumbersExhausted(f"Interchange control numbers for sender {sender} "
                                      "are used up; set up a new sender id.")
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def write(client: Organization, set_id: str, bodies: Sequence[TransactionBody],
          envelope: Envelope, *, name: str, acting_user: Any = None,
          count: int = 0, purpose: str = "") -> OutboundFile:
    """Number, write and keep one outbound interchange, audited, in one transaction.

    The caller's ``envelope`` says who sends to whom; its control numbers are replaced by
    the ones taken here.
    """
    with transaction.atomic():
        control = next_control(client, envelope.sender)
        env = replace(envelope, interchange_control=control, group_control=control)
        data = write_interchange(bodies, env)
        out = OutboundFile.objects.create(
            client=client, set_id=set_id, name=name, sha256=hashlib.sha256(data).hexdigest(),
            size=len(data), content=data, isa_sender=env.sender, isa13=f"{control:09d}",
            gs06=str(control), count=count, created_by=acting_user, purpose=purpose)
        record("outbound.write", client_id=client.pk, obj=out, acting_user=acting_user,
               detail={"set": set_id, "isa13": out.isa13, "count": count})
        out.written_heads = heads(bodies[0]) if bodies else ("", "")
        outbound_written.send(sender=OutboundFile, outbound=out)
    return out


def heads(body: TransactionBody) -> tuple[str, str]:
    """A set's ST02 and BHT03 (empty when it has no BHT), read from what was written."""
    bht = next((s for s in body.segments if s and s[0] == "BHT"), None)
    bht03 = bht[3] if bht is not None and len(bht) > 3 else ""
    return body.control, bht03 if isinstance(bht03, str) else ""
