"""Changing the client's playbook: SOP documents and versions, payer rules, rule history.

Only a client administrator changes it (``Action.EDIT_PLAYBOOKS``, client-only). Nothing here
edits a version: a change to an SOP is a new ``SopVersion``, a change to a rule row leaves a
``PlaybookChange`` with the row before and after, each with its author and change note, and
each audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Payer
from rcmdesk.playbooks.models import PayerRule, PlaybookChange, SopDocument, SopVersion
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow

MAX_BODY = 100_000
MAX_CHECKLIST = 50
RULE_DAY_FIELDS = ("timely_filing_days", "appeal_days", "followup_days", "corrected_days",
                   "secondary_days")
_UNSET: Any = object()


class PlaybookProblem(errors.Invalid, ValueError):
    """The change cannot be saved as given (shown to the editor)."""


@dataclass(frozen=True)
class SopText:
    body: str
    change_note: str
    checklist: list[str] = field(default_factory=list)


def clean_checklist(lines: str | list[str]) -> list[str]:
    """One point per non-blank line (a form's textarea or the API's list)."""
    raw = lines.splitlines() if isinstance(lines, str) else [str(x) for x in lines]
    return [line.strip()[:300] for line in raw if line.strip()][:MAX_CHECKLIST]


def _check_text(text: SopText) -> None:
    if not text.body.strip():
        raise PlaybookProblem("Write the SOP's text.")
    if len(text.body) > MAX_BODY:
        raise PlaybookProblem(f"The SOP's text is limited to {MAX_BODY} characters.")
    if not text.change_note.strip():
        raise PlaybookProblem("Say what changed and why (the change note).")


def create_document(client: Organization, *, acting_user: Any, workflow: str, title: str,
                    text: SopText, payer: Payer | None = None,
                    category: str = "") -> SopDocument:
    """A new SOP with its first version."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk)
    if workflow not in {w.value for w in Workflow}:
        raise PlaybookProblem("Choose a workflow.")
    if not title.strip():
        raise PlaybookProblem("Give the SOP a title.")
    if payer is not None and payer.client_id != client.pk:
        raise PlaybookProblem("Choose a payer of this client.")
    _check_text(text)
    with transaction.atomic():
        doc = SopDocument.objects.create(client=client, workflow=workflow, payer=payer,
                                         category=category.strip()[:40],
                                         title=title.strip()[:200])
        record("playbooks.sop_created", client_id=client.pk, obj=doc, acting_user=acting_user,
               detail={"workflow": workflow, "payer": payer.pk if payer else None,
                       "category": doc.category, "title": doc.title})
        _append(acting_user, doc, text)
    return doc


def add_version(document: SopDocument, text: SopText, *, acting_user: Any) -> SopVersion:
    """The SOP's next version; the earlier ones stay as they were (the table refuses edits)."""
    require(acting_user, Action.EDIT_PLAYBOOKS, document.client_id)
    _check_text(text)
    try:
        with transaction.atomic():
            # Lock the document so two editors get consecutive numbers, not a clash.
            SopDocument.objects.select_for_update().filter(pk=document.pk).exists()
            return _append(acting_user, document, text)
    except IntegrityError:
        raise PlaybookProblem("Someone saved a version at the same moment; "
                              "reload the SOP and save again.") from None


def _append(user: Any, document: SopDocument, text: SopText) -> SopVersion:
    last = document.versions.aggregate(n=Max("number"))["n"] or 0
    version = SopVersion.objects.create(
        document=document, number=last + 1, body=text.body.replace("\r\n", "\n"),
        checklist=clean_checklist(text.checklist), change_note=text.change_note.strip()[:500],
        author=user, created_at=timezone.now())
    record("playbooks.sop_version_added", client_id=document.client_id, obj=version,
           acting_user=user, detail={"document": document.pk, "number": version.number,
                               "change_note": version.change_note})
    return version


def set_active(document: SopDocument, active: bool, change_note: str, *, acting_user: Any) -> None:
    """Retire an SOP (or bring it back); its versions stay as they were."""
    require(acting_user, Action.EDIT_PLAYBOOKS, document.client_id)
    with transaction.atomic():
        before = snapshot(document)
        SopDocument.objects.filter(pk=document.pk).update(active=active)
        document.active = active
        record_change(document, change_note or ("reactivated" if active else "retired"),
                      acting_user=acting_user,
                      before=before)


# --- machine-readable rules -------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Model) -> dict[str, Any]:
    """A rule row's fields as JSON (foreign keys as ids), for the before/after record."""
    return {f.attname: _json(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def record_change(obj: Model, change_note: str, *,
                  acting_user: Any, before: dict[str, Any] | None = _UNSET) -> PlaybookChange:
    """Record that ``obj`` (a playbook rule row, already saved) changed; call in its transaction.

    Other apps' editors (authorization requirements, claim edits) call this after their save.
    ``before`` defaults to the row as last recorded here (None if never: a new row).
    """
    client_id: int = cast(Any, obj).client_id
    label = obj._meta.label_lower
    if before is _UNSET:
        last = PlaybookChange.objects.filter(model=label, object_id=obj.pk).order_by(
            "-created_at", "-id").first()
        before = last.after if last is not None else None
    change = PlaybookChange.objects.create(
        client_id=client_id, model=label, object_id=obj.pk, before=before,
        after=snapshot(obj), change_note=(change_note.strip() or "changed")[:500],
        author=person(acting_user))
    record("playbooks.rule_changed", client_id=client_id, obj=obj, acting_user=acting_user,
           detail={"model": label, "change": change.pk, "change_note": change.change_note})
    return change


def save_payer_rule(client: Organization, payer: Payer | None,
                    days: dict[str, int | None], change_note: str,
                    note: str = "", *, acting_user: Any,
                    call_reference_required: bool | None = None) -> PayerRule:
    """Set one payer's deadlines (no payer: every payer's) and whether its calls need the
    payer's reference number (None: as the rule for every payer), recording before and
    after."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk)
    if payer is not None and payer.client_id != client.pk:
        raise PlaybookProblem("Choose a payer of this client.")
    if not change_note.strip():
        raise PlaybookProblem("Say what changed and why (the change note).")
    values = {name: days.get(name) for name in RULE_DAY_FIELDS}
    if any(v is not None and not 0 < v <= 3650 for v in values.values()):
        raise PlaybookProblem("Days are between 1 and 3650 (blank: the default).")
    with transaction.atomic():
        rule = PayerRule.objects.select_for_update().filter(client=client, payer=payer).first()
        before = snapshot(rule) if rule is not None else None
        if rule is None:
            rule = PayerRule(client=client, payer=payer)
        for name, value in values.items():
            setattr(rule, name, value)
        rule.call_reference_required = call_reference_required
        rule.note = note.strip()[:300]
        rule.updated_at = timezone.now()
        rule.save()
        record_change(rule, change_note, acting_user=acting_user, before=before)
    return rule
