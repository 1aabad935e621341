"""The mutation oracle: how many of the one-word mistakes real HAProxy refuses the linter catches.

From every shared-corpus file both HAProxy versions accept (and the guide's examples, once
``fix(unsafe=True)`` made them acceptable, if it does), tests/mutations.py derives one-word
mutations in eight classes (server/bind parameters, actions, fetches and converters, ACLs,
enumerated values, log-format strings, shapes, file-level). Each mutated file is checked with
``haproxy -c`` of every version asked for; a refusal is CAUGHT when ``lint`` at that target
version reports an error on the line HAProxy names (the mutated line when it names none).
A mutation HAProxy accepts never counts; a new error the linter reports on one is listed as a
FALSE ERROR::

    python3 benchmarks/mutation_catch.py                       # 60 per class, seed 1, 2.6 and 2.8
    python3 benchmarks/mutation_catch.py --per-class 200 --show-misses
    python3 benchmarks/mutation_catch.py --versions 2.8 --by-kind --top-misses 10
    python3 benchmarks/mutation_catch.py --per-class 0          # every candidate (slow)

Exit status: 0 always (it is a measure, tests/test_mutation_oracle.py holds the line).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")


def main(argv: list[str] | None = None) -> int:
    from tests import mutations as M

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", default="1", help="generator seed (default 1)")
    parser.add_argument("--per-class", type=int, default=60, help="mutations per class (0: all; default 60)")
    parser.add_argument("--versions", nargs="+", default=["2.6", "2.8"], help="HAProxy versions (default 2.6 2.8)")
    parser.add_argument("--classes", nargs="+", type=int, default=list(M.CLASSES), help="classes to run (default all)")
    parser.add_argument("--show-misses", action="store_true", help="list every refused mutation the linter missed")
    parser.add_argument("--by-kind", action="store_true", help="a line per class, kind and version")
    parser.add_argument("--top-misses", type=int, default=0, metavar="N",
                        help="per class, the N most common misses (by kind and directive), with an example")
    parser.add_argument("--strict-line", action="store_true",
                        help="count a catch only on the line HAProxy names (by default an error on the "
                             "mutated line counts too when HAProxy names another line)")
    parser.add_argument("--workers", type=int, default=None, help="parallel haproxy -c runs (default: CPUs, at least 2)")
    args = parser.parse_args(argv)
    seed: int | str = int(args.seed) if args.seed.lstrip("-").isdigit() else args.seed

    started = time.monotonic()
    # The bases are the files BOTH 2.6 and 2.8 accept, whatever --versions says, so that a run
    # of one version draws the same mutations as a run of both.
    all_binaries = M.oracle_binaries(sorted(set(args.versions) | {"2.6", "2.8"}))
    binaries = {v: all_binaries[v] for v in args.versions}
    bases = M.load_bases(all_binaries, ("2.6", "2.8"), args.workers)
    valid = M.known_words(M.all_haproxy_words(all_binaries))
    mutations = M.generate(bases, seed, args.per_class or None, valid, args.classes)
    results = M.run_oracle(bases, mutations, binaries, args.versions, args.workers, args.strict_line)
    elapsed = time.monotonic() - started

    guides = sum(1 for name in bases if name.startswith("guide/"))
    print(f"bases: {len(bases)} ({len(bases) - guides} corpus files both versions accept, {guides} guide examples); "
          f"seed {seed}; {len(mutations)} mutations x {len(args.versions)} versions; {elapsed:.1f} s")
    print()
    rows = M.summarize(results, args.versions)
    print(M.format_table(rows, args.versions))
    elsewhere = Counter((r.mutation.klass, r.version) for r in results if r.refused and r.line_differs)
    noline = Counter((r.mutation.klass, r.version) for r in results if r.refused and r.alert_line is None)
    fallback = Counter((r.mutation.klass, r.version) for r in results if r.caught_on == "mutated-line")
    if elsewhere or noline:
        print()
        print("refusals whose first alert names another line / names no line / caught only on the mutated line:")
        for k in M.CLASSES:
            cells = [f"{v}: {elsewhere[k, v]}/{noline[k, v]}/{fallback[k, v]}" for v in args.versions]
            if any(elsewhere[k, v] or noline[k, v] for v in args.versions):
                print(f"  class {k}: " + ", ".join(cells))

    if args.by_kind:
        print()
        print("by kind (generated / refused / caught):")
        counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in results:
            c = counts[r.mutation.klass, r.mutation.kind, r.version]
            c[0] += 1
            c[1] += r.refused
            c[2] += bool(r.caught)
        for (k, kind, v), (g, ref, cau) in sorted(counts.items()):
            print(f"  {k} {kind:<28} {v}: {g:>4} {ref:>4} {cau:>4}")

    if args.top_misses:
        print()
        print(f"MOST COMMON MISSES (count over {' and '.join(args.versions)}; kind @ directive; an example):")
        for k in M.CLASSES:
            top = M.top_misses(results, k, args.top_misses)
            if top:
                print(f"\nclass {k}: {M.CLASSES[k]}")
                for count, what, example, alert in top:
                    print(f"  {count:>4}  {what}")
                    print(f"        e.g. {example[:150]}")
                    print(f"        haproxy: {alert[:150]}")

    if args.show_misses:
        print()
        print("MISSES (refused by HAProxy, no error from the linter on HAProxy's line):")
        for k in M.CLASSES:
            misses = [r for r in results if r.mutation.klass == k and r.refused and not r.caught]
            if not misses:
                continue
            print(f"\nclass {k}: {M.CLASSES[k]} ({len(misses)})")
            for r in sorted(misses, key=lambda r: (r.mutation.kind, r.mutation.base, r.mutation.line, r.version)):
                m = r.mutation
                where = f"{m.base}:{m.line}"
                if r.line_differs:
                    where += f" (HAProxy names line {r.alert_line})"
                elif r.alert_line is None:
                    where += " (HAProxy names no line)"
                print(f"  [{r.version}] {m.kind}: {where}: {m.original!r} -> {m.new!r}")
                print(f"      haproxy: {r.alert or '(no alert text)'}")
                print(f"      linter:  {'; '.join(r.findings) if r.findings else '(nothing on that line)'}")

    crashes = Counter(f for r in results for f in r.findings + r.new_errors if f.startswith("LintCrash"))
    if crashes:
        print()
        print(f"LINT CRASHES: the linter raised on {sum(crashes.values())} mutated texts:")
        for message, count in crashes.most_common(10):
            print(f"  {count:>5} x {message[:300]}")

    false_errors = [r for r in results if not r.refused and r.new_errors]
    print()
    print(f"FALSE ERRORS (HAProxy accepts the mutation, the linter reports a new error): {len(false_errors)}")
    for r in sorted(false_errors, key=lambda r: (r.mutation.klass, r.mutation.kind, r.mutation.base, r.version)):
        m = r.mutation
        print(f"  [{r.version}] class {m.klass} {m.kind}: {m.base}:{m.line}: {m.original!r} -> {m.new!r}")
        for e in r.new_errors:
            print(f"      {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
