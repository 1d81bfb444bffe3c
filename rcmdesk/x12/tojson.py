"""Plain-data (JSON-ready) rendering of loop trees."""

from __future__ import annotations

from rcmdesk.x12.parser import Loop, Transaction
from rcmdesk.x12.reader import Segment


def segment_data(segment: Segment) -> dict[str, object]:
    """A segment as id, position, byte offset and elements (composites as lists)."""
    comp = segment.delimiters.component
    elements: list[object] = [
        value.split(comp) if comp in value else value for value in segment.elements[1:]
    ]
    return {
        "segment": segment.id,
        "position": segment.position,
        "offset": segment.offset,
        "elements": elements,
    }


def loop_data(loop: Loop) -> dict[str, object]:
    """A loop and everything under it, in file order."""
    return {
        "loop": loop.id,
        "items": [
            segment_data(item) if isinstance(item, Segment) else loop_data(item)
            for item in loop.items
        ],
    }


def transaction_data(tx: Transaction) -> dict[str, object]:
    """A transaction set with its envelope identifiers and loop tree."""
    return {
        "set": tx.set_id,
        "version": tx.version,
        "guide": tx.guide.version if tx.guide is not None else None,
        "isa_control": tx.interchange.control,
        "gs_control": tx.group.control,
        "st_control": tx.control,
        "sender": tx.interchange.sender,
        "receiver": tx.interchange.receiver,
        "tree": loop_data(tx.root),
    }
