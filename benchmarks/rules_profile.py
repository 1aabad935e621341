"""Where the rules phase goes, rule by rule, on the generated configuration.

For the configuration of ``--lines`` lines (default 40,000; see parse_bench.py), builds the
shared views first (as phases.py does, so that no rule pays for them), then runs each enabled
rule alone, in the engine's order, ``check_line`` on every directive it asks for, then
``check``, and prints the best of ``--repeat`` runs (CPU time of this process) of each rule,
costliest first, with the number of findings. Each run starts on a fresh parse. Facts rules
share through ``ctx.memo`` are paid by the first rule that asks, as in a real run.

``--all`` runs the opt-in rules too (``--select ALL``).

Usage: python benchmarks/rules_profile.py [--lines N] [--repeat N] [--top N] [--all]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_bench import generate  # noqa: E402
from phases import build_views  # noqa: E402

import haproxy_lint  # noqa: E402
from haproxy_lint.linter import enabled_rules  # noqa: E402
from haproxy_lint.rule import Context  # noqa: E402
from haproxy_lint.settings import Settings  # noqa: E402


def one_run(text: str, settings: Settings) -> dict[str, tuple[float, int]]:
    config = haproxy_lint.parse(text, "big.cfg")
    cache = build_views(config, settings)
    ctx = Context(config, settings, [config], cache)
    clock = time.process_time
    walk = [(line, section) for section in config.sections for line in section.directives]
    walk += [(line, None) for line in config.preamble]
    out: dict[str, tuple[float, int]] = {}
    for rule in enabled_rules(settings):
        found = 0
        start = clock()
        if rule.keywords:
            keywords = rule.keywords
            check_line = rule.check_line
            for line, section in walk:
                if line.keyword in keywords:
                    found += len(list(check_line(ctx, line, section)))
        found += len(list(rule.check(ctx)))
        out[f"{rule.code} {rule.name}"] = (clock() - start, found)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--all", action="store_true", help="run the opt-in rules too")
    args = parser.parse_args()
    text = generate(args.lines)
    settings = Settings(select=["ALL"]) if args.all else Settings()
    haproxy_lint.lint(text)  # warm-up: lazily loaded tables, compiled patterns
    gc.disable()
    best: dict[str, tuple[float, int]] = {}
    for _ in range(args.repeat):
        for name, (value, found) in one_run(text, settings).items():
            if name not in best or value < best[name][0]:
                best[name] = (value, found)
        gc.collect()
    total = sum(value for value, _ in best.values())
    print(f"{text.count(chr(10)):,} lines, {len(best)} rules, best of {args.repeat} (CPU ms); "
          f"sum {total * 1000:.0f}")
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    for name, (value, found) in ranked[: args.top]:
        print(f"{value * 1000:8.1f}  {value / total * 100:5.1f}%  {found:6d}  {name}")
    rest = sum(value for _, (value, _) in ranked[args.top:])
    if rest:
        print(f"{rest * 1000:8.1f}  {rest / total * 100:5.1f}%          ({len(ranked) - args.top} others)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
