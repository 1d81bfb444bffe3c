"""Setting and retiring service-level targets: the client's admin alone, each change audited
in its own transaction (the partner is held to these numbers, so it never sets them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.errors import Conflict, Invalid
from rcmdesk.servicelevels.models import KIND_WORKFLOW, TIMED_KINDS, Kind, ServiceLevel
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Action

MAX_DAYS = 60


@transaction.atomic
def set_target(engagement: Engagement, kind: str, workflow: str, business_days: int | None,
               target_percent: Decimal, *, acting_user: Any) -> ServiceLevel:
    """Create or change the engagement's target of this kind and workflow.

    A kind that names its workflow (posting, claims) takes it whatever was chosen; a timed
    kind needs its business days; every workflow must be in the engagement's scope (the
    partner cannot be held to work it was not given)."""
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    if kind not in Kind.values:
        raise Invalid(f"{kind!r} is not a kind of service level.")
    fixed = KIND_WORKFLOW[kind]
    workflow = fixed.value if fixed is not None else (workflow or "")
    if kind == Kind.ACTED_ON and not workflow:
        raise Invalid("Choose the workflow whose items are acted on.")
    if workflow and workflow not in engagement.scope:
        raise Invalid(f"{workflow} is not in this engagement's scope.")
    if kind in TIMED_KINDS:
        if business_days is None or not 0 <= business_days <= MAX_DAYS:
            raise Invalid(f"Give the business days (0 to {MAX_DAYS}).")
    else:
        business_days = None
    if not Decimal("0") < target_percent <= Decimal("100"):
        raise Invalid("The target is a percentage above 0 and at most 100.")
    target_percent = target_percent.quantize(Decimal("0.01"))
    level = (ServiceLevel.objects.select_for_update()
             .filter(engagement=engagement, kind=kind, workflow=workflow).first())
    before = None if level is None else {"business_days": level.business_days,
                                         "target_percent": level.target_percent,
                                         "active": level.active}
    if level is None:
        level = ServiceLevel(engagement=engagement, kind=kind, workflow=workflow,
                             created_by=person(acting_user))
    level.business_days = business_days
    level.target_percent = target_percent
    level.active = True
    level.updated_at = timezone.now()
    level.save()
    record("service_level_set", client_id=engagement.client_id, obj=level,
           detail={"engagement": engagement.pk, "target": level.sentence, "before": before})
    return level


@transaction.atomic
def retire_target(level: ServiceLevel, *, acting_user: Any) -> ServiceLevel:
    """Stop measuring a target (kept, so past reports can still name it)."""
    engagement = level.engagement
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    if not level.active:
        raise Conflict("This target is already retired.")
    level.active = False
    level.updated_at = timezone.now()
    level.save(update_fields=["active", "updated_at"])
    record("service_level_retired", client_id=engagement.client_id, obj=level,
           detail={"engagement": engagement.pk, "target": level.sentence})
    return level
