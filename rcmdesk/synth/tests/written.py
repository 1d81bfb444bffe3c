"""One small sample of every file the product writes, for checks by outside validators.

837P, 837I, 835 (ACH, check and no-payment), 999 and 277CA come from a small generator
run (``rcmdesk.synth``); the 270, 276 and 278 requests, which the generator does not
write, are built from the synthetic world through the same writers the services use
(``rcmdesk.x12.writers``), filled in as ``eligibility``, ``arfollowup`` and ``priorauth``
fill them. A few files are enough: every writer's every branch the product takes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rcmdesk.synth import build_world, generate
from rcmdesk.synth.claims import d8
from rcmdesk.synth.world import Patient, Payer, Practice, World
from rcmdesk.x12 import t270, t276, t278
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, TransactionBody, write_interchange
from rcmdesk.x12.writers import build_270, build_276, build_278

SEED = 3
CLAIMS = 60
_METHOD = re.compile(rb"BPR\*[A-Z]\*[0-9.]+\*[CD]\*([A-Z]{3})")


@dataclass(frozen=True, slots=True)
class Written:
    """One file we wrote: a name for test ids, the set as the guides call it, its bytes."""

    name: str
    kind: str  # 837P, 837I, 835, 999, 277CA, 270, 276, 278
    data: bytes


def written(out: Path) -> list[Written]:
    """A generator run into ``out``, then one file of each kind (and 835 payment method)."""
    generate(out, seed=SEED, claims=CLAIMS)
    found: dict[str, Written] = {}
    for path in sorted(out.rglob("*.x12")):
        data = path.read_bytes()
        kind = _kind(path.parent.name, data)
        found.setdefault(kind, Written(f"{kind} {path.name}", kind.split(" ")[0], data))
    world = build_world(SEED, patients=200)
    found.update((w.name, w) for w in requests(world))
    return list(found.values())


def _kind(folder: str, data: bytes) -> str:
    if folder == "837":
        return "837I" if b"005010X223" in data else "837P"
    if folder == "835":
        match = _METHOD.search(data)
        return f"835 {match.group(1).decode() if match else '?'}"
    return folder.upper()


def requests(world: World) -> list[Written]:
    """The 270, 276 and 278 requests, each about the world's first patient."""
    practice, patient = world.practices[0], world.patients[0]
    payer = world.payer(patient.primary.payer_code)
    day = "20261102"
    builders: list[tuple[str, Callable[[], TransactionBody]]] = [
        ("270", lambda: build_270(_inquiry(practice, patient, payer, day), date=day)),
        ("276", lambda: build_276(_status(practice, patient, payer, day), date=day)),
        ("278", lambda: build_278(_review(practice, patient, payer, day), date=day)),
    ]
    envelope = Envelope(sender=practice.submitter_id, receiver=payer.payer_id, date=day,
                        usage="T")
    return [Written(f"{kind} request", kind, write_interchange([build()], envelope))
            for kind, build in builders]


_ORIGINATOR = "9000000001"  # TRN03: "9" + an identifier of our own, as the services send


def _payer(payer: Payer) -> Name:
    return Name("PR", "2", payer.name, id_qualifier="PI", id=payer.payer_id)


def _provider(practice: Practice) -> Name:
    return Name("1P", "2", practice.name, id_qualifier="XX", id=practice.npi)


def _member(patient: Patient) -> Name:
    return Name("IL", "1", patient.last, patient.first, id_qualifier="MI",
                id=patient.primary.member_id)


def _inquiry(practice: Practice, patient: Patient, payer: Payer,
             day: str) -> t270.EligibilityInquiry:
    member = t270.InquiryMember(_member(patient), "ELIG0001", _ORIGINATOR,
                                d8(patient.birth_date), patient.sex,
                                (DateRef("291", day, "D8"),), ("30",))
    return t270.EligibilityInquiry("0001", "ELIG0001", _payer(payer), _provider(practice),
                                   (member,))


def _status(practice: Practice, patient: Patient, payer: Payer,
            day: str) -> t276.StatusRequest:
    claim = t276.ClaimInquiry("STAT0001", (("EJ", f"{practice.code}00000001"),),
                              Decimal("150.00"), (DateRef("472", f"{day}-{day}", "RD8"),))
    person = t276.Person(_member(patient), d8(patient.birth_date), patient.sex, (claim,))
    receiver = Name("41", "2", practice.name, id_qualifier="46", id=practice.submitter_id)
    return t276.StatusRequest("0001", "STAT0001", _payer(payer), receiver,
                              (t276.ProviderInquiry(_provider(practice), (person,)),))


def _review(practice: Practice, patient: Patient, payer: Payer,
            day: str) -> t278.ServicesReview:
    event = t278.Review("2000E", "HS", "I", "1", dates=(DateRef("472", day, "D8"),),
                        trace="AUTH0001", trace_originator=_ORIGINATOR)
    service = t278.Review("2000F", "HS", "I", "1", units_qualifier="UN", units=Decimal(1))
    umo = Name("X3", "2", payer.name, id_qualifier="PI", id=payer.payer_id)
    return t278.ServicesReview("0001", False, umo, _provider(practice), _member(patient),
                               (event, service))
