"""Build loop trees from a segment stream with a compiled state machine.

Each segment is resolved against the dispatch table of the innermost open loop, then
its ancestors: a hit closes the loops below the level that matched and either appends
the segment there or opens a child loop. Segments the guide does not place are kept
(attached to the innermost loop) and reported, so a file with structural errors still
yields a tree that validation can talk about.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from rcmdesk.x12.compile import CHILD, SEGMENT, Dispatch, Node, Target, compile_guide
from rcmdesk.x12.envelope import Envelopes, Group, Interchange, TransactionSource
from rcmdesk.x12.errors import X12EnvelopeError, X12SyntaxError
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.reader import Segment, SegmentReader
from rcmdesk.x12.schemas import Choice, choose
from rcmdesk.x12.schemas.model import Guide, S

Source = str | Path | bytes | BinaryIO
_new_loop = object.__new__


class Loop:
    """One iteration of a loop: its id and its segments and child loops in file order.

    ``TreeBuilder._place`` fills the slots directly; keep it in step with __init__.
    """

    __slots__ = ("detached", "id", "items", "node", "parent", "specs")

    def __init__(self, node: Node | None, loop_id: str, parent: Loop | None = None) -> None:
        self.id = loop_id
        self.node = node
        self.parent = parent
        self.detached: dict[str, int] | None = None  # child loops streamed away, by id
        self.items: list[Segment | Loop] = []
        self.specs: list[S | None] = []

    @property
    def segments(self) -> list[Segment]:
        """Segments directly in this loop."""
        return [i for i in self.items if isinstance(i, Segment)]

    @property
    def loops(self) -> list[Loop]:
        """Child loop iterations directly in this loop."""
        return [i for i in self.items if isinstance(i, Loop)]

    def first(self, segment_id: str, qualifier: str | None = None) -> Segment | None:
        """The first segment with this id (and element-1 value) directly in this loop."""
        for item in self.items:
            if (
                isinstance(item, Segment)
                and item.elements[0] == segment_id
                and (qualifier is None or item.get(1) == qualifier)
            ):
                return item
        return None

    def all(self, segment_id: str) -> list[Segment]:
        """Every segment with this id directly in this loop."""
        return [i for i in self.items if isinstance(i, Segment) and i.elements[0] == segment_id]

    def children(self, loop_id: str) -> list[Loop]:
        """Child loop iterations with this id."""
        return [i for i in self.items if isinstance(i, Loop) and i.id == loop_id]

    def walk(self) -> Iterator[Loop]:
        """This loop and all loops below it, depth first."""
        yield self
        for item in self.items:
            if isinstance(item, Loop):
                yield from item.walk()

    def __repr__(self) -> str:
        return f"Loop({self.id!r}, {len(self.items)} items)"


@dataclass(slots=True)
class Transaction:
    """A parsed transaction set with its envelope context and loop tree."""

    file: str
    interchange: Interchange
    group: Group
    set_id: str
    control: str
    version: str
    guide: Guide | None
    root: Loop
    findings: list[Finding] = field(default_factory=list)
    segment_count: int = 0
    guide_problem: str = ""  # why a set we have guides for follows none (schemas.Choice)

    @property
    def st(self) -> Segment:
        return self.root.segments[0]

    def require_guide(self) -> None:
        """Raise when this set is one we have guides for but its GS08 names none of them.

        The typed views call this: without a guide the tree is flat, and reading it
        would find no claims at all rather than say the file cannot be read.
        """
        if self.guide is None and self.guide_problem:
            seg, element = self.version_at
            raise X12EnvelopeError(self.guide_problem, file=self.file, position=seg.position,
                                   segment_id=seg.id, element=element, offset=seg.offset)

    @property
    def version_at(self) -> tuple[Segment, int]:
        """Where the version was read: GS08, or ST03 of a bare set (stand-in GS)."""
        gs = self.group.segment
        return (gs, 8) if gs.position else (self.st, 3)


class TreeBuilder:
    """The state machine: feed segments of one ST..SE, read ``root`` afterwards."""

    def __init__(
        self,
        guide: Guide | None,
        file: str,
        detach: frozenset[str] = frozenset(),
        on_detach: Callable[[Loop], None] | None = None,
    ) -> None:
        self.file = file
        self.findings: list[Finding] = []
        node = compile_guide(guide) if guide is not None else None
        self.root = Loop(node, node.id if node else "ST_LOOP")
        self._stack: list[Loop] = [self.root]
        self._detach = detach
        self._on_detach = on_detach

    def feed(self, segment: Segment) -> None:
        """Place one segment in the tree (the per-segment hot path, kept flat).

        Most segments belong to the innermost open loop, so that level is tried first
        without setting up the walk over the ancestors.
        """
        stack = self._stack
        elements = segment.elements
        sid = elements[0]
        top = len(stack) - 1
        loop = stack[top]
        node = loop.node
        if node is None:
            self._misplaced(segment)
            return
        target = node.segments.get(sid)
        if target is not None:
            loop.items.append(segment)
            loop.specs.append(target.spec)
            return
        self.feed_unlisted(segment)

    def feed_unlisted(self, segment: Segment) -> None:
        """``feed`` for a segment whose id is not in the innermost loop's ``segments``
        table (the caller has looked): walk up the open loops for the first that places
        it. ``_run`` answers most such segments from the compiled routes first; this
        walk is left with misfits and ids whose levels read different qualifiers.
        """
        stack = self._stack
        sid = segment.elements[0]
        for depth in range(len(stack) - 1, -1, -1):
            node = stack[depth].node
            if node is None:
                break
            dispatch = node.dispatch.get(sid)
            target = _resolve(dispatch, segment) if dispatch is not None else None
            if target is not None:
                self._place(depth, target, segment)
                return
        self._misplaced(segment)

    def _place(self, depth: int, target: Target, segment: Segment) -> None:
        stack = self._stack
        if len(stack) > depth + 1:
            detach, on_detach = self._detach, self._on_detach
            while len(stack) > depth + 1:
                closed = stack.pop()
                if on_detach is not None and closed.id in detach:
                    on_detach(closed)
        parent = stack[-1]
        child = target.child
        if target.kind == CHILD and child is not None:
            loop = _new_loop(Loop)  # Loop(child, child.loop.id, parent) without __init__
            loop.id = child.loop.id
            loop.node = child
            loop.parent = parent
            loop.detached = None
            loop.items = [segment]
            loop.specs = [target.spec]
            if loop.id not in self._detach:
                parent.items.append(loop)
                parent.specs.append(None)
            else:
                counts = parent.detached = parent.detached or {}
                counts[loop.id] = counts.get(loop.id, 0) + 1
            stack.append(loop)
        else:
            parent.items.append(segment)
            parent.specs.append(target.spec)

    def _close(self, loop: Loop) -> None:
        if self._on_detach is not None and loop.id in self._detach:
            self._on_detach(loop)

    def _misplaced(self, segment: Segment) -> None:
        """Keep a segment the guide does not allow here, and say so."""
        stack = self._stack
        sid = segment.elements[0]
        guess: tuple[int, Target] | None = None
        qualifier = ""
        for depth in range(len(stack) - 1, -1, -1):
            node = stack[depth].node
            dispatch = node.dispatch.get(sid) if node is not None else None
            if dispatch is not None and dispatch.any is not None:
                guess = (depth, dispatch.any)
                qualifier = segment.get(dispatch.element) if dispatch.element else ""
                break
        if stack[0].node is None:
            stack[-1].items.append(segment)
            stack[-1].specs.append(None)
            return
        if guess is not None:
            self._note(
                segment,
                "snip2.qualifier",
                f"{sid} with qualifier {qualifier!r} is not expected in loop {stack[guess[0]].id}",
            )
            self._place(guess[0], guess[1], segment)
            return
        self._note(
            segment,
            "snip2.unexpected-segment",
            f"segment {sid} is not expected in loop {stack[-1].id}",
        )
        stack[-1].items.append(segment)
        stack[-1].specs.append(None)

    def _note(self, segment: Segment, rule: str, message: str) -> None:
        self.findings.append(
            Finding(
                self.file, segment.position, segment.elements[0], 0, rule, Severity.ERROR, message
            )
        )

    def finish(self) -> Loop:
        """Close all open loops and return the root."""
        while len(self._stack) > 1:
            self._close(self._stack.pop())
        return self.root


def _resolve(dispatch: Dispatch, segment: Segment) -> Target | None:
    """The target one loop's dispatch entry picks for this segment's qualifier."""
    index = dispatch.element
    if not index:
        return dispatch.plain
    elements = segment.elements
    value = elements[index] if index < len(elements) else ""
    if dispatch.component and value:
        value = value.split(segment.delimiters.component, 1)[0]
    return dispatch.by_code.get(value, dispatch.plain)


def open_source(source: Source, name: str | None = None) -> tuple[BinaryIO, str, bool]:
    """A binary stream for ``source``, its display name and whether we must close it."""
    if isinstance(source, bytes):
        return io.BytesIO(source), name or "<bytes>", True
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.open("rb"), name or str(source), True
        except OSError as exc:
            raise X12SyntaxError(
                f"cannot open file: {exc.strerror or exc}", file=name or str(source)
            ) from None
    display = name or str(getattr(source, "name", "<stream>"))
    return source, display, False


def _start(source: TransactionSource, name: str) -> tuple[Choice, list[Segment]]:
    """Pick the guide, peeking at the first body segment (BHT02 tells 278 apart)."""
    head: list[Segment] = []
    first = next(source.body, None)
    if first is not None:
        head.append(first)
    bht02 = first.get(2) if first is not None and first.id == "BHT" else ""
    version = source.group.version or source.st.get(3)
    return choose(source.set_id, version, bht02), head


def transactions(
    source: Source,
    *,
    name: str | None = None,
    envelopes: Envelopes | None = None,
) -> Iterator[Transaction]:
    """Parse every transaction set in ``source`` into a full tree; see ``parse``."""
    for tx, _loop in stream(source, name=name, envelopes=envelopes):
        yield tx


def stream(
    source: Source,
    *,
    name: str | None = None,
    detach: Mapping[str, frozenset[str]] | None = None,
    envelopes: Envelopes | None = None,
    max_findings: int | None = None,
) -> Iterator[tuple[Transaction, Loop | None]]:
    """Yield ``(tx, loop)`` for each closed loop whose id is in ``detach[set id]`` (those
    loops are not kept in ``tx.root``), then ``(tx, None)`` once the set is complete.

    This is what keeps memory flat: a 20,000-claim 835 streams its 2100 loops one by one.
    ``max_findings`` ends a set early, with a part tree, once its structure findings pass
    that many: a file of nothing but misplaced segments would otherwise keep every one of
    them, and a finding for each, in memory (``validate``'s cap).
    """
    limit = sys.maxsize if max_findings is None else max_findings
    stream_, display, owned = open_source(source, name)
    try:
        env = envelopes or Envelopes(SegmentReader(stream_, display), display)
        for raw in env.transactions():
            ids = detach.get(raw.set_id, frozenset()) if detach else frozenset()
            yield from _run(raw, display, ids, limit)
    finally:
        if owned:
            stream_.close()


def _run(
    raw: TransactionSource, display: str, detach: frozenset[str], limit: int = sys.maxsize
) -> Iterator[tuple[Transaction, Loop | None]]:
    choice, head = _start(raw, display)
    guide = choice.guide
    version = raw.group.version or raw.st.get(3)
    queue: list[Loop] = []
    builder = TreeBuilder(guide, display, detach, queue.append if detach else None)
    tx = Transaction(
        display, raw.interchange, raw.group, raw.set_id, raw.control, version, guide, builder.root,
        guide_problem=choice.problem,
    )
    builder.root.items.append(raw.st)
    builder.root.specs.append(guide.root.first if guide is not None else None)
    feed, place, stack = builder.feed_unlisted, builder._place, builder._stack
    findings = builder.findings
    for segment in chain(head, raw.body):
        # TreeBuilder.feed inlined: most segments stay in the innermost loop (one
        # lookup, and the queue cannot have grown); most others take the node's
        # precompiled route. feed_unlisted takes the rest (misfits, odd guides).
        loop = stack[-1]
        node = loop.node
        if node is not None:
            elements = segment.elements
            target = node.segments.get(elements[0])
            if target is not None:
                loop.items.append(segment)
                loop.specs.append(target.spec)
                continue
            route = node.routes.get(elements[0])
            if route is not None:
                hop = route.plain
                index = route.element
                if index:
                    value = elements[index] if index < len(elements) else ""
                    if route.component and value:
                        value = value.split(segment.delimiters.component, 1)[0]
                    hop = route.by_code.get(value, hop)
                if hop is not None:
                    levels, target = hop
                    if not levels and target.kind == SEGMENT:
                        loop.items.append(segment)
                        loop.specs.append(target.spec)
                        continue
                    place(len(stack) - 1 - levels, target, segment)
                    if queue:
                        for loop in queue:
                            yield tx, loop
                        queue.clear()
                    continue
        feed(segment)
        if queue:
            for loop in queue:
                yield tx, loop
            queue.clear()
        if len(findings) > limit:  # only misfits reach feed(): off the hot path
            break
    builder.finish()
    for loop in queue:
        yield tx, loop
    tx.findings = builder.findings
    tx.segment_count = raw.count
    yield tx, None


def parse(source: Source, *, name: str | None = None) -> Iterator[Transaction]:
    """Stream the transaction sets of an X12 file (path, bytes or binary stream).

    Each ``Transaction`` carries its ISA/GS context and full loop tree; interchanges
    and groups are walked lazily so only one transaction set is in memory at a time.
    Raises ``X12Error`` (with file and segment location) on input that is not X12.
    """
    return transactions(source, name=name)
