"""The compiled routes must place every segment exactly where the loop walk would."""

from __future__ import annotations

import pytest

from rcmdesk.x12.compile import Dispatch, Hop, Node, compile_guide
from rcmdesk.x12.schemas import all_guides
from rcmdesk.x12.schemas.model import Guide


def _walk(node: Node, segment_id: str, value: str) -> Hop | None:
    """The parser's walk up the open loops, written out plainly."""
    at: Node | None = node
    levels = 0
    while at is not None:
        dispatch: Dispatch | None = at.dispatch.get(segment_id)
        if dispatch is not None:
            target = dispatch.plain
            if dispatch.element:
                target = dispatch.by_code.get(value, target)
            if target is not None:
                return levels, target
        at, levels = at.parent, levels + 1
    return None


def _nodes(node: Node) -> list[Node]:
    return [node, *(n for child in node.children.values() for n in _nodes(child))]


def _codes(root: Node, segment_id: str) -> set[str]:
    dispatches = [n.dispatch[segment_id] for n in _nodes(root) if segment_id in n.dispatch]
    return {code for dispatch in dispatches for code in dispatch.by_code}


@pytest.mark.parametrize("guide", all_guides(), ids=lambda g: g.version)
def test_routes_agree_with_the_walk_up_the_loops_for_every_code(guide: Guide) -> None:
    root = compile_guide(guide)
    checked = 0
    for node in _nodes(root):
        for segment_id, route in node.routes.items():
            codes = _codes(root, segment_id)
            for value in [*codes, "", "NOT-A-CODE"]:
                hop = route.by_code.get(value, route.plain) if route.element else route.plain
                assert hop == _walk(node, segment_id, value), (node.id, segment_id, value)
                checked += 1
    assert checked > 100
