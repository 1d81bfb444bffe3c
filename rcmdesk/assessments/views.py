"""The assessment report: findings, capacity with what-if on N weeks, the recommendation,
charts, and its two-page PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    raise Http404("helper D writes this")


def pdf(request: HttpRequest, assessment_id: int) -> HttpResponse:
    raise Http404("helper D writes this")
