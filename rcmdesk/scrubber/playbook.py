"""The client's own edits (``playbooks.models.ClaimEdit``): rules as data, run beside the
built-in ones, each finding carrying the edit's code, message and severity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rcmdesk.claims.models import ClaimLine
from rcmdesk.playbooks.codes import CodeList, CodeListError
from rcmdesk.playbooks.models import ClaimEdit, EditCheck
from rcmdesk.scrubber.registry import Context, Finding, Subject
from rcmdesk.scrubber.rules._util import at


@dataclass(frozen=True)
class PlaybookEdit:
    edit: ClaimEdit
    codes: CodeList
    values: tuple[str, ...]  # the edit's value split on commas, upper-cased


def values_of(text: str) -> tuple[str, ...]:
    return tuple(v.strip().upper() for v in text.replace(";", ",").split(",") if v.strip())


def compile_edit(edit: ClaimEdit) -> PlaybookEdit:
    """Raises CodeListError for a code list the playbook cannot read."""
    return PlaybookEdit(edit, CodeList.parse(edit.codes), values_of(edit.value))


def load_edits(client_ids: Sequence[int]) -> dict[int, list[PlaybookEdit]]:
    """Every active edit of these clients, in one query. An edit whose code list does not
    parse is skipped (the editor refuses to save one)."""
    found: dict[int, list[PlaybookEdit]] = defaultdict(list)
    for edit in ClaimEdit.objects.filter(client_id__in=list(client_ids),
                                         active=True).order_by("code"):
        try:
            found[edit.client_id].append(compile_edit(edit))
        except CodeListError:
            continue
    return dict(found)


def playbook_findings(s: Subject, ctx: Context) -> Iterator[Finding]:
    for p in ctx.edits.get(s.claim.client_id, []):
        if p.edit.payer_id is not None and p.edit.payer_id != s.claim.payer_id:
            continue
        for line in s.lines:
            if line.procedure.strip().upper() not in p.codes:
                continue
            field = _violation(p, s, line)
            if field:
                yield Finding(p.edit.code, p.edit.message, p.edit.severity,
                              at(line, field), line.line_number)


def _violation(p: PlaybookEdit, s: Subject, line: ClaimLine) -> str:
    """The field the edit finds wrong on this line, or "" when the line passes."""
    mods = {str(m).strip().upper() for m in line.modifiers or []}
    match p.edit.rule:
        case EditCheck.REQUIRES_MODIFIER:
            return "" if mods & set(p.values) else "modifiers"
        case EditCheck.FORBIDS_MODIFIER:
            return "modifiers" if mods & set(p.values) else ""
        case EditCheck.REQUIRES_DIAGNOSIS:
            codes = _pointed_diagnoses(s, line)
            ok = any(code.startswith(prefix) for code in codes for prefix in p.values)
            return "" if ok else "diagnosis_pointers"
        case EditCheck.MAX_UNITS:
            try:
                cap = Decimal(p.values[0]) if p.values else None
            except InvalidOperation:
                return ""
            over = cap is not None and line.units is not None and Decimal(line.units) > cap
            return "units" if over else ""
        case EditCheck.REQUIRES_PLACE_OF_SERVICE:
            pos = (line.place_of_service or s.claim.facility_code).strip().upper()
            return "" if pos in p.values else "place_of_service"
    return ""


def _pointed_diagnoses(s: Subject, line: ClaimLine) -> list[str]:
    """The diagnoses the line points at (all of the claim's when it points at none)."""
    diagnoses = [code for _, _, code in s.diagnosis_entries]
    pointers = [p for p in line.diagnosis_pointers or []
                if isinstance(p, int) and 1 <= p <= len(diagnoses)]
    return [diagnoses[p - 1] for p in pointers] if pointers else diagnoses
