"""The 277CA verdicts on a prospect's mirrored claims, read back from the files themselves.

``submission.acks.apply_277ca`` rules only on claims of our own batches: the answers to a
practice's own 837s (mirrored, never batched by us) are stored and counted "unmatched", and
nothing is kept per claim. The assessment needs them (a rejection is a backlog item, an
acceptance is proof of timely filing), so this module reads the tenant's applied 277CA files
again with the product's parser and the product's verdict (``acks._verdict``), never a copy.

A 277CA lists the claims it rejects one by one and reports the rest of a set accepted at the
2200B level, whose trace echoes the 837's BHT03: those claims are found by reading the
BHT03 and CLM01s of the tenant's 837 files (segments only, no loop tree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.submission import wording
from rcmdesk.submission.acks import _receiver_traces, _verdict
from rcmdesk.x12 import t277
from rcmdesk.x12.errors import X12Error
from rcmdesk.x12.parser import open_source, transactions
from rcmdesk.x12.reader import SegmentReader

ACCEPTED = "accepted"
REJECTED = "rejected"
CLAIM_FILES = ("837", "837P", "837I", "837D")


@dataclass
class Verdicts:
    """Per patient control number: the latest verdict and its 277CA's date, and every
    rejection seen (the first-pass figure counts a claim rejected once even if it was
    accepted later)."""

    latest: dict[str, tuple[str, date]] = field(default_factory=dict)
    rejections: dict[str, list[date]] = field(default_factory=dict)
    files: int = 0

    def _say(self, pcn: str, verdict: str, day: date) -> None:
        if not pcn or verdict not in (ACCEPTED, REJECTED):
            return
        if verdict == REJECTED:
            self.rejections.setdefault(pcn, []).append(day)
        known = self.latest.get(pcn)
        # on the same day a rejection outweighs an acceptance: the claim must be worked
        if known is None or day > known[1] or (day == known[1] and verdict == REJECTED):
            self.latest[pcn] = (verdict, day)

    def rejected(self, pcn: str) -> bool:
        known = self.latest.get(pcn)
        return known is not None and known[0] == REJECTED

    def accepted(self, pcn: str) -> bool:
        known = self.latest.get(pcn)
        return known is not None and known[0] == ACCEPTED


def _d8(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def read(client_id: int) -> Verdicts:
    """Every applied 277CA of the tenant, oldest first, as verdicts per claim (one query for
    the files; the 837s are read only when some set was accepted at the set level)."""
    out = Verdicts()
    set_level: dict[str, date] = {}  # 2200B trace (the 837's BHT03) -> latest acceptance
    rows = (ReceivedFile.objects.filter(client_id=client_id, status=FileStatus.APPLIED,
                                        kind="277CA")
            .order_by("received_at", "pk").values_list("pk", "original_name", "content",
                                                       "received_at"))
    for _pk, name, content, received_at in rows:
        out.files += 1
        try:
            for tx in transactions(bytes(content), name=name):
                if tx.set_id != "277":
                    continue
                bht = next((b for loop in tx.root.walk()
                            if (b := loop.first("BHT")) is not None), None)
                day = (_d8(bht.get(4)) if bht is not None else None) or received_at.date()
                for status in t277.response(tx).claims:
                    out._say(status.patient_control_number, _verdict(status), day)
                for trace, categories in _receiver_traces(tx).items():
                    if categories & wording.ACCEPTED_CATEGORIES:
                        set_level[trace] = max(day, set_level.get(trace, day))
        except X12Error:
            continue  # applied once, so readable; a file that is not is left out
    if set_level:
        _accept_sets(client_id, set_level, out)
    return out


def _accept_sets(client_id: int, set_level: dict[str, date], out: Verdicts) -> None:
    """Claims of the 837 sets a 277CA accepted as a whole, unless listed by name."""
    listed = set(out.latest)
    rows = (ReceivedFile.objects.filter(client_id=client_id, status=FileStatus.APPLIED,
                                        kind__in=CLAIM_FILES)
            .values_list("original_name", "content"))
    for name, content in rows:
        stream, display, _ = open_source(bytes(content), name)
        day: date | None = None
        try:
            for segment in SegmentReader(stream, display):
                sid = segment.elements[0]
                if sid == "BHT":
                    day = set_level.get(segment.get(3))
                elif sid == "CLM" and day is not None:
                    pcn = segment.get(1)
                    if pcn not in listed:
                        out._say(pcn, ACCEPTED, day)
                elif sid == "SE":
                    day = None
        except X12Error:
            continue
