"""The validator's fast predicates agree with the rules that word findings.

``elements_clean`` and ``loop_clean`` let clean segments and loops skip the rules; if
either ever vouched for something the rules fault, a finding would silently vanish.
Checked on every segment and loop of the shared samples, and on segments whose
elements hypothesis rewrites (emptied, lengthened, made non-numeric, split).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcmdesk.x12 import X12Error, parse
from rcmdesk.x12.parser import Loop
from rcmdesk.x12.reader import Delimiters, Segment
from rcmdesk.x12.rules_elements import _check_value, _simple_check, check_elements, elements_clean
from rcmdesk.x12.rules_structure import check_loop, loop_clean
from rcmdesk.x12.schemas.model import E, S
from rcmdesk.x12.tests.samples import SAMPLES, manifest, need_samples
from rcmdesk.x12.validate import validate


def _loops(loop: Loop) -> Iterator[Loop]:
    yield loop
    for item in loop.items:
        if isinstance(item, Loop):
            yield from _loops(item)


def _sample_loops() -> list[Loop]:
    if not (SAMPLES / "MANIFEST.tsv").is_file():
        return []
    found: list[Loop] = []
    for row in manifest():
        try:
            for tx in parse(SAMPLES / row["local_path"]):
                if tx.guide is not None:
                    found.extend(_loops(tx.root))
        except X12Error:
            continue
    return found


LOOPS = _sample_loops()
SEGMENTS: list[tuple[Segment, S]] = [
    (item, spec)
    for loop in LOOPS
    for item, spec in zip(loop.items, loop.specs, strict=False)
    if isinstance(item, Segment) and spec is not None
]


def _agrees(seg: Segment, spec: S) -> bool:
    """Clean means no findings; no findings should (almost always) mean clean."""
    findings = list(check_elements("f", seg, spec))
    return not (elements_clean(seg, spec) and findings)


def test_every_sample_segment_is_clean_exactly_when_the_rules_find_nothing():
    need_samples()
    assert SEGMENTS
    for seg, spec in SEGMENTS:
        assert elements_clean(seg, spec) == (not list(check_elements("f", seg, spec))), seg


def test_every_sample_loop_is_clean_exactly_when_the_loop_rules_find_nothing():
    need_samples()
    for loop in LOOPS:
        child_ids = [item.id for item in loop.items if isinstance(item, Loop)]
        assert loop_clean(loop, child_ids) == (not list(check_loop("f", loop))), loop


PICKS = st.sampled_from(SEGMENTS) if SEGMENTS else st.nothing()
EDITS = st.sampled_from(["", "X", "-1", "1.5", "ABC:DEF", "A^B", "9" * 40, "20251340", "2575"])


@pytest.mark.skipif(not SEGMENTS, reason="shared X12 samples not found")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_rewritten_segment_is_vouched_for_when_the_rules_fault_it(data):
    seg, spec = data.draw(PICKS)
    elements = list(seg.elements)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(1, len(spec.elements) + 1))
        while len(elements) <= index:
            elements.append("")
        elements[index] = data.draw(EDITS)
    rewritten = Segment(elements, seg.position, seg.offset, seg.delimiters)
    assert _agrees(rewritten, spec), rewritten


KINDS = [
    E("1", "R", "R", 1, 4),
    E("2", "R", "N0", 2, 3),
    E("3", "R", "N2", 1, 2, ("10", "-5")),
    E("4", "R", "DT", 8, 8),
    E("5", "R", "TM", 4, 6),
    E("6", "R", "AN", 2, 3),
    E("7", "R", "ID", 1, 2, ("A", "1.")),
]


@given(st.sampled_from(KINDS), st.text(alphabet="-.0123456789A²", min_size=1, max_size=9))
def test_a_simple_value_passes_the_compiled_check_exactly_when_it_has_no_problem(spec, value):
    assert _simple_check(spec)(value, Delimiters()) == (_check_value(value, spec) is None)


def test_a_superscript_digit_in_the_isa_time_is_a_finding_not_a_crash(tmp_path):
    path = tmp_path / "superscript.x12"
    path.write_bytes(
        b"ISA*00*          *00*          *ZZ*A              *ZZ*B              "
        b"*260101*12\xb2\xb2*^*00501*000000001*0*T*:~"
        b"GS*HP*A*B*20260101*1200*1*X*005010X221A1~ST*835*0001~SE*2*0001~GE*1*1~"
        b"IEA*1*000000001~"
    )
    rules = {f.rule for f in validate(path)}
    assert "snip1.isa-time" in rules
