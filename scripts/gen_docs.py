"""Write docs/rules/<CODE>.md (one page per rule) and docs/index.md from the rules themselves.

The pages come from each rule's docstring and metadata (haproxy_lint.docs), so they cannot
drift from the code; tests/test_docs.py fails when the committed pages are stale.

Usage: python scripts/gen_docs.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from haproxy_lint.docs import expected_pages

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed pages are stale; write nothing")
    args = parser.parse_args()
    docs = ROOT / "docs"
    wanted = expected_pages()
    stale = [name for name, text in wanted.items() if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != text]
    extra = [p.relative_to(docs).as_posix() for p in (docs / "rules").glob("*.md") if p.relative_to(docs).as_posix() not in wanted]
    if args.check:
        for name in stale + extra:
            print(f"stale: docs/{name}")
        return 1 if stale or extra else 0
    for name in stale:
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[name], encoding="utf-8")
        print(f"wrote docs/{name}")
    for name in extra:
        (docs / name).unlink()
        print(f"removed docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
