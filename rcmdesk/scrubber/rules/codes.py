"""Code form (and existence, where the code set is public): diagnoses, procedures,
modifiers, revenue codes, diagnosis pointers and place of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rcmdesk.scrubber.codesets import (
    CPT_FORM,
    HCPCS_FORM,
    ICD9_QUALIFIERS,
    ICD10_QUALIFIERS,
    ICD10CM_FORM,
    MODIFIER_FORM,
    REVENUE_FORM,
)
from rcmdesk.scrubber.registry import Context, Hit, Subject, rule
from rcmdesk.scrubber.rules._util import at

ICD10_EFFECTIVE = date(2015, 10, 1)
PROCEDURE_QUALIFIERS = frozenset({"", "HC"})  # HCPCS (CPT is HCPCS Level I)
PERFORMANCE_MODIFIERS = frozenset({"1P", "2P", "3P", "8P"})  # CPT Category II only
MAX_MODIFIERS = 4
MAX_POINTERS_837P = 4


def _diagnoses(s: Subject) -> list[tuple[int, str, str]]:
    return s.diagnosis_entries


def _dx_field(i: int) -> str:
    return f"claim.diagnoses[{i}]"


@rule("DX001", topic="codes", severity="error", field="claim.diagnoses[n]",
      title="ICD-10-CM diagnosis in the right form",
      why="A letter, a digit, a digit or letter, then up to four more, stored without the "
          "dot (U07.1 is U071); HI qualifier ABK (principal) or ABF (other).")
def diagnosis_form(s: Subject, ctx: Context) -> Iterator[Hit]:
    for i, qualifier, code in _diagnoses(s):
        if qualifier in ICD9_QUALIFIERS:
            continue  # DX002's business
        if qualifier not in ICD10_QUALIFIERS:
            yield Hit(f"Diagnosis {i} has qualifier {qualifier!r}: use ABK (principal) or "
                      "ABF (other) for ICD-10-CM.", _dx_field(i))
        elif "." in code:
            yield Hit(f"Diagnosis {i} ({code}) must be sent without the dot.", _dx_field(i))
        elif not ICD10CM_FORM.match(code):
            yield Hit(f"Diagnosis {i} ({code}) is not in ICD-10-CM form.", _dx_field(i))


@rule("DX002", topic="codes", severity="error", field="claim.diagnoses[n]",
      title="No ICD-9-CM diagnosis for services from 2015-10-01",
      why="ICD-10-CM replaced ICD-9-CM for dates of service on or after 1 October 2015 "
          "(HIPAA code set rule); qualifiers BK/BF mark ICD-9.")
def no_icd9(s: Subject, ctx: Context) -> Iterator[Hit]:
    first = s.first_service_date
    if first is not None and first < ICD10_EFFECTIVE:
        return
    for i, qualifier, code in _diagnoses(s):
        if qualifier in ICD9_QUALIFIERS:
            yield Hit(f"Diagnosis {i} ({code}) is ICD-9 ({qualifier}); services from "
                      "2015-10-01 need ICD-10-CM.", _dx_field(i))


@rule("DX003", topic="codes", severity="error", field="claim.diagnoses[n]",
      title="ICD-10-CM diagnosis exists and is billable",
      why="A code missing from the code set, or a category that has more specific codes "
          "under it, is rejected; checked against the CMS code list of the pinned "
          "simple-icd-10-cm release.")
def diagnosis_exists(s: Subject, ctx: Context) -> Iterator[Hit]:
    icd = ctx.codes.icd10
    if icd is None:
        return
    for i, qualifier, code in _diagnoses(s):
        if qualifier not in ICD10_QUALIFIERS or not ICD10CM_FORM.match(code):
            continue
        if not icd.knows(code):
            yield Hit(f"Diagnosis {i} ({code}) is not an ICD-10-CM code "
                      f"(code list {icd.release}).", _dx_field(i))
        elif not icd.is_billable(code):
            yield Hit(f"Diagnosis {i} ({code}) is a category, not a billable code: use the "
                      "most specific code under it.", _dx_field(i))


@rule("DX004", topic="codes", severity="error", field="claim.diagnoses[1]",
      title="The first diagnosis is the principal one (ABK), the others are not",
      why="HI01-1 carries the principal diagnosis qualifier (ABK/BK); other diagnoses "
          "use ABF/BF.")
def principal_first(s: Subject, ctx: Context) -> Iterator[Hit]:
    for i, qualifier, code in _diagnoses(s):
        principal = qualifier in ("ABK", "BK")
        if i == 1 and not principal and qualifier in ("ABF", "BF"):
            yield Hit(f"The first diagnosis ({code}) must be the principal one (ABK).",
                      _dx_field(1))
        elif i > 1 and principal:
            yield Hit(f"Diagnosis {i} ({code}) is marked principal; only the first may be.",
                      _dx_field(i))


@rule("PR001", topic="codes", severity="error", field="line[n].procedure",
      title="CPT or HCPCS Level II code in the right form",
      why="CPT: five digits, or four digits and F/T/U (Category II, III, PLA); HCPCS "
          "Level II: a letter A-V and four digits. Only the form: CPT is the AMA's.")
def procedure_form(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        code = line.procedure.strip().upper()
        if not code or line.procedure_qualifier.strip().upper() not in PROCEDURE_QUALIFIERS:
            continue
        if not (CPT_FORM.match(code) or HCPCS_FORM.match(code)):
            yield Hit(f"Line {line.line_number}: {code!r} is not a CPT or HCPCS code.",
                      at(line, "procedure"), line.line_number)


@rule("PR002", topic="codes", severity="error", field="line[n].procedure",
      title="HCPCS Level II code exists in the loaded code set",
      why="A code CMS never issued (or a typo in form) is rejected; checked once the "
          "operator has loaded the year's HCPCS file (rcmdesk claims codes load-hcpcs).")
def hcpcs_exists(s: Subject, ctx: Context) -> Iterator[Hit]:
    if ctx.hcpcs is None:
        return
    for line in s.lines:
        code = line.procedure.strip().upper()
        if (line.procedure_qualifier.strip().upper() in PROCEDURE_QUALIFIERS
                and HCPCS_FORM.match(code) and code not in ctx.hcpcs):
            yield Hit(f"Line {line.line_number}: {code} is not in the HCPCS Level II code set.",
                      at(line, "procedure"), line.line_number)


@rule("MD001", topic="codes", severity="error", field="line[n].modifiers",
      title="Modifiers: two letters or digits each, at most four",
      why="SV101-3..6 / SV202-3..6 hold up to four two-character modifiers.")
def modifier_form(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        mods = [str(m).strip().upper() for m in line.modifiers or []]
        bad = [m for m in mods if not MODIFIER_FORM.match(m)]
        if len(mods) > MAX_MODIFIERS:
            yield Hit(f"Line {line.line_number} has {len(mods)} modifiers; at most four.",
                      at(line, "modifiers"), line.line_number)
        if bad:
            yield Hit(f"Line {line.line_number}: modifier(s) {', '.join(bad)} are not two "
                      "letters or digits.", at(line, "modifiers"), line.line_number)


@rule("MD002", topic="codes", severity="error", field="line[n].modifiers",
      title="Modifiers fit the code: 1P/2P/3P/8P only on CPT Category II, none without a code",
      why="The performance-measure exclusion modifiers are defined for Category II codes "
          "(nnnnF) only; a modifier needs a procedure code to modify.")
def modifier_fits_code(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        mods = {str(m).strip().upper() for m in line.modifiers or []}
        code = line.procedure.strip().upper()
        if mods and not code:
            yield Hit(f"Line {line.line_number} has modifiers but no procedure code.",
                      at(line, "modifiers"), line.line_number)
            continue
        misplaced = sorted(mods & PERFORMANCE_MODIFIERS)
        if misplaced and not (len(code) == 5 and code.endswith("F") and code[:4].isdigit()):
            yield Hit(f"Line {line.line_number}: {', '.join(misplaced)} belong on CPT "
                      f"Category II codes only, not on {code}.", at(line, "modifiers"),
                      line.line_number)


@rule("MD003", topic="codes", severity="error", field="line[n].modifiers",
      title="No modifier twice on one line",
      why="A repeated modifier is a keying error and payers reject it.")
def modifier_repeated(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        mods = [str(m).strip().upper() for m in line.modifiers or []]
        repeated = sorted({m for m in mods if mods.count(m) > 1})
        if repeated:
            yield Hit(f"Line {line.line_number} repeats modifier {', '.join(repeated)}.",
                      at(line, "modifiers"), line.line_number)


@rule("RV001", topic="codes", severity="error", field="line[n].revenue_code",
      title="Revenue code of four digits",
      why="NUBC revenue codes are four digits (0450, not 450).")
def revenue_form(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        code = line.revenue_code.strip()
        if code and not REVENUE_FORM.match(code):
            yield Hit(f"Line {line.line_number}: revenue code {code!r} is not four digits.",
                      at(line, "revenue_code"), line.line_number)


@rule("PT001", topic="codes", severity="error", field="line[n].diagnosis_pointers",
      title="Diagnosis pointers point at diagnoses: 1..count, no repeats, at most four (837P)",
      why="SV107 holds up to four pointers into the claim's HI diagnoses.")
def pointers_valid(s: Subject, ctx: Context) -> Iterator[Hit]:
    count = len(s.claim.diagnoses or [])
    for line in s.lines:
        pointers = list(line.diagnosis_pointers or [])
        problems = []
        if any(not isinstance(p, int) or isinstance(p, bool) or not 1 <= p <= count
               for p in pointers):
            problems.append(f"point at diagnoses 1 to {count} only")
        if len(set(map(str, pointers))) != len(pointers):
            problems.append("not repeat")
        if s.is_professional and len(pointers) > MAX_POINTERS_837P:
            problems.append("be at most four")
        if problems:
            yield Hit(f"Line {line.line_number}: diagnosis pointers must "
                      + " and ".join(problems) + ".", at(line, "diagnosis_pointers"),
                      line.line_number)


@rule("PT002", topic="codes", severity="error", field="line[n].diagnosis_pointers",
      title="Every professional line points at a diagnosis",
      why="SV107-1 is required on 837P: the payer reads medical necessity from it.",
      kinds="P")
def pointer_present(s: Subject, ctx: Context) -> Iterator[Hit]:
    for line in s.lines:
        if not line.diagnosis_pointers:
            yield Hit(f"Line {line.line_number} points at no diagnosis.",
                      at(line, "diagnosis_pointers"), line.line_number)


@rule("PS001", topic="codes", severity="error", field="line[n].place_of_service",
      title="Place of service is a CMS place-of-service code",
      why="CLM05-1 / SV105 on 837P must be a current CMS place-of-service code; unassigned "
          "codes are rejected.", kinds="P")
def place_of_service(s: Subject, ctx: Context) -> Iterator[Hit]:
    known = ctx.codes.place_of_service
    claim_pos = s.claim.facility_code.strip()
    if claim_pos and claim_pos not in known:
        yield Hit(f"Place of service {claim_pos!r} is not a CMS place-of-service code.",
                  "claim.facility_code")
    for line in s.lines:
        pos = line.place_of_service.strip()
        if pos and pos not in known:
            yield Hit(f"Line {line.line_number}: place of service {pos!r} is not a CMS "
                      "place-of-service code.", at(line, "place_of_service"),
                      line.line_number)
