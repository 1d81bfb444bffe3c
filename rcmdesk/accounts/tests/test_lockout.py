"""django-axes: five failures for one username from one address pause sign-in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.tests.helpers import events, is_signed_in, post_login


def _fail(client: Client, times: int, username: str = "acme.staff"):
    response = None
    for _ in range(times):
        response = post_login(client, username, "wrong-password-xyz")
    return response


def test_it_locks_out_after_five_failures(world):
    client = Client()
    assert _fail(client, 4).status_code == 200
    fifth = _fail(client, 1)
    assert fifth.status_code == 429
    assert 'data-testid="locked-out"' in fifth.content.decode()
    response = post_login(client, "acme.staff")
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_four_failures_still_let_the_right_password_in(world):
    client = Client()
    _fail(client, 4)
    response = post_login(client, "acme.staff")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_success_resets_the_count(world):
    client = Client()
    _fail(client, 4)
    post_login(client, "acme.staff")
    client.post(reverse("accounts:logout"))
    assert _fail(client, 4).status_code == 200


def test_the_lockout_page_gives_an_attacker_nothing(world):
    body = _fail(Client(), 5).content.decode()
    assert "acme.staff" not in body
    assert "5" not in body.split('data-testid="locked-out"', 1)[1].split("</article>", 1)[0]
    assert "minutes" not in body


def test_the_lockout_is_audited(world):
    _fail(Client(), 5)
    assert len(events("login_failed")) == 5
    assert events("login_locked_out")[0].detail == {"username": "acme.staff"}


def test_a_lockout_is_per_username_so_other_accounts_still_sign_in(world):
    client = Client()
    _fail(client, 5)
    assert post_login(client, "acme.manager").status_code == 302


def test_an_xhr_lockout_answer_gives_an_attacker_nothing_either(world):
    client = Client()
    _fail(client, 5)
    response = client.post(reverse("accounts:login"),
                           {"username": "acme.staff", "password": "wrong-password-xyz"},
                           headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "acme.staff" not in body
    assert "failure_limit" not in body
