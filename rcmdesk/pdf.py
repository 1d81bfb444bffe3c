"""HTML to PDF: the one place WeasyPrint is called (appeal letters, weekly reports).

WeasyPrint needs the Pango system library. It is imported when a PDF is made, not when
this module loads, so a server without Pango runs everything else and, when someone asks
for a PDF, says in one sentence what is missing; each caller decides what to do instead
(the letter page answers 503 with the sentence, the weekly report is kept as HTML only).
"""

from __future__ import annotations


class PdfUnavailable(RuntimeError):
    """PDFs cannot be made on this server (WeasyPrint or the Pango library is missing)."""


def html_to_pdf(html: str, *, what: str = "PDF documents") -> bytes:
    """The PDF of a complete HTML document; ``what`` names the documents in the refusal
    ("PDF letters need ..."). The templates carry their styles inline, so no base URL."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"{what} cannot be made on this server: it needs WeasyPrint and the Pango text "
            "library (libpango-1.0, e.g. the 'libpango-1.0-0' package on Debian/Ubuntu). "
            f"Ask whoever runs the server to install them. ({exc})") from exc
    pdf = HTML(string=html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
