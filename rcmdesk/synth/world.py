"""The synthetic world: practices, providers, payers, patients and their coverages.

Plain frozen dataclasses, so that a later Django loader can read them without knowing
how they were made. Everything is drawn from one ``random.Random`` seeded from the run
seed, never the global generator or the clock, so a seed names one world for good.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rcmdesk.synth import codes
from rcmdesk.x12.rules_content import npi_valid
from rcmdesk.x12.values import Address

# A fixed day ages are counted from, so a world does not change with the anchor date.
_BIRTH_REFERENCE = date(2026, 1, 1)
HOSPITAL_TAXONOMY = "282N00000X"


@dataclass(frozen=True, slots=True)
class Provider:
    """A rendering provider of a practice."""

    npi: str
    last: str
    first: str
    taxonomy: str


@dataclass(frozen=True, slots=True)
class Practice:
    """A billing entity; ``kind`` "P" bills 837P, "I" (a hospital outpatient dept) 837I."""

    code: str
    name: str
    tin: str
    npi: str
    taxonomy: str
    address: Address
    kind: str
    fee_factor: Decimal
    providers: tuple[Provider, ...]

    @property
    def submitter_id(self) -> str:
        return f"SYN{self.code}"


@dataclass(frozen=True, slots=True)
class Payer:
    """A payer with its claim filing indicators, timely-filing limit and usual payment.

    The 835's CLP06 has no "CI"/"BL": commercial plans report their plan type there
    (12 PPO, HM HMO, 15 indemnity), hence ``remit_indicator`` beside the 837's SBR09.
    """

    code: str
    name: str
    payer_id: str
    filing_indicator: str
    remit_indicator: str
    timely_filing_days: int
    method: str
    address: Address


@dataclass(frozen=True, slots=True)
class Coverage:
    """One policy of a patient: rank "P" (primary) or "S" (secondary)."""

    payer_code: str
    member_id: str
    group_number: str
    rank: str


@dataclass(frozen=True, slots=True)
class Patient:
    """A made-up patient; every patient is their own subscriber."""

    account: str
    last: str
    first: str
    birth_date: date
    sex: str
    address: Address
    coverages: tuple[Coverage, ...]

    @property
    def primary(self) -> Coverage:
        return self.coverages[0]

    @property
    def secondary(self) -> Coverage | None:
        return self.coverages[1] if len(self.coverages) > 1 else None


@dataclass(frozen=True, slots=True)
class World:
    """Everything claims are drawn from; fixed size whatever the number of claims."""

    seed: int
    practices: tuple[Practice, ...]
    payers: tuple[Payer, ...]
    patients: tuple[Patient, ...]

    def payer(self, code: str) -> Payer:
        for p in self.payers:
            if p.code == code:
                return p
        raise KeyError(code)


def make_npi(rng: random.Random) -> str:
    """A 10-digit NPI whose check digit passes the engine's own Luhn check."""
    body = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    for digit in "0123456789":
        if npi_valid(body + digit):
            return body + digit
    raise AssertionError("one of ten check digits always passes")  # pragma: no cover


def _address(rng: random.Random) -> Address:
    city, state, zip3 = rng.choice(codes.CITIES)
    street = f"{rng.randint(10, 9899)} {rng.choice(codes.STREETS)}"
    return Address(
        street, "", city, state, f"{zip3}{rng.randrange(100):02d}{rng.randrange(10000):04d}"
    )


def _payers() -> tuple[Payer, ...]:
    """Fixed payer list: the kinds of payer matter to outcomes, not their names."""
    addr = Address("PO BOX 1000", "", "COLUMBUS", "OH", "432160001")
    return (
        Payer("MCR", "MEDICARE PART B SYNTHETIC MAC", "90001", "MB", "MB", 365, "ACH", addr),
        Payer("MCD", "STATE MEDICAID SYNTHETIC", "90002", "MC", "MC", 180, "ACH", addr),
        Payer("ACM", "ACME HEALTH PLAN", "90003", "CI", "12", 90, "ACH", addr),
        Payer("SUM", "SUMMIT CARE INSURANCE", "90004", "CI", "HM", 120, "CHK", addr),
        Payer("NST", "NORTHSTAR HEALTH", "90005", "CI", "15", 180, "ACH", addr),
        Payer("BCB", "BLUE CROSS BLUE SHIELD SYNTHETIC", "90006", "BL", "12", 180, "ACH", addr),
    )


