"""The demo back office and the CLI commands around it."""

import pytest
from typer.testing import CliRunner

from rcmdesk.accounts.models import User
from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import verify
from rcmdesk.cli import app
from rcmdesk.demo.services import build_demo
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.tenancy.visibility import visibility_for

runner = CliRunner()


def counts():
    return tuple(m.objects.count() for m in (Organization, Engagement, Assignment, User,
                                             AuditEvent))


@pytest.mark.django_db
def test_the_demo_has_a_user_for_every_role():
    build_demo()
    assert {u.role for u in User.objects.all()} == {r.value for r in Role}


@pytest.mark.django_db
def test_running_the_demo_twice_duplicates_nothing():
    first = build_demo()
    before = counts()
    second = build_demo()
    assert counts() == before
    assert first == second


@pytest.mark.django_db
def test_demo_engagements_have_different_scopes_and_one_has_ended():
    build_demo()
    specialist = User.objects.get(username="pillar.specialist2")
    clients = {Organization.objects.get(pk=c).slug
               for c in visibility_for(specialist).client_ids}
    assert clients == {"acme", "birch"}  # cedar's engagement has ended


@pytest.mark.django_db
def test_the_demo_leaves_an_intact_audit_chain():
    build_demo()
    assert verify()[1] is None


@pytest.mark.django_db
def test_orgs_list_prints_slugs_one_per_line():
    build_demo()
    assert runner.invoke(app, ["orgs", "list"]).output.split() == [
        "acme", "birch", "cedar", "pillar"]
    assert runner.invoke(app, ["orgs", "list", "--kind", "partner"]).output.split() == ["pillar"]


@pytest.mark.django_db
def test_orgs_list_refuses_an_unknown_kind():
    result = runner.invoke(app, ["orgs", "list", "--kind", "vendor"])
    assert result.exit_code == 2


@pytest.mark.django_db
def test_users_create_validates_the_password(monkeypatch):
    build_demo()
    monkeypatch.setenv("RCMDESK_NEW_PASSWORD", "short")
    result = runner.invoke(app, ["users", "create", "acme.new", "--role", "client_staff",
                                 "--org", "acme"])
    assert result.exit_code == 1
    assert "too short" in result.output
    monkeypatch.setenv("RCMDESK_NEW_PASSWORD", "a-much-longer-passphrase-42")
    result = runner.invoke(app, ["users", "create", "acme.new", "--role", "client_staff",
                                 "--org", "acme"])
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="acme.new").organization.slug == "acme"


@pytest.mark.django_db
def test_users_create_refuses_a_role_that_does_not_fit_the_org(monkeypatch):
    build_demo()
    monkeypatch.setenv("RCMDESK_NEW_PASSWORD", "a-much-longer-passphrase-42")
    result = runner.invoke(app, ["users", "create", "odd", "--role", "partner_lead",
                                 "--org", "acme"])
    assert result.exit_code == 1
    assert not User.objects.filter(username="odd").exists()


@pytest.mark.django_db
def test_audit_export_writes_one_clients_events(tmp_path):
    build_demo()
    out = tmp_path / "acme.csv"
    result = runner.invoke(app, ["audit", "export", "--client", "acme", "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("seq,at,")
    assert len(lines) > 1


@pytest.mark.django_db
def test_manage_passes_options_through_to_django():
    result = runner.invoke(app, ["manage", "makemigrations", "--check", "--dry-run"])
    assert result.exit_code == 0, result.output


@pytest.mark.django_db
def test_creating_a_partner_user_prints_a_one_time_enrolment_link(monkeypatch):
    build_demo()
    monkeypatch.setenv("RCMDESK_NEW_PASSWORD", "a-much-longer-passphrase-42")
    result = runner.invoke(app, ["users", "create", "pillar.new", "--role",
                                 "partner_specialist", "--org", "pillar"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/accounts/invite/" in result.output


@pytest.mark.django_db
def test_users_invite_with_reset_removes_the_old_device():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    build_demo()
    result = runner.invoke(app, ["users", "invite", "pillar.qa", "--reset"])
    assert result.exit_code == 0, result.output
    assert not TOTPDevice.objects.filter(user__username="pillar.qa").exists()
