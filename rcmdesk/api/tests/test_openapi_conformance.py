"""The API keeps its OpenAPI document: a bounded schemathesis run over /api/openapi.json.

The outside attack of issue 15 sent 33,847 schemathesis requests and found 500s (paging
offsets), responses that broke their documented schemas, undocumented statuses and HTML
error pages under /api/. This keeps that attack in the suite, smaller and reproducible:
every operation, fuzzed in-process through Django's WSGI handler with a partner's and a
client's API token, must answer no 5xx and only documented statuses, content types and
bodies.

Bounded and derandomized so CI is stable: ten generated cases per operation (valid and
invalid ones), the same every run, each sent with both tokens: 2 x 10 x 79 operations = 1,580
requests, about a minute on SQLite or PostgreSQL. No shrinking, so a failure costs no more
time than a pass; the report still names the operation and a curl line to replay it.

About half the cases point their ids (and If-Match) at real rows of the personas' world (the
isolation sweep's rows at Birch, and a charge draft), so routes answer 200s and 204s with
real bodies, not only 404s. Each request runs in a savepoint that is rolled back, so every
case sees the same data whatever the one before it did (a case that revokes the token it
was sent with must not blind the rest of the run).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from rcmdesk.accounts.models import ApiToken
from rcmdesk.charges.api import etag
from rcmdesk.charges.tests.pages import birch_draft
from rcmdesk.conftest import World
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role, Workflow
from rcmdesk.tenancy.tests.test_isolation_sweep import app_sweep_data, birch_patient_data
from rcmdesk.workqueue.models import WorkItem

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
GENERATED_PER_OPERATION = 10
SENT: dict[str, int] = {"requests": 0}


class DjangoInProcess:
    """Django's WSGI handler closes the database connection when a request ends; in a test
    that would end the test's transaction, so the signal is held off while the run lasts
    (as Django's own test client does)."""

    def __enter__(self) -> WSGIHandler:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return WSGIHandler()

    def __exit__(self, *exc: object) -> None:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


with DjangoInProcess() as application:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@dataclass
class Tenant:
    tokens: dict[str, str]
    known: dict[str, list[Any]]  # a parameter's name -> real values for it
    etags: list[str]


@pytest.fixture(scope="module", autouse=True)
def _report_requests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Say how many requests the run sent, so its size is visible in every CI log."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nschemathesis: {SENT['requests']} requests over "
                                f"{len(list(schema.get_all_operations()))} operations")


@pytest.fixture
def tenant(world: World) -> Iterator[Tenant]:
    """Birch, with every workflow in its engagement, a partner lead assigned to it, one row
    of every kind the isolation sweep knows and a charge draft; a token for the lead and
    for Birch's admin."""
    world.birch_engagement.scope = [w.value for w in Workflow]
    world.birch_engagement.save(update_fields=["scope"])
    lead = world.user(Role.PARTNER_LEAD)
    assignment = Assignment.objects.create(engagement=world.birch_engagement, user=lead)
    ids = {**birch_patient_data(world), **app_sweep_data(world)}
    known: dict[str, list[Any]] = {k: [int(v)] for k, v in ids.items() if v.isdigit()}
    draft = birch_draft(world)
    item = WorkItem.objects.get(pk=ids["item_id"])
    partner, partner_raw = ApiToken.issue(lead, "schemathesis")
    client, client_raw = ApiToken.issue(world.birch_admin, "schemathesis")
    known.update(client=[world.birch.slug], claim_id=[int(ids["claim_id"]), draft.pk],
                 engagement_id=[world.birch_engagement.pk], assignment_id=[assignment.pk],
                 token_id=[partner.pk, client.pk], user_id=[world.birch_admin.pk])
    with DjangoInProcess():
        yield Tenant({"partner_lead": partner_raw, "client_admin": client_raw}, known,
                     etags=[item.etag, etag(draft)])


def with_real_objects(case: Any, tenant: Tenant, data: st.DataObject) -> dict[str, str]:
    """Point the case's ids (path, query, body) at real rows; the If-Match header to send."""
    for part in (case.path_parameters, case.query, case.body):
        if isinstance(part, dict):
            for name in part.keys() & tenant.known.keys():
                part[name] = data.draw(st.sampled_from(tenant.known[name]), label=name)
    return {"If-Match": data.draw(st.sampled_from(tenant.etags), label="If-Match")}


@schema.parametrize()
@schema.given(data=st.data())
@settings(max_examples=GENERATED_PER_OPERATION, derandomize=True, database=None,
          deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.generate])
def test_every_operation_answers_as_its_openapi_document_says(case: Any, data: st.DataObject,
                                                              tenant: Tenant) -> None:
    headers = with_real_objects(case, tenant, data) if data.draw(st.booleans()) else {}
    for token in tenant.tokens.values():
        with transaction.atomic():
            SENT["requests"] += 1
            case.call_and_validate(headers={**headers, "Authorization": f"Bearer {token}"},
                                   checks=CHECKS)
            transaction.set_rollback(True)
