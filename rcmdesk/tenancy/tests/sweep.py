"""The isolation sweep: every route, every role, against another tenant's objects.

Routes are found by walking the URL resolver, so a route added later is swept without
anyone remembering to add it. A route whose URL takes a parameter the sweep does not know
fails the sweep until the parameter is taught to ``ForeignObjects``: new kinds of id cannot
slip past unswept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Routes whose parameters are not tenant objects, with the reason they are exempt.
EXEMPT_PREFIXES = {
    "admin/": "platform admins only; registers no tenant models (see test_admin_registry)",
    "accounts/reset/": "password reset tokens, answered identically for any input",
    "accounts/invite/": "enrolment invite tokens, stored in the session unexamined",
    "static/": "public assets",
    "assessments/certificates/": "platform data of organizations already deleted: platform "
                                 "admins see every one, anyone else 404 (assessments' "
                                 "test_workspace checks both)",
}
WRITE_METHODS = ("post", "put", "patch", "delete")
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_VOLATILE = [
    re.compile(r'(csrfmiddlewaretoken" value=")[^"]+'),
    re.compile(r'("X-CSRFToken": ")[^"]+'),
    re.compile(r"(X-Request-ID: )\S+"),
]


@dataclass(frozen=True)
class Route:
    path: str
    name: str

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _PARAM.finditer(self.path)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + _PARAM.sub(lambda m: values[m.group("name")], self.path)


@dataclass(frozen=True)
class Leak:
    route: str
    who: str
    method: str
    detail: str

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.route} as {self.who}: {self.detail}"


def routes(urlconf: str | None = None) -> Iterator[Route]:
    seen: set[str] = set()
    for route in _walk(get_resolver(urlconf).url_patterns, ""):
        if route.path not in seen and not _exempt(route.path):
            seen.add(route.path)
            yield route


def _walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield Route(prefix + str(pattern.pattern), pattern.name or "")


def _exempt(path: str) -> bool:
    return any(path.startswith(p) for p in EXEMPT_PREFIXES)


def normalise(body: bytes) -> str:
    text = body.decode(errors="replace")
    for pattern in _VOLATILE:
        text = pattern.sub(r"\1…", text)
    return text


@dataclass
class Sweep:
    """Requests every route as ``who`` with foreign ids and with ids that do not exist."""

    foreign: dict[str, str]
    missing: dict[str, str]
    foreign_markers: list[str]
    clients: dict[str, Callable[[], Client]]

    def run(self, urlconf: str | None = None, only: str = "") -> list[Leak]:
        leaks: list[Leak] = []
        for route in routes(urlconf):
            if not route.path.startswith(only):
                continue
            unknown = [p for p in route.params if p not in self.foreign]
            if unknown:
                leaks.append(Leak(route.path, "-", "-", f"unknown parameter(s) {unknown}: "
                                  "teach the sweep which foreign object they name"))
                continue
            for who, make_client in self.clients.items():
                leaks += self._sweep_route(route, who, make_client())
        return leaks

    def _sweep_route(self, route: Route, who: str, client: Client) -> list[Leak]:
        if not route.params:
            return self._sweep_listing(route, who, client)
        leaks = []
        for method in ("get", *WRITE_METHODS):
            foreign = _call(client, method, route.url(self.foreign))
            missing = _call(client, method, route.url(self.missing))
            if (foreign.status_code, normalise(foreign.content)) != (
                missing.status_code, normalise(missing.content)
            ):
                leaks.append(Leak(route.path, who, method,
                                  f"foreign answered {foreign.status_code}, "
                                  f"missing answered {missing.status_code} (or bodies differ)"))
            elif method == "get" and foreign.status_code not in (302, 401, 404, 405):
                leaks.append(Leak(route.path, who, method,
                                  f"foreign object answered {foreign.status_code}"))
        return leaks

    def _sweep_listing(self, route: Route, who: str, client: Client) -> list[Leak]:
        url = route.url({}) + "?q=birch&search=birch&client=birch&action=read"
        response = _call(client, "get", url)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        text = body.decode(errors="replace")
        return [Leak(route.path, who, "get", f"listing shows {marker!r}")
                for marker in self.foreign_markers if marker in text]


def _call(client: Client, method: str, url: str):  # type: ignore[no-untyped-def]
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data="{}", content_type="application/json")
