"""What a file is, told by its first bytes (pure Python).

The name and the browser's content type are the sender's claims and prove nothing: a
program renamed ``scan.pdf`` is still a program. Only the four kinds of document a payer
takes as proof are accepted, each recognised by its signature ("magic bytes").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    label: str


PDF = Kind("application/pdf", ".pdf", "PDF")
PNG = Kind("image/png", ".png", "PNG image")
JPEG = Kind("image/jpeg", ".jpg", "JPEG image")
TIFF = Kind("image/tiff", ".tif", "TIFF image")
KINDS = (PDF, PNG, JPEG, TIFF)

SIGNATURES: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),  # little-endian TIFF (most scanners and fax servers)
    (b"MM\x00*", TIFF),  # big-endian TIFF
)
# Extensions that claim one of the kinds; a file whose name claims the wrong one is renamed.
CLAIMED_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def sniff(data: bytes) -> Kind | None:
    """The kind of document ``data`` is, or None when it is none of the accepted four."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def by_content_type(content_type: str) -> Kind:
    return next(k for k in KINDS if k.content_type == content_type)
