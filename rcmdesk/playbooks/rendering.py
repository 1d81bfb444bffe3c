"""SOP text on a page: Markdown rendered safely, and the difference between two versions.

An SOP is written by a client admin but read by every partner specialist, so its text must
never carry markup of its own: markdown-it-py runs with raw HTML off (``<script>`` comes out as
text) and its link check refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:``
targets. Images are off too: an SOP should not make readers' browsers fetch from elsewhere.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from rcmdesk.playbooks.models import SopVersion


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"]).disable("image")

    def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        return str(renderer.renderToken(tokens, idx, options, env))

    md.add_render_rule("link_open", link_open)
    return md


_MARKDOWN = _parser()


def render_markdown(text: str) -> SafeString:
    """HTML for an SOP body; safe to mark safe because the parser escapes everything raw."""
    html: str = _MARKDOWN.render(text or "")
    return mark_safe(html)  # noqa: S308 - raw html off, links validated


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "remove", "context", "hunk"
    text: str

    @property
    def sign(self) -> str:
        return {"add": "+", "remove": "-", "context": " ", "hunk": ""}[self.kind]


def _lines(version: SopVersion) -> list[str]:
    checklist = [f"[checklist] {point}" for point in version.checklist or []]
    return [*version.body.splitlines(), *checklist]


def diff_versions(old: SopVersion, new: SopVersion) -> list[DiffLine]:
    """A unified diff of body and checklist, as lines the template escapes and colours."""
    out: list[DiffLine] = []
    for line in difflib.unified_diff(_lines(old), _lines(new), f"v{old.number}",
                                     f"v{new.number}", lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            out.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            out.append(DiffLine("remove", line[1:]))
        else:
            out.append(DiffLine("context", line[1:]))
    return out
