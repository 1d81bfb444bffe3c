"""Headless Chromium signs in as the partner specialist and sits idle until logged off.

Runs against pytest-django's in-process ``live_server`` over plain HTTP, so the Secure cookie
flags are switched off for these tests only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.accounts.tests.helpers import code_for, confirmed_device
from rcmdesk.conftest import PASSWORD
from rcmdesk.tenancy.roles import Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path("/tmp/home.png")

# What every browser test file is: ``pytestmark = BROWSER_TEST``.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                       "/usr/bin/chromium; browser tests need it"),
]
pytestmark = BROWSER_TEST


@pytest.fixture
def http_cookies(settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def page(live_server: Any, http_cookies: None, monkeypatch: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": 1280, "height": 800})
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.csp_errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def _sign_in(page: Any, world: Any, role: Role, steps_ahead: int = 0) -> None:
    """Sign in through the pages. A TOTP code works once, so a second sign-in within the
    same 30-second step needs the next step's code (``steps_ahead=1``)."""
    from playwright.sync_api import expect

    user = world.user(role)
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    if role.requires_two_factor:
        expect(page.get_by_test_id("otp-form")).to_be_visible()
        code = code_for(confirmed_device(user), steps_ahead)
        page.get_by_label("Authentication code").fill(code)
        page.get_by_test_id("otp-submit").click()
    expect(page).to_have_url(_url(page, reverse("web:home")))
    expect(page.get_by_test_id("who")).to_contain_text(user.username)


def test_the_partner_specialist_signs_in_with_totp_and_sees_only_assigned_clients(page, world):
    from playwright.sync_api import expect

    _sign_in(page, world, Role.PARTNER_SPECIALIST)

    cards = page.get_by_test_id("client-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Acme Family Medicine")
    expect(page.locator("main")).not_to_contain_text("Birch")
    expect(cards.first.locator("footer")).to_contain_text("no open items")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.get_by_test_id("who").click()  # Sign out is in the account menu
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    page.goto(reverse("web:home"))
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_an_idle_session_is_logged_off_even_while_a_poll_runs(page, world, settings):
    from playwright.sync_api import expect

    settings.RCMDESK_IDLE_TIMEOUT = timedelta(seconds=4)

    # A page left alone: the next navigation after the timeout lands on the login page.
    _sign_in(page, world, Role.PARTNER_SPECIALIST)
    time.sleep(5)
    page.goto(reverse("web:home"))
    expect(page).to_have_url(_login_url(page, "idle"))
    expect(page.get_by_test_id("expired")).to_contain_text("inactivity")

    # A page with an htmx poll every second: the polls carry X-RCM-Background and hit a
    # background_poll view, so they never extend the session; the first poll after the
    # timeout gets 401 + HX-Redirect and the browser lands on the login page by itself.
    _sign_in(page, world, Role.PARTNER_SPECIALIST, steps_ahead=1)
    polls: list[dict[str, str]] = []
    page.on("request", lambda r: polls.append(r.headers) if "queue-counts" in r.url else None)
    page.evaluate(
        """url => {
            const probe = document.createElement("span");
            probe.setAttribute("hx-get", url);
            probe.setAttribute("hx-trigger", "every 1s");
            probe.setAttribute("data-testid", "poll-probe");
            document.querySelector("main").appendChild(probe);
            htmx.process(probe);
        }""",
        reverse("web:queue_counts", args=["acme"]),
    )
    page.wait_for_url(_login_url(page, "idle"), timeout=15_000)
    expect(page.get_by_test_id("expired")).to_contain_text("inactivity")
    htmx_polls = [h for h in polls if "hx-request" in h]
    assert len(htmx_polls) >= 3, "the page should have polled several times before logging off"
    assert all(h.get("x-rcm-background") == "1" for h in htmx_polls)


def _url(page: Any, path: str) -> str:
    return "/".join(page.url.split("/", 3)[:3]) + path


def _login_url(page: Any, reason: str) -> str:
    return _url(page, reverse("accounts:login") + f"?expired={reason}")
