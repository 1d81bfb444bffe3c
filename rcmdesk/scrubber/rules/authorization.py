"""Prior authorization: a line whose code the payer lists as needing one, with no approved
authorization covering its date and units, is denied (CARC 197) and rarely recoverable."""

from __future__ import annotations

from collections.abc import Iterator

from rcmdesk.scrubber.registry import Context, Hit, Subject, rule
from rcmdesk.scrubber.rules._util import at


@rule("AU001", topic="authorization", severity="error", field="line[n].procedure",
      title="Authorization on file where the payer requires one",
      why="The playbook lists the codes each payer authorizes; the line needs an approved "
          "authorization for the patient covering its date and units (rcmdesk.priorauth).")
def authorization(s: Subject, ctx: Context) -> Iterator[Hit]:
    book = ctx.auth_books.get(s.claim.client_id)
    if book is None:
        return
    for line in s.lines:
        code = line.procedure.strip().upper()
        if not code:
            continue
        result = book.check(s.claim.patient_id, s.claim.payer_id, code,
                            line.service_date or s.claim.service_from, line.units,
                            claim_id=s.claim.pk)
        if result.needed and result.problem:
            yield Hit(f"Line {line.line_number} ({code}): {result.message}",
                      at(line, "procedure"), line.line_number)
