"""Every file the simulator answers with passes our validator, pyx12's and x12sdk's.

The simulator is part of the product, so what it writes is held to the bar of what the
writers write (``synth/tests/test_writers_conform.py``): the product's own 270, 276, 278,
837P and 837I (``synth/tests/written.py``) go into a mailbox, the clearinghouse takes them
and runs twelve simulated days on a test clock, and every answer it delivers (999s, the
271, the 277, the 278 decision, 277CAs, 835s) is checked. pyx12 has maps for the 999,
277CA and 835; x12sdk models for the 271, 277 and 835; the 278 has only ours. An error not
in the shared ``KNOWN_DISAGREEMENTS`` table fails, and so does an entry of the simulator's
that no longer occurs. One run, a few seconds (pyx12 is the slow part).
"""

from __future__ import annotations

import pytest

from rcmdesk.sim import users
from rcmdesk.sim.clearinghouse import Clearinghouse
from rcmdesk.sim.tests.support import PASSWORDS, SteppedClock, outbound, put_inbound
from rcmdesk.synth.tests.written import Written, written
from rcmdesk.x12.tests.others import (
    KNOWN_DISAGREEMENTS,
    PYX12,
    SIMULATOR,
    X12SDK,
    Opinion,
    covers,
    opinions,
)
from rcmdesk.x12.validate import validate

SENT = ("270", "276", "278", "837P", "837I")
VALIDATORS = (PYX12, X12SDK)


def _segments(data: bytes, segment_id: str) -> list[list[str]]:
    text = data.decode().replace("\r", "").replace("\n", "")
    return [s.split("*") for s in text.split("~") if s.split("*")[0] == segment_id]


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    return {w.kind: w for w in written(tmp_path_factory.mktemp("written")) if w.kind in SENT}


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory,
            sent: dict[str, Written]) -> dict[str, bytes]:
    """Every file the clearinghouse delivers for our five requests, by name (kind first)."""
    root = tmp_path_factory.mktemp("sim")
    users.save(root, [users.User(name, pw) for name, pw in PASSWORDS.items()])
    users.load(root)
    clock = SteppedClock()
    house = Clearinghouse(root, seed=7, clock=clock)
    for kind, w in sent.items():
        put_inbound(root, f"{kind}.x12", w.data)
    house.process(clock.now)
    house.process(clock.advance(days=12))  # 835s two to six days out, reversals after
    assert house.pending() == []
    assert not (root / "errors.log").exists()
    return outbound(root)


def _kind(name: str) -> str:
    return name.split("_", 1)[0]


@pytest.fixture(scope="module")
def verdicts(answers: dict[str, bytes]) -> dict[tuple[str, str], list[Opinion]]:
    """Each validator's errors on each answer it covers (run once: pyx12 is slow)."""
    return {(name, v): opinions(v, data) for name, data in answers.items()
            for v in VALIDATORS if covers(v, data)}


def test_the_simulator_answers_every_request_kind_we_send(answers):
    assert {_kind(name) for name in answers} == {"999", "271", "277", "278", "277CA", "835"}
    assert sum(_kind(name) == "999" for name in answers) == len(SENT)


def test_our_validator_finds_nothing_wrong_with_any_answer(answers):
    for name, data in answers.items():
        assert list(validate(data, name=name)) == [], name


def test_every_answer_but_the_278_decision_has_a_second_opinion(answers, verdicts):
    """278: pyx12's map is the 4010-era X094A1 and x12sdk has none; ours is the only one."""
    checked = {(_kind(name), v) for name, v in verdicts}
    assert checked == {("999", PYX12), ("277CA", PYX12), ("835", PYX12), ("835", X12SDK),
                       ("271", X12SDK), ("277", X12SDK)}


@pytest.mark.parametrize("validator", VALIDATORS)
def test_the_other_validators_agree_with_the_simulator_or_the_disagreement_is_known(
        validator, verdicts):
    known = {d.key for d in KNOWN_DISAGREEMENTS}
    unknown = [(name, o.where, o.error, o.detail)
               for (name, v), found in verdicts.items() if v == validator
               for o in found if o.key not in known]
    assert unknown == []


def test_every_known_disagreement_of_the_simulators_still_happens(verdicts):
    seen = {(_kind(name), o.key) for (name, _v), found in verdicts.items() for o in found}
    for d in KNOWN_DISAGREEMENTS:
        if d.seen_in == SIMULATOR:
            assert (d.kind, d.key) in seen, f"{d} no longer occurs: drop it from the table"


# --- what the validators (and the guide) asked of the answers -------------------------


def _answer(answers: dict[str, bytes], kind: str) -> bytes:
    return next(data for name, data in answers.items() if _kind(name) == kind)


def test_the_271_returns_the_270s_trace_segment_whole_with_its_ten_character_originator(
        sent, answers):
    """x12sdk found TRN03 ``9RCMDESKSIM`` (eleven characters): the TR3 echoes the 270's
    TRN with TRN01 2, and TRN03 is exactly ten ("1" + EIN or "9" + an identifier)."""
    (asked,) = _segments(sent["270"].data, "TRN")
    (echoed,) = _segments(_answer(answers, "271"), "TRN")
    assert echoed == ["TRN", "2", *asked[2:]]
    assert len(echoed[3]) == 10


@pytest.mark.parametrize("kind", ["271", "277", "278", "277CA", "835"])
def test_hierarchical_levels_count_from_one_without_a_gap(answers, kind):
    """The TR3s: HL01 "must begin with 1 and be incremented by one each time an HL is
    used"; the 271 and 277 writers skipped a number before the first member."""
    for name, data in answers.items():
        if _kind(name) == kind:
            for numbers in _hl_numbers_per_set(data):
                assert numbers == list(range(1, len(numbers) + 1)), name


def _hl_numbers_per_set(data: bytes) -> list[list[int]]:
    sets: list[list[int]] = []
    for segment in (s.split("*") for s in data.decode().replace("\n", "").split("~")):
        if segment[0] == "ST":
            sets.append([])
        elif segment[0] == "HL":
            sets[-1].append(int(segment[1]))
    return sets


def test_a_test_inquiry_gets_a_test_answer(sent, answers):
    """ISA15 T in, T out: the real-time answers follow the request as the batch ones do."""
    for kind, answer in (("270", "271"), ("276", "277")):
        assert _segments(sent[kind].data, "ISA")[0][15] == "T"
        assert _segments(_answer(answers, answer), "ISA")[0][15] == "T"
