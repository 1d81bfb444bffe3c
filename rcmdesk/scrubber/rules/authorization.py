"""Prior authorization: a line whose code the payer lists as needing one, with no approved
authorization covering its date and units, is denied (CARC 197) and rarely recoverable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from rcmdesk.scrubber.registry import Context, Hit, Subject, rule
from rcmdesk.scrubber.rules._util import at

ONE = Decimal(1)  # a line without units is one unit, as the authorization book counts


@rule("AU001", topic="authorization", severity="error", field="line[n].procedure",
      title="Authorization on file where the payer requires one",
      why="The playbook lists the codes each payer authorizes; the line needs an approved "
          "authorization for the patient covering its date and units (rcmdesk.priorauth).")
def authorization(s: Subject, ctx: Context) -> Iterator[Hit]:
    book = ctx.auth_books.get(s.claim.client_id)
    if book is None:
        return
    # Units of this claim's earlier lines billed against the same authorization: the book
    # counts only submitted lines, so two lines of one draft could each fit on their own.
    in_claim: dict[int, Decimal] = defaultdict(Decimal)
    for line in s.lines:
        code = line.procedure.strip().upper()
        if not code:
            continue
        day = line.service_date or s.claim.service_from
        units = Decimal(line.units) if line.units is not None else ONE
        result = book.check(s.claim.patient_id, s.claim.payer_id, code, day, units,
                            claim_id=s.claim.pk)
        auth_id = result.authorization_id
        if result.needed and not result.problem and auth_id and in_claim[auth_id]:
            result = book.check(s.claim.patient_id, s.claim.payer_id, code, day,
                                in_claim[auth_id] + units, claim_id=s.claim.pk)
        if result.needed and result.problem:
            yield Hit(f"Line {line.line_number} ({code}): {result.message}",
                      at(line, "procedure"), line.line_number)
        elif auth_id:
            in_claim[auth_id] += units
