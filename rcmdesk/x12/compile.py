"""Compile a declarative guide into dispatch tables, once per guide.

For every loop we precompute, per segment id, which qualifier position to read and
which target (a segment of this loop, or the start of a child loop) each qualifier
value selects. The parser then only does two dict lookups per segment instead of
re-walking the guide as pyx12 does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rcmdesk.x12.schemas.model import Guide, L, S

SEGMENT = 0
CHILD = 1


@dataclass(slots=True, eq=False)
class Target:
    """What a (segment id, qualifier) means inside one loop."""

    kind: int
    spec: S
    order: int
    child: Node | None = None


@dataclass(slots=True, eq=False)
class Dispatch:
    """How to resolve one segment id inside one loop.

    ``element``/``component`` locate the qualifier (0 = none); ``by_code`` maps its
    values to targets; ``plain`` is used when no code matches; ``any`` is the first
    target at all, used only to place a misfit segment somewhere sensible.
    """

    element: int
    component: int
    by_code: dict[str, Target] = field(default_factory=dict)
    plain: Target | None = None
    any: Target | None = None


@dataclass(slots=True, eq=False)
class Node:
    """A compiled loop."""

    loop: L
    dispatch: dict[str, Dispatch] = field(default_factory=dict)
    children: dict[str, Node] = field(default_factory=dict)
    # segment ids that always mean the same segment of this loop, whatever their
    # qualifier says: the parser's one-lookup fast path
    segments: dict[str, Target] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.loop.id


def _add(node: Node, target: Target) -> None:
    spec = target.spec
    element, component = spec.qualifier
    dispatch = node.dispatch.get(spec.id)
    if dispatch is None:
        dispatch = node.dispatch[spec.id] = Dispatch(element, component)
    if dispatch.any is None:
        dispatch.any = target
    codes = (
        spec.qualifier_codes()
        if (element, component)
        == (
            dispatch.element,
            dispatch.component,
        )
        else ()
    )
    if not codes:
        if dispatch.plain is None:
            dispatch.plain = target
        return
    for code in codes:
        dispatch.by_code.setdefault(code, target)


def _lenient(node: Node) -> None:
    """Let a segment id with a single in-loop meaning match whatever its qualifier says.

    Wrong code values are a validation finding, not a reason to misplace the segment;
    loop starts stay strict because their qualifier is what picks the loop.
    """
    for dispatch in node.dispatch.values():
        targets = {id(t): t for t in dispatch.by_code.values()}
        if dispatch.plain is None and len(targets) == 1:
            (only,) = targets.values()
            if only.kind == SEGMENT:
                dispatch.plain = only


def _compile(loop: L) -> Node:
    node = Node(loop)
    for order, child in enumerate(loop.children):
        if isinstance(child, S):
            if order == 0:
                continue  # the first segment starts a new iteration via the parent
            _add(node, Target(SEGMENT, child, order))
        else:
            sub = _compile(child)
            node.children[child.id] = sub
            _add(node, Target(CHILD, child.first, order, sub))
    _lenient(node)
    for segment_id, dispatch in node.dispatch.items():
        plain = dispatch.plain
        if (
            plain is not None
            and plain.kind == SEGMENT
            and all(target is plain for target in dispatch.by_code.values())
        ):
            node.segments[segment_id] = plain
    return node


_COMPILED: dict[int, tuple[Guide, Node]] = {}


def compile_guide(guide: Guide) -> Node:
    """Compile ``guide`` once; keyed by identity because hashing a guide walks all of it."""
    hit = _COMPILED.get(id(guide))
    if hit is None or hit[0] is not guide:
        hit = _COMPILED[id(guide)] = (guide, _compile(guide.root))
    return hit[1]
