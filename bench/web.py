"""Benchmark the back office's pages under a team of signed-in users, on loopback.

The demo back office is built and served the way ``make run`` does it (``rcmdesk migrate``,
``rcmdesk demo``, ``rcmdesk serve --no-background``: gunicorn, ``--workers`` processes of 4
threads each), in a throwaway var dir; the build, the sign-in and the demo logins are the
crawler's (rcmdesk/web/tests/test_crawler.py), imported rather than copied, so the bench
measures the office a newcomer sees. On SQLite by default; on PostgreSQL when DATABASE_URL
names one (``scripts/with-postgres python bench/web.py``).

Every simulated user signs in through the pages (password, then a TOTP code for partner
roles) and keeps its own session and its own keep-alive connection; users are spread over
the demo's staff, specialist, manager and lead personas. At each level (16 users, then 32)
they loop, with no think time, for ``--seconds`` over: the workbench, an item page (items
linked from that user's workbench), claim search (the claims page with a patient's name, and
the header search with the same name) and, for the roles that may see reports, the KPI API.
Then as many visitors, each with its own connection but not signed in (the page sends a
signed-in person home), hammer the sign-in page (GET) for as long: the floor, what the server
does for a page that reads almost nothing, measured in the same run on the same box.
Redirects are never followed: a page that answers 302 (a session signed out) is counted
and named in the report, not measured as the page it leads to.

Only TOTP limits how many sessions a partner persona can open at once: a code is accepted
once, in its 30-second step or the ones beside it, so each partner persona gets at most
three sessions and the client personas (no second factor) fill the rest. Run it against a
fresh server: steps a partner persona spent there before are refused (and throttle it).

Target: p99 < 500 ms for the pages at 32 users on the 2-core machine.
The last line is ``web_p99_ms_32=P ratio_vs_floor=R`` (R = the pages' p99 at 32 users over
the sign-in page's p99 at 32 users).

Usage: python bench/web.py [--seconds 60] [--levels 16,32] [--workers 2]
                           [--url http://127.0.0.1:8000 --var-dir var]  (a server already up)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from itertools import cycle  # noqa: E402
from typing import Any  # noqa: E402

TARGET_MS = 500
# Round robin: a staff member, a specialist, a manager, a lead, ... (logins() of the crawler).
PERSONAS = ("acme.staff", "pillar.specialist", "acme.manager", "pillar.lead")
MAY_REPORT = {"acme.manager", "pillar.lead"}  # view_reports (docs/permissions.md)
TOTP_SESSIONS = 3  # codes of the steps before, at and after now: tolerance 1
ITEMS_PER_USER = 10
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_LINK = re.compile(r'href="(/work/items/\d+/)"')
FLOOR = "sign-in page"


def setup_django(var_dir: Path) -> None:
    """This process reads the served database (a patient name to search for) and derives the
    logins from the var dir's secret key, as the crawler does."""
    os.environ["RCMDESK_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rcmdesk.settings"
    os.environ.setdefault("RCMDESK_HTTPS", "false")
    import django

    django.setup()


def server_env(var_dir: Path) -> dict[str, str]:
    """``make run``'s environment: none of the test shell's RCMDESK_* tuning (connection age,
    SQLite sync), the database of DATABASE_URL if any."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("RCMDESK_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(RCMDESK_VAR_DIR=str(var_dir), RCMDESK_HTTPS="false")
    return env


@contextmanager
def served(workers: int) -> Iterator[tuple[str, Path]]:
    """The demo built in a throwaway var dir and served on a free loopback port, by the
    crawler's ``demo_back_office``."""
    with tempfile.TemporaryDirectory(prefix="rcmdesk-web-bench-") as tmp:
        var_dir = Path(tmp) / "var"
        setup_django(var_dir)  # before the crawler's module, which imports models
        from rcmdesk.web.tests.test_crawler import demo_back_office

        started = time.monotonic()
        with demo_back_office(server_env(var_dir), ("--workers", str(workers)),
                              timeout=1800) as base_url:
            print(f"demo built and served in {time.monotonic() - started:.0f} s", flush=True)
            yield base_url, var_dir


# --- users ------------------------------------------------------------------------------------

@dataclass
class User:
    name: str
    session: Any  # requests.Session: its own cookies, its own keep-alive connection
    urls: list[tuple[str, str]] = field(default_factory=list)  # (page, path) looped over


# The last TOTP step each partner persona has used: the server accepts a step once, and a
# refused code throttles the device, so each sign-in spends the next unused step instead of
# trying codes (t0 of the crawler's totp_code: a step of 30 s from the epoch).
STEPS_USED: dict[str, int] = {}


def sign_in(base_url: str, username: str, password: str, totp_hex: str | None) -> Any:
    """Through the pages, as the crawler's sign_in does with a browser: the form (its CSRF
    token), the password, then for a partner the TOTP code of the next step the server has
    not seen (the one before now, now, the one after: its tolerance), waiting for a new step
    when those are spent. Signed in means the workbench answers 200, not a redirect."""
    import requests

    from rcmdesk.web.tests.test_crawler import totp_code

    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=60)
    page = session.post(page.url, timeout=60, data={
        "csrfmiddlewaretoken": _csrf(page.text), "username": username, "password": password})
    if totp_hex is not None and 'data-testid="otp-form"' in page.text:
        ahead = _next_step(username)
        page = session.post(page.url, timeout=60, data={
            "csrfmiddlewaretoken": _csrf(page.text), "token": totp_code(totp_hex, ahead)})
    if session.get(f"{base_url}/work/", timeout=60, allow_redirects=False).status_code != 200:
        raise RuntimeError(f"{username} could not sign in (at {page.url})")
    return session


