"""SNIP 2 loop rules: required segments and loops, max use/repeat and segment order.

Checked per loop iteration against the guide's ``L`` definition that the parser
attached to it, so messages can name the loop and its iteration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from rcmdesk.x12.findings import Finding
from rcmdesk.x12.parser import Loop
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.rules_elements import finding
from rcmdesk.x12.schemas.model import L, S


def _anchor(loop: Loop) -> Segment | None:
    for item in loop.items:
        if isinstance(item, Segment):
            return item
    return None


def _last_segment(loop: Loop) -> Segment | None:
    for item in reversed(loop.items):
        if isinstance(item, Segment):
            return item
        found = _last_segment(item)
        if found is not None:
            return found
    return None


def check_loop(file: str, loop: Loop) -> Iterator[Finding]:
    """Usage, repeat and order rules for one loop iteration (not its children)."""
    if loop.node is None:
        return
    definition = loop.node.loop
    anchor = _anchor(loop)
    if anchor is None:
        return
    yield from _segments(file, loop, definition, anchor)
    yield from _child_loops(file, loop, definition, anchor)


def _segments(file: str, loop: Loop, definition: L, anchor: Segment) -> Iterator[Finding]:
    uses: Counter[int] = Counter()
    order = {id(child): n for n, child in enumerate(definition.children)}
    last = -1
    for item, spec in zip(loop.items, loop.specs, strict=False):
        if not isinstance(item, Segment) or spec is None:
            continue
        position = order.get(id(spec), -1)
        uses[id(spec)] += 1
        if position < last:
            yield finding(
                file, item, 0, "snip2.order", f"{item.id} is out of order in loop {loop.id}"
            )
        last = max(last, position)
        if spec.max_use and uses[id(spec)] == spec.max_use + 1:
            yield finding(
                file,
                item,
                0,
                "snip2.max-use",
                f"{item.id} ({spec.name}) used more than {spec.max_use} time(s) in loop {loop.id}",
            )
    for child in definition.children[1:]:
        if isinstance(child, S) and child.usage == "R" and not uses[id(child)]:
            if child.id == "SE":
                continue
            yield finding(
                file,
                anchor,
                0,
                "snip2.required-segment",
                f"{child.id} ({child.name}) is required in loop {loop.id} starting here",
            )


def _child_loops(file: str, loop: Loop, definition: L, anchor: Segment) -> Iterator[Finding]:
    counts: Counter[str] = Counter(child.id for child in loop.loops)
    counts.update(loop.detached or {})
    for child in definition.children:
        if not isinstance(child, L):
            continue
        found = counts[child.id]
        if child.usage == "R" and not found and _needed(loop, definition, child):
            where = _last_segment(loop) or anchor
            yield finding(
                file,
                where,
                0,
                "snip2.required-loop",
                f"loop {child.id} ({child.name}) is required in loop {loop.id} "
                f"starting at segment {anchor.position}",
            )
        if child.max_repeat and found > child.max_repeat:
            kept = loop.children(child.id)
            extra = kept[child.max_repeat] if len(kept) > child.max_repeat else None
            head = (_anchor(extra) if extra is not None else None) or anchor
            yield finding(
                file,
                head,
                0,
                "snip2.loop-repeat",
                f"loop {child.id} appears {found} times, at most {child.max_repeat} "
                f"allowed in loop {loop.id}",
            )


def _needed(loop: Loop, definition: L, child: L) -> bool:
    """A required child is excused when a sibling alternative (same first segment) is used.

    Guides such as 837 put 2300 under both 2000B and 2000C: a 2000B whose patient has
    a 2000C carries no 2300 of its own.
    """
    present = {c.id for c in loop.loops} | set(loop.detached or {})
    siblings = [c for c in definition.children if isinstance(c, L) and c.id != child.id]
    return not any(s.id in present and s.first.id == child.first.id for s in siblings)
