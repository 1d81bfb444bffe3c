"""The assessment workspace: a platform admin creates a prospect's assessment, the files
are loaded (upload or service) in the order they must apply, settings change, compute hands
over to the report, and a platform admin deletes it with a certificate."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse

from rcmdesk.assessments import compute, services
from rcmdesk.assessments.models import Assessment, DeletionCertificate
from rcmdesk.assessments.work import WorkType
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, make_user, sign_in
from rcmdesk.errors import Conflict, Forbidden
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.synth import generate
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def synth_files(tmp: Path, claims: int = 20) -> list[tuple[str, bytes]]:
    generate(tmp, claims=claims)
    return [(f"{p.parent.name}-{p.name}", p.read_bytes()) for p in sorted(tmp.glob("*/*.x12"))]


@pytest.fixture
def prospect(world: World) -> Assessment:
    return services.do_create_assessment(
        practice_name="Riverside Family Practice", slug="riverside",
        time_zone="America/New_York", acting_user=world.user(Role.PLATFORM_ADMIN))


@pytest.fixture
def riverside_admin(prospect: Assessment) -> Any:
    return make_user("riverside.admin", Role.CLIENT_ADMIN, prospect.client)


def test_a_new_assessment_is_a_prospect_tenant_with_no_engagement_audited(world, prospect):
    client = prospect.client
    assert client.prospect
    assert client.kind == "client"
    assert client.slug == "riverside"
    assert not Engagement.objects.filter(client=client).exists()
    assert AuditEvent.objects.filter(client_org_id=client.pk,
                                     action="assessment.create").count() == 1


def test_only_a_platform_admin_creates_an_assessment(world):
    with pytest.raises((PermissionDenied, Forbidden)):
        services.do_create_assessment(practice_name="X", slug="x", time_zone="America/Chicago",
                                      acting_user=world.user(Role.CLIENT_ADMIN))
    assert not Organization.objects.filter(slug="x").exists()


def test_a_taken_short_name_is_refused_in_words(world, prospect):
    with pytest.raises(Conflict, match="already taken"):
        services.do_create_assessment(practice_name="Other", slug="riverside",
                                      time_zone="America/Chicago",
                                      acting_user=world.user(Role.PLATFORM_ADMIN))


def test_files_apply_claims_first_then_acknowledgments_then_remittances(tmp_path):
    files = synth_files(tmp_path)
    shuffled = [*list(reversed(files)), ("picture.png", PNG)]
    ordered = services.load_order(shuffled)
    ranks = [services.ORDER.get(k, 9) for _, _, k in ordered]
    assert ranks == sorted(ranks)
    assert {k.value for _, _, k in ordered} >= {"837P", "999", "835"}
    assert ordered[-1][0] == "picture.png"


def test_loading_reports_each_file_and_loading_again_never_posts_twice(world, prospect,
                                                                       tmp_path):
    admin = world.user(Role.PLATFORM_ADMIN)
    files = synth_files(tmp_path)
    first = services.do_load_files(prospect, [*files, ("picture.png", PNG)], acting_user=admin)
    outcomes = {f.name: f.outcome for f in first.files}
    assert outcomes["picture.png"].startswith("refused: this file is a PNG image")
    assert {o for n, o in outcomes.items() if n != "picture.png"} == {"applied"}
    assert not ReceivedFile.objects.filter(original_name="picture.png").exists()
    stored = ReceivedFile.objects.filter(client=prospect.client).count()
    again = services.do_load_files(prospect, files, acting_user=admin)
    assert {f.outcome for f in again.files} == {"already loaded"}
    assert ReceivedFile.objects.filter(client=prospect.client).count() == stored
    assert set(ReceivedFile.objects.filter(client=prospect.client)
               .values_list("channel", flat=True)) == {"assess"}


def test_a_damaged_file_is_quarantined_with_its_reason(world, prospect, tmp_path):
    name, data = next(f for f in synth_files(tmp_path) if f[0].startswith("835"))
    broken = re.sub(rb"(CLP\*[^*]*\*[^*]*\*)[^*]*", rb"\1ABC", data, count=1)
    report = services.do_load_files(prospect, [(name, broken)],
                                    acting_user=world.user(Role.PLATFORM_ADMIN))
    (row,) = report.files
    assert not row.ok
    assert row.outcome.startswith("quarantined: ")


def test_the_prospects_own_admin_loads_its_files_and_another_client_admin_may_not(
        world, prospect, riverside_admin, tmp_path):
    files = synth_files(tmp_path)[:1]
    assert services.do_load_files(prospect, files, acting_user=riverside_admin).ok
    with pytest.raises(Http404):
        services.do_load_files(prospect, files, acting_user=world.user(Role.CLIENT_ADMIN))


def test_settings_change_is_audited_and_checked(world, prospect):
    admin = world.user(Role.PLATFORM_ADMIN)
    services.do_change_settings(prospect, as_of=None, weeks_to_clear=12,
                                hours_per_day=Decimal("6.5"),
                                handle_hours={WorkType.DENIALS: Decimal("0.75")},
                                recovery_percent={WorkType.DENIALS: None}, acting_user=admin)
    prospect.refresh_from_db()
    assert prospect.weeks_to_clear == 12
    assert prospect.handle_hours == {"denials": "0.75"}
    assert AuditEvent.objects.filter(action="assessment.settings").count() == 1
    with pytest.raises(Conflict, match="between 1 and 52"):
        services.do_change_settings(prospect, as_of=None, weeks_to_clear=0,
                                    hours_per_day=Decimal("6"), handle_hours={},
                                    recovery_percent={}, acting_user=admin)


# Pages


def page(user: Any) -> Client:
    return sign_in(Client(), user)


def test_a_platform_admin_creates_an_assessment_from_the_list(world):
    client = page(world.user(Role.PLATFORM_ADMIN))
    listing = client.get(reverse("assessments:list")).content.decode()
    assert reverse("assessments:new") in listing
    assert reverse("assessments:certificates") \
        in listing
    answer = client.post(reverse("assessments:new"), {
        "practice_name": "Lakeside Clinic", "slug": "lakeside", "time_zone": "America/Chicago"})
    made = Assessment.objects.get(client__slug="lakeside")
    assert answer.status_code == 302
    assert answer["Location"] == reverse(
        "assessments:files", args=[made.pk])
    files = client.get(answer["Location"]).content.decode()
    assert "rcmdesk watch FOLDER --client lakeside" in files


def test_files_are_uploaded_many_at_once_and_reported(world, prospect, tmp_path):
    client = page(world.user(Role.PLATFORM_ADMIN))
    uploads = [SimpleUploadedFile(n, d) for n, d in synth_files(tmp_path)[:3]]
    uploads.append(SimpleUploadedFile("scan.png", PNG))
    answer = client.post(reverse("assessments:files", args=[prospect.pk]), {"x12_files": uploads})
    body = answer.content.decode()
    assert answer.status_code == 200
    report = body.split('data-testid="load-report"')[1].split("</table>")[0]
    assert report.count(">Applied<") == 3
    assert "Refused: this file is a PNG image" in report
    assert 'data-testid="loaded-files"' in body


def test_the_client_admin_of_the_prospect_opens_its_workspace_but_not_deletion(
        world, prospect, riverside_admin):
    client = page(riverside_admin)
    listing = client.get(reverse("assessments:list")).content.decode()
    assert prospect.name in listing
    assert reverse("assessments:new") not in listing
    assert client.get(reverse("assessments:files", args=[prospect.pk])).status_code == 200
    assert client.get(reverse("assessments:settings", args=[prospect.pk])).status_code == 200
    assert client.get(reverse("assessments:delete", args=[prospect.pk])).status_code == 403
    assert client.get(reverse("assessments:new")).status_code == 403
    assert client.get(reverse("assessments:certificates")).status_code == 403
    assert client.get(reverse("assessments:certificate", args=[1])).status_code == 404


def test_another_clients_people_get_404_for_the_assessment(world, prospect):
    for role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.PARTNER_LEAD):
        client = page(world.user(role))
        for name in ("files", "settings", "delete", "compute"):
            method = client.post if name == "compute" else client.get
            assert method(reverse(f"assessments:{name}", args=[prospect.pk])).status_code \
                in (403, 404), (role, name)
    assert prospect.name not in page(world.user(Role.CLIENT_ADMIN)).get(
        reverse("assessments:list")).content.decode()


def test_compute_runs_the_assessment_and_shows_its_report(world, prospect, monkeypatch):
    called = []
    monkeypatch.setattr(compute, "assess",
                        lambda assessment, *, acting_user: called.append(assessment.pk))
    answer = page(world.user(Role.PLATFORM_ADMIN)).post(
        reverse("assessments:compute", args=[prospect.pk]))
    assert called == [prospect.pk]
    assert answer["Location"] == reverse("assessments:assessment", args=[prospect.pk])


def test_settings_are_saved_from_the_page(world, prospect):
    answer = page(world.user(Role.PLATFORM_ADMIN)).post(
        reverse("assessments:settings", args=[prospect.pk]),
        {"weeks_to_clear": "10", "hours_per_day": "6.00", "handle_denials": "0.60"})
    assert answer.status_code == 302
    prospect.refresh_from_db()
    assert prospect.weeks_to_clear == 10
    assert prospect.handle_hours == {"denials": "0.60"}


def test_deletion_asks_for_the_practice_name_then_shows_its_certificate(world, prospect):
    client = page(world.user(Role.PLATFORM_ADMIN))
    url = reverse("assessments:delete", args=[prospect.pk])
    wrong = client.post(url, {"confirm": "Riverside", "requested_by": "Dr. R"})
    assert wrong.status_code == 400
    assert Organization.objects.filter(slug="riverside").exists()
    answer = client.post(url, {"confirm": "Riverside Family Practice",
                               "requested_by": "Dr. Rivers", "reason": "declined"})
    made = DeletionCertificate.objects.get()
    assert answer["Location"] == reverse("assessments:certificate", args=[made.pk])
    body = client.get(answer["Location"]).content.decode()
    assert "Dr. Rivers" in body
    assert 'data-testid="intact"' in body
    assert made.digest in body
    listing = client.get(reverse("assessments:certificates")).content.decode()
    assert reverse("assessments:certificate", args=[made.pk]) in listing
    assert not Organization.objects.filter(slug="riverside").exists()


def test_a_deletion_certificate_is_a_platform_admins_alone(world):
    made = DeletionCertificate.objects.create(
        organization_id=999, organization_slug="gone", organization_name="Gone Practice",
        assessment_name="gone", requested_by="the owner", digest="0" * 64)
    url = reverse("assessments:certificate", args=[made.pk])
    for role in Role:
        if role is Role.PLATFORM_ADMIN:
            continue
        client = page(world.user(role))
        assert client.get(url).status_code == 404, role
        assert client.get(reverse("assessments:certificates")).status_code == 403, role
    admin = page(world.user(Role.PLATFORM_ADMIN))
    assert "Gone Practice" in admin.get(url).content.decode()
    assert 'data-testid="tampered"' in admin.get(url).content.decode()
