"""The client's denial playbook: category rules, appeal templates and appeal policies.

Only client administrators edit it (``Action.EDIT_PLAYBOOKS`` is client-only, so a partner
role is refused even if the matrix were mis-edited); every change is audited in its
transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.claims.models import Payer
from rcmdesk.denials import merge
from rcmdesk.denials.models import AppealPolicy, AppealTemplate, DenialCategoryRule
from rcmdesk.playbooks.editing import record_change
from rcmdesk.remits.carc_categories import GROUP_CODES
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action
from rcmdesk.workqueue.categories import RootCause


def set_category_rule(client_id: int, *, acting_user: Any, carc: str, category: RootCause | str,
                      group: str = "", rarc: str = "", note: str = "") -> DenialCategoryRule:
    """Create or change the client's rule for these codes."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client_id)
    carc, group, rarc = carc.strip().upper(), group.strip().upper(), rarc.strip().upper()
    if not carc:
        raise ValueError("Give the CARC the rule is for.")
    if group and group not in GROUP_CODES:
        raise ValueError(f"Group code must be one of {', '.join(sorted(GROUP_CODES))}.")
    cause = RootCause(category)
    with transaction.atomic():
        rule, created = DenialCategoryRule.objects.update_or_create(
            client_id=client_id, group=group, carc=carc, rarc=rarc,
            defaults={"category": cause.value, "note": note, "updated_by": acting_user,
                      "updated_at": timezone.now()})
        record("denials.category_rule." + ("create" if created else "update"),
               client_id=client_id, obj=rule, acting_user=acting_user,
               detail={"group": group, "carc": carc, "rarc": rarc, "category": cause.value})
    return rule


def delete_category_rule(rule: DenialCategoryRule, *, acting_user: Any) -> None:
    require(acting_user, Action.EDIT_PLAYBOOKS, rule.client_id)
    with transaction.atomic():
        record("denials.category_rule.delete", client_id=rule.client_id, obj=rule,
               acting_user=acting_user,
               detail={"group": rule.group, "carc": rule.carc, "rarc": rule.rarc,
                       "category": rule.category})
        rule.delete()


def save_template(client_id: int, *, acting_user: Any, category: RootCause | str, subject: str,
                  body: str, payer: Payer | None = None, level: int = 1) -> AppealTemplate:
    """Create or change a template; unknown merge fields are refused with the list offered."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client_id)
    if payer is not None and payer.client_id != client_id:
        raise ValueError("That payer belongs to another client.")
    if level < 1:
        raise ValueError("Appeal levels start at 1.")
    found = merge.problems(subject) + merge.problems(body)
    if found:
        raise merge.MergeError(found)
    cause = RootCause(category)
    with transaction.atomic():
        template, created = AppealTemplate.objects.update_or_create(
            client_id=client_id, category=cause.value, payer=payer, level=level,
            defaults={"subject": subject, "body": body, "updated_by": acting_user,
                      "updated_at": timezone.now()})
        record("denials.template." + ("create" if created else "update"), client_id=client_id,
               obj=template, acting_user=acting_user,
               detail={"category": cause.value, "payer": getattr(payer, "pk", None),
                       "level": level})
    return template


def set_policy(client_id: int, *, acting_user: Any, payer: Payer | None = None,
               needs_approval: bool = True,
               allows_line_resubmission: bool = False) -> AppealPolicy:
    require(acting_user, Action.EDIT_PLAYBOOKS, client_id)
    if payer is not None and payer.client_id != client_id:
        raise ValueError("That payer belongs to another client.")
    with transaction.atomic():
        policy, _ = AppealPolicy.objects.update_or_create(
            client_id=client_id, payer=payer,
            defaults={"needs_approval": needs_approval,
                      "allows_line_resubmission": allows_line_resubmission,
                      "updated_by": acting_user, "updated_at": timezone.now()})
        record("denials.policy.set", client_id=client_id, obj=policy, acting_user=acting_user,
               detail={"payer": getattr(payer, "pk", None), "needs_approval": needs_approval,
                       "allows_line_resubmission": allows_line_resubmission})
        record_change(policy, "appeal policy set", acting_user=acting_user)
    return policy


def policy_for(client_id: int, payer: Payer) -> AppealPolicy:
    """The payer's policy, else the client's default, else ours (approval needed, whole
    claims only): the cautious answer when the client has said nothing."""
    rows = AppealPolicy.objects.filter(Q(payer__isnull=True) | Q(payer=payer),
                                       client_id=client_id)
    found = {p.payer_id: p for p in rows}
    return found.get(payer.pk) or found.get(None) or AppealPolicy(client_id=client_id)
