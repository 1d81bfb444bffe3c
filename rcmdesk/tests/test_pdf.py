"""The one HTML-to-PDF renderer: a real PDF where WeasyPrint works, one sentence where not."""

from __future__ import annotations

import sys

import pytest

from rcmdesk.pdf import PdfUnavailable, html_to_pdf


def test_html_becomes_a_pdf() -> None:
    try:
        pdf = html_to_pdf("<html><body><p>Acme Family Medicine</p></body></html>")
    except PdfUnavailable:
        pytest.skip("WeasyPrint or Pango missing on this machine")
    assert pdf.startswith(b"%PDF-")


def test_without_weasyprint_the_refusal_names_the_documents_and_the_missing_library(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import raises ImportError
    with pytest.raises(PdfUnavailable) as refused:
        html_to_pdf("<p>x</p>", what="PDF letters")
    assert str(refused.value).startswith("PDF letters cannot be made on this server")
    assert "libpango-1.0" in str(refused.value)
