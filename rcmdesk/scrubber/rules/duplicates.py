"""Duplicate claims: the commonest avoidable denial (CARC 18) and a compliance risk."""

from __future__ import annotations

from collections.abc import Iterator

from rcmdesk.scrubber.registry import Context, Hit, Subject, rule


@rule("DU001", topic="duplicates", severity="error", field="claim",
      title="Not a duplicate of another claim",
      why="Same patient, payer, first date of service, procedures and total charge as "
          "another claim of the client (not a replacement or void, not rejected at the "
          "front door): the payer would deny it as a duplicate.")
def duplicate(s: Subject, ctx: Context) -> Iterator[Hit]:
    original = ctx.duplicates.get(s.claim.pk)
    if original is not None:
        yield Hit(f"Duplicates claim #{original} (same patient, payer, date, procedures and "
                  "charge). Send a replacement (frequency 7) if this corrects it.")
