"""Hostile input (issue 7): time and peak memory of the command line on inputs built to hurt.

Each case is written to a temporary folder and run as ``python -m haproxy_lint PATH`` in a
child process (so the peak memory is the child's own, ``ru_maxrss``), with a time limit:

- a 5 MB single line (an ``acl`` with a 5 MB pattern in a backend) and a 5 MB comment line;
- 10,000 nested ``.if 1`` ... ``.endif`` blocks, and 10,000 unclosed ``.if`` (HAProxy refuses
  a 100th nested level: both are one located error, exit 2);
- a realistic file of about 50 MB (the backends of ``benchmarks/parse_bench.py``; about a
  million lines), linted with every rule (and fixed, with ``--fix-big``).

Every case but the big one is linted, then fixed (``--fix``, in place, in the temporary folder).

tests/test_hostile.py checks the same cases with smaller sizes; this script is run by hand
and prints figures, it asserts nothing (see README, "Speed").

Usage: python benchmarks/hostile.py [--mb 50] [--skip-big] [--fix-big]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_bench import generate  # noqa: E402

# The peak is read from /proc/self/status (VmHWM, this process's own): ru_maxrss would include
# the parent's memory, which Linux carries over a fork and an exec.
_CHILD = """
import resource, sys
from haproxy_lint.cli import run
code = run(sys.argv[1:])
try:
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"\\nPEAK_RSS_KB {peak}\\n")
sys.exit(code)
"""

HEAD = "global\n    log /dev/log local0\n\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\n"


def cases(mb: float, skip_big: bool) -> dict[str, str]:
    n = 10_000
    found = {
        "5 MB acl line": HEAD + "backend b\n    acl a path_beg " + "x" * 5_000_000 + "\n    server s 127.0.0.1:80 check\n",
        "5 MB comment line": HEAD + "# " + "x" * 5_000_000 + "\nbackend b\n    server s 127.0.0.1:80 check\n",
        "10,000 nested .if": HEAD + ".if 1\n" * n + "backend b\n    server s 127.0.0.1:80\n" + ".endif\n" * n,
        "10,000 unclosed .if": HEAD + ".if 1\n" * n,
    }
    if not skip_big:
        found[f"{mb:g} MB realistic file"] = generate(int(mb * 1_000_000 / 52))
    return found


def run(path: Path, *args: str, timeout: float = 900) -> tuple[int, float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, *args, str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )
    elapsed = time.perf_counter() - start
    peak = next((int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("PEAK_RSS_KB")), -1)
    first = (result.stdout.splitlines() or [""])[0][:110]
    return result.returncode, elapsed, peak, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50, help="size of the realistic file (default 50)")
    parser.add_argument("--skip-big", action="store_true", help="leave out the realistic file")
    parser.add_argument("--fix-big", action="store_true", help="also run --fix on the realistic file (slow)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, text in cases(options.mb, options.skip_big).items():
            path = Path(folder) / "haproxy.cfg"
            path.write_text(text)
            size = path.stat().st_size
            for action in ("lint", "--fix"):
                if action == "--fix" and name.endswith("realistic file") and not options.fix_big:
                    continue
                path.write_text(text)
                code, elapsed, peak, first = run(path, "--statistics", "-q", *([action] if action != "lint" else []))
                print(
                    f"{name:24s} {size / 1e6:7.2f} MB {text.count(chr(10)):>9,} lines, {action:5s}: exit {code}, "
                    f"{elapsed:6.2f} s, peak RSS {peak / 1024:7.1f} MB"
                )
                if code == 2:
                    print(f"{'':24s} {first}")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