def _practices(rng: random.Random, count: int) -> tuple[Practice, ...]:
    out: list[Practice] = []
    words = rng.sample(codes.PRACTICE_WORDS, count)
    for index, word in enumerate(words):
        hospital = index == count - 1
        providers = tuple(
            Provider(
                make_npi(rng),
                rng.choice(codes.LAST_NAMES),
                rng.choice(codes.FIRST_NAMES),
                rng.choice(codes.RENDERING_TAXONOMIES),
            )
            for _ in range(rng.randint(2, 6))
        )
        out.append(
            Practice(
                code=f"{word.replace(' ', '')[:2]}{index}",
                name=f"{word} {'COMMUNITY HOSPITAL' if hospital else 'PRIMARY CARE'}",
                tin=f"{rng.randint(10, 98)}{rng.randrange(10_000_000):07d}",
                npi=make_npi(rng),
                taxonomy=HOSPITAL_TAXONOMY if hospital else codes.CLINIC_TAXONOMY,
                address=_address(rng),
                kind="I" if hospital else "P",
                fee_factor=Decimal(rng.choice(("1.00", "1.10", "1.20", "1.35"))),
                providers=providers,
            )
        )
    return tuple(out)


_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # letters the MBI format allows


def _mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier in the published format (made-up value)."""
    alnum = _MBI_LETTERS + "0123456789"
    return "".join(
        (
            str(rng.randint(1, 9)),
            rng.choice(_MBI_LETTERS),
            rng.choice(alnum),
            str(rng.randrange(10)),
            rng.choice(_MBI_LETTERS),
            rng.choice(alnum),
            str(rng.randrange(10)),
            rng.choice(_MBI_LETTERS),
            rng.choice(_MBI_LETTERS),
            str(rng.randrange(10)),
            str(rng.randrange(10)),
        )
    )


def _member_id(rng: random.Random, payer: str) -> str:
    if payer == "MCR":
        return _mbi(rng)
    return f"{payer[0]}{rng.randrange(10**10):010d}"


def _coverages(rng: random.Random, age: int) -> tuple[Coverage, ...]:
    """Medicare for 65+, else Medicaid/commercial/BCBS; some Medicare have a secondary."""
    if age >= 65 and rng.random() < 0.85:
        primary = "MCR"
    else:
        primary = rng.choices(("MCD", "ACM", "SUM", "NST", "BCB"), (20, 22, 18, 15, 25))[0]
    group = "" if primary in ("MCR", "MCD") else f"G{rng.randrange(10**6):06d}"
    out = [Coverage(primary, _member_id(rng, primary), group, "P")]
    if primary == "MCR" and rng.random() < 0.45:
        second = rng.choices(("MCD", "ACM", "BCB"), (40, 30, 30))[0]
        out.append(
            Coverage(
                second,
                _member_id(rng, second),
                "" if second == "MCD" else f"G{rng.randrange(10**6):06d}",
                "S",
            )
        )
    return tuple(out)


def _patients(rng: random.Random, count: int) -> tuple[Patient, ...]:
    out: list[Patient] = []
    for n in range(1, count + 1):
        # Ages skew older like a primary-care panel: a third of patients are 65+.
        age = rng.randint(65, 92) if rng.random() < 0.35 else rng.randint(1, 64)
        born = _BIRTH_REFERENCE - timedelta(days=age * 365 + rng.randrange(365))
        out.append(
            Patient(
                account=f"PT{n:07d}",
                last=rng.choice(codes.LAST_NAMES),
                first=rng.choice(codes.FIRST_NAMES),
                birth_date=born,
                sex=rng.choice("FM"),
                address=_address(rng),
                coverages=_coverages(rng, age),
            )
        )
    return tuple(out)


def build_world(seed: int = 1, *, practices: int = 6, patients: int = 2000) -> World:
    """The world of ``seed``: the last practice is a hospital billing 837I."""
    if not 2 <= practices <= len(codes.PRACTICE_WORDS):
        raise ValueError(f"practices must be 2-{len(codes.PRACTICE_WORDS)}")
    rng = random.Random(f"rcmdesk-synth-world-{seed}")
    built = _practices(rng, practices)
    return World(seed, built, _payers(), _patients(rng, patients))
