"""Tokenise X12 bytes into segments, streaming.

The reader never holds more than one chunk (plus one partial segment) of the file, so
memory stays flat however large the file is. It decodes 8-bit input as latin-1 so that
character offsets equal byte offsets (and decoding can never fail); a segment holding
non-ASCII bytes is re-decoded as UTF-8 afterwards. UTF-16 input is decoded
incrementally and its offsets are reported as ``bom + 2 * character index``.

Delimiters are taken from each ISA header by counting element separators rather than
by fixed columns, because hand-edited and PDF-transcribed files rarely keep the
106-character layout.
"""

from __future__ import annotations

import codecs
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from rcmdesk.x12.errors import X12SyntaxError

CHUNK_SIZE = 1 << 18
_ISA_MAX = 4096  # an ISA longer than this is not an ISA
_UTF8_BOM = b"\xef\xbb\xbf"
_LEADING = " \t\r\n"  # tolerated between a terminator and the next segment id


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators declared by an ISA header."""

    element: str = "*"
    repetition: str = "^"
    component: str = ":"
    segment: str = "~"


class Segment:
    """One segment; ``elements[0]`` is the segment id so ``elements[n]`` is element n.

    The reader's hot loop fills the four slots directly; keep it in step with __init__.
    """

    __slots__ = ("delimiters", "elements", "offset", "position")

    def __init__(
        self, elements: list[str], position: int, offset: int, delimiters: Delimiters
    ) -> None:
        self.elements = elements
        self.position = position
        self.offset = offset
        self.delimiters = delimiters

    @property
    def id(self) -> str:
        """The segment identifier, e.g. ``CLP``."""
        return self.elements[0]

    def get(self, index: int) -> str:
        """Element ``index`` (1-based) or "" when the segment is shorter."""
        elements = self.elements
        return elements[index] if index < len(elements) else ""

    def components(self, index: int) -> list[str]:
        """Element ``index`` split on the component separator."""
        return self.get(index).split(self.delimiters.component)

    def component(self, index: int, sub: int) -> str:
        """Component ``sub`` (1-based) of element ``index``, "" when absent."""
        parts = self.components(index)
        return parts[sub - 1] if sub <= len(parts) else ""

    def __repr__(self) -> str:
        return f"Segment({self.delimiters.element.join(self.elements)!r}, #{self.position})"


def _chunks(stream: BinaryIO, name: str, size: int) -> tuple[Iterator[str], int, int, bool]:
    """Return (text chunks, bom length, bytes per char, needs utf-8 fix-up)."""
    first = stream.read(size)
    if not isinstance(first, bytes):
        raise X12SyntaxError("input must be opened in binary mode", file=name)
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16_chunks(stream, first, "utf-16", size), 2, 2, False
    if first[:2] == b"I\x00":
        return _utf16_chunks(stream, first, "utf-16-le", size), 0, 2, False
    if first[:2] == b"\x00I":
        return _utf16_chunks(stream, first, "utf-16-be", size), 0, 2, False
    bom = 3 if first.startswith(_UTF8_BOM) else 0
    return _latin1_chunks(stream, first[bom:], size), bom, 1, True


def _latin1_chunks(stream: BinaryIO, first: bytes, size: int) -> Iterator[str]:
    yield first.decode("latin-1")
    while chunk := stream.read(size):
        yield chunk.decode("latin-1")


def _utf16_chunks(stream: BinaryIO, first: bytes, encoding: str, size: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    yield decoder.decode(first)
    while chunk := stream.read(size):
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def _valid_id(segment_id: str) -> bool:
    return (
        2 <= len(segment_id) <= 3
        and segment_id.isascii()
        and segment_id.isalnum()
        and segment_id[0].isalpha()
        and segment_id.upper() == segment_id
    )


class SegmentReader:
    """Iterate the segments of a binary stream, one interchange after another."""

    def __init__(self, stream: BinaryIO, name: str = "<input>", chunk_size: int = CHUNK_SIZE):
        self.name = name
        self._stream = stream
        self._chunk_size = chunk_size
        self._position = 0
        self._bom = 0
        self._width = 1
        self._fix_utf8 = True
        self._known_ids: set[str] = set()
        # the delimiters guessed for a bare ST..SE file (no ISA), else None
        self.fragment: Delimiters | None = None
        # raw text before the first separator -> (segment id, leading blanks to skip)
        self._heads: dict[str, tuple[str, int]] = {}

    def _byte(self, char_offset: int) -> int:
        return self._bom + self._width * char_offset

    def _error(
        self, message: str, char_offset: int, segment_id: str = "", element: int = 0
    ) -> X12SyntaxError:
        return X12SyntaxError(
            message,
            file=self.name,
            position=self._position + 1,
            segment_id=segment_id,
            element=element,
            offset=self._byte(char_offset),
        )

    def __iter__(self) -> Iterator[Segment]:
        chunks, self._bom, self._width, self._fix_utf8 = _chunks(
            self._stream, self.name, self._chunk_size
        )
        buf, base, eof = "", 0, False
        saw_any = False
        while True:
            buf, base, eof = self._skip_space(buf, base, eof, chunks)
            if not buf:
                if not saw_any:
                    raise self._error("file is empty (no X12 data)", base)
                return
            if not saw_any and _is_bare_st(buf):
                saw_any = True
                buf, base, eof = yield from self._read_fragment(buf, base, eof, chunks)
                continue
            saw_any = True
            isa_base = base
            buf, base, eof, delimiters, elements = self._read_isa(buf, base, eof, chunks)
            yield self._isa_segment(delimiters, (elements, isa_base))
            buf, base, eof = yield from self._read_body(buf, base, eof, chunks, delimiters)

    def _read_fragment(
        self, buf: str, base: int, eof: bool, chunks: Iterator[str]
    ) -> Generator[Segment, None, tuple[str, int, bool]]:
        """Read a bare ST..SE file (companion guides print them so) with guessed delimiters.

        Only at the very start of a file: the element separator follows ``ST`` and the
        segment terminator is the first character the ST segment cannot contain. The
        envelope walker wraps such sets in a stand-in envelope and says so.
        """
        while len(buf) < 256 and not eof:
            buf, eof = self._more(buf, chunks)
        delimiters = _fragment_delimiters(buf)
        if delimiters is None:
            raise self._error(
                "file starts with ST but its segment terminator cannot be told: "
                "not an X12 transaction set",
                base,
                segment_id="ST",
            )
        self.fragment = delimiters
        return (yield from self._read_body(buf, base, eof, chunks, delimiters))

    def _skip_space(
        self, buf: str, base: int, eof: bool, chunks: Iterator[str]
    ) -> tuple[str, int, bool]:
        while True:
            stripped = buf.lstrip()
            base += len(buf) - len(stripped)
            buf = stripped
            if buf or eof:
                return buf, base, eof
            nxt = next(chunks, None)
            if nxt is None:
                return buf, base, True
            buf = nxt

    def _more(self, buf: str, chunks: Iterator[str]) -> tuple[str, bool]:
        nxt = next(chunks, None)
        return (buf, True) if nxt is None else (buf + nxt, False)

    def _read_isa(
        self, buf: str, base: int, eof: bool, chunks: Iterator[str]
    ) -> tuple[str, int, bool, Delimiters, list[str]]:
        """Parse the ISA at the start of ``buf``, reading more chunks as needed."""
        found = _split_isa(buf)
        while found is None and not eof and len(buf) <= _ISA_MAX:
            buf, eof = self._more(buf, chunks)
            found = _split_isa(buf)
        if not buf.startswith("ISA"):
            head = buf[:3].rstrip("*|~^:")
            raise self._error(
                f"the file does not begin with an ISA segment (the header every X12 "
                f"interchange starts with) but with {_describe(buf[:64])}: not an X12 file",
                base,
                segment_id=head if _valid_id(head) else "",
            )
        if found is None:
            raise self._error(
                "ISA header is truncated or malformed: cannot find its 16 elements "
                "and segment terminator",
                base,
                segment_id="ISA",
            )
        elements, delimiters, end = found
        self._check_delimiters(delimiters, base)
        return buf[end:], base + end, eof, delimiters, elements

    def _check_delimiters(self, d: Delimiters, base: int) -> None:
        seps = [d.element, d.component, d.segment]
        bad = [s for s in seps if s.isalnum() or s == " "]
        if bad or len(set(seps)) != 3:
            raise self._error(
                f"ISA declares unusable delimiters element={d.element!r} "
                f"component={d.component!r} segment={d.segment!r}",
                base,
                segment_id="ISA",
                element=16,
            )

    def _isa_segment(self, delimiters: Delimiters, used: tuple[list[str], int]) -> Segment:
        elements, base = used
        self._position += 1
        return Segment(elements, self._position, self._byte(base), delimiters)

    def _read_body(
        self, buf: str, base: int, eof: bool, chunks: Iterator[str], d: Delimiters
    ) -> Generator[Segment, None, tuple[str, int, bool]]:
        """Yield segments until EOF or the next ISA; return the unread buffer.

        This is the hot loop of the whole engine, hence the inlining: a known segment
        id costs one split, one dict lookup and one object. The lookup is keyed by the
        raw text before the first element separator, so the newline most files put
        after each terminator (``~\nCLP``) is recognised there instead of stripped.
        """
        term, sep = d.segment, d.element
        heads, fix, bom, width = self._heads, self._fix_utf8, self._bom, self._width
        position = self._position  # written back before anything else reads it
        new = object.__new__
        while True:
            parts = buf.split(term)
            rest = parts.pop()
            off = base
            fix_here = fix and not buf.isascii()  # one check per chunk in the usual case
            for part in parts:
                start = off
                off += len(part) + 1
                if not part:
                    continue
                if part[-1] in "\r\n":
                    part = part.rstrip("\r\n")
                    if not part:
                        continue
                if fix_here and not part.isascii():
                    part = part.encode("latin-1").decode("utf-8", "replace")
                elements = part.split(sep)
                head = heads.get(elements[0])
                if head is None:
                    self._position = position
                    raw = elements[0]
                    segment_id = raw.lstrip(_LEADING)
                    lead = len(raw) - len(segment_id)
                    if not segment_id and len(elements) == 1:
                        continue  # only blanks between two terminators
                    if segment_id.startswith("ISA"):
                        return buf[start + lead - base :], start + lead, eof
                    self._learn(segment_id, part[lead:], start + lead)
                    head = (segment_id, lead)
                    if lead <= 2:  # "\n" or "\r\n"; odd blank runs are not remembered
                        heads[raw] = head
                segment_id, lead = head
                if lead:
                    elements[0] = segment_id
                    start += lead
                position += 1
                segment = new(Segment)  # Segment(...) without the __init__ call
                segment.elements = elements
                segment.position = position
                segment.offset = bom + width * start
                segment.delimiters = d
                yield segment
            if eof:
                self._position = position
                return (yield from self._tail(rest, off, sep, d))
            nxt = next(chunks, None)
            if nxt is None:
                eof = True
                buf, base = rest, off
            else:
                buf, base = rest + nxt, off

    def _learn(self, segment_id: str, text: str, start: int) -> None:
        """Accept a new segment id or raise: ids are checked once, not per segment."""
        if not _valid_id(segment_id):
            raise self._error(
                f"this segment does not start with a segment identifier (2 or 3 capital "
                f"letters or digits, the first a letter); it starts with "
                f"{_not_an_id(segment_id)}",
                start,
            )
        self._known_ids.add(segment_id)

    def _tail(
        self, rest: str, off: int, sep: str, d: Delimiters
    ) -> Generator[Segment, None, tuple[str, int, bool]]:
        stripped = rest.strip()
        if stripped.startswith("ISA"):
            return rest, off, True
        if stripped:
            yield self._segment(stripped, off + rest.index(stripped[0]), sep, d)
        return "", off + len(rest), True

    def _segment(self, text: str, start: int, sep: str, d: Delimiters) -> Segment:
        if self._fix_utf8 and not text.isascii():
            text = text.encode("latin-1").decode("utf-8", "replace")
        elements = text.split(sep)
        if elements[0] not in self._known_ids:
            self._learn(elements[0], text, start)
        self._position += 1
        return Segment(elements, self._position, self._byte(start), d)


def _describe(text: str) -> str:
    """What ``text`` looks like, in words, never the text itself.

    Read errors end up in quarantine reasons on pages and in the API; a file that is not X12
    at all may be anything (a key file a link pointed at, issue 15), so its bytes are never
    quoted back.
    """
    if not text:
        return "nothing"
    if any((ord(c) < 32 and c not in "\t\r\n") or 127 <= ord(c) < 160 for c in text):
        return "binary data"
    return "plain text"


def _not_an_id(segment_id: str) -> str:
    """Why ``segment_id`` is no segment identifier, in words (see ``_describe``)."""
    if not segment_id:
        return "nothing before its first element separator"
    if not 2 <= len(segment_id) <= 3:
        return f"{len(segment_id):,} characters before its first element separator"
    if not (segment_id.isascii() and segment_id.isalnum()):
        return "characters other than letters and digits"
    if not segment_id[0].isalpha():
        return "a digit"
    return "lower-case letters"


def _split_isa(buf: str) -> tuple[list[str], Delimiters, int] | None:
    """Find the ISA elements and delimiters at the start of ``buf``, or None if incomplete."""
    if len(buf) < 4 or not buf.startswith("ISA"):
        return None
    sep = buf[3]
    idx = 3
    for _ in range(15):
        idx = buf.find(sep, idx + 1, _ISA_MAX)
        if idx < 0:
            return None
    # idx is the separator before ISA16; ISA16 is one character, then the terminator.
    if len(buf) < idx + 3:
        return None
    component, terminator = buf[idx + 1], buf[idx + 2]
    elements = [*buf[:idx].split(sep), component]
    if len(elements) != 17:
        return None
    raw_rep = elements[11].strip()
    repetition = raw_rep if len(raw_rep) == 1 and not raw_rep.isalnum() else ""
    delimiters = Delimiters(sep, repetition, component, terminator)
    return elements, delimiters, idx + 3


def _is_bare_st(buf: str) -> bool:
    return buf.startswith("ST") and len(buf) > 2 and not (buf[2].isalnum() or buf[2].isspace())


def _fragment_delimiters(buf: str) -> Delimiters | None:
    """Delimiters of a file that starts ``ST*835*0001~``: ST holds only letters, digits
    and its element separator, so the first other character ends the segment.
    """
    element = buf[2]
    for char in buf[3:80]:
        if char.isalnum() or char == element or char == " ":
            continue
        terminator = "\n" if char == "\r" else char
        if terminator in (":", "^"):
            return None
        return Delimiters(element, "^", ":", terminator)
    return None
