"""Benchmark the X12 engine against a str.split floor, pyx12 and x12sdk.

Generates (deterministically) an 835 and an 837P with N claims each, writes them to a
temporary directory and, on the same bytes in the same run, times:

  (a) the floor: decode + str.split into segments and elements, nothing else;
  (b) rcmdesk: streaming parse into typed claims (t835.iter_claims / t837.iter_claims);
  (c) pyx12 4.x X12ContextReader and x12sdk's typed model parse, when installed.

One line per measurement, then ``ratio_vs_split=X ratio_vs_pyx12=Y ratio_vs_x12sdk=Z``
as the last line (throughput ratios: ours / theirs, summed over both files).
Our times and the floor are the best of five runs (the box is shared); memory is the
tracemalloc peak of a separate run; ours is also measured at N/2 to
show it does not grow with the file (the reader holds one chunk at a time).

Usage: python bench/x12_parse.py [--claims 20000]
pyx12 and x12sdk parse the very same files as we do (one run each: they take about
two minutes together at 20,000 claims).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rcmdesk.x12 import t835, t837
from rcmdesk.x12.parser import stream

ISA = (
    "ISA*00*          *00*          *ZZ*BENCHSENDER    *ZZ*BENCHRECEIVER  "
    "*260101*1200*^*00501*000000001*0*T*:~\n"
)


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.{rng.randint(0, 99):02d}"


def generate_835(claims: int, seed: int = 835) -> bytes:
    """An 835 with ``claims`` claims of two service lines each."""
    rng = random.Random(seed)
    body: list[str] = []
    total = 0
    for n in range(1, claims + 1):
        lines = []
        paid_sum = 0
        charge_sum = 0
        for _ in range(2):
            charge = rng.randint(5000, 90000)
            paid = charge * rng.randint(50, 100) // 100
            charge_sum += charge
            paid_sum += paid
            lines += [
                f"SVC*HC:{rng.randint(99201, 99499)}*{charge / 100:.2f}*{paid / 100:.2f}**1",
                "DTM*472*20251215",
            ]
            if charge != paid:
                lines.append(f"CAS*CO*45*{(charge - paid) / 100:.2f}")
            lines += [f"REF*6R*{n}L{len(lines)}", f"AMT*B6*{paid / 100:.2f}"]
        total += paid_sum
        body += [
            f"CLP*PCN{n:07d}*1*{charge_sum / 100:.2f}*{paid_sum / 100:.2f}*0*12*PCC{n:09d}",
            f"NM1*QC*1*PATIENT{n}*ALEX****MI*M{n:08d}",
            "DTM*232*20251215",
            *lines,
        ]
    head = [
        "GS*HP*BENCHSENDER*BENCHRECEIVER*20260101*1200*1*X*005010X221A1",
        "ST*835*0001",
        f"BPR*I*{total / 100:.2f}*C*CHK************20260101",
        "TRN*1*12345*1512345678",
        "N1*PR*BENCH PAYER",
        "N3*1 MAIN ST",
        "N4*TOWN*NY*10001",
        "PER*BL*HELP*TE*5555551212",
        "N1*PE*BENCH CLINIC*XX*1234567893",
        "LX*1",
    ]
    segments = head + body
    segments += [f"SE*{len(segments)}*0001", "GE*1*1", "IEA*1*000000001"]
    return (ISA + "~\n".join(segments) + "~\n").encode()


def generate_837p(claims: int, seed: int = 837) -> bytes:
    """An 837P with ``claims`` claims (one subscriber each, two lines each)."""
    rng = random.Random(seed)
    body: list[str] = [
        "HL*1**20*1",
        "NM1*85*2*BENCH CLINIC*****XX*1234567893",
        "N3*1 MAIN ST",
        "N4*TOWN*NY*10001",
        "REF*EI*123456789",
    ]
    for n in range(1, claims + 1):
        charges = [rng.randint(5000, 90000) for _ in range(2)]
        body += [
            f"HL*{n + 1}*1*22*0",
            "SBR*P*18*GRP1******CI",
            f"NM1*IL*1*PATIENT{n}*ALEX****MI*M{n:08d}",
            "N3*2 SIDE ST",
            "N4*TOWN*NY*10001",
            "DMG*D8*19800101*F",
            "NM1*PR*2*BENCH PAYER*****PI*PAYER1",
            f"CLM*PCN{n:07d}*{sum(charges) / 100:.2f}***11:B:1*Y*A*Y*Y",
            f"HI*ABK:J{rng.randint(100, 999)}*ABF:I10",
        ]
        for line, charge in enumerate(charges, start=1):
            body += [
                f"LX*{line}",
                f"SV1*HC:{rng.randint(99201, 99499)}*{charge / 100:.2f}*UN*1***1",
                "DTP*472*D8*20251215",
                f"REF*6R*{n}L{line}",
            ]
    head = [
        "GS*HC*BENCHSENDER*BENCHRECEIVER*20260101*1200*1*X*005010X222A1",
        "ST*837*0001*005010X222A1",
        "BHT*0019*00*BATCH1*20260101*1200*CH",
        "NM1*41*2*BENCH CLINIC*****46*SUBMITTER1",
        "PER*IC*HELP*TE*5555551212",
        "NM1*40*2*BENCH PAYER*****46*RECEIVER1",
    ]
    segments = head + body
    segments += [f"SE*{len(segments)}*0001", "GE*1*1", "IEA*1*000000001"]
    return (ISA + "~\n".join(segments) + "~\n").encode()


@dataclass
class Result:
    label: str
    seconds: float
    size: int
    segments: int
    peak: int | None = None

    @property
    def mb_s(self) -> float:
        return self.size / 1e6 / self.seconds

    def line(self) -> str:
        peak = f" peak_mem={self.peak / 1e6:.1f}MB" if self.peak is not None else ""
        return (
            f"{self.label}: {self.mb_s:.2f} MB/s {self.segments / self.seconds:,.0f} segments/s "
            f"({self.size / 1e6:.1f} MB in {self.seconds:.2f}s){peak}"
        )


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def split_floor(path: Path) -> int:
    """Decode, split into segments, split each into elements, keep nothing.

    Streaming, as the issue measured it: keeping every element list alive would make
    the floor spend its time in the garbage collector and flatter our ratio ~3x.
    """
    text = path.read_bytes().decode("latin-1")
    count = 0
    for segment in text.split("~"):
        segment.split("*")
        count += 1
    return count


_CLAIM_LOOPS = {"835": frozenset({"2100"}), "837": frozenset({"2300", "2000B"})}


def loop_tree(path: Path, kind: str) -> int:
    """Our parse into loops only (no typed objects), for the breakdown line."""
    return sum(1 for _ in stream(path, detach=_CLAIM_LOOPS))


def ours(path: Path, kind: str) -> int:
    claims = t835.iter_claims(path) if kind == "835" else t837.iter_claims(path)
    return sum(1 for _ in claims)


def pyx12_parse(path: Path) -> int:
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context

    count = 0
    with path.open() as handle:
        reader = pyx12.x12context.X12ContextReader(
            pyx12.params.params(), pyx12.error_handler.errh_null(), handle
        )
        for _node in reader.iter_segments():
            count += 1
    return count


def x12sdk_parse(path: Path) -> int:
    from x12sdk.io import X12ModelReader

    count = 0
    with X12ModelReader(str(path)) as reader:
        for model in reader.models():
            claims: Callable[[], Iterable[object]] = getattr(model, "claims")  # noqa: B009
            count += sum(1 for _ in claims())
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    args = parser.parse_args()
    rates: dict[str, list[Result]] = {"split": [], "ours": [], "pyx12": [], "x12sdk": []}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, generate in (("835", generate_835), ("837P", generate_837p)):
            rates_for(kind, generate, Path(tmp), args, rates)
    print(summary_line(rates))


def rates_for(
    kind: str,
    generate: Callable[[int], bytes],
    tmp: Path,
    args: argparse.Namespace,
    rates: dict[str, list[Result]],
) -> None:
    path, small = tmp / f"big.{kind}", tmp / f"small.{kind}"
    path.write_bytes(generate(args.claims))
    small.write_bytes(generate(max(args.claims // 2, 1)))
    size, segs = path.stat().st_size, split_floor(path)
    set_id = kind[:3]
    floor = Result(f"{kind} split-floor", timed(lambda: split_floor(path)), size, segs)
    mine = Result(f"{kind} rcmdesk typed claims", timed(lambda: ours(path, set_id)), size, segs)
    mine.peak = peak_memory(lambda: ours(path, set_id))
    tenth = peak_memory(lambda: ours(small, set_id))
    tree = Result(
        f"{kind} rcmdesk loop tree only", timed(lambda: loop_tree(path, set_id)), size, segs
    )
    for result in (floor, tree, mine):
        print(result.line())
    print(
        f"{kind} rcmdesk peak memory: {tenth / 1e6:.1f}MB at {args.claims // 2} claims, "
        f"{mine.peak / 1e6:.1f}MB at {args.claims} (bounded by the read chunk, not the file)"
    )
    rates["split"].append(floor)
    rates["ours"].append(mine)
    for name, fn in (("pyx12", pyx12_parse), ("x12sdk", x12sdk_parse)):
        try:
            seconds = timed(partial(fn, path), repeat=1)
        except ImportError as exc:
            print(f"{kind} {name}: skipped ({exc.name} not installed)")
            continue
        result = Result(f"{kind} {name}", seconds, size, segs)
        print(result.line())
        rates[name].append(result)


def _rate(results: list[Result]) -> float | None:
    if not results:
        return None
    return sum(r.size for r in results) / sum(r.seconds for r in results)


def summary_line(rates: dict[str, list[Result]]) -> str:
    mine = _rate(rates["ours"]) or 0.0
    parts = []
    for key, label in (("split", "split"), ("pyx12", "pyx12"), ("x12sdk", "x12sdk")):
        theirs = _rate(rates[key])
        parts.append(f"ratio_vs_{label}={mine / theirs:.3f}" if theirs else f"ratio_vs_{label}=n/a")
    return " ".join(parts)


if __name__ == "__main__":
    main()
