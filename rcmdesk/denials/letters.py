"""Appeal letters as HTML and PDF (WeasyPrint).

WeasyPrint needs the Pango system library; it is imported when a letter is made, not when
this module loads, so a machine without Pango runs everything else and says clearly what is
missing when someone asks for a PDF.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from rcmdesk.denials.models import Appeal


class LetterUnavailable(RuntimeError):
    """PDF letters cannot be made on this machine (WeasyPrint or Pango missing)."""


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
    html = letter_html(appeal)
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        raise LetterUnavailable(
            "PDF letters need WeasyPrint and the Pango text library (libpango-1.0, e.g. the "
            "'libpango-1.0-0' package on Debian/Ubuntu); install them on this server. "
            f"({exc})") from exc
    pdf = HTML(string=html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
