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


Hop = tuple[int, Target]  # (loops to close first, target in the loop then innermost)


@dataclass(slots=True, eq=False)
class Route:
    """How to resolve one segment id from inside one loop, its ancestors included.

    It is the walk up the open loops done once at compile time: the loops open below
    the root always form the path from the root to the innermost loop's node, so the
    innermost node alone decides where a (segment id, qualifier) goes.
    """

    element: int
    component: int
    by_code: dict[str, Hop] = field(default_factory=dict)
    plain: Hop | None = None


@dataclass(slots=True, eq=False)
class Node:
    """A compiled loop."""

    loop: L
    parent: Node | None = None
    dispatch: dict[str, Dispatch] = field(default_factory=dict)
    children: dict[str, Node] = field(default_factory=dict)
    # segment ids that always mean the same segment of this loop, whatever their
    # qualifier says: the parser's one-lookup fast path
    segments: dict[str, Target] = field(default_factory=dict)
    # every other segment id this loop or an ancestor places: the second lookup
    routes: dict[str, Route] = field(default_factory=dict)

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


def _compile(loop: L, parent: Node | None = None) -> Node:
    node = Node(loop, parent)
    for order, child in enumerate(loop.children):
        if isinstance(child, S):
            if order == 0:
                continue  # the first segment starts a new iteration via the parent
            _add(node, Target(SEGMENT, child, order))
        else:
            sub = _compile(child, node)
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


def _resolve(chain: list[tuple[int, Dispatch]], value: str | None) -> Hop | None:
    """The parser's walk up the open loops for one qualifier value (None: no code)."""
    for levels, dispatch in chain:
        target = dispatch.plain
        if dispatch.element and value is not None:
            target = dispatch.by_code.get(value, target)
        if target is not None:
            return levels, target
    return None


def _route(node: Node, segment_id: str) -> Route | None:
    """Flatten the lookups of ``segment_id`` from ``node`` up to the root, or None when
    the levels read different qualifier positions (then the parser walks them itself).
    """
    chain: list[tuple[int, Dispatch]] = []
    at: Node | None = node
    levels = 0
    while at is not None:
        dispatch = at.dispatch.get(segment_id)
        if dispatch is not None:
            chain.append((levels, dispatch))
        at, levels = at.parent, levels + 1
    positions = {(d.element, d.component) for _, d in chain if d.element}
    if len(positions) > 1:
        return None
    element, component = positions.pop() if positions else (0, 0)
    route = Route(element, component, plain=_resolve(chain, None))
    for code in {code for _, d in chain for code in d.by_code}:
        hop = _resolve(chain, code)
        if hop is not None and hop != route.plain:
            route.by_code[code] = hop
    return route


def _add_routes(node: Node) -> None:
    ids: set[str] = set()
    at: Node | None = node
    while at is not None:
        ids.update(at.dispatch)
        at = at.parent
    for segment_id in ids - node.segments.keys():
        route = _route(node, segment_id)
        if route is not None:
            node.routes[segment_id] = route
    for child in node.children.values():
        _add_routes(child)


_COMPILED: dict[int, tuple[Guide, Node]] = {}


def compile_guide(guide: Guide) -> Node:
    """Compile ``guide`` once; keyed by identity because hashing a guide walks all of it."""
    hit = _COMPILED.get(id(guide))
    if hit is None or hit[0] is not guide:
        root = _compile(guide.root)
        _add_routes(root)
        hit = _COMPILED[id(guide)] = (guide, root)
    return hit[1]
