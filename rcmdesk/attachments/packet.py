"""The appeal packet: the letter, then the chosen documents, merged into one PDF.

A PDF document is appended page by page; an image is placed one per page (each frame of a
multi-page TIFF fax its own page), scaled to fit a US Letter page, never enlarged. A
document that cannot be read (password-protected, damaged) stops the packet with its name,
rather than a packet that silently lacks the proof the letter says is enclosed.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from PIL import Image, ImageSequence, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from rcmdesk import errors

DPI = 150
PAGE = (int(8.5 * DPI), 11 * DPI)  # US Letter
MARGIN = DPI // 2


class PacketRefused(errors.Invalid):
    """A chosen document cannot be put in the packet."""


def merge(letter: bytes, documents: Iterable[tuple[str, str, bytes]]) -> bytes:
    """One PDF: ``letter`` and then each ``(name, content_type, bytes)`` in order."""
    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(letter)))
    for name, content_type, data in documents:
        if content_type == "application/pdf":
            _append_pdf(writer, name, data)
        else:
            _append_image(writer, name, data)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _append_pdf(writer: PdfWriter, name: str, data: bytes) -> None:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise PacketRefused(f"{name} is password-protected, so it cannot be added to the "
                                "packet. Attach a copy without the password.")
        writer.append(reader)
    except PyPdfError as exc:
        raise PacketRefused(f"{name} could not be read as a PDF, so the packet was not made. "
                            "Attach a fresh copy of it.") from exc


def _append_image(writer: PdfWriter, name: str, data: bytes) -> None:
    try:
        with Image.open(BytesIO(data)) as image:
            for frame in ImageSequence.Iterator(image):
                writer.append(PdfReader(BytesIO(_page(frame))))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise PacketRefused(f"{name} could not be read as an image, so the packet was not "
                            "made. Attach a fresh copy of it.") from exc


def _page(frame: Image.Image) -> bytes:
    picture = frame.convert("RGB")
    picture.thumbnail((PAGE[0] - 2 * MARGIN, PAGE[1] - 2 * MARGIN))
    page = Image.new("RGB", PAGE, "white")
    page.paste(picture, ((PAGE[0] - picture.width) // 2, (PAGE[1] - picture.height) // 2))
    out = BytesIO()
    page.save(out, "PDF", resolution=float(DPI))
    return out.getvalue()
