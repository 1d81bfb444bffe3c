"""The demo's prospect: Riverside, its admin's login and its files, loaded once."""

import pytest

from rcmdesk.assessments.access import assessments_for
from rcmdesk.demo.assessment import RIVERSIDE, build_assessment
from rcmdesk.demo.services import build_demo
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.tenancy.models import Organization

CLAIMS = 40


@pytest.mark.django_db
def test_riverside_is_a_prospect_with_its_admin_and_its_files_loaded_once():
    build_demo()
    built = build_assessment(claims=CLAIMS, compute=False)
    assert built.report is not None
    assert built.report.ok, built.report.files
    client = Organization.objects.get(slug=RIVERSIDE.slug)
    assert client.prospect
    assert built.login.username == "riverside.admin"
    assert built.login.totp_base32  # a client admin signs in with a second factor
    admin = client.members.get()
    files = ReceivedFile.objects.filter(client=client).count()
    assert files == len(built.report.files)
    again = build_assessment(claims=CLAIMS, compute=False)
    assert again.report is None
    assert ReceivedFile.objects.filter(client=client).count() == files
    assert again.assessment == built.assessment
    assert list(assessments_for(admin)) == [built.assessment]
