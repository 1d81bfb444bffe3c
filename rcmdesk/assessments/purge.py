"""Deleting an assessment: every row of its prospect's tenant removed, a certificate left.

Which rows belong to a tenant is read from the models themselves, so a model added later is
covered the day it is written: every model with a ``tenant_field`` (filtered by it), every
model without one that holds the organization by a foreign key or a plain ``client_id``,
the tenant's users and every model holding them (sessions, tokens, second-factor devices),
and the rows hanging from any of those through a foreign key of their own. Each is emptied
by one DELETE, children (the longest path to the client) first: the append-only tables'
triggers find a row's client through its parent, and foreign keys are checked at commit.

The append-only tables let those DELETEs through only while the client has a
``PurgeGrant``, inserted and removed in the same transaction. The audit trail is never
deleted: the certificate counts the tenant's events kept and the chain's head, and the
deletion itself is an event in the tenant's chain and in the platform's, with the
certificate's digest.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.models import User, UserSession
from rcmdesk.accounts.people import person
from rcmdesk.assessments.access import require_platform_admin
from rcmdesk.assessments.models import Assessment, DeletionCertificate, PurgeGrant
from rcmdesk.audit.models import AuditChainHead, AuditEvent, chain_of
from rcmdesk.audit.services import record
from rcmdesk.tenancy.models import Engagement, Organization

# Never deleted: the audit trail (append-only, chained), and the purge's own bookkeeping.
KEPT: frozenset[type[models.Model]] = frozenset({AuditEvent, PurgeGrant, DeletionCertificate})


class DeletionRefused(errors.Conflict):
    """The tenant may not be deleted (a working client, or one with an engagement)."""


@dataclass(frozen=True)
class Part:
    """One model's rows of the tenant: how to find them, and how deep they hang."""

    label: str  # app_label.model_name
    model: type[models.Model]
    lookup: str  # field path; the value is ``client_id``, or a queryset of parents
    parent: str = ""  # label of the parent Part whose rows ``lookup`` points into
    depth: int = 0


def _fk_targets(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.remote_field is not None]


def parts() -> list[Part]:
    """Every model's way to the tenant's rows, deepest first (deleted in this order)."""
    found: dict[str, Part] = {}
    for model in apps.get_models():
        if model in KEPT or model is Organization or model is User:
            continue
        label = model._meta.label_lower
        tenant_field = getattr(model, "tenant_field", None)
        if tenant_field:
            found[label] = Part(label, model, tenant_field, depth=tenant_field.count("__") + 1)
            continue
        org_fks = [f for f in _fk_targets(model) if f.related_model is Organization]
        if org_fks:  # e.g. connections, posting keys: one FK to the organization
            found[label] = Part(label, model, org_fks[0].name, depth=1)
            continue
        if any(f.attname == "client_id" for f in model._meta.concrete_fields):
            found[label] = Part(label, model, "client_id", depth=1)  # e.g. KPI changes
    found["accounts.user"] = Part("accounts.user", User, "organization_id", depth=0)
    # Models with none of the above that hang from a found one (sessions and tokens from
    # users, a file's applied sets, a static device's tokens): one more level each pass.
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            label = model._meta.label_lower
            if model in KEPT or label in found or model is Organization:
                continue
            for f in _fk_targets(model):
                parent = f.related_model._meta.label_lower  # type: ignore[union-attr]
                if parent in found:
                    found[label] = Part(label, model, f"{f.name}__in", parent=parent,
                                        depth=found[parent].depth + 1)
                    changed = True
                    break
    return sorted(found.values(), key=lambda p: (-p.depth, p.label))


def _queryset(part: Part, client_id: int, by_label: dict[str, Part]) -> Any:
    manager = part.model._base_manager
    if part.parent:
        return manager.filter(**{part.lookup: _queryset(by_label[part.parent], client_id,
                                                        by_label).values("pk")})
    return _scoped(part.model, part.lookup, client_id)


def _scoped(model: type[models.Model], path: str, client_id: int) -> Any:
    """``model``'s rows whose ``path`` leads to ``client_id``, each hop a ``fk IN (SELECT
    id ...)`` rather than a join: a DELETE over a join is written ``id IN (SELECT id FROM
    the same table JOIN ...)``, which PostgreSQL, with statistics that do not know the
    tables' size yet, ran as a nested loop over the whole table for every row (a demo's
    purge of 251 claim lines was still running after 16 minutes)."""
    head, _, rest = path.partition("__")
    field = model._meta.get_field(head)
    if not rest or field.related_model is None:
        return model._base_manager.filter(**{path: client_id})
    parent = _scoped(field.related_model, rest, client_id)  # type: ignore[arg-type]
    return model._base_manager.filter(**{f"{head}__in": parent.values("pk")})


def _sessions(client_id: int) -> Any:
    """Django's sessions of the tenant's users (kept by key, not by a foreign key)."""
    keys = UserSession.objects.filter(user__organization_id=client_id).values("session_key")
    return Session.objects.filter(session_key__in=keys)


def tenant_rows(client_id: int) -> dict[str, int]:
    """The tenant's rows in every model, by label (models with none left out), the
    organization itself included; the audit trail is not counted (it is kept)."""
    every = parts()
    by_label = {p.label: p for p in every}
    counts = {p.label: _queryset(p, client_id, by_label).count() for p in every}
    counts["sessions.session"] = _sessions(client_id).count()
    counts["tenancy.organization"] = Organization.objects.filter(pk=client_id).count()
    return {label: n for label, n in sorted(counts.items()) if n}


