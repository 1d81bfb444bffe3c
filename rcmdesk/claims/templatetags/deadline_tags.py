"""A deadline as every list of the revenue chain shows it: the day, and a flag when it is
past or near on the client's calendar (``calendar.deadline_flag``), so an expired timely
filing limit or an authorization about to end never reads like an ordinary row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from rcmdesk.calendar import NO_FLAG, DeadlineFlag, deadline_flag

register = template.Library()


@register.simple_tag
def flag_for(deadline: date | None, client: Any) -> DeadlineFlag:
    """The flag of ``deadline`` on ``client``'s today (an Organization)."""
    if deadline is None or client is None:
        return NO_FLAG
    return deadline_flag(deadline, client.today())
