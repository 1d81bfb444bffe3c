"""The "Test connection" button: a client admin learns in words whether the mailbox works."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.conftest import sign_in
from rcmdesk.connectivity.tests.simulated import running_simulator  # noqa: F401
from rcmdesk.tenancy.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_testing_a_mailbox_logs_in_with_the_pinned_key_and_lists_its_folders(
        sim_mailbox, client):
    acme = Organization.objects.create(slug="acme", name="Acme", kind="client")
    connection = sim_mailbox.connection_for(acme)
    sign_in(client, connection.created_by)
    page = client.post(reverse("connectivity:test", args=[connection.pk]), follow=True)
    assert page.status_code == 200
    assert "host key matches the pinned one" in page.content.decode()


def test_a_mailbox_whose_host_key_changed_is_reported_not_trusted(sim_mailbox, client):
    acme = Organization.objects.create(slug="acme", name="Acme", kind="client")
    connection = sim_mailbox.connection_for(acme)
    connection.host_key = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC2i1yN0cX0Mj4n1bZ2q1Xl9o"
                           "Vq0o1JmY8JzRrYd9Qz7 other")
    connection.save()
    sign_in(client, connection.created_by)
    page = client.post(reverse("connectivity:test", args=[connection.pk]), follow=True)
    assert "Could not use" in page.content.decode()
