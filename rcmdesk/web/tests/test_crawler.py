"""The crawler: every page as every role, held to the quality gate of issue 18.

It signs in as one demo persona of each role, visits every page the header links to and the
detail pages behind the first rows of each table or list there, then one page of every route
linked from those pages (up to three links away) that it has not rendered yet, so a page
reached only from another page's links is judged too; at 1280x800 and again at 1024x768 (one
page per route), and fails on: horizontal overflow at 1280 (and, at 1024, a header control
pushed off the screen), a console error or CSP violation, an axe-core violation of impact
serious or critical, program output in the visible text (crawl_checks.raw_values), a link that
answers 403/404/5xx to that user, and a page slower than 500 ms of server time (Server-Timing).

It runs against the real demo back office, built in a var dir of its own by the same commands a
newcomer types (``rcmdesk migrate``, ``rcmdesk demo``, ``rcmdesk serve``), because the gate is
about what a billing team sees on realistic data, not about fixtures. While pages are being
fixed, ``RCMDESK_CRAWL_URL`` (and ``RCMDESK_CRAWL_VAR``, the var dir whose secret key derives
the demo logins) point it at a server already running, which saves the two minutes of build.
``RCMDESK_CRAWL_REPORT`` names a file for the findings as JSON; ``RCMDESK_CRAWL_TRACE`` a file
that gets one line per page as it is rendered (which page a slow crawl is on).

Only GET is ever sent, and sign-out is never followed: a crawl changes nothing but the audit
trail. The database is SQLite in its own processes, so the PostgreSQL pass skips it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from rcmdesk.web.tests.crawl_checks import raw_values, server_ms, url_pattern
from rcmdesk.web.tests.test_browser_login import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.crawler,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                       "/usr/bin/chromium; the crawler needs it"),
    pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="the crawled server runs on a SQLite demo of its own; the SQLite "
                       "pass runs it"),
]

# One demo persona per role (rcmdesk/demo/personas.py).
PERSONAS = ("acme.admin", "acme.manager", "acme.staff", "pillar.lead", "pillar.specialist",
            "pillar.qa", "platform.admin")
KINDS = ("overflow", "console", "axe", "raw", "dead_links", "slow")
WIDE: Any = {"width": 1280, "height": 800}  # Playwright's ViewportSize
NARROW: Any = {"width": 1024, "height": 768}
SLOW_MS = 500
PER_ROUTE = 3  # detail pages visited, and links checked, per route and role
REACH_STEPS = 3  # links followed beyond the first rows, for routes not yet rendered
DEAD = {403, 404}
# Never followed: they end the session, or are not pages a person reads.
SKIP = ("/logout", "/sign-out", "/static/", "/media/")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# Installed before any page script runs (not subject to the page's CSP): every violation the
# browser reports is kept for the crawler to read.
CSP_LISTENER = """
window.__crawlCsp = [];
document.addEventListener("securitypolicyviolation", e => window.__crawlCsp.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}` +
    (e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : "")));
"""

# What the crawler reads from a rendered page, in one round trip.
READ_PAGE = """
() => {
  const here = v => {
    try { const u = new URL(v, document.baseURI);
          return u.origin === location.origin ? u.href.split("#")[0] : null; }
    catch (e) { return null; }
  };
  const all = (sel, attr, root = document) =>
    [...root.querySelectorAll(sel)].map(e => here(e.getAttribute(attr)));
  const rows = [];
  for (const table of document.querySelectorAll("main table")) {
    const body = [...table.querySelectorAll(":scope > tbody > tr")];
    const data = body.length ? body : [...table.rows].filter(r => r.querySelector("td"));
    rows.push(...data.slice(0, 3));
  }
  for (const list of document.querySelectorAll("main ul, main ol")) {
    if (!list.closest("nav, header, details.dropdown"))
      rows.push(...[...list.children].filter(c => c.tagName === "LI").slice(0, 3));
  }
  const edge = document.documentElement.clientWidth;
  const offscreen = [];
  for (const e of document.querySelectorAll("header :is(a, button, summary, input)")) {
    const box = e.getBoundingClientRect();
    const name = (e.innerText || e.getAttribute("aria-label") || e.tagName).trim();
    if (box.width > 0 && box.right > edge + 1)
      offscreen.push(`${name} (right edge ${Math.round(box.right)})`);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    text: document.body ? document.body.innerText : "",
    nav: all("header a[href], nav a[href]", "href"),
    anchors: all("main a[href]", "href"),
    links: [...all("a[href]", "href"), ...all("[hx-get]", "hx-get"),
            ...all("form[method=get][action], form[method=GET][action]", "action")],
    details: rows.flatMap(r => all("a[href]", "href", r)),
    offscreen, csp: window.__crawlCsp || [],
  };
}
"""

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                target: v.nodes[0].target.join(" "), html: v.nodes[0].html.slice(0, 160)}));
}
"""


class Stopwatch:
    """Seconds spent per phase of the crawl, printed with the summary: where the time goes."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.monotonic() - started

    def line(self) -> str:
        return ", ".join(f"{phase} {seconds:.0f} s" for phase, seconds in self.seconds.items())


SPENT = Stopwatch()


@dataclass(frozen=True)
class Finding:
    kind: str      # one of KINDS
    role: str      # the persona's username
    viewport: str  # "1280" or "1024"
    url: str
    what: str

    @property
    def pattern(self) -> str:
        return url_pattern(self.url)


@dataclass
class Link:
    status: int
    html: bool
    final_url: str


@dataclass
class RoleCrawl:
    """One persona's crawl: its browser context, what it has checked, what it found."""

    role: str
    context: Any
    page: Any
    login_path: str
    findings: list[Finding] = field(default_factory=list)
    links: dict[str, Link] = field(default_factory=dict)
    per_route: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    axed: set[str] = field(default_factory=set)  # routes axe-core has checked

    def find(self, kind: str, viewport: str, url: str, what: str) -> None:
        self.findings.append(Finding(kind, self.role, viewport, url, what))

    def check_link(self, url: str, on_page: str) -> Link | None:
        """GET a link through the context (same cookies, no rendering), once per URL and at
        most PER_ROUTE URLs per route; a 403/404/5xx or a bounce to sign-in is a dead link."""
        if url in self.links:
            return self.links[url]
        route = url_pattern(url)
        if self.per_route[route] >= PER_ROUTE:
            return None
        self.per_route[route] += 1
        response = self.context.request.get(url, timeout=60_000)
        link = Link(response.status, "text/html" in response.headers.get("content-type", ""),
                    response.url)
        response.dispose()
        self.links[url] = link
        if link.status in DEAD or link.status >= 500:
            self.find("dead_links", "1280", on_page, f"{url} answers {link.status}")
        elif link.final_url.split("?")[0].endswith(self.login_path):
            self.find("dead_links", "1280", on_page, f"{url} signs the user out")
        return link

    def server_time(self, url: str, first: float | None) -> float | None:
        """The page's server time; over the limit it is measured twice more and the fastest
        kept, so one request that waited for a busy CPU (2 cores, shared) is not a finding."""
        if first is None or first <= SLOW_MS:
            return first
        times = [first]
        for _ in range(2):
            response = self.context.request.get(url, timeout=60_000)
            times.append(server_ms(response.headers.get("server-timing")) or first)
            response.dispose()
        return min(times)


def test_every_page_as_every_role_passes_the_quality_gate(demo_server, capsys):
    base_url, var_dir = demo_server
    started = time.monotonic()
    crawls = crawl(base_url, logins(var_dir))
    pages = sum(len(c.visited) for c in crawls)
    findings = [f for c in crawls for f in c.findings]
    counts = Counter(f.kind for f in findings)
    summary = (f"pages={pages} roles={len(crawls)} "
               + " ".join(f"{kind}={counts[kind]}" for kind in KINDS))
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(f"\n{summary}\ncrawl took {seconds:.0f} s ({SPENT.line()}); load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if report := os.environ.get("RCMDESK_CRAWL_REPORT"):
        Path(report).write_text(json.dumps({
            "summary": summary, "seconds": round(seconds), "spent": SPENT.seconds,
            "pages": {c.role: c.visited for c in crawls},
            "findings": [asdict(f) | {"pattern": f.pattern} for f in findings],
        }, indent=1))
    assert not findings, f"{summary}\n" + readable(findings)


def readable(findings: list[Finding]) -> str:
    return "\n".join(f"{f.kind:<10} {f.role:<17} {f.viewport} {f.url}  {f.what}"
                     for f in sorted(findings, key=lambda f: (f.kind, f.pattern, f.role)))


def crawl(base_url: str, accounts: dict[str, tuple[str, str | None]]) -> list[RoleCrawl]:
    """Each persona in turn, in a browser context of its own."""
    from playwright.sync_api import sync_playwright

    axe_source = AXE.read_text(encoding="utf-8")
    crawls = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            for username in PERSONAS:
                password, totp_hex = accounts[username]
                context = browser.new_context(base_url=base_url, viewport=WIDE)
                context.set_default_timeout(30_000)
                context.add_init_script(CSP_LISTENER)
                one = RoleCrawl(username, context, context.new_page(), reverse("accounts:login"))
                one.page.on("console", lambda m, o=one: o.errors.append(m.text)
                            if m.type == "error" else None)
                one.page.on("pageerror", lambda e, o=one: o.errors.append(str(e)))
                sign_in(one.page, username, password, totp_hex)
                crawl_role(one, axe_source)
                crawls.append(one)
                context.close()
        finally:
            browser.close()
    return crawls


def crawl_role(one: RoleCrawl, axe_source: str) -> None:
    """The header's pages, then the detail pages of their first rows, at 1280; the first page
    of each route again at 1024."""
    home = one.page.url.split("#")[0]
    nav = [home, *dict.fromkeys(u for u in read(one.page)["nav"] if followable(u))]
    visited = one.visited
    details: list[str] = []
    anchors: list[str] = []
    for url in nav:
        if url not in visited and (data := visit(one, url, axe_source)) is not None:
            visited.append(url)
            details += [d for d in data["details"] if followable(d) and d not in nav]
            anchors += data["anchors"]
    for url in dict.fromkeys(details):
        if (url not in visited and one.check_link(url, url) is not None
                and (data := visit(one, url, axe_source)) is not None):
            visited.append(url)
            anchors += data["anchors"]
    reach_every_route(one, axe_source, anchors)
    one.page.set_viewport_size(NARROW)
    for url in first_of_each_route(visited):
        visit_narrow(one, url)


def reach_every_route(one: RoleCrawl, axe_source: str, anchors: list[str]) -> None:
    """Pages reached only through another page's links (an engagement's onboarding path, a
    calculator linked from the QA pages): one page of each route not yet rendered, up to
    ``REACH_STEPS`` links away, so every page a person can reach is judged at least once per
    role, not only those in the header and the first rows of its lists. Links in ``main``
    only (the header's are the nav), and only anchors (an ``hx-get`` is a fragment); a route
    is its path (its sort and filter variants are one page), Django's admin left out."""
    for _ in range(REACH_STEPS):
        rendered = {path_pattern(u) for u in one.visited}
        frontier: dict[str, str] = {}
        for href in anchors:
            if (href and followable(href) and not is_django_admin(href)
                    and path_pattern(href) not in rendered):
                frontier.setdefault(path_pattern(href), href)
        anchors = []
        for url in frontier.values():
            if url not in one.visited and (data := visit(one, url, axe_source)) is not None:
                one.visited.append(url)
                anchors += data["anchors"]
        if not anchors:
            return


def path_pattern(url: str) -> str:
    """A route without its query: a list sorted or filtered another way is the same page."""
    return url_pattern(url.split("?")[0])


def is_django_admin(url: str) -> bool:
    """Django's own admin (the platform admin's tool, its templates not ours): its sort and
    filter links are endless, and the header's entry already renders it."""
    return urlsplit(url).path.startswith("/admin/")


def first_of_each_route(urls: list[str]) -> list[str]:
    """One URL per route: the checks that depend on the template rather than the row (axe,
    the 1024 pass) run once per route and role, which halves the crawl."""
    first: dict[str, str] = {}
    for url in urls:
        first.setdefault(url_pattern(url), url)
    return list(first.values())


def visit(one: RoleCrawl, url: str, axe_source: str) -> dict[str, Any] | None:
    """Render one page at 1280 and apply every check; None when it is not an HTML page this
    user may open (its status was judged as a link)."""
    link = one.check_link(url, url)
    if link is None or link.status != 200 or not link.html:
        return None
    if trace := os.environ.get("RCMDESK_CRAWL_TRACE"):
        with open(trace, "a") as out:
            out.write(f"{time.strftime('%H:%M:%S')} {one.role} {url}\n")
    with SPENT.timing("render 1280"):
        response, data = render(one, url, "1280")
    if data is None:
        return None
    if data["scrollWidth"] > data["innerWidth"]:
        one.find("overflow", "1280", url, f"page is {data['scrollWidth']} px wide in a "
                 f"{data['innerWidth']} px window")
    report_console(one, "1280", url, data)
    check_text(one, url, data["text"])
    for v in run_axe(one, url, axe_source):
        one.find("axe", "1280", url, f"{v['impact']} {v['id']} ({v['help']}) x{v['count']}: "
                 f"{v['target']} {v['html']}")
    ms = one.server_time(url, response and server_ms(response.header_value("server-timing")))
    if ms is not None and ms > SLOW_MS:
        one.find("slow", "1280", url, f"{ms:.0f} ms of server time")
    with SPENT.timing("links"):
        for href in dict.fromkeys(data["links"]):
            if followable(href):
                one.check_link(href, url)
    return data


def check_text(one: RoleCrawl, url: str, text: str) -> None:
    """Each offending value once per page (a money column of 50 rows is one finding per
    amount, not per cell), with the line it stands in."""
    samples: dict[tuple[str, str], str] = {}
    for raw in raw_values(text):
        samples.setdefault((raw.what, raw.token), raw.sample)
    for (what, token), sample in samples.items():
        one.find("raw", "1280", url, f"{what} {token!r}: {sample}")


def run_axe(one: RoleCrawl, url: str, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations, on the first page of each route. The
    source goes in through the DevTools protocol (page.evaluate), which the page's CSP does
    not govern, so production pages never load it and the CSP stays strict."""
    if url_pattern(url) in one.axed:
        return []
    one.axed.add(url_pattern(url))
    with SPENT.timing("axe"):
        one.page.evaluate(axe_source)
        violations: list[dict[str, Any]] = one.page.evaluate(RUN_AXE)
    return violations


def visit_narrow(one: RoleCrawl, url: str) -> None:
    """At 1024 only what is cheap and can differ by width: console errors, and header
    controls that fall off the right edge (the page itself may scroll sideways there)."""
    with SPENT.timing("render 1024"):
        _, data = render(one, url, "1024")
    if data is None:
        return
    report_console(one, "1024", url, data)
    for control in data["offscreen"]:
        one.find("overflow", "1024", url, f"header control off screen: {control}")


def render(one: RoleCrawl, url: str, viewport: str) -> tuple[Any, dict[str, Any] | None]:
    """Open the page, wait for its htmx loads, read it; a page that does not load (a timeout,
    a crash) is a finding, and the crawl goes on."""
    from playwright.sync_api import Error

    one.errors.clear()
    try:
        response = one.page.goto(url, wait_until="load")
        settle(one.page)
        return response, read(one.page)
    except Error as error:
        one.find("console", viewport, url, f"page did not load: {error.message[:200]}")
        return None, None


def report_console(one: RoleCrawl, viewport: str, url: str, data: dict[str, Any]) -> None:
    # The browser's own console line for a CSP violation repeats what the listener recorded.
    messages = [e for e in one.errors if "Content Security Policy" not in e]
    messages += [f"CSP violation: {c}" for c in data["csp"]]
    for message in dict.fromkeys(messages):
        one.find("console", viewport, url, message[:300])


def read(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = page.evaluate(READ_PAGE)
    return data


def settle(page: Any) -> None:
    """Wait for htmx requests the page fires on load (hx-trigger="load") to finish."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=10_000)


def followable(url: str | None) -> bool:
    return bool(url) and not any(part in str(url) for part in SKIP)


def sign_in(page: Any, username: str, password: str, totp_hex: str | None) -> None:
    """Through the sign-in pages; a TOTP code the server saw in this 30-second step (a
    crawl run twice against one server) is refused, so the next step's code is tried then."""
    from playwright.sync_api import expect

    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")
    for steps_ahead in (0, 1, 2):
        if totp_hex is None or page.get_by_test_id("otp-form").count() == 0:
            break
        page.get_by_label("Authentication code").fill(totp_code(totp_hex, steps_ahead))
        page.get_by_test_id("otp-submit").click()
        page.wait_for_load_state("load")
    expect(page.get_by_test_id("logout")).to_be_attached()


def totp_code(key_hex: str, steps_ahead: int = 0) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key_hex), t0=-30 * steps_ahead):06d}"


def logins(var_dir: Path) -> dict[str, tuple[str, str | None]]:
    """Each persona's password and TOTP key, derived as ``rcmdesk demo`` derives them from the
    installation's secret key (rcmdesk/demo/personas.py): nothing to scrape from its table."""
    from rcmdesk.demo.personas import PERSONAS as DEMO
    from rcmdesk.demo.personas import demo_password, demo_totp_key

    secret = (var_dir / "secret_key").read_text().strip()
    roles = {p.username: p.role for p in DEMO}
    return {name: (demo_password(secret, name),
                   demo_totp_key(secret, name) if roles[name].requires_two_factor else None)
            for name in PERSONAS}


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo back office served on a free loopback port (or the one RCMDESK_CRAWL_URL
    names): base URL and var dir."""
    if url := os.environ.get("RCMDESK_CRAWL_URL"):
        yield url.rstrip("/"), Path(os.environ["RCMDESK_CRAWL_VAR"])
        return
    var_dir = tmp_path_factory.mktemp("crawl") / "var"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "RCMDESK_SECRET_KEY")}
    env.update(RCMDESK_VAR_DIR=str(var_dir), RCMDESK_HTTPS="false")
    with demo_back_office(env) as base_url:
        yield base_url, var_dir


@contextmanager
def demo_back_office(env: dict[str, str], serve_args: tuple[str, ...] = (),
                     timeout: int = 600) -> Iterator[str]:
    """The demo built by the commands a newcomer types (``rcmdesk migrate``, ``rcmdesk
    demo``) in the var dir ``env`` names, and served (``rcmdesk serve``, no job worker) on a
    free loopback port: its base URL. Shared with bench/web.py, which loads the same office."""
    for command in (["migrate"], ["demo"]):
        subprocess.run([sys.executable, "-m", "rcmdesk.cli", *command], env=env, check=True,
                       capture_output=True, timeout=timeout)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rcmdesk.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--no-background", *serve_args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_answering(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(base_url + reverse("accounts:login"), timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"rcmdesk serve did not answer on {base_url}")
