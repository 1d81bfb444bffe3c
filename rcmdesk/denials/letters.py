"""Appeal letters as HTML and PDF (``rcmdesk.pdf``, which says what a server without
WeasyPrint lacks)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from rcmdesk.denials.models import Appeal
from rcmdesk.pdf import html_to_pdf


def letter_context(appeal: Appeal) -> dict[str, Any]:
    values = appeal.merge_values
    return {
        "appeal": appeal,
        "client_name": appeal.client.name,
        "payer_name": values.get("payer_name", appeal.claim.payer.name),
        "facts": [
            ("Patient", values.get("patient_name", "")),
            ("Member id", values.get("member_id", "")),
            ("Payer claim number", values.get("payer_claim_number", "")),
            ("Our claim number", values.get("claim_number", "")),
            ("Dates of service", f"{values.get('service_from', '')} to "
                                 f"{values.get('service_to', '')}"),
            ("Amount denied", values.get("denied_amount", "")),
            ("Reason codes", values.get("carc_codes", "")),
            ("Remark codes", values.get("rarc_codes", "")),
            ("Appeal level", str(appeal.level)),
        ],
        # the letter text is plain text; the template escapes it and keeps its paragraphs
        "paragraphs": [p for p in appeal.letter_text.split("\n\n") if p.strip()],
    }


def letter_html(appeal: Appeal) -> str:
    return render_to_string("denials/appeal_letter.html", letter_context(appeal))


def letter_pdf(appeal: Appeal) -> bytes:
    """The letter as PDF; ``rcmdesk.pdf.PdfUnavailable`` on a server without WeasyPrint."""
    return html_to_pdf(letter_html(appeal), what="PDF letters")
