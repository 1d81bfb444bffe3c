"""Second opinions: what pyx12 4.0.0 and x12sdk 2.2.0 say about a file, as plain records.

Both are test dependencies only (the engine must not depend on them). pyx12 validates
against its XML maps (``x12n_document``, errors taken from its JSON error document);
x12sdk validates by building its pydantic models (``X12ModelReader``), so its errors are
pydantic ``ValidationError`` entries. Each error becomes an ``Opinion`` whose ``key``
leaves out positions and values, so one table entry covers the same error wherever it
occurs. Each validator covers only some guides: ``covers`` says which.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PYX12 = "pyx12"
X12SDK = "x12sdk"

# GS08 of the guides each validator has a model for. pyx12's 270/271, 276/277 and 278
# "5010" maps are X092A1/X093A1/X094A1 (4010-era guide ids), not the 5010 guides X279A1,
# X212 and X217; x12sdk has no 278, 999 or 277CA (X214) model, and its 837 models are
# the A2/A3 errata of the X222A1/X223A2 guides HIPAA names (see ``X12SDK_VERSION``).
# One GS08 names a request and its answer (270/271 X279A1, 276/277 X212); x12sdk picks
# its model by ST01 too and has all four (``x12sdk/v5010/x12_27[0167]_*``), so its entry
# covers the simulator's 271 and 277 answers as well as our requests.
COVERED = {
    PYX12: frozenset({"005010X221A1", "005010X222A1", "005010X223A2", "005010X214",
                      "005010X231A1"}),
    X12SDK: frozenset({"005010X221A1", "005010X222A1", "005010X223A2", "005010X279A1",
                       "005010X212"}),
}
# x12sdk looks its model up by GS08; it ships the errata of the two 837 guides only.
X12SDK_VERSION = {"005010X222A1": "005010X222A2", "005010X223A2": "005010X223A3"}
_GS08 = re.compile(rb"GS\*[^~]*\*([0-9A-Z]+)~")


@dataclass(frozen=True, slots=True)
class Opinion:
    """One error another validator reports: where (segment or model path) and what."""

    validator: str
    where: str
    error: str
    detail: str = ""  # the full message, for the failure report only

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.validator, self.where, self.error)


def version_of(data: bytes) -> str:
    """GS08 of the (first) functional group."""
    match = _GS08.search(data)
    return match.group(1).decode() if match else ""


def covers(validator: str, data: bytes) -> bool:
    return version_of(data) in COVERED[validator]


def pyx12_opinions(data: bytes) -> list[Opinion]:
    """pyx12's errors at every level of its JSON error document."""
    import pyx12.params
    import pyx12.x12n_document

    out = io.StringIO()
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)  # it logs every error too
    pyx12.x12n_document.x12n_document(
        pyx12.params.params(), io.StringIO(data.decode()), None, None, None, out)
    return list(_pyx12_walk(json.loads(out.getvalue())))


def _pyx12_walk(node: Any, segment: str = "") -> Iterator[Opinion]:
    if isinstance(node, list):
        for item in node:
            yield from _pyx12_walk(item, segment)
        return
    if not isinstance(node, dict):
        return
    segment = node.get("seg_id", segment)
    where = segment + (f"{node['ele_pos']:02d}" if isinstance(node.get("ele_pos"), int) else "")
    for error in node.get("errors", ()):
        yield Opinion(PYX12, where or "envelope", str(error["err_cde"]), str(error["err_str"]))
    for key in ("interchanges", "groups", "transactions", "segments", "elements"):
        yield from _pyx12_walk(node.get(key, ()), segment)


def x12sdk_opinions(data: bytes) -> list[Opinion]:
    """x12sdk's model errors (pydantic ``ValidationError`` entries), or why it failed."""
    from pydantic import ValidationError
    from x12sdk.io import X12ModelReader

    text = data.decode()
    for ours, theirs in X12SDK_VERSION.items():
        text = text.replace(ours, theirs)
    try:
        with X12ModelReader(text) as reader:
            for _model in reader.models():
                pass
    except ValidationError as exc:
        return [Opinion(X12SDK, _model_path(e["loc"]), e["type"], e["msg"])
                for e in exc.errors()]
    except Exception as exc:
        return [Opinion(X12SDK, "reader", type(exc).__name__, str(exc)[:200])]
    return []


def _model_path(loc: tuple[int | str, ...]) -> str:
    """The model path without list indexes or the loop chain above the last loop."""
    names = [str(part) for part in loc if not isinstance(part, int)]
    loops = [i for i, name in enumerate(names) if name.startswith("loop_")]
    return ".".join(names[loops[-1]:] if loops else names)


def opinions(validator: str, data: bytes) -> list[Opinion]:
    return pyx12_opinions(data) if validator == PYX12 else x12sdk_opinions(data)


# --- where the guide says we are right and another validator disagrees -------------
# One table for every conformance test (docs/x12.md keeps it in prose).

WRITERS, SIMULATOR = "writers", "simulator"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """An error another validator reports on our output, and why the guide says we are right."""

    validator: str
    kind: str
    where: str
    error: str
    why: str
    # Whose files show it: the writers' samples (synth's test) or the simulator's answers
    # (sim's test); each test requires its own entries to still occur.
    seen_in: str = WRITERS

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.validator, self.where, self.error)


KNOWN_DISAGREEMENTS = (
    Disagreement(
        X12SDK, "837I", "loop_2300.cl1_segment.admission_type_code", "string_type",
        "x12sdk's CL1 model makes CL101 (admission type) mandatory. The 837I TR3 makes it "
        "situational, required when the patient is admitted for inpatient services (pyx12's "
        "map: usage S); our outpatient claims (type of bill 13x) leave it out, our inpatient "
        "ones (11x) send it, and our validator requires it there."),
)
