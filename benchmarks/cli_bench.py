"""End-to-end speed of the ``haproxy-lint`` command against real HAProxy's own check.

Measures what a user waits for, as separate processes, the two tools alternating run after run
(a shared, noisy machine then slows both alike), and prints medians:

- large config (about 40,000 lines): ``haproxy-lint big.cfg`` (every rule) against
  ``haproxy -c -f big.cfg``; target <= 4x (issue 14);
- small config (about 400 lines): the same, and against importing the fixed dependencies
  (``python -c "import lark, pydantic, click"``); target <= 2x the imports (issue 14);
- ``haproxy-lint --fix`` on the large config (on a fresh copy each run) against linting it;
  target <= 1.5x;
- many files: 500 configurations of 400 lines in one invocation, ``--jobs 1`` against
  ``--jobs N`` (N = CPUs); target: the parallel run within 1.3x of (sequential time / N);
- peak memory (max RSS) of the large-config run; target <= 100 MB (issue 14); and what it adds
  over the small-config run, per MB of input it adds; target <= 25 MB per MB (issue 14);
- growth: in-process parse + lint of 4,000 and 40,000 lines, in fresh processes; target: 10x
  the lines in <= 11x the time;
- start-up floor: ``python -c pass`` and the imports of the fixed dependencies, for reading the
  small-config figure.

The command run is the console script next to this Python (``<prefix>/bin/haproxy-lint``),
with bytecode caching on, as after ``pip install``; a warm-up run comes first.

Usage: python benchmarks/cli_bench.py [--haproxy PATH] [--repeat N] [--files N] [--only NAME]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_bench import generate  # noqa: E402


def command() -> list[str]:
    script = Path(sysconfig.get_path("scripts"), "haproxy-lint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "haproxy_lint"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a pip-installed package has its bytecode
    return env


def run(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)) -> float:
    """Wall time of one run (exit 0 or 1: findings are not a failure)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:500]}")
    return elapsed


