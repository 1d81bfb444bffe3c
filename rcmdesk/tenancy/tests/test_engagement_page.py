"""The engagement page: everyone in sight reads it; the client admin edits scope; the
partner lead assigns."""

from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import make_user, sign_in
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role


def page(world):
    return reverse("tenancy:engagement", args=[world.acme_engagement.pk])


def test_it_shows_scope_and_assigned_staff_to_a_partner_specialist(world):
    response = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST)).get(page(world))
    assert response.status_code == 200
    body = response.content.decode()
    scope = body.split('data-testid="scope"')[1].split("</p>")[0]
    assert ">AR follow-up</span>" in scope
    assert "pillar.specialist" in body
    assert "Save scope" not in body


def test_reading_it_is_audited_on_the_clients_trail(world):
    sign_in(Client(), world.user(Role.PARTNER_QA)).get(page(world))
    event = AuditEvent.objects.filter(action="read").latest("id")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(world.acme_engagement.pk))


def test_the_client_admin_saves_scope_from_the_form(world):
    client = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    assert "Save scope" in client.get(page(world)).content.decode()
    client.post(reverse("tenancy:change_scope", args=[world.acme_engagement.pk]),
                {"scope": ["posting", "denials"]})
    world.acme_engagement.refresh_from_db()
    assert world.acme_engagement.scope == ["denials", "posting"]


def test_a_partner_lead_posting_the_scope_form_gets_403(world):
    client = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    response = client.post(reverse("tenancy:change_scope", args=[world.acme_engagement.pk]),
                           {"scope": ["posting"]})
    assert response.status_code == 403


def test_the_partner_lead_assigns_and_removes_staff(world):
    newcomer = make_user("pillar.new", Role.PARTNER_SPECIALIST, world.pillar)
    client = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    client.post(reverse("tenancy:assign", args=[world.acme_engagement.pk]),
                {"username": "pillar.new"})
    assignment = Assignment.objects.get(user=newcomer)
    client.post(reverse("tenancy:unassign", args=[world.acme_engagement.pk, assignment.pk]))
    assert not Assignment.objects.filter(user=newcomer).exists()


def test_assigning_a_client_user_is_refused_with_a_message(world):
    client = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    response = client.post(reverse("tenancy:assign", args=[world.acme_engagement.pk]),
                           {"username": "acme.staff"}, follow=True)
    assert b"No such user" in response.content
    assert not Assignment.objects.filter(user=world.user(Role.CLIENT_STAFF)).exists()


def test_the_client_page_lists_only_engagements_the_viewer_sees(world):
    response = sign_in(Client(), world.user(Role.CLIENT_STAFF)).get(
        reverse("tenancy:client", args=["acme"]))
    assert b"Acme AR" in response.content
    assert b"Birch" not in response.content


def test_the_partner_lead_picks_people_from_a_list_with_roles_in_words(world):
    make_user("pillar.new", Role.PARTNER_SPECIALIST, world.pillar)
    body = sign_in(Client(), world.user(Role.PARTNER_LEAD)).get(page(world)).content.decode()
    picker = body.split('data-testid="assign-form"')[1].split("</form>")[0]
    assert '<label for="id_username">Person to assign</label>' in picker
    assert '<option value="pillar.new">' in picker
    assert "acme.staff" not in picker
    assert "partner_specialist" not in body.split("<main")[1]
    assert "Partner specialist" in picker or "Specialist" in picker


def test_the_engagement_and_client_pages_speak_office_words(world):
    client = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    body = client.get(page(world)).content.decode()
    facts = body.split('data-testid="engagement-facts"')[1].split("</p>")[0]
    start = world.acme_engagement.start_date
    assert f"from {start:%m/%d/%Y}" in facts
    assert '<legend>Workflows in scope</legend>' in body
    client_page = client.get(reverse("tenancy:client", args=["acme"])).content.decode()
    assert "slug" not in client_page.lower().split("<main")[1]
    assert "acme ·" not in client_page
