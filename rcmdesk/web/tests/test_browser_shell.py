"""The site's frame in Chromium: the header on one line at 1024 px for the longest menus,
and the generic behaviour of app.js (sortable tables, select-all, keyboard shortcuts with
their help overlay, the one message for a failed htmx request)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)
from rcmdesk.web.tests.test_search_page import _claim

pytestmark = BROWSER_TEST

HEADER_FITS = """() => {
  const bar = document.querySelector('nav.bar');
  const doc = document.documentElement;
  return {barOverflow: bar.scrollWidth - bar.clientWidth,
          pageOverflow: doc.scrollWidth - innerWidth, height: bar.getBoundingClientRect().height};
}"""


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.PLATFORM_ADMIN],
                         ids=lambda r: r.value)
def test_the_header_fits_on_one_line_at_1024_px(page, world: World, role):  # noqa: F811
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1024, "height": 768})
    _sign_in(page, world, role)
    fit = page.evaluate(HEADER_FITS)
    assert fit["barOverflow"] <= 0, fit
    assert fit["pageOverflow"] <= 0, fit
    assert fit["height"] < 56, fit  # one line of menus, not two
    page.get_by_test_id("who").click()
    expect(page.get_by_test_id("logout")).to_be_visible()


def _search_rows(browser_page: Any) -> list[str]:
    rows: list[str] = browser_page.locator("[data-testid=search-claim]").evaluate_all(
        "rows => rows.map(r => r.dataset.claim)")
    return rows


def test_a_sortable_table_sorts_by_its_cells_values_both_ways(page, world: World):  # noqa: F811
    from rcmdesk.claims.models import Claim

    for pcn, charge in (("RIV-1", "900.00"), ("RIV-2", "12000.00"), ("RIV-3", "75.50")):
        Claim.objects.filter(pk=_claim(world.acme, pcn).pk).update(total_charge=charge)
    _sign_in(page, world, Role.CLIENT_STAFF)
    page.goto(reverse("web:search") + "?q=rivera")
    charge = page.get_by_role("button", name="Charge")
    charge.click()
    assert _search_rows(page) == ["RIV-3", "RIV-1", "RIV-2"]
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Charge")
    charge.click()
    assert _search_rows(page) == ["RIV-2", "RIV-1", "RIV-3"]

    # j moves to the first row's link; Enter opens that claim
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/claims/*/")
    assert page.locator("main").inner_text().count("RIV-1") >= 1


INJECTED = """() => {
  const main = document.querySelector('main');
  main.insertAdjacentHTML('beforeend', `
    <form id="bulk">
      <input type="checkbox" data-select-all="item" aria-label="Select all" data-testid="all">
      <input type="checkbox" name="item" value="1" aria-label="one">
      <input type="checkbox" name="item" value="2" aria-label="two">
      <input type="checkbox" name="other" value="3" aria-label="other">
      <a href="#next-done" data-shortcut="n" data-shortcut-label="Next item">Next</a>
    </form>`);
}"""


def test_select_all_ticks_every_box_of_its_name_in_its_form(page, world: World):  # noqa: F811
    _sign_in(page, world, Role.CLIENT_STAFF)
    page.evaluate(INJECTED)
    page.get_by_test_id("all").check()
    assert page.get_by_label("one").is_checked()
    assert page.get_by_label("two").is_checked()
    assert not page.get_by_label("other").is_checked()
    page.get_by_label("two").uncheck()
    assert page.get_by_test_id("all").evaluate("b => b.indeterminate")
    page.get_by_label("two").check()
    assert page.get_by_test_id("all").is_checked()


def test_shortcut_keys_act_outside_text_fields_and_the_help_lists_them(page, world: World):  # noqa: F811
    from playwright.sync_api import expect

    _sign_in(page, world, Role.CLIENT_STAFF)
    page.evaluate(INJECTED)
    search = page.locator("[data-global-search]")

    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("n")  # typing in a field is typing, not a shortcut
    assert not page.url.endswith("#next-done")
    assert search.input_value() == "n"

    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url("**#next-done")

    opener = page.get_by_label("one")
    opener.focus()
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Next item")
    expect(help_dialog).to_contain_text("Search claims")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    expect(opener).to_be_focused()


def test_a_failed_htmx_request_says_so_in_place(page, world: World):  # noqa: F811
    from playwright.sync_api import expect

    _sign_in(page, world, Role.CLIENT_STAFF)
    page.evaluate("""() => {
      const b = document.createElement('button');
      b.textContent = 'Load missing'; b.setAttribute('hx-get', '/no-such-page/');
      b.setAttribute('data-testid', 'probe');
      document.querySelector('main').appendChild(b); htmx.process(b);
    }""")
    page.get_by_test_id("probe").click()
    trouble = page.get_by_test_id("request-trouble")
    expect(trouble).to_have_text("The server refused this: What you asked for was not found.")
    expect(trouble).to_have_attribute("role", "alert")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
