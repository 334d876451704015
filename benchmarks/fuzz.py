"""Long fuzzing runs: the fuzzers of tests/test_fuzz_*.py (tests/fuzz_checks.py) with many examples.

Run: python benchmarks/fuzz.py [--minutes 30] [--examples 200] [--only NAME]... [--seed S]. The fuzzers
run in turn, round after round, each round with a fresh seed and no example database, until the time is
up (a round that has started is finished, its shrinking included). Every distinct failure (the exception
and where it was raised) is printed once, with hypothesis's shrunk example; exit code 1 if any was found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_checks import FUZZERS, hypothesis_test  # noqa: E402
from hypothesis import seed  # noqa: E402

import rulecheck  # noqa: E402

PACKAGE, CHECKS = str(Path(rulecheck.__file__).parent), str(ROOT / "tests")

SHOWN = 3000  # characters of a failing example printed


def failures_of(exc: BaseException) -> list[BaseException]:
    """The distinct failures hypothesis reports: one exception, or a group of them."""
    inner = getattr(exc, "exceptions", None)  # an ExceptionGroup (Python 3.11, or its backport on 3.10)
    if isinstance(inner, tuple):
        return [failure for group in inner for failure in failures_of(group)]
    return [exc]


def signature(exc: BaseException) -> str:
    """What tells two failures apart: the exception's type and the innermost frame in rulecheck (or
    in the checks, for a property that does not hold)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(PACKAGE)] or [f for f in frames if f.filename.startswith(CHECKS)]
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def report(name: str, exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    notes = "\n".join(getattr(exc, "__notes__", []))
    frames = "".join(traceback.format_tb(exc.__traceback__)[-4:])
    text = f"--- {name}: {signature(exc)}\n{frames}{''.join(lines)}{notes}"
    return text if len(text) <= SHOWN else text[:SHOWN] + f"\n… ({len(text) - SHOWN:,} more characters)"


def fuzz_round(name: str, examples: int, round_seed: int) -> list[BaseException]:
    test = seed(round_seed)(hypothesis_test(name, max_examples=examples, database=None, derandomize=False))
    try:
        test()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: B036  (hypothesis's failures, whatever they are)
        return failures_of(exc)
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--examples", type=int, default=200, help="examples per fuzzer and round")
    parser.add_argument("--only", action="append", choices=sorted(FUZZERS), help="run this fuzzer (repeatable)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the rounds' seeds")
    args = parser.parse_args()
    names = args.only or list(FUZZERS)
    rounds = random.Random(args.seed)
    end = time.monotonic() + args.minutes * 60
    found: dict[str, str] = {}
    tried = dict.fromkeys(names, 0)
    while time.monotonic() < end:
        for name in names:
            if time.monotonic() >= end:
                break
            started = time.monotonic()
            round_seed = rounds.getrandbits(64)
            failures = fuzz_round(name, args.examples, round_seed)
            tried[name] += args.examples
            new = [exc for exc in failures if f"{name}: {signature(exc)}" not in found]
            for exc in new:
                found[f"{name}: {signature(exc)}"] = report(name, exc)
                print(found[f"{name}: {signature(exc)}"], flush=True)
            print(f"{name}: {args.examples} examples, seed {round_seed}, {len(failures)} failing "
                  f"({len(new)} new), {time.monotonic() - started:.0f} s", flush=True)
    print(f"\n{sum(tried.values()):,} examples in {args.minutes:g} minutes: "
          + ", ".join(f"{name} {count:,}" for name, count in tried.items()))
    print(f"{len(found)} distinct failure{'s' if len(found) != 1 else ''}" + (":" if found else ""))
    for key in found:
        print(f"  {key}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
