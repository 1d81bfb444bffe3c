"""Data the 837P/837I implementation guides require: without it the file is rejected (999)
or the claim comes back from the payer's front door (277CA) before anyone looks at it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rcmdesk.scrubber.codesets import PO_BOX, ZIP_FORM
from rcmdesk.scrubber.registry import Context, Hit, Subject, rule
from rcmdesk.scrubber.rules._util import at

SEXES = frozenset({"M", "F", "U"})
STATE_FORM = re.compile(r"^[A-Z]{2}$")
PROFESSIONAL_FREQUENCIES = frozenset({"1", "6", "7", "8"})
INSTITUTIONAL_FREQUENCY = re.compile(r"^[0-9A-Z]$")
TYPE_OF_BILL = re.compile(r"^[1-8][0-9]$")  # facility type + bill classification (CLM05-1)
TAX_ID = re.compile(r"^[0-9]{9}$")


@rule("RQ001", topic="required data", severity="error", field="patient.name",
      title="Patient last and first name present",
      why="NM103/NM104 of the patient (or subscriber) loop are required for a person.")
def patient_name(s: Subject, ctx: Context) -> Iterator[Hit]:
    p = s.patient
    if p is None or not p.last_name.strip() or not p.first_name.strip():
        yield Hit("The patient's last and first name are required.")


@rule("RQ002", topic="required data", severity="error", field="patient.birth_date",
      title="Patient date of birth present",
      why="DMG02 is required for the patient; payers match members on it.")
def patient_birth_date(s: Subject, ctx: Context) -> Iterator[Hit]:
    if s.patient is None or s.patient.birth_date is None:
        yield Hit("The patient's date of birth is required.")


@rule("RQ003", topic="required data", severity="error", field="patient.sex",
      title="Patient sex is M, F or U",
      why="DMG03 is required and only M, F or U are valid.")
def patient_sex(s: Subject, ctx: Context) -> Iterator[Hit]:
    if s.patient is None or s.patient.sex not in SEXES:
        yield Hit("The patient's sex must be M, F or U.")


@rule("RQ004", topic="required data", severity="error", field="coverage.member_id",
      title="Subscriber member id present",
      why="NM109 of the subscriber is how the payer finds the member; no id, no claim.")
def member_id(s: Subject, ctx: Context) -> Iterator[Hit]:
    if s.coverage is None or not s.coverage.member_id.strip():
        yield Hit("The claim needs the subscriber's coverage with a member id.")


@rule("RQ005", topic="required data", severity="error", field="coverage.subscriber",
      title="Subscriber named when the patient is not the subscriber",
      why="When SBR02 is not 18 (self) the guide needs the subscriber's name, birth date "
          "and sex as well as the patient's.")
def subscriber(s: Subject, ctx: Context) -> Iterator[Hit]:
    c = s.coverage
    if c is None or c.relationship in ("", "18"):
        return
    if (not c.subscriber_last_name.strip() or c.subscriber_birth_date is None
            or c.subscriber_sex not in SEXES):
        yield Hit("The patient is not the subscriber: the subscriber's name, date of birth "
                  "and sex are required.")


@rule("RQ006", topic="required data", severity="error", field="payer.payer_id",
      title="Payer id present",
      why="NM109 of the payer routes the claim at the clearinghouse.")
def payer_id(s: Subject, ctx: Context) -> Iterator[Hit]:
    if s.payer is None or not s.payer.payer_id.strip():
        yield Hit("The payer has no payer id.")


@rule("RQ010", topic="required data", severity="error", field="billing_provider.npi",
      title="Billing provider with an NPI",
      why="The billing provider loop (2010AA) and its NPI are required on every claim.")
def billing_provider(s: Subject, ctx: Context) -> Iterator[Hit]:
    if s.provider is None or not s.provider.npi.strip():
        yield Hit("The claim needs a billing provider with an NPI.")


@rule("RQ011", topic="required data", severity="error", field="billing_provider.tax_id",
      title="Billing provider tax id (EIN or SSN, nine digits)",
      why="REF*EI or REF*SY is required in 2010AA.")
def tax_id(s: Subject, ctx: Context) -> Iterator[Hit]:
    p = s.provider
    if p is None:
        return
    if p.tax_id_qualifier not in ("EI", "SY") or not TAX_ID.match(p.tax_id.replace("-", "")):
        yield Hit("The billing provider needs a nine-digit tax id (EIN, or SSN for a person).")


@rule("RQ012", topic="required data", severity="error", field="billing_provider.address",
      title="Billing provider street, city, state and ZIP (5 or 9 digits)",
      why="N3/N4 are required in 2010AA; payers want the ZIP+4 but accept 5 digits here.")
def billing_address(s: Subject, ctx: Context) -> Iterator[Hit]:
    p = s.provider
    if p is None:
        return
    missing = [name for name, value in (("street", p.address_line1), ("city", p.city))
               if not value.strip()]
    if not STATE_FORM.match(p.state):
        missing.append("state (two letters)")
    if not ZIP_FORM.match(p.postal_code.replace("-", "")):
        missing.append("ZIP (5 or 9 digits)")
    if missing:
        yield Hit("The billing provider's address needs " + ", ".join(missing) + ".")


@rule("RQ013", topic="required data", severity="error",
      field="billing_provider.address_line1",
      title="Billing provider address is a street address, not a PO box",
      why="The guide requires a physical address in 2010AA; a PO box goes in the pay-to "
          "loop (2010AB).")
def billing_street(s: Subject, ctx: Context) -> Iterator[Hit]:
    p = s.provider
    if p is not None and (PO_BOX.search(p.address_line1) or PO_BOX.search(p.address_line2)):
        yield Hit("The billing provider's address must be a street address, not a PO box.")


@rule("RQ020", topic="required data", severity="error", field="claim.frequency",
      title="Claim frequency code valid",
      why="CLM05-3: 1 original, 6 corrected, 7 replacement, 8 void on 837P; one character "
          "on 837I.")
def frequency(s: Subject, ctx: Context) -> Iterator[Hit]:
    f = s.claim.frequency
    ok = (f in PROFESSIONAL_FREQUENCIES if s.is_professional
          else bool(INSTITUTIONAL_FREQUENCY.match(f)))
    if not ok:
        yield Hit(f"Claim frequency {f!r} is not valid.")


@rule("RQ021", topic="required data", severity="error", field="claim.facility_code",
      title="Facility code (place of service or type of bill) present",
      why="CLM05-1 is required: the place of service on 837P, the type of bill on 837I.")
def facility_code(s: Subject, ctx: Context) -> Iterator[Hit]:
    if len(s.claim.facility_code.strip()) != 2:
        yield Hit("The claim needs a two-character facility code.")


@rule("RQ022", topic="required data", severity="error", field="claim.lines",
      title="At least one service line",
      why="A claim without a service line cannot be adjudicated.")
def has_lines(s: Subject, ctx: Context) -> Iterator[Hit]:
    if not s.lines:
        yield Hit("The claim has no service lines.")


@rule("RQ023", topic="required data", severity="error", field="line[n].units",
      title="Units on every line",
      why="SV104 / SV205 (units) are required.")
def line_units(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if line.units is None:
            yield Hit(f"Line {line.line_number} has no units.", at(line, "units"),
                      line.line_number)


@rule("RQ024", topic="required data", severity="error", field="line[n].service_date",
      title="A date of service on every line (or the claim's)",
      why="DTP*472 is required on 837P lines, and on 837I lines unless the claim period "
          "is one day.")
def line_date(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if line.service_date is None and s.claim.service_from is None:
            yield Hit(f"Line {line.line_number} has no date of service.",
                      at(line, "service_date"), line.line_number)


@rule("RQ025", topic="required data", severity="error", field="claim.diagnoses",
      title="At least one diagnosis",
      why="The principal diagnosis (HI*ABK) is required on 837P and 837I.")
def has_diagnosis(s: Subject, ctx: Context) -> Iterator[Hit]:
    if not s.claim.diagnoses:
        yield Hit("The claim has no diagnosis.")


@rule("RQ026", topic="required data", severity="error", field="line[n].procedure",
      title="A procedure code on every professional line",
      why="SV101 (the CPT/HCPCS code) is required on 837P.", kinds="P")
def line_procedure(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if not line.procedure.strip():
            yield Hit(f"Line {line.line_number} has no procedure code.",
                      at(line, "procedure"), line.line_number)


@rule("RQ030", topic="required data", severity="error", field="line[n].revenue_code",
      title="A revenue code on every institutional line",
      why="SV201 (the revenue code) is required on 837I.", kinds="I")
def line_revenue_code(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if not line.revenue_code.strip():
            yield Hit(f"Line {line.line_number} has no revenue code.",
                      at(line, "revenue_code"), line.line_number)


@rule("RQ031", topic="required data", severity="error", field="claim.type_of_bill",
      title="Type of bill: facility type and classification (two digits) and a frequency",
      why="CLM05 on 837I is the type of bill (e.g. 13 + 1: hospital outpatient, "
          "admit through discharge).", kinds="I")
def type_of_bill(s: Subject, ctx: Context) -> Iterator[Hit]:
    if not TYPE_OF_BILL.match(s.claim.facility_code) or not s.claim.frequency:
        yield Hit(f"Type of bill {s.claim.facility_code}{s.claim.frequency} is not valid: "
                  "two digits of facility type and classification, then a frequency code.")


@rule("RQ032", topic="required data", severity="error", field="claim.service_period",
      title="Statement period (from and through) on institutional claims",
      why="DTP*434 (statement covers period) is required on every 837I.", kinds="I")
def statement_period(s: Subject, ctx: Context) -> Iterator[Hit]:
    if s.claim.service_from is None or s.claim.service_to is None:
        yield Hit("An institutional claim needs its statement period (from and through).")
