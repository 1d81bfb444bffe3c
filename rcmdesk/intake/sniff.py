"""What a received file is, told by its bytes (pure Python), in words a billing office reads.

A file's name and the browser's content type are the sender's claims; the bytes are what
the file is. An X12 interchange starts with its fixed-length ISA header and ends with an IEA
segment, and its ST/GS segments say which transaction it carries (835 remittance, 837P
claims, 277CA acknowledgment...). Anything else is named for what it is, reusing the
attachments' signatures (``rcmdesk.attachments.sniff``) for the picture and PDF kinds, so a
picture uploaded by mistake reads "This file is a PNG image, not an X12 file" instead of a
parser's complaint, and nobody is offered a retry that cannot help: retrying the same bytes
never turns a picture, or an interchange cut short, into a complete X12 file.
"""

from __future__ import annotations

from enum import StrEnum

from rcmdesk.attachments import sniff as documents

ISA_LONGEST = 4096  # an ISA longer than this is not an ISA (the X12 reader's bound)
ASK_FOR_X12 = "Upload the 835/837/277CA/999 file your clearinghouse sent."


class FileKind(StrEnum):
    """What a file is; stored on the received file (``ReceivedFile.kind``) when it arrives."""

    R835 = "835"
    C837P = "837P"
    C837I = "837I"
    C837D = "837D"
    C837 = "837"
    A277CA = "277CA"
    S277 = "277"
    S276 = "276"
    A999 = "999"
    E270 = "270"
    E271 = "271"
    P278 = "278"
    TA1 = "TA1"
    X12 = "x12"  # several kinds of set in one interchange, or one we do not name
    X12_CUT = "x12_cut"
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    TIFF = "tiff"
    PDF = "pdf"
    ZIP = "zip"
    WORD = "docx"
    EXCEL = "xlsx"
    OFFICE = "office"  # an older Word or Excel file (one container format for both)
    GZIP = "gzip"
    HTML = "html"
    TEXT = "text"
    EMPTY = "empty"
    BINARY = "binary"

    @property
    def label(self) -> str:
        return LABELS[self][0]

    @property
    def described(self) -> str:
        """The kind with its article, as in "This file is a PNG image"."""
        return LABELS[self][1]

    @property
    def is_x12(self) -> bool:
        """A whole X12 interchange: the only kind a retry can apply."""
        return self in X12_KINDS


LABELS: dict[FileKind, tuple[str, str]] = {
    FileKind.R835: ("835 remittance", "an 835 remittance"),
    FileKind.C837P: ("837P claims", "an 837P claim file"),
    FileKind.C837I: ("837I claims", "an 837I claim file"),
    FileKind.C837D: ("837D claims", "an 837D claim file"),
    FileKind.C837: ("837 claims", "an 837 claim file"),
    FileKind.A277CA: ("277CA acknowledgment", "a 277CA acknowledgment"),
    FileKind.S277: ("277 claim status", "a 277 claim status response"),
    FileKind.S276: ("276 status request", "a 276 status request"),
    FileKind.A999: ("999 acknowledgment", "a 999 acknowledgment"),
    FileKind.E270: ("270 eligibility request", "a 270 eligibility request"),
    FileKind.E271: ("271 eligibility response", "a 271 eligibility response"),
    FileKind.P278: ("278 prior authorization", "a 278 prior authorization"),
    FileKind.TA1: ("TA1 interchange acknowledgment", "a TA1 interchange acknowledgment"),
    FileKind.X12: ("X12 file", "an X12 file"),
    FileKind.X12_CUT: ("X12 file, cut short", "an X12 file cut short"),
    FileKind.PNG: ("PNG image", "a PNG image"),
    FileKind.JPEG: ("JPEG image", "a JPEG image"),
    FileKind.GIF: ("GIF image", "a GIF image"),
    FileKind.TIFF: ("TIFF image", "a TIFF image"),
    FileKind.PDF: ("PDF document", "a PDF document"),
    FileKind.ZIP: ("ZIP archive", "a ZIP archive"),
    FileKind.WORD: ("Word document", "a Word document"),
    FileKind.EXCEL: ("Excel workbook", "an Excel workbook"),
    FileKind.OFFICE: ("Word or Excel file", "a Word or Excel file"),
    FileKind.GZIP: ("compressed (gzip) file", "a compressed (gzip) file"),
    FileKind.HTML: ("web page", "a web page (HTML)"),
    FileKind.TEXT: ("plain text", "plain text"),
    FileKind.EMPTY: ("empty file", "empty"),
    FileKind.BINARY: ("unknown binary file", "a binary file of a kind we do not recognise"),
}
X12_KINDS = frozenset({FileKind.R835, FileKind.C837P, FileKind.C837I, FileKind.C837D,
                       FileKind.C837, FileKind.A277CA, FileKind.S277, FileKind.S276,
                       FileKind.A999, FileKind.E270, FileKind.E271, FileKind.P278,
                       FileKind.TA1, FileKind.X12})
KNOWN_FORMATS = frozenset({FileKind.PNG, FileKind.JPEG, FileKind.GIF, FileKind.TIFF,
                           FileKind.PDF, FileKind.ZIP, FileKind.WORD, FileKind.EXCEL,
                           FileKind.OFFICE, FileKind.GZIP})
DOCUMENTS = {documents.PNG: FileKind.PNG, documents.JPEG: FileKind.JPEG,
             documents.TIFF: FileKind.TIFF, documents.PDF: FileKind.PDF}
SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"GIF87a", FileKind.GIF), (b"GIF89a", FileKind.GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", FileKind.OFFICE),  # OLE2: .doc, .xls
    (b"\x1f\x8b", FileKind.GZIP),
)
# The set of an 837 or a 277 is told apart by its guide (GS08's tail).
GUIDES = {("837", "X222"): FileKind.C837P, ("837", "X223"): FileKind.C837I,
          ("837", "X224"): FileKind.C837D, ("277", "X214"): FileKind.A277CA}
SETS = {"835": FileKind.R835, "837": FileKind.C837, "277": FileKind.S277,
        "276": FileKind.S276, "999": FileKind.A999, "270": FileKind.E270,
        "271": FileKind.E271, "278": FileKind.P278}


def what_is(data: bytes) -> FileKind:
    """The kind of file ``data`` is."""
    if not data.strip():
        return FileKind.EMPTY
    document = documents.sniff(data)
    if document is not None:
        return DOCUMENTS[document]
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _zipped(data)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"ISA") and len(head) > 3:
        return _x12(head)
    if head.startswith(b"ST") and len(head) > 3 and not head[2:3].isalnum() \
            and not head[2:3].isspace():
        return _fragment(head) or FileKind.TEXT
    return _text(head)


def _zipped(data: bytes) -> FileKind:
    """Word and Excel files are ZIP archives whose first entries name the application."""
    head = data[:4096]
    if b"word/" in head:
        return FileKind.WORD
    if b"xl/" in head:
        return FileKind.EXCEL
    return FileKind.ZIP


def _text(head: bytes) -> FileKind:
    sample = head[:4096]
    if b"\x00" in sample:
        return FileKind.BINARY
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not a character cut at the sample's end
            return FileKind.BINARY
        text = sample[:exc.start].decode("utf-8")
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        return FileKind.HTML
    return FileKind.TEXT


def _x12(data: bytes) -> FileKind:
    """Which X12 transaction(s) an interchange carries; cut short when an ISA has no IEA.

    The delimiters are read as the X12 reader reads them: the element separator follows
    "ISA", and the terminator follows ISA16, after the sixteenth separator (a header that
    is not exactly 106 characters is still read).
    """
    separator = data[3:4]
    end = -1
    for _ in range(16):
        end = data.find(separator, end + 1, ISA_LONGEST)
        if end < 0:
            return FileKind.X12_CUT
    terminator = data[end + 2:end + 3]
    if not terminator:
        return FileKind.X12_CUT
    segments = _segments(data, separator, terminator)
    ids = [fields[0] for fields in segments]
    if ids.count(b"IEA") < ids.count(b"ISA"):
        return FileKind.X12_CUT
    return _carried(segments)


def _fragment(data: bytes) -> FileKind | None:
    """A bare ST..SE set (companion guides print them so; the reader takes them): its
    terminator is the first character an ST segment cannot hold."""
    separator = data[2:3]
    for char in data[3:80]:
        if not (bytes([char]).isalnum() or bytes([char]) in (separator, b" ")):
            terminator = b"\n" if char == ord("\r") else bytes([char])
            return _carried(_segments(data, separator, terminator))
    return None


# What sniffing reads: ISA/IEA (counted), GS (its guide), ST (its set id) and TA1, told
# apart by their first two letters before a segment is split into its elements.
_READ = frozenset({b"IS", b"IE", b"GS", b"ST", b"TA"})


def _segments(data: bytes, separator: bytes, terminator: bytes) -> list[list[bytes]]:
    """The segments sniffing reads, split into elements; the others (a large file's
    hundreds of thousands of claim segments) are skipped unsplit: sniffing runs on every
    file received, before it is checked."""
    read = _READ
    out = []
    for s in data.split(terminator):
        s = s.strip(b"\r\n ")
        if s[:2] in read:
            out.append(s.split(separator))
    return out


def _carried(segments: list[list[bytes]]) -> FileKind:
    """The kind of transaction the segments carry: one named kind, TA1s alone, or "X12"."""
    kinds: set[FileKind] = set()
    guide = ""
    for fields in segments:
        if fields[0] == b"GS" and len(fields) > 8:
            guide = fields[8].decode("ascii", "replace")
        elif fields[0] == b"ST" and len(fields) > 1:
            kinds.add(_set_kind(fields[1].decode("ascii", "replace"), guide))
        elif fields[0] == b"TA1":
            kinds.add(FileKind.TA1)
    sets = kinds - {FileKind.TA1}
    if len(sets) == 1:
        return next(iter(sets))
    return FileKind.TA1 if kinds == {FileKind.TA1} else FileKind.X12


def _set_kind(set_id: str, guide: str) -> FileKind:
    for (guided_set, tail), kind in GUIDES.items():
        if set_id == guided_set and tail in guide:
            return kind
    return SETS.get(set_id, FileKind.X12)


def problem(kind: FileKind) -> str:
    """Why a file of this kind cannot be applied as X12, for a person; "" when it can."""
    if kind.is_x12:
        return ""
    if kind is FileKind.X12_CUT:
        return ("This X12 file is cut short: it stops before its closing IEA segment, so "
                "part of it is missing. Ask your clearinghouse to send the whole file again.")
    return f"This file is {kind.described}, not an X12 file. {ASK_FOR_X12}"


def retry_can_help(kind: str) -> bool:
    """Whether running the same bytes again could succeed: never for a file that is not a
    whole X12 interchange. A file received before kinds were stored ("") may be retried."""
    return not kind or kind in X12_KINDS


def foreign(data: bytes) -> FileKind | None:
    """The kind of a file that is plainly no text import (a picture, a PDF, an archive, an
    office file), for imports of CSV or other text; None for anything else, which the
    import's own checks describe better (a stray NUL byte is its row and column)."""
    kind = what_is(data)
    return kind if kind in KNOWN_FORMATS else None
