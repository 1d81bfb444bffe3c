"""Fuzz target for the reader, parser, typed views and validator.

Not collected by pytest (no ``test_`` prefix). Run for a fixed time with atheris:

    python -m rcmdesk.x12.tests.fuzz_reader -max_total_time=60

atheris needs a libFuzzer-enabled CPython build; where it does not install, the same
target runs under a seeded random mutator for the given number of seconds:

    python -m rcmdesk.x12.tests.fuzz_reader --seconds 60

Any exception other than ``X12Error`` is a bug and is re-raised.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from rcmdesk.x12 import X12Error, parse, t271, t277, t835, t837, t999
from rcmdesk.x12.summary import summaries
from rcmdesk.x12.tests.samples import SAMPLES
from rcmdesk.x12.validate import validate

SEED_FILES = (
    "albmarin-badX12/X221-multiple-claims-single-check.edi",
    "albmarin-badX12/X222-anesthesia.edi",
    "imsweb-x12-parser/x12_277CA_accepted.txt",
    "imsweb-x12-parser/x12_999_rejected.txt",
    "LinuxForHealth-x12/subscriber-health-benefit-check.271",
)


def target(data: bytes) -> None:
    """Everything a user can call on untrusted bytes."""
    try:
        for _tx in parse(data, name="fuzz"):
            pass
        list(summaries(data, name="fuzz"))
        list(validate(data, name="fuzz"))
        for view in (t835.remittances, t837.submissions, t271.responses, t277.responses):
            list(view(data, name="fuzz"))
        list(t999.acknowledgments(data, name="fuzz"))
    except X12Error:
        pass


def _seeds() -> list[bytes]:
    found = [(SAMPLES / name).read_bytes() for name in SEED_FILES if (SAMPLES / name).is_file()]
    return found or [
        b"ISA*00*" + b" " * 10 + b"*00*" + b" " * 10 + b"*ZZ*A*ZZ*B*240101*1200*^*00501*1*0*P*:~"
    ]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(4)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            del buf[at : at + rng.randint(1, 40)]
        elif op == 1:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2 and buf:
            chunk = buf[at : at + rng.randint(1, 80)]
            buf[at:at] = chunk
        elif buf:
            buf[min(at, len(buf) - 1)] = rng.choice(b"*~:^|\n\r\x1c\x1d\x00")
    return bytes(buf)


def random_fuzz(seconds: float, seed: int = 0) -> int:
    """Mutate seed files for ``seconds``; return how many inputs were tried."""
    rng = random.Random(seed)
    seeds = _seeds()
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        target(_mutate(rng, rng.choice(seeds)))
        runs += 1
    return runs


def main() -> None:
    """atheris when available, else the built-in random mutator."""
    try:
        import atheris
    except ImportError:
        seconds = (
            float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 30.0
        )
        print(f"atheris not installed; random mutation for {seconds:.0f}s")
        print(f"{random_fuzz(seconds)} inputs, no non-X12Error exception")
        return
    argv = list(sys.argv)
    if not any(not a.startswith("-") for a in argv[1:]):
        corpus = Path(tempfile.mkdtemp(prefix="x12-fuzz-"))
        for n, seed in enumerate(_seeds()):
            (corpus / f"seed{n}").write_bytes(seed)
        argv.append(str(corpus))
    atheris.instrument_all()
    atheris.Setup(argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
