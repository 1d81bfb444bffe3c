"""Every endpoint a page polls is a ``background_poll`` view, so no poll can keep an idle
session signed in (issue 15: the workbench's counts poll did, and the session never idled
out). The templates are read, not a list kept by hand: a poll added tomorrow is checked too.

A poll is an htmx element whose trigger repeats (``every Ns``) or that loads itself again
(a ``load`` trigger on an element that swaps its own ``outerHTML``). Its URL must be named
with ``{% url %}`` so the view it reaches can be found."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import URLResolver, get_resolver

ROOT = Path(__file__).parents[2]
TAG = re.compile(r"<[a-zA-Z][^<>]*\bhx-trigger=[^<>]*>", re.DOTALL)
ATTRIBUTE = re.compile(r"""\b(hx-[a-z]+)=(?:"([^"]*)"|'([^']*)')""", re.DOTALL)
URL_NAME = re.compile(r"""\{%\s*url\s+['"]([^'"]+)['"]""")


def polls() -> list[tuple[str, str, str]]:
    """(template, trigger, URL as written) of every polling element in the templates."""
    found = []
    for template in sorted(ROOT.glob("*/templates/**/*.html")):
        for tag in TAG.findall(template.read_text()):
            attrs = {m[0]: m[1] or m[2] for m in ATTRIBUTE.findall(tag)}
            trigger = attrs.get("hx-trigger", "")
            repeats = re.search(r"\bevery\s", trigger) is not None
            reloads = "load" in trigger and attrs.get("hx-swap", "").startswith("outerHTML")
            if repeats or reloads:
                url = attrs.get("hx-get") or attrs.get("hx-post") or ""
                found.append((str(template.relative_to(ROOT)), trigger, url))
    return found


def views_by_name() -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                out[namespace + pattern.name] = pattern.callback

    walk(get_resolver().url_patterns, "")
    return out


def test_the_known_polls_are_found():
    urls = " ".join(url for _template, _trigger, url in polls())
    for name in ("web:queue_counts", "workqueue:counts", "intake:progress"):
        assert name in urls


def test_every_polled_endpoint_is_a_background_poll_view():
    views = views_by_name()
    wrong = []
    for template, trigger, url in polls():
        name = URL_NAME.search(url)
        if name is None:
            wrong.append(f"{template}: {trigger!r} polls {url!r}, not named with {{% url %}}")
        elif not getattr(views.get(name[1]), "background_poll", False):
            wrong.append(f"{template}: {trigger!r} polls {name[1]}, not a background_poll view")
    assert wrong == []
