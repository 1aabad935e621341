"""Report the findings as JSON, for a dashboard, a bot or another tool.

Every public data type is a pydantic model: ``Diagnostic.model_dump(mode="json")`` gives a
plain dictionary (``code``, ``name``, ``severity``, ``message``, ``path``, ``line``,
``column``, ``end_line``, ``end_column`` and ``fix``; the diagnostic's offsets ``start`` and
``end`` are left out, its fix's edits keep theirs). A file that cannot be read or parsed becomes an entry of ``errors``, with the place
:class:`~haproxy_lint.ParseError` gives. (``haproxy-lint --format json`` prints a similar
document, with the fixes' edits as lines and columns.)

Usage: python examples/json_report.py [haproxy.cfg ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import haproxy_lint

BUNDLED = Path(__file__).resolve().parent.parent / "fixtures" / "examples" / "haproxy.cfg"


def main(paths: list[str]) -> int:
    settings = haproxy_lint.Settings(target_version="2.8")
    diagnostics: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    for path in paths:
        try:
            found = haproxy_lint.lint(haproxy_lint.read_text(path), settings, path=path)
        except haproxy_lint.ParseError as error:
            errors.append({"path": error.path, "line": error.line, "column": error.column, "message": error.message})
            continue
        diagnostics += [d.model_dump(mode="json") for d in found]
    counts: dict[str, int] = {}
    for d in diagnostics:
        counts[str(d["severity"])] = counts.get(str(d["severity"]), 0) + 1
    report = {"counts": counts, "diagnostics": diagnostics, "errors": errors}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 2 if errors else 1 if counts.get("error") or counts.get("warning") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(BUNDLED)]))
