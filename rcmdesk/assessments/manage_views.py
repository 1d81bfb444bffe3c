"""The assessment workspace: assessments, a new one, files, settings, computing, deletion
and its certificates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def assessments(request: HttpRequest) -> HttpResponse:
    raise Http404("helper E writes this")


def new(request: HttpRequest) -> HttpResponse:
    raise Http404("helper E writes this")


def certificates(request: HttpRequest) -> HttpResponse:
    raise Http404("helper E writes this")


def certificate(request: HttpRequest, certificate_id: int) -> HttpResponse:
    raise Http404("helper E writes this")


def files(request: HttpRequest, assessment_id: int) -> HttpResponse:
    raise Http404("helper E writes this")


def settings(request: HttpRequest, assessment_id: int) -> HttpResponse:
    raise Http404("helper E writes this")


def compute(request: HttpRequest, assessment_id: int) -> HttpResponse:
    raise Http404("helper E writes this")


def delete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    raise Http404("helper E writes this")
