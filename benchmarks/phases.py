"""Where the time of one lint goes, phase by phase, in one process.

For the generated configuration of ``--lines`` lines (default 40,000; see parse_bench.py),
prints the best of ``--repeat`` runs (CPU time of this process, so other processes on a
shared machine disturb it less than wall time) of each phase, each run on a fresh parse:

- ``lark``: the grammar's parse of the text into line tokens;
- ``tree``: the rest of ``haproxy_lint.parse`` (lines, sections), i.e. parse - lark;
- ``views``: the effective settings of every proxy and the typed view of every server
  (what the rules share through ``haproxy_lint.index``);
- ``rules``: every rule, on the views already built;
- ``output``: the text report of the findings.

and, once, the imports (in a fresh interpreter: ``import haproxy_lint.cli``) and the peak
memory the parse and the lint allocate (tracemalloc, in a separate run: tracing slows the
rest). The collector is paused as the command line pauses it.

Usage: python benchmarks/phases.py [--lines N] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_bench import generate  # noqa: E402

import haproxy_lint  # noqa: E402
from haproxy_lint.linter import lint_configs  # noqa: E402
from haproxy_lint.output import Report, render  # noqa: E402
from haproxy_lint.parser import _lark  # noqa: E402
from haproxy_lint.rule import Context  # noqa: E402
from haproxy_lint.settings import Settings  # noqa: E402


def build_views(config: haproxy_lint.Config, settings: Settings) -> dict:
    """The shared views every rule run needs: what the linter's context memoises."""
    cache: dict = {}
    ctx = Context(config, settings, [config], cache)
    index = getattr(ctx, "index", None)
    if index is not None:  # haproxy_lint.index (issue 14 on)
        for proxy in index.proxies():
            proxy.servers
        for line in index.lines("server", "default-server", "server-template"):
            ctx.server(line)
    else:
        for proxy in ctx.proxies:
            proxy.servers
        for section in config.sections:
            for line in section.directives_named("server", "default-server", "server-template"):
                ctx.server(line)
    return cache


def one_run(text: str, settings: Settings) -> dict[str, float]:
    clock = time.process_time
    times: dict[str, float] = {}
    start = clock()
    _lark().parse(text)
    times["lark"] = clock() - start
    start = clock()
    config = haproxy_lint.parse(text, "big.cfg")
    times["tree"] = clock() - start - times["lark"]
    start = clock()
    cache = build_views(config, settings)
    times["views"] = clock() - start
    start = clock()
    diagnostics = _lint_with_cache(config, settings, cache)
    times["rules"] = clock() - start
    start = clock()
    report = Report(unsafe=False)
    report.diagnostics = diagnostics
    report.sources = {"big.cfg": text}
    report.files = 1
    render(report, "text", color=False)
    times["output"] = clock() - start
    return times


def _lint_with_cache(config, settings, cache):
    import haproxy_lint.linter as linter

    original = linter.Context

    def context(config, settings, configs=None, run_cache=None):
        return original(config, settings, configs, cache)

    linter.Context = context
    try:
        return lint_configs([config], settings)
    finally:
        linter.Context = original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = generate(args.lines)
    settings = Settings()
    _lark()
    haproxy_lint.lint(text)  # warm-up: lazily loaded tables, compiled patterns
    gc.disable()
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for phase, value in one_run(text, settings).items():
            best[phase] = min(best.get(phase, value), value)
        gc.collect()
    imports = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-P", "-X", "importtime", "-c", "import haproxy_lint.cli"], capture_output=True, text=True
        ).stderr.strip().splitlines()
        # top-level imports only: their cumulative times hold the nested ones
        imports.append(sum(int(line.split("|")[1]) for line in out
                           if line.startswith("import time:") and "self" not in line
                           and not line.split("|")[2].startswith("  ")) / 1e6)
    tracemalloc.start()
    config = haproxy_lint.parse(text)
    _, parse_peak = tracemalloc.get_traced_memory()
    lint_configs([config], settings)
    _, lint_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    total = sum(best.values())
    print(f"{text.count(chr(10)):,} lines ({len(text) / 1e6:.1f} MB), best of {args.repeat} (CPU ms): "
          + ", ".join(f"{phase} {value * 1000:.0f}" for phase, value in best.items())
          + f"; total {total * 1000:.0f}; imports (-X importtime, min of 3) {min(imports) * 1000:.0f}")
    print(f"memory (tracemalloc peak): parse {parse_peak / 1e6:.0f} MB, parse + lint {lint_peak / 1e6:.0f} MB "
          f"({lint_peak / len(text):.1f} bytes per byte of input)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