def tenant_files(client_id: int) -> list[Path]:
    """The tenant's files under the var dir (attachments; intake keeps its bytes in the
    database)."""
    root = Path(settings.RCMDESK_ATTACHMENTS_DIR) / str(client_id)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def certificate_text(c: DeletionCertificate) -> str:
    """The certificate's content in one canonical text (sorted keys, no spaces): its digest
    is the SHA-256 of this, also written to the platform's audit chain."""
    return json.dumps({
        "organization_id": c.organization_id, "organization_slug": c.organization_slug,
        "organization_name": c.organization_name, "assessment_name": c.assessment_name,
        "requested_by": c.requested_by, "reason": c.reason, "removed": c.removed,
        "rows_removed": c.rows_removed, "files_removed": c.files_removed,
        "audit_events_kept": c.audit_events_kept, "audit_chain": c.audit_chain,
        "audit_head_seq": c.audit_head_seq, "audit_head_hash": c.audit_head_hash,
        "deleted_by_id": c.deleted_by_id, "deleted_at": c.deleted_at.isoformat(),
    }, sort_keys=True, separators=(",", ":"))


def digest_of(c: DeletionCertificate) -> str:
    return hashlib.sha256(certificate_text(c).encode()).hexdigest()


def intact(c: DeletionCertificate) -> bool:
    """Whether the stored digest still matches the certificate's content."""
    return digest_of(c) == c.digest


def _refuse_unless_prospect(client: Organization) -> None:
    if not client.prospect:
        raise DeletionRefused(f"{client.name} is a working client, not a prospect: only a "
                              "prospect's assessment tenant can be deleted.")
    if Engagement.objects.filter(client=client).exists() or Engagement.objects.filter(
            partner=client).exists():
        raise DeletionRefused(f"{client.name} has an engagement: it is a client now, and "
                              "its data cannot be deleted as an assessment.")


def _delete_rows(client_id: int) -> None:
    every = parts()
    by_label = {p.label: p for p in every}
    _sessions(client_id)._raw_delete(Session.objects.db)
    for part in every:
        qs = _queryset(part, client_id, by_label)
        qs._raw_delete(qs.db)
    qs = Organization.objects.filter(pk=client_id)
    qs._raw_delete(qs.db)
    # Triggers (the KPI change log) may have written a row for the client while its inputs
    # were deleted: one more pass over what is left.
    for part in every:
        if part.depth <= 1 and not part.parent:
            qs = _queryset(part, client_id, by_label)
            qs._raw_delete(qs.db)


def do_delete_assessment(assessment: Assessment, *, requested_by: str, reason: str,
                         acting_user: Any) -> DeletionCertificate:
    """Remove every row of the assessment's tenant and leave a certificate saying what was
    removed, when, by whom and at whose request. One transaction: all or nothing."""
    require_platform_admin(acting_user)
    requested_by = requested_by.strip()
    if not requested_by:
        raise DeletionRefused("Say who asked for the deletion.")
    client = assessment.client
    client_id = client.pk
    _refuse_unless_prospect(client)
    files = tenant_files(client_id)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=client_id).first()
        removed = tenant_rows(client_id)
        kept = AuditEvent.objects.filter(client_org_id=client_id).count()
        head = AuditChainHead.objects.filter(chain=chain_of(client_id)).first()
        certificate = DeletionCertificate(
            organization_id=client_id, organization_slug=client.slug,
            organization_name=client.name, assessment_name=assessment.name,
            requested_by=requested_by, reason=reason.strip(), removed=removed,
            rows_removed=sum(removed.values()), files_removed=len(files),
            audit_events_kept=kept, audit_chain=chain_of(client_id),
            audit_head_seq=head.seq if head else 0, audit_head_hash=head.hash if head else "",
            deleted_by=person(acting_user), deleted_at=timezone.now())
        certificate.digest = digest_of(certificate)
        certificate.save()
        detail = {"certificate": certificate.pk, "digest": certificate.digest,
                  "organization": client.slug, "rows_removed": certificate.rows_removed,
                  "requested_by": requested_by}
        record("assessment.delete", client_id=client_id, object_type="deletion_certificate",
               object_id=certificate.pk, detail=detail, acting_user=acting_user)
        record("assessment.delete", client_id=None, object_type="deletion_certificate",
               object_id=certificate.pk, detail=detail, acting_user=acting_user)
        PurgeGrant.objects.create(client_id=client_id)
        _delete_rows(client_id)
        PurgeGrant.objects.filter(client_id=client_id).delete()
        left = tenant_rows(client_id)
        if left:
            raise DeletionRefused(f"Rows of {client.name} were left: {left}; nothing was "
                                  "deleted.")
    if files:
        shutil.rmtree(Path(settings.RCMDESK_ATTACHMENTS_DIR) / str(client_id),
                      ignore_errors=True)
    return certificate


def removed_rows(certificate: DeletionCertificate) -> list[tuple[str, str, int]]:
    """(what the rows were, in words, the table's label, rows) for the certificate's page:
    an auditor reads "Claim lines (claims.claimline)", not a model label alone. A label no
    model answers to any more keeps its label."""
    rows = []
    for label, count in certificate.removed.items():
        try:
            words = _plural(str(apps.get_model(label)._meta.verbose_name))
        except (LookupError, ValueError):
            rows.append((label, label, int(count)))
            continue
        rows.append((words[:1].upper() + words[1:], label, int(count)))
    return rows


def _plural(noun: str) -> str:
    """English plural of a model's name (Django's default plural writes "ledger entrys")."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
