"""The new-visit form: saves a visit for a client the person works for."""

from __future__ import annotations

from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit
from rcmdesk.tenancy.roles import Role

FORM = {"client": "acme", "scheduled_on": "2026-12-01", "last_name": "Smith",
        "first_name": "John", "birth_date": "1963-05-19", "sex": "M", "payer_id": "P1",
        "payer_name": "", "member_id": "M1", "provider_npi": "", "service_types": "30 98",
        "procedures": "99213"}


def test_staff_save_a_visit_and_land_on_its_page(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(Role.CLIENT_STAFF)
    assert client.get(reverse("eligibility:new")).status_code == 200
    response = client.post(reverse("eligibility:new"), FORM)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("eligibility:visit", args=[visit.pk])
    assert (visit.service_types, visit.procedures) == (["30", "98"], ["99213"])


def test_a_bad_service_type_is_shown_on_the_form_and_nothing_is_saved(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(Role.CLIENT_STAFF).post(reverse("eligibility:new"),
                                                 {**FORM, "service_types": "30 ???"})
    assert response.status_code == 400
    assert "Not a valid service type" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_client_admin_may_not_enter_visits(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(Role.CLIENT_ADMIN).get(reverse("eligibility:new")).status_code == 403


def test_a_client_outside_the_persons_sight_cannot_be_chosen(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(Role.CLIENT_STAFF).post(reverse("eligibility:new"),
                                                 {**FORM, "client": "birch"})
    assert response.status_code == 400
    assert not Visit.objects.exists()