def max_rss_kb(argv: list[str], env: dict[str, str]) -> int:
    """Peak resident memory of one run, from the kernel's accounting of the child."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execve(argv[0], argv, env) if os.path.isabs(argv[0]) else os.execvpe(argv[0], argv, env)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_maxrss


def alternate(commands: dict[str, tuple[list[str], object]], repeat: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns. A command may come with a
    setup callable, run before each of its runs and not timed."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, (argv, setup) in commands.items():  # warm-up: bytecode, Lark's grammar cache
        if setup:
            setup()
        run(argv, env)
    for _ in range(repeat):
        for name, (argv, setup) in commands.items():
            if setup:
                setup()
            times[name].append(run(argv, env))
    return {name: statistics.median(values) for name, values in times.items()}


def verdict(value: float, limit: float) -> str:
    return "meets" if value <= limit else "MISSES"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--only", choices=("large", "small", "fix", "many", "memory", "growth", "floor"), action="append")
    args = parser.parse_args()
    only = set(args.only or ("large", "small", "fix", "many", "memory", "growth", "floor"))
    env = environment()
    lint = command()
    cores = os.cpu_count() or 1
    print(f"haproxy-lint: {' '.join(lint)}; haproxy: {args.haproxy}; {cores} CPUs; median of {args.repeat}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        big, small = work / "big.cfg", work / "small.cfg"
        big_text, small_text = generate(40_000), generate(400)
        big.write_text(big_text)
        small.write_text(small_text)
        have_haproxy = Path(args.haproxy).exists()
        # A small file's target is against the imports (issue 14): Python and the fixed
        # dependencies alone take longer than HAProxy's whole check of it.
        for label, path, limit in (("large", big, 4.0), ("small", small, None)):
            if label not in only:
                continue
            commands = {"haproxy-lint": (lint + [str(path)], None)}
            if have_haproxy:
                commands["haproxy -c"] = ([args.haproxy, "-c", "-q", "-f", str(path)], None)
            if label == "small":
                commands["imports"] = ([sys.executable, "-c", "import lark, pydantic, click"], None)
            got = alternate(commands, args.repeat, env)
            if label == "small":
                ratio = got["haproxy-lint"] / got["imports"]
                print(f"small config: haproxy-lint {got['haproxy-lint'] * 1000:.0f} ms, "
                      f"python -c 'import lark, pydantic, click' {got['imports'] * 1000:.0f} ms, ratio {ratio:.2f} "
                      f"(target <= 2: {verdict(ratio, 2.0)})")
            lines = path.read_text().count("\n")
            line = f"{label} config ({lines:,} lines): haproxy-lint {got['haproxy-lint'] * 1000:.0f} ms"
            if have_haproxy:
                ratio = got["haproxy-lint"] / got["haproxy -c"]
                line += f", haproxy -c {got['haproxy -c'] * 1000:.0f} ms, ratio {ratio:.2f} "
                line += f"(target <= {limit:g}: {verdict(ratio, limit)})" if limit else "(for reference)"
            print(line)
        if "fix" in only:
            target = work / "fix.cfg"
            restore = lambda: target.write_text(big_text)  # noqa: E731
            got = alternate(
                {
                    "lint": (lint + [str(target)], restore),
                    "fix": (lint + ["--fix", "--unsafe-fixes", str(target)], restore),
                },
                args.repeat,
                env,
            )
            ratio = got["fix"] / got["lint"]
            print(f"--fix --unsafe-fixes on the large config: {got['fix'] * 1000:.0f} ms, lint {got['lint'] * 1000:.0f} ms, "
                  f"ratio {ratio:.2f} (target <= 1.5: {verdict(ratio, 1.5)})")
        if "memory" in only:
            # Per MB of input is what the large file adds over the small one: the imports (~34 MB)
            # are paid once whatever the input, and would swamp a plain ratio.
            rss = statistics.median(max_rss_kb(lint + [str(big)], env) for _ in range(3)) / 1024
            base = statistics.median(max_rss_kb(lint + [str(small)], env) for _ in range(3)) / 1024
            grown_mb = (len(big_text.encode()) - len(small_text.encode())) / 1024 / 1024
            per_mb = (rss - base) / grown_mb
            print(f"peak memory (max RSS, median of 3) linting the large config: {rss:.1f} MB (target <= 100: "
                  f"{verdict(rss, 100)}); the small one {base:.1f} MB; {per_mb:.1f} MB more per MB of input "
                  f"(target <= 25: {verdict(per_mb, 25)})")
        if "many" in only:
            many = work / "many"
            many.mkdir()
            for n in range(args.files):
                (many / f"site{n:04d}.cfg").write_text(small_text)
            paths = [str(p) for p in sorted(many.iterdir())]
            got = alternate(
                {
                    "jobs 1": (lint + ["--jobs", "1", *paths], None),
                    f"jobs {cores}": (lint + ["--jobs", str(cores), *paths], None),
                },
                max(3, args.repeat // 2),
                env,
            )
            ideal = got["jobs 1"] / cores
            ratio = got[f"jobs {cores}"] / ideal
            print(f"{args.files} files of {small_text.count(chr(10))} lines: --jobs 1 {got['jobs 1']:.2f} s, "
                  f"--jobs {cores} {got[f'jobs {cores}']:.2f} s; sequential / {cores} = {ideal:.2f} s, "
                  f"ratio {ratio:.2f} (target <= 1.3: {verdict(ratio, 1.3)})")
    if "growth" in only:
        growth(args.repeat, env)
    if "floor" in only:
        floor(args.repeat, env)
    return 0


def floor(repeat: int, env: dict[str, str]) -> None:
    """What a run costs before it reads a line: the interpreter, then the imports (``-P``
    here and in growth(): the package of this Python, not a checkout in the current folder)."""
    python = sys.executable
    got = alternate(
        {
            "python": ([python, "-P", "-c", "pass"], None),
            "pydantic": ([python, "-P", "-c", "import pydantic.main"], None),
            "lark": ([python, "-P", "-c", "import lark"], None),
            "click": ([python, "-P", "-c", "import click"], None),
            "haproxy_lint.cli": ([python, "-P", "-c", "import haproxy_lint.cli"], None),
        },
        repeat,
        env,
    )
    base = got.pop("python")
    print(f"start-up: python {base * 1000:.0f} ms; imports on top of it: "
          + ", ".join(f"{name} {(t - base) * 1000:.0f} ms" for name, t in got.items()))


def growth(repeat: int, env: dict[str, str]) -> None:
    """In-process parse + every rule on 4,000 and 40,000 lines (CPU time of the process: the
    neighbours of a shared machine disturb it less than wall time), each size in fresh processes
    taking turns (a process that has just held the large model runs the small one on a
    heap shaped by it): the median of each process's best of three."""
    script = (
        "import sys, time, haproxy_lint\n"
        "sys.path.insert(0, {folder!r})\n"
        "from parse_bench import generate\n"
        "text = generate({size})\n"
        "best = float('inf')\n"
        "for _ in range(3):\n"
        "    start = time.process_time(); haproxy_lint.lint(text); best = min(best, time.process_time() - start)\n"
        "print(best)\n"
    )
    folder = str(Path(__file__).resolve().parent)
    times: dict[int, list[float]] = {4_000: [], 40_000: []}
    for _ in range(max(3, repeat // 2)):
        for size in times:
            out = subprocess.run([sys.executable, "-P", "-c", script.format(folder=folder, size=size)],
                                 capture_output=True, text=True, env=env, check=True).stdout
            times[size].append(float(out))
    small, large = (statistics.median(times[size]) for size in (4_000, 40_000))
    ratio = large / small
    print(f"growth (in process, CPU, parse + every rule): 4,000 lines {small * 1000:.0f} ms, 40,000 lines "
          f"{large * 1000:.0f} ms: {ratio:.1f}x (target <= 11: {verdict(ratio, 11)})")


if __name__ == "__main__":
    sys.exit(main())
