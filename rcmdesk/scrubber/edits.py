"""Adding and retiring the client's own claim edits (``playbooks.models.ClaimEdit``).

Only client administrators (``Action.EDIT_PLAYBOOKS``, client-only); every change audited in
its transaction. An edit is never deleted, only deactivated: old runs' findings name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Payer
from rcmdesk.playbooks.codes import CodeList, CodeListError
from rcmdesk.playbooks.editing import record_change
from rcmdesk.playbooks.models import ClaimEdit, EditCheck, Severity
from rcmdesk.scrubber.codesets import MODIFIER_FORM, place_of_service
from rcmdesk.scrubber.playbook import values_of
from rcmdesk.scrubber.registry import all_rules
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action


class EditError(errors.Invalid, ValueError):
    pass


@dataclass(frozen=True)
class EditInput:
    code: str
    codes: str
    rule: str
    value: str
    message: str
    severity: str = Severity.ERROR
    payer: Payer | None = None


def add_edit(client_id: int, data: EditInput, *, acting_user: Any) -> ClaimEdit:
    require(acting_user, Action.EDIT_PLAYBOOKS, client_id)
    code = data.code.strip().upper()
    _validate(client_id, code, data)
    with transaction.atomic():
        try:
            edit = ClaimEdit.objects.create(
                client_id=client_id, payer=data.payer, code=code, codes=data.codes.strip(),
                rule=data.rule, value=",".join(values_of(data.value)),
                severity=data.severity, message=data.message.strip()[:300],
                updated_at=timezone.now())
        except IntegrityError:
            raise EditError(f"An edit with code {code} exists already.") from None
        record("scrubber.edit.create", client_id=client_id, obj=edit, acting_user=acting_user,
               detail={"code": code, "rule": edit.rule, "codes": edit.codes,
                       "value": edit.value, "payer": data.payer.pk if data.payer else None,
                       "severity": edit.severity})
        record_change(edit, f"claim edit {code} added", acting_user=acting_user)
    return edit


def deactivate_edit(edit: ClaimEdit, *, acting_user: Any) -> ClaimEdit:
    require(acting_user, Action.EDIT_PLAYBOOKS, edit.client_id)
    with transaction.atomic():
        ClaimEdit.objects.filter(pk=edit.pk).update(active=False, updated_at=timezone.now())
        edit.active = False
        record("scrubber.edit.deactivate", client_id=edit.client_id, obj=edit,
               acting_user=acting_user,
               detail={"code": edit.code})
        record_change(edit, f"claim edit {edit.code} deactivated", acting_user=acting_user)
    return edit


def _validate(client_id: int, code: str, data: EditInput) -> None:
    if not code or len(code) > 30:
        raise EditError("Give the edit a code of at most 30 characters.")
    if code in {r.code for r in all_rules()}:
        raise EditError(f"{code} is a built-in rule's code; choose another.")
    if data.rule not in EditCheck.values:
        raise EditError("Choose what the edit checks.")
    if data.severity not in Severity.values:
        raise EditError("Severity is error or warning.")
    if not data.message.strip():
        raise EditError("Write the message the finding shows.")
    if data.payer is not None and data.payer.client_id != client_id:
        raise EditError("That payer belongs to another client.")
    try:
        codes = CodeList.parse(data.codes)
    except CodeListError as exc:
        raise EditError(str(exc)) from None
    if not (codes.exact or codes.ranges or codes.prefixes):
        raise EditError("Name the procedure codes the edit applies to.")
    _validate_value(data.rule, values_of(data.value))


def _validate_value(rule: str, values: tuple[str, ...]) -> None:
    if not values:
        raise EditError("Give the value the edit checks for.")
    if rule in (EditCheck.REQUIRES_MODIFIER, EditCheck.FORBIDS_MODIFIER):
        bad = [v for v in values if not MODIFIER_FORM.match(v)]
        if bad:
            raise EditError(f"Not modifiers (two letters or digits): {', '.join(bad)}.")
    elif rule == EditCheck.MAX_UNITS:
        try:
            cap = Decimal(values[0])
        except InvalidOperation:
            raise EditError("The unit cap must be a number.") from None
        if len(values) != 1 or cap <= 0:
            raise EditError("The unit cap is one number above zero.")
    elif rule == EditCheck.REQUIRES_PLACE_OF_SERVICE:
        bad = [v for v in values if v not in place_of_service()]
        if bad:
            raise EditError(f"Not place-of-service codes: {', '.join(bad)}.")