def _next_step(username: str) -> int:
    """Steps ahead of now (-1, 0 or 1) of the first step ``username`` has not used yet."""
    while True:
        now = int(time.time() // 30)
        step = max(now - 1, STEPS_USED.get(username, now - 2) + 1)
        if step <= now + 1:
            STEPS_USED[username] = step
            return step - now
        time.sleep(30 - time.time() % 30 + 0.5)


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the form")
    return match[1]


def personas(count: int) -> list[str]:
    """``count`` sign-ins, round robin over PERSONAS, a partner persona at most
    TOTP_SESSIONS times (then a client persona takes its turn)."""
    names: list[str] = []
    used: dict[str, int] = defaultdict(int)
    clients = cycle(p for p in PERSONAS if p.startswith("acme."))
    for name in cycle(PERSONAS):
        if len(names) == count:
            return names
        if name.startswith("pillar.") and used[name] >= TOTP_SESSIONS:
            name = next(clients)
        used[name] += 1
        names.append(name)
    return names


def signed_in_users(base_url: str, var_dir: Path, count: int, word: str) -> list[User]:
    from rcmdesk.web.tests.test_crawler import logins

    accounts = logins(var_dir)
    users = []
    for name in personas(count):
        user = User(name, sign_in(base_url, name, *accounts[name]))
        workbench = user.session.get(f"{base_url}/work/", timeout=60)
        items = list(dict.fromkeys(ITEM_LINK.findall(workbench.text)))[:ITEMS_PER_USER]
        user.urls = [("workbench", "/work/"), ("claim search", f"/claims/?q={word}"),
                     ("header search", f"/search/?q={word}")]
        if name in MAY_REPORT:
            user.urls.append(("KPI API", "/api/reports/kpis?client=acme"))
        user.urls += [("item page", path) for path in items]
        users.append(user)
    return users


def search_word() -> str:
    """The most common patient surname on acme's claims (every persona here sees acme): a
    search that finds a page of claims, as a name heard on the phone does."""
    from django.db.models import Count

    from rcmdesk.claims.models import Claim

    row = (Claim.objects.filter(client__slug="acme").values("patient__last_name")
           .annotate(n=Count("id")).order_by("-n").first())
    return str(row["patient__last_name"]) if row else "a"


# --- load -------------------------------------------------------------------------------------

@dataclass
class Sample:
    ms: float
    server_ms: float | None
    status: int


Results = dict[str, list[Sample]]


def run(users: list[User], base_url: str, seconds: float,
        paths: Callable[[User], list[tuple[str, str]]]) -> tuple[Results, float]:
    """Every user in its own thread, looping over its paths for ``seconds``; no think time."""
    from rcmdesk.web.tests.crawl_checks import server_ms

    results: Results = defaultdict(list)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(user: User) -> None:
        mine: Results = defaultdict(list)
        todo = paths(user)
        # Interleave the item pages: each round visits one of them, not all ten.
        items = cycle([p for p in todo if p[0] == "item page"] or [("", "")])
        rounds = [p for p in todo if p[0] != "item page"]
        while time.monotonic() < deadline:
            for page, path in [*rounds, next(items)]:
                if not path or time.monotonic() >= deadline:
                    continue
                started = time.perf_counter()
                # A redirect is a finding (signed out, a second factor asked again), never
                # followed: the page measured is the page asked for.
                response = user.session.get(base_url + path, timeout=120,
                                            allow_redirects=False)
                ms = (time.perf_counter() - started) * 1000
                mine[page].append(Sample(ms, server_ms(response.headers.get("server-timing")),
                                         response.status_code))
        with lock:
            for page, samples in mine.items():
                results[page] += samples

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.monotonic() - started


def percentile(values: list[float], pct: int) -> float:
    """The ``pct``-th percentile, interpolated between the two nearest samples."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def report(level: int, results: Results, elapsed: float) -> None:
    for page, samples in sorted(results.items()):
        ms = [s.ms for s in samples]
        server = [s.server_ms for s in samples if s.server_ms is not None]
        bad = Counter(s.status for s in samples if s.status != 200)
        refused = ", ".join(f"{n} answered {status}" for status, n in sorted(bad.items()))
        print(f"  {level:>2} users  {page:<14} {len(samples) / elapsed:7.1f} req/s  "
              f"p50 {percentile(ms, 50):7.0f}  p95 {percentile(ms, 95):7.0f}  "
              f"p99 {percentile(ms, 99):7.0f} ms  (server p50 {percentile(server, 50):5.0f} ms"
              f"{f'; {refused}' if refused else ''})", flush=True)


def level(users: list[User], base_url: str, seconds: float) -> tuple[float, float]:
    """The pages, then the floor, with this many users: the pages' p99 and the floor's.

    The floor's users are as many, each with a session of its own, but not signed in: the
    sign-in page sends a signed-in person home."""
    import requests

    n = len(users)
    print(f"{n} users ({', '.join(f'{p} x{sum(u.name == p for u in users)}' for p in PERSONAS)}); "
          f"load average before {loadavg()}", flush=True)
    pages, elapsed = run(users, base_url, seconds, lambda u: u.urls)
    report(n, pages, elapsed)
    all_ms = [s.ms for samples in pages.values() for s in samples]
    print(f"  {n:>2} users  {'all pages':<14} {len(all_ms) / elapsed:7.1f} req/s  "
          f"p99 {percentile(all_ms, 99):7.0f} ms; load average {loadavg()}", flush=True)
    visitors = [User(u.name, requests.Session()) for u in users]
    floor, elapsed = run(visitors, base_url, seconds, lambda u: [(FLOOR, "/accounts/login/")])
    report(n, floor, elapsed)
    print(f"  load average after the floor {loadavg()}", flush=True)
    return percentile(all_ms, 99), percentile([s.ms for s in floor[FLOOR]], 99)


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench(base_url: str, var_dir: Path, seconds: float, levels: list[int]) -> None:
    word = search_word()
    users = signed_in_users(base_url, var_dir, max(levels), word)
    print(f"{len(users)} users signed in; claim search for {word!r}", flush=True)
    figures = {n: level(users[:n], base_url, seconds) for n in levels}
    pages_p99, floor_p99 = figures[max(levels)]
    print(f"target: the pages' p99 < {TARGET_MS} ms at {max(levels)} users")
    print(f"web_p99_ms_{max(levels)}={pages_p99:.0f} "
          f"ratio_vs_floor={pages_p99 / max(floor_p99, 0.001):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--levels", default="16,32", help="numbers of users, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="rcmdesk serve --workers")
    parser.add_argument("--url", help="a server already running (skips the build)")
    parser.add_argument("--var-dir", type=Path, help="that server's var dir")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") \
        else "SQLite"
    print(f"web bench on {database}: rcmdesk serve = gunicorn gthread, {args.workers} "
          f"worker(s) x 4 threads; {args.seconds:.0f} s per phase; load average {loadavg()}",
          flush=True)
    if args.url:
        setup_django(args.var_dir.resolve())
        bench(args.url.rstrip("/"), args.var_dir.resolve(), args.seconds, levels)
        return
    with served(args.workers) as (base_url, var_dir):
        bench(base_url, var_dir, args.seconds, levels)


if __name__ == "__main__":
    main()
