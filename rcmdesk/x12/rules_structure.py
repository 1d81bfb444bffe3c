"""SNIP 2 loop rules: required segments and loops, max use/repeat and segment order.

Checked per loop iteration against the guide's ``L`` definition that the parser
attached to it, so messages can name the loop and its iteration.

A big file repeats a few loop shapes thousands of times, so ``loop_clean`` remembers,
per definition, which sequences of segment specs and which child-loop counts pass;
only a loop it cannot vouch for goes through ``check_loop``, which words the findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

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


# Distinct loop shapes remembered per definition; past this the memo stops growing.
_MAX_SHAPES = 4096

ChildCounts = tuple[tuple[str, ...], tuple[tuple[str, int], ...]]


@dataclass(slots=True, eq=False)
class _LoopRules:
    """Memo of ``check_loop``'s verdicts for one loop definition.

    The segment rules (order, max use, required segments) depend only on the specs the
    parser attached, in order; the child-loop rules only on the child loops' ids and
    the counts of detached ones. ``checks_children`` is False when no child loop is
    required or limited, so there is nothing to count.
    """

    definition: L
    checks_children: bool
    segments: dict[tuple[int, ...], bool] = field(default_factory=dict)
    children: dict[ChildCounts, bool] = field(default_factory=dict)


# Keyed by identity, as hashing a definition walks all of it; each entry keeps its
# definition (and so every spec under it) alive, so these ids are never reused.
_RULES: dict[int, _LoopRules] = {}


def _rules(definition: L) -> _LoopRules:
    rules = _RULES.get(id(definition))
    if rules is None:
        limited = any(
            isinstance(child, L) and (child.usage == "R" or child.max_repeat)
            for child in definition.children
        )
        rules = _RULES[id(definition)] = _LoopRules(definition, limited)
    return rules


def loop_clean(loop: Loop, child_ids: list[str]) -> bool:
    """Whether ``check_loop`` would find nothing in ``loop`` (False: ask it).

    ``child_ids`` are the ids of the child loop iterations kept in ``loop.items``, in
    order, which the caller collects while it walks them anyway.
    """
    node = loop.node
    if node is None:
        return True
    definition = node.loop
    rules = _RULES.get(id(definition)) or _rules(definition)
    items = loop.items
    anchor = items[0] if items and isinstance(items[0], Segment) else _anchor(loop)
    if anchor is None:
        return True
    key = tuple(map(id, loop.specs))
    memo = rules.segments
    clean = memo.get(key)
    if clean is None:
        clean = next(_segments("", loop, definition, anchor), None) is None
        if len(memo) < _MAX_SHAPES:
            memo[key] = clean
    if not clean or not rules.checks_children:
        return clean
    counts = (tuple(child_ids), tuple(loop.detached.items()) if loop.detached else ())
    known = rules.children
    clean = known.get(counts)
    if clean is None:
        clean = next(_child_loops("", loop, definition, anchor), None) is None
        if len(known) < _MAX_SHAPES:
            known[counts] = clean
    return clean
