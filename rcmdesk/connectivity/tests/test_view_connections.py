"""The connections list: the client admin's alone (partners and the client's other people
get the site's refusal and no menu entry); it says when and by whom each secret was set,
never what it is."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity import services
from rcmdesk.connectivity.tests.connection_factories import PASSWORD, sftp_connection
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = "/connections/"


def test_with_no_connections_the_admin_is_told_what_that_means(world: World,
                                                              signed_in: Any) -> None:
    page = signed_in(Role.CLIENT_ADMIN).get(URL)
    assert page.status_code == 200
    assert 'data-testid="no-connections"' in page.content.decode()


def test_a_connection_shows_where_it_goes_and_who_set_its_secret(world: World,
                                                                 signed_in: Any) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    services.set_secret(connection, "password", PASSWORD, acting_user=admin)
    text = signed_in(Role.CLIENT_ADMIN).get(URL).content.decode()
    assert "acme@127.0.0.1:2222" in text
    assert "SFTP mailbox" in text
    assert "by acme.admin" in text
    assert "SSH private key</a>:" in text
    assert "not set" in text
    assert PASSWORD not in text


def test_the_listing_is_audited(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    signed_in(Role.CLIENT_ADMIN).get(URL)
    event = AuditEvent.objects.get(action="list", object_type="connectivity.connection")
    assert event.detail == {"connection_ids": [connection.pk]}


def test_another_clients_connections_are_not_listed(world: World, signed_in: Any) -> None:
    sftp_connection(world.birch, world.birch_admin, name="Birch mailbox")
    assert "Birch mailbox" not in signed_in(Role.CLIENT_ADMIN).get(URL).content.decode()


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA,
                                  Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PLATFORM_ADMIN])
def test_everyone_else_is_refused_and_has_no_menu_entry(world: World, signed_in: Any,
                                                        role: Role) -> None:
    browser = signed_in(role)
    assert browser.get(URL).status_code == 403
    home = browser.get("/", follow=True).content.decode()
    assert 'data-testid="nav-connections"' not in home
    assert 'href="/connections/"' not in home


def test_the_client_admin_finds_it_in_the_admin_menu(world: World, signed_in: Any) -> None:
    home = signed_in(Role.CLIENT_ADMIN).get("/", follow=True).content.decode()
    assert 'data-testid="nav-connections"' in home


def test_every_connection_page_reads_as_words_with_none_and_with_one(world: World,
                                                                    signed_in: Any) -> None:
    """The crawler's judgement on program output, over the pages' text, before and after a
    connection of each kind exists (the crawl itself needs the demo and a browser)."""
    from django.utils.html import strip_tags

    from rcmdesk.connectivity.tests.connection_factories import core_values
    from rcmdesk.web.tests.crawl_checks import raw_values

    browser = signed_in(Role.CLIENT_ADMIN)
    admin = world.user(Role.CLIENT_ADMIN)
    pages = [URL, "/connections/add"]
    assert not raw_values(strip_tags(browser.get(URL).content.decode()))
    sftp = sftp_connection(world.acme, admin)
    services.set_secret(sftp, "password", PASSWORD, acting_user=admin)
    core = services.create_connection(world.acme, core_values(), acting_user=admin)
    pages += [f"/connections/{c.pk}/" for c in (sftp, core)]
    pages += [f"/connections/{sftp.pk}/secret/password",
              f"/connections/{core.pk}/secret/client_cert"]
    for url in pages:
        page = browser.get(url)
        assert page.status_code == 200, url
        assert not raw_values(strip_tags(page.content.decode())), url
