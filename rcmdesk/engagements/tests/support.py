"""Small builders for the onboarding tests: an SOP in force, a plan, a sampling plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rcmdesk.engagements.models import EngagementModel, EngagementPlan
from rcmdesk.playbooks.models import SopDocument, SopVersion
from rcmdesk.qa.models import SamplingPlan
from rcmdesk.tenancy.models import Engagement, Organization


def write_sop(client: Organization, workflow: str, author: Any = None) -> SopVersion:
    document = SopDocument.objects.create(client=client, workflow=workflow,
                                          title=f"{workflow} SOP")
    return SopVersion.objects.create(document=document, number=1, body="Do it right.",
                                     change_note="first", author=author)


def make_plan(engagement: Engagement, model: str = EngagementModel.DEDICATED,
              **fields: Any) -> EngagementPlan:
    return EngagementPlan.objects.create(engagement=engagement, model=model, **fields)


def sampling(engagement: Engagement, workflow: str = "") -> SamplingPlan:
    return SamplingPlan.objects.create(engagement=engagement, workflow=workflow,
                                       base_percent=Decimal("5"))


class Missing:
    """What the access registry answers for a login not granted."""

    def __init__(self, user: Any, system: str) -> None:
        self.user, self.system = user, system
        self.sentence = f"{user.username} has no granted login to {system}"
