"""Fuzz parse, lint, fix, the output formats and the command line for a while.

The same strategies and properties as tests/test_fuzz.py (they live in tests/fuzz_strategies.py),
with many more inputs::

    python3 benchmarks/fuzz.py                    # 60 seconds
    python3 benchmarks/fuzz.py --seconds 600      # ten minutes
    python3 benchmarks/fuzz.py --examples 20000   # a number of inputs instead
    python3 benchmarks/fuzz.py --keep-going       # collect every distinct failure, not the first
    python3 benchmarks/fuzz.py --engine atheris   # coverage-guided (pip install atheris)

With hypothesis (the default engine) the run is a series of batches of ``--batch`` inputs, each
with its own seed (``--seed`` makes the series reproducible); a failing input is shrunk to a
minimal one, printed as a line of Python that reproduces it, and the script exits 1. Every
``--progress`` seconds, and at the end, it prints how many inputs it tried, how long it ran,
how many parsed and linted, and which rule codes fired.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=None, help="run for this long (default 60, unless --examples)")
    parser.add_argument("--examples", type=int, default=None, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=None, help="seed of the first batch (default: random)")
    parser.add_argument("--batch", type=int, default=100, help="inputs per hypothesis run (default 100)")
    parser.add_argument("--cli", type=int, default=10, help="percent of inputs also run through the command line (default 10)")
    parser.add_argument("--progress", type=float, default=60, help="seconds between progress lines (default 60)")
    parser.add_argument("--keep-going", action="store_true", help="go on after a failure; report every distinct one")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    args = parser.parse_args(argv)
    if args.seconds is None and args.examples is None:
        args.seconds = 60.0
    if args.engine == "atheris":
        return run_atheris(args)
    return run_hypothesis(args)


class Stats:
    def __init__(self) -> None:
        self.start = time.monotonic()
        self.tried = 0
        self.parsed = 0
        self.linted = 0
        self.fixed = 0
        self.cli = 0
        self.chars = 0
        self.codes: Counter[str] = Counter()
        self.repeats = 0  # inputs that failed like an earlier, reported failure (--keep-going)
        self.last_progress = self.start

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def record(self, text: str, outcome, cli: bool) -> None:
        self.tried += 1
        self.chars += len(text)
        self.parsed += outcome.parsed
        self.linted += outcome.linted
        self.fixed += outcome.fixes > 0
        self.cli += cli
        self.codes.update(outcome.codes)

    def line(self) -> str:
        from haproxy_lint import all_rules

        n = max(self.tried, 1)
        never = sorted({r.code for r in all_rules()} - set(self.codes))
        return (
            f"{self.tried} inputs in {self.elapsed:.0f} s ({self.tried / max(self.elapsed, 1e-9):.1f}/s, "
            f"mean {self.chars / n:.0f} chars): parsed {100 * self.parsed / n:.0f}%, linted {100 * self.linted / n:.0f}%, "
            f"fixed something {100 * self.fixed / n:.0f}%, through the CLI {self.cli}; "
            f"{len(self.codes)} rule codes fired" + (f" (never: {' '.join(never)})" if never else "")
            + (f"; {self.repeats} repeated a reported failure" if self.repeats else "")
        )


def _signature(exc: BaseException) -> str:
    """What tells failures apart: the exception type, the first line of its message (numbers
    blurred, rule codes kept), and the innermost frame in haproxy_lint (or, for a property
    that does not hold, the check that says so)."""
    frames = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in frames if "haproxy_lint" in f.filename]
    if not inner:
        inner = [f for f in frames if f.name != "_expect"] or frames
    where = f"{Path(inner[-1].filename).name}:{inner[-1].lineno}" if inner else "?"
    first = re.sub(r"(?<![A-Za-z0-9])\d+", "#", str(exc).split("\n", 1)[0])
    return f"{type(exc).__name__} at {where}: {first[:160]}"


def _case(text: str, version: str, fmt: str | None, mode: str, split: int, code: str) -> dict:
    """The arguments of check_text for one input (no CLI arguments when it skips the CLI)."""
    case = {"text": text, "version": version, "split": split, "code": code}
    if fmt is not None:
        case.update(fmt=fmt, cli_mode=mode)
    return case


def _report_failure(case: dict | None, exc: BaseException, stats: Stats) -> None:
    print(f"\nFAILURE after {stats.tried} inputs, {stats.elapsed:.0f} s: {type(exc).__name__}: {str(exc)[:3000]}", flush=True)
    if case is not None:
        import tests.fuzz_strategies as fs

        print("minimal reproducer (Python, from the repository root):", flush=True)
        print("".join(f"  {line}\n" for line in fs.reproducer(case).splitlines()), flush=True)
    print("".join(traceback.format_exception(exc)[-12:]), flush=True)


def run_hypothesis(args: argparse.Namespace) -> int:
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    import tests.fuzz_strategies as fs

    stats = Stats()
    deadline = stats.start + args.seconds if args.seconds is not None else float("inf")
    limit = args.examples if args.examples is not None else float("inf")
    failures: dict[str, tuple[tuple, BaseException]] = {}
    state: dict[str, object] = {}

    def done() -> bool:
        return time.monotonic() >= deadline or stats.tried >= limit

    @given(
        fs.haproxy_texts(),
        st.sampled_from(fs.VERSIONS),
        st.sampled_from(fs.FORMATS),
        st.sampled_from(fs.CLI_MODES),
        st.integers(0, 99),
        st.integers(0, 100),
        st.sampled_from(fs.CODES),
    )
    def prop(text, version, fmt, mode, dice, split, code):
        if done() and not state.get("shrinking"):
            return  # the batch runs out without work
        cli = dice >= 100 - args.cli  # hypothesis draws small numbers more often
        case = _case(text, version, fmt if cli else None, mode, split, code)
        try:
            outcome = fs.check_text(**case)
        except Exception as exc:
            if not state.get("shrinking") and _signature(exc) in failures:
                stats.tried += 1
                stats.repeats += 1
                return  # a failure already reported: shrinking it again would waste minutes
            state["shrinking"] = True
            state["last"] = (case, exc)  # the last failing input hypothesis runs is the minimal one
            raise
        if not state.get("shrinking"):
            stats.record(text, outcome, cli)
        if time.monotonic() - stats.last_progress >= args.progress:
            stats.last_progress = time.monotonic()
            print(stats.line(), flush=True)

    config = settings(
        max_examples=args.batch,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
        print_blob=False,
    )
    base_seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"fuzzing with hypothesis: batches of {args.batch}, first seed {base_seed}, "
          + (f"{args.seconds:.0f} s" if args.seconds is not None else f"{args.examples} inputs"), flush=True)
    batch = 0
    configured = config(prop)
    while not done():
        run = seed(base_seed + batch)(configured)
        batch += 1
        state.clear()
        try:
            run()
        except KeyboardInterrupt:
            print("\ninterrupted", flush=True)
            break
        except BaseException as exc:  # noqa: BLE001 - every failure is reported
            case, error = state.get("last", (None, exc))  # type: ignore[misc]
            signature = _signature(error)
            if signature not in failures:
                failures[signature] = (case, error)
                _report_failure(case, error, stats)
            if not args.keep_going:
                break
    print(stats.line(), flush=True)
    print(f"ran {stats.tried} inputs in {stats.elapsed:.1f} s ({batch} batches from seed {base_seed}); "
          + (f"{len(failures)} distinct failure(s):" if failures else "no failure"), flush=True)
    for signature in failures:
        print(f"  {signature}", flush=True)
    return 1 if failures else 0


def run_atheris(args: argparse.Namespace) -> int:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        print("atheris is not installed (pip install atheris); use --engine hypothesis", file=sys.stderr)
        return 2
    with atheris.instrument_imports(include=["haproxy_lint"]):
        import haproxy_lint
        import haproxy_lint.cli
        import haproxy_lint.output.github
        import haproxy_lint.output.gitlab
        import haproxy_lint.output.json
        import haproxy_lint.output.junit
        import haproxy_lint.output.sarif
        import haproxy_lint.output.text  # noqa: F401
    from hypothesis import given
    from hypothesis import strategies as st

    import tests.fuzz_strategies as fs

    stats = Stats()

    @given(
        fs.haproxy_texts(),
        st.sampled_from(fs.VERSIONS),
        st.sampled_from(fs.FORMATS),
        st.sampled_from(fs.CLI_MODES),
        st.integers(0, 99),
        st.integers(0, 100),
        st.sampled_from(fs.CODES),
    )
    def prop(text, version, fmt, mode, dice, split, code):
        cli = dice >= 100 - args.cli
        case = _case(text, version, fmt if cli else None, mode, split, code)
        try:
            outcome = fs.check_text(**case)
        except BaseException as exc:
            _report_failure(case, exc, stats)
            raise
        stats.record(text, outcome, cli)
        if time.monotonic() - stats.last_progress >= args.progress:
            stats.last_progress = time.monotonic()
            print(stats.line(), flush=True)

    # hypothesis reads its choices from the input: long inputs from the start, not libFuzzer's tiny first ones
    libfuzzer = [sys.argv[0], "-print_final_stats=1", "-max_len=8192", "-len_control=0"]
    if args.seconds is not None:
        libfuzzer.append(f"-max_total_time={int(args.seconds)}")
    if args.examples is not None:
        libfuzzer.append(f"-runs={args.examples}")
    if args.seed is not None:
        libfuzzer.append(f"-seed={args.seed}")
    print(f"fuzzing with atheris (libFuzzer {' '.join(libfuzzer[1:])})", flush=True)
    import atexit

    atexit.register(lambda: print(stats.line(), flush=True))
    atheris.Setup(libfuzzer, prop.hypothesis.fuzz_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
