"""A URLconf with one route that forgets the visibility filter, to prove the sweep bites."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from rcmdesk.tenancy.models import Engagement
from rcmdesk.urls import urlpatterns as real_urlpatterns


def unscoped_engagement(request: HttpRequest, engagement_id: int) -> JsonResponse:
    engagement = get_object_or_404(Engagement, pk=engagement_id)  # the bug under test
    return JsonResponse({"name": engagement.name})


def unscoped_listing(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"names": [e.name for e in Engagement.objects.all()]})  # the bug


urlpatterns = [
    path("leaky/engagements/<int:engagement_id>/", unscoped_engagement),
    path("leaky/engagements/", unscoped_listing),
    *real_urlpatterns,
]
