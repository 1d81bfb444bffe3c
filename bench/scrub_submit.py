"""Benchmark the way out: scrub N draft claims, then build and write their 837 files.

Setup (timed on its own): N synthetic DRAFT claims (two lines each, 837P with one 837I in
ten) with their patients and coverages, bulk-inserted (COPY on PostgreSQL). Then:

  (a) scrub: ``rcmdesk.scrubber.services.scrub`` over all N (records the run, moves every
      claim's front door to READY or HELD);
  (b) build + write: ``rcmdesk.submission`` loads the ready claims set-based, maps them to
      typed 837 claims, builds the sets (<= 5,000 claims each) and writes one interchange
      per kind to disk, as ``submit`` does before it records the batch;
  (c) the baseline in the same run: ``t837.iter_claims`` parsing the files just written
      (best of 3).
  (d) optional (``--submit N``): ``services.submit`` end to end for N more claims, which
      adds the batch rows, the SENT marks and the per-claim ledger charge.

The last line is ``scrub_claims_per_s=X build_write_claims_per_s=Y total_claims_per_s=Z
ratio_vs_parse=R`` (R: build+write rate over the parse rate of the same files).
DATABASE_URL, when set, wins (that is how PostgreSQL is measured):

Usage: python bench/scrub_submit.py [--claims 100000] [--submit 2000]
       scripts/with-postgres python bench/scrub_submit.py [--claims 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import setup_django
from posting import timed  # the same stopwatch as bench/posting.py

TODAY = date(2026, 11, 20)
DIAGNOSES = (["ABK", "E119"], ["ABF", "I10"], ["ABF", "R519"], ["ABF", "J069"])
PROFESSIONAL = (("99213", Decimal("125.00")), ("99214", Decimal("185.00")),
                ("36415", Decimal("15.00")), ("85025", Decimal("32.00")),
                ("80053", Decimal("48.00")), ("93000", Decimal("60.00")))
INSTITUTIONAL = (("0450", "99283", Decimal("640.00")), ("0300", "80053", Decimal("98.00")),
                 ("0320", "71046", Decimal("210.00")))


def make_claims(client: Any, count: int, prefix: str) -> list[int]:
    """``count`` DRAFT claims of ``client``, bulk-inserted; returns their ids."""
    from django.db import transaction
    from django.utils import timezone

    from rcmdesk.claims.models import (
        Claim,
        ClaimLine,
        ClaimOrigin,
        ClaimStatus,
        Coverage,
        Patient,
        Payer,
        Provider,
    )
    from rcmdesk.db.bulk import insert_objects

    now = timezone.now()
    with transaction.atomic():
        payer, _ = Payer.objects.get_or_create(client=client, payer_id="60054",
                                               defaults={"name": "AETNA", "kind": "commercial"})
        provider, _ = Provider.objects.get_or_create(
            client=client, npi="1234567893",
            defaults={"name": "BENCH CLINIC", "taxonomy": "207Q00000X",
                      "tax_id_qualifier": "EI", "tax_id": "123456789",
                      "address_line1": "9 CLINIC RD", "city": "SPRINGFIELD", "state": "IL",
                      "postal_code": "62701"})
        patients = [Patient(client=client, last_name=f"PATIENT{prefix}{n}", first_name="ALEX",
                            birth_date=date(1950, 1, 1) + timedelta(days=n % 20000),
                            sex="FM"[n % 2], address_line1=f"{n} MAIN ST",
                            city="SPRINGFIELD", state="IL", postal_code="62701")
                    for n in range(count)]
        insert_objects(Patient, patients, returning_ids=True)
        coverages = [Coverage(client=client, patient=p, payer=payer, member_id=f"M{prefix}{n}",
                              group_number="GRP1", filing_indicator="CI")
                     for n, p in enumerate(patients)]
        insert_objects(Coverage, coverages, returning_ids=True)
        claims: list[Claim] = []
        lines: list[ClaimLine] = []
        for n, (patient, coverage) in enumerate(zip(patients, coverages, strict=True)):
            kind = "I" if n % 10 == 9 else "P"
            day = TODAY - timedelta(days=5 + n % 60)  # inside every filing window
            claim = Claim(client=client, patient=patient, payer=payer, coverage=coverage,
                          billing_provider=provider, patient_control_number=f"B{prefix}{n}",
                          kind=kind, facility_code="11" if kind == "P" else "13",
                          service_from=day, service_to=day, total_charge=Decimal(0),
                          diagnoses=[list(d) for d in DIAGNOSES[: 1 + n % 4]],
                          origin=ClaimOrigin.ENTRY, status=ClaimStatus.DRAFT,
                          created_at=now, updated_at=now)
            claim_lines = _lines(claim, n, kind, day)
            claim.total_charge = sum((ln.charge for ln in claim_lines), Decimal(0))
            claims.append(claim)
            lines += claim_lines
        insert_objects(Claim, claims, returning_ids=True)
        for line in lines:
            line.claim_id = line.claim.pk
        insert_objects(ClaimLine, lines)
    return [c.pk for c in claims]


def _lines(claim: Any, n: int, kind: str, day: date) -> list[Any]:
    from rcmdesk.claims.models import ClaimLine

    out = []
    for number in (1, 2):
        if kind == "I":
            revenue, code, charge = INSTITUTIONAL[(n + number) % len(INSTITUTIONAL)]
        else:
            revenue, (code, charge) = "", PROFESSIONAL[(n + number) % len(PROFESSIONAL)]
        out.append(ClaimLine(claim=claim, line_number=number, procedure_qualifier="HC",
                             procedure=code, charge=charge, units=Decimal(1),
                             service_date=day, revenue_code=revenue,
                             diagnosis_pointers=[1] if kind == "P" else []))
    return out


def build_and_write(client: Any, ids: list[int], folder: Path) -> list[Path]:
    """What ``submit`` does before recording the batch: load, map, build, write."""
    from rcmdesk.claims.models import Claim, FrontDoor
    from rcmdesk.submission import build, services
    from rcmdesk.x12.writer import write_interchange

    ready: list[tuple[int, str]] = []
    for start in range(0, len(ids), build.LOAD_CHUNK):
        ready += Claim.objects.filter(pk__in=ids[start:start + build.LOAD_CHUNK],
                                      front_door=FrontDoor.READY).values_list("pk", "kind")
    paths = []
    for control, kind in enumerate(("P", "I"), start=1):
        chosen = [pk for pk, k in ready if k == kind]
        if not chosen:
            continue
        profile = services.profile_for(client, kind)
        claims = build.load(chosen)
        bodies, _placed = services.bodies(kind, claims, profile, TODAY,
                                          services.new_reference(kind))
        envelope = services.envelope(profile, TODAY)
        path = folder / f"bench-837{kind}.x12"
        from dataclasses import replace
        path.write_bytes(write_interchange(bodies, replace(
            envelope, interchange_control=control, group_control=control)))
        paths.append(path)
    return paths


def parse_only(paths: list[Path]) -> int:
    from rcmdesk.x12 import t837

    return sum(1 for path in paths for _ in t837.iter_claims(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--submit", type=int, default=2_000, metavar="N",
                        help="also run services.submit end to end on N more claims (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scrub-submit-bench-") as tmp:
        run(Path(tmp), args)


def run(tmp: Path, args: argparse.Namespace) -> None:
    vendor = setup_django(tmp)
    from rcmdesk.accounts.models import User
    from rcmdesk.audit.context import acting
    from rcmdesk.claims.models import Claim, FrontDoor
    from rcmdesk.scrubber import services as scrubber
    from rcmdesk.submission import services
    from rcmdesk.tenancy.models import Organization
    from rcmdesk.tenancy.roles import Role

    client = Organization.objects.create(slug=f"bench-{uuid.uuid4().hex[:8]}",
                                         name="Scrub and submit bench", kind="client")
    n = args.claims
    seconds, made = timed(lambda: make_claims(client, n, "a"))
    ids: list[int] = made  # type: ignore[assignment]
    print(f"{vendor} setup: {n:,} draft claims bulk-inserted in {seconds:.2f}s", flush=True)
    claims = list(Claim.objects.filter(pk__in=ids) if vendor == "postgresql"
                  else Claim.objects.filter(client=client))
    with acting(None, channel="cli:bench"):
        scrub_s, run_ = timed(lambda: scrubber.scrub(client, claims, acting_user=None, today=TODAY,
                                                     purpose="bench"))
    ready = Claim.objects.filter(client=client, front_door=FrontDoor.READY).count()
    print(f"{vendor} scrub of {n:,} claims: {scrub_s:.2f}s ({n / scrub_s:,.0f} claims/s); "
          f"clean {ready:,} ({run_.clean_claim_rate}%)", flush=True)  # type: ignore[attr-defined]
    if not ready:
        raise SystemExit("the scrubber held every claim: nothing to build")
    build_s, written = timed(lambda: build_and_write(client, ids, tmp))
    paths: list[Path] = written  # type: ignore[assignment]
    size = sum(p.stat().st_size for p in paths)
    print(f"{vendor} build + write of {ready:,} claims: {build_s:.2f}s "
          f"({ready / build_s:,.0f} claims/s), {len(paths)} file(s), {size / 1e6:.1f} MB",
          flush=True)
    parse_s = min(timed(lambda: parse_only(paths))[0] for _ in range(3))
    print(f"baseline t837.iter_claims of the written files: {parse_s:.2f}s "
          f"({ready / parse_s:,.0f} claims/s)", flush=True)
    if args.submit:
        make_claims(client, args.submit, "b")
        staff = User.objects.create(username=f"bench-{uuid.uuid4().hex[:6]}",
                                    role=Role.CLIENT_STAFF.value, organization=client)
        picked = list(Claim.objects.filter(client=client, patient_control_number__startswith="Bb"))
        with acting(staff, channel="cli:bench"):
            sub_s, sent = timed(lambda: services.submit(client, picked, acting_user=staff,
                                                        today=TODAY))
        count = sum(b.claims_count for b in sent)  # type: ignore[attr-defined]
        print(f"{vendor} services.submit end to end (scrub, build, write, batch rows, SENT, "
              f"ledger charge) of {args.submit:,} claims: {sub_s:.2f}s "
              f"({args.submit / sub_s:,.0f} claims/s), {count:,} sent", flush=True)
    total = n / (scrub_s + build_s)
    build_rate = ready / build_s
    print(f"scrub_claims_per_s={n / scrub_s:.0f} build_write_claims_per_s={build_rate:.0f} "
          f"total_claims_per_s={total:.0f} ratio_vs_parse={build_rate / (ready / parse_s):.4f}")


if __name__ == "__main__":
    main()
