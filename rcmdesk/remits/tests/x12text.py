"""Hand-written X12 for tests: bodies as readable segments, envelopes filled in here."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.claims.models import Claim, ClaimLine, Patient, Payer
from rcmdesk.claims.services import post_charges
from rcmdesk.tenancy.models import Organization


def interchange(sets: list[tuple[str, str, str]], *, isa13: str = "000000101",
                sender: str = "PAYERSENDER") -> bytes:
    """An ISA..IEA around (functional id, GS08, body) sets; ST/SE are counted here."""
    isa = (f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*RCMDESK        "
           f"*250102*1200*^*00501*{isa13}*0*T*:~")
    out = [isa]
    for number, (functional_id, version, body) in enumerate(sets, start=1):
        segments = with_patient_names([s.strip() for s in body.strip().split("~") if s.strip()])
        control = f"{number:04d}"
        out.append(f"GS*{functional_id}*{sender.strip()}*RCMDESK*20250102*1200*{number}*X*"
                   f"{version}~")
        out.append(f"ST*{functional_id_to_set(functional_id)}*{control}~")
        out.extend(s + "~" for s in segments)
        out.append(f"SE*{len(segments) + 2}*{control}~")
        out.append(f"GE*1*{number}~")
    out.append(f"IEA*{len(sets)}*{isa13}~")
    return "\n".join(out).encode()


def with_patient_names(segments: list[str]) -> list[str]:
    """Every 835 CLP needs its NM1*QC; tests leave it out to stay readable."""
    out: list[str] = []
    for segment in segments:
        out.append(segment)
        if segment.startswith("CLP*"):
            out.append("NM1*QC*1*DOE*JANE****MI*M1")
    return out


def functional_id_to_set(functional_id: str) -> str:
    return {"HP": "835", "HC": "837"}[functional_id]


def remit(body: str, **kwargs: str) -> bytes:
    return interchange([("HP", "005010X221A1", body)], **kwargs)


def header(amount: str, trace: str = "TRACE1", payer: str = "ACME PAYER",
           payer_id: str = "PAYER01", credit: str = "C") -> str:
    """BPR through the payee loop, the part every 835 in these tests shares."""
    return (f"BPR*I*{amount}*{credit}*ACH*CCP*01*999999999*DA*123456*1512345678**01*"
            f"999988880*DA*98765*20250102~TRN*1*{trace}*1512345678~DTM*405*20250102~"
            f"N1*PR*{payer}*XV*{payer_id}~N3*1 PAYER WAY~N4*CITY*NY*10001~"
            f"PER*BL*EDI*TE*5555551234~N1*PE*ACME FAMILY MEDICINE*XX*1234567893~"
            f"N3*1 MAIN ST~N4*CITY*NY*10001~REF*TJ*123456789~LX*1~")


def make_claim(client: Organization, pcn: str, lines: list[tuple[str, str]], *,
               payer_id: str = "PAYER01", control_numbers: list[str] | None = None,
               charge: bool = True) -> Claim:
    """A mirrored claim with (procedure, charge) lines, charged to the ledger."""
    payer = Payer.objects.get_or_create(client=client, payer_id=payer_id,
                                        defaults={"name": payer_id})[0]
    patient = Patient.objects.create(client=client, last_name="DOE", first_name="JANE")
    total = sum((Decimal(c) for _, c in lines), Decimal(0))
    claim = Claim.objects.create(client=client, patient=patient, payer=payer, kind="P",
                                 patient_control_number=pcn, total_charge=total)
    for number, (procedure, amount) in enumerate(lines, start=1):
        control = control_numbers[number - 1] if control_numbers else ""
        ClaimLine.objects.create(claim=claim, line_number=number, procedure_qualifier="HC",
                                 procedure=procedure, charge=Decimal(amount),
                                 control_number=control)
    if charge:
        post_charges(claim)
    claim.refresh_from_db()
    return claim
