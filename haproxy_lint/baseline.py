"""A baseline for legacy repositories: record today's findings once, report only new ones.

``haproxy-lint --baseline .haproxy-lint-baseline.json haproxy.cfg`` writes the file when it
does not exist (every current finding) and reports nothing; later runs report only findings
the file does not hold. A finding is matched by file, rule and the text of its line (not its
line number), so lines added above it do not bring it back. Delete the file to record anew.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from .diagnostics import Diagnostic
from .output import Report
from .writing import WriteError, write_atomic

__all__ = ["BaselineError", "apply_baseline"]

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written."""


def _key(diag: Diagnostic, sources: dict[str, str]) -> tuple[str, str, str]:
    source = sources.get(diag.path or "", "")
    lines = source.split("\n")
    text = lines[diag.line - 1].strip() if 0 < diag.line <= len(lines) else ""
    return (diag.path or "", diag.code, text)


def apply_baseline(report: Report, path: str) -> None:
    """Drop from ``report`` the findings recorded in the baseline, or record them all."""
    keys = [_key(d, report.sources) for d in report.diagnostics]
    if not os.path.exists(path):
        entries = [{"path": p, "code": c, "line": t} for p, c, t in sorted(keys)]
        text = json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n"
        try:
            with open(path, "x", encoding="utf-8"):
                pass
            write_atomic(path, text)
        except (OSError, WriteError) as exc:
            raise BaselineError(f"cannot write the baseline {path}: {exc}") from None
        report.title = f"Recorded {len(entries)} finding{'s' if len(entries) != 1 else ''} in the baseline {path}; later runs report only new ones."
        report.baselined = len(report.diagnostics)
        report.diagnostics = []
        return
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        known = Counter((e["path"], e["code"], e["line"]) for e in data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc}") from None
    kept = []
    for diag, key in zip(report.diagnostics, keys):
        if known[key] > 0:
            known[key] -= 1
            report.baselined += 1
        else:
            kept.append(diag)
    report.diagnostics = kept
