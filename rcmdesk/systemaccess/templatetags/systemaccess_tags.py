"""``{% access_link engagement %}``: the engagement page's way into the access registry,
drawn only for someone the registry's engagement page answers (tenancy never imports us)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rcmdesk.systemaccess import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def access_link(context: Any, engagement: Any) -> SafeString | str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not queries.may_open(user):
        return ""
    return format_html('<section data-testid="system-access"><h2>System access</h2>'
                       '<p><a href="{}">Logins to the client\'s systems for this engagement'
                       '</a></p></section>',
                       reverse("systemaccess:engagement", args=[engagement.pk]))
