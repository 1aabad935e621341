"""GitLab Code Quality report: a JSON array of issues, for ``artifacts:reports:codequality``.

Each issue has ``description`` (``CODE: message``), ``check_name`` (the rule code),
``fingerprint``, ``severity``, ``location.path`` and ``location.lines`` (``begin``/``end``),
the fields GitLab reads (a subset of the Code Climate issue format).

Severities: ``error`` (HAProxy refuses the configuration or it cannot work) is ``critical``,
``warning`` (a hazard) is ``major``, ``info`` (advice) is ``info``; a file that could not be read
or parsed is a ``blocker`` issue with ``check_name`` ``parse-error``.

Fingerprints are what GitLab uses to tell new findings from old ones between the target branch
and the merge request, so they do not depend on line numbers: a hash of the path, the rule, the
text of the line and of the span the finding covers, and how many identical findings come
before it in the file. A finding keeps its fingerprint when lines are added above it, and
two findings never share one.

Paths are those given on the command line, normalised (forward slashes, no ``./``); GitLab
expects them relative to the repository root, so run haproxy-lint from there.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from ..diagnostics import Diagnostic, Severity
from ..errors import ParseError
from . import Report, source_lines
from .sarif import _normalise

_SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render(report: Report) -> str:
    seen: Counter[tuple[str, ...]] = Counter()
    issues = [_error(error, seen) for error in report.errors]
    issues += [_issue(diag, report.sources.get(diag.path or ""), seen) for diag in report.diagnostics]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(diag: Diagnostic, source: str | None, seen: Counter[tuple[str, ...]]) -> dict:
    path = _normalise(diag.path or "<string>")
    if source is not None:
        lines = source_lines(source)
        line_text = lines[diag.line - 1].strip() if diag.line <= len(lines) else ""
        key = (path, diag.code, line_text, source[diag.start : diag.end])
    else:  # no text to anchor on: fall back on the position
        key = (path, diag.code, str(diag.line), str(diag.column))
    return {
        "description": f"{diag.code}: {diag.message}",
        "check_name": diag.code,
        "fingerprint": _fingerprint(key, seen),
        "severity": _SEVERITIES[diag.severity],
        "location": {"path": path, "lines": {"begin": diag.line, "end": diag.end_line}},
    }


def _error(error: ParseError, seen: Counter[tuple[str, ...]]) -> dict:
    path = _normalise(error.path or "<string>")
    key = ("parse-error", path, (error.source_line or "").strip(), error.message)
    line = error.line or 1
    return {
        "description": error.message,
        "check_name": "parse-error",
        "fingerprint": _fingerprint(key, seen),
        "severity": "blocker",
        "location": {"path": path, "lines": {"begin": line, "end": line}},
    }


def _fingerprint(key: tuple[str, ...], seen: Counter[tuple[str, ...]]) -> str:
    """A hash of ``key`` and of how many times it came before: unique within the report."""
    seen[key] += 1
    text = "\0".join((*key, str(seen[key])))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
