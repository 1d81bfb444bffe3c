"""Synthetic documents of each accepted kind (and a program), made on the spot."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

# The first bytes of a Windows program ("MZ" header), whatever it is named.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str, frames: int = 1, colour: str = "navy") -> bytes:
    pictures = [Image.new("RGB", (200, 120), colour) for _ in range(frames)]
    out = BytesIO()
    pictures[0].save(out, fmt, save_all=frames > 1, append_images=pictures[1:])
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """What a browser sends: a name and a type it chose, neither of them to be believed."""
    return SimpleUploadedFile(name, data, content_type=content_type)
