"""Machine output: ``{"diagnostics": [...], "errors": [...]}``, stable and documented.

Each diagnostic has ``code``, ``name``, ``severity``, ``message``, ``path``, ``line``,
``column``, ``end_line``, ``end_column`` (1-based; the end is exclusive) and ``fix``: ``null``,
or ``{"applicability", "title", "edits": [{"line", "column", "end_line", "end_column",
"text"}]}``. Each error (a file that could not be read) has ``path``, ``line``, ``column`` and
``message``.
"""

from __future__ import annotations

import json
from functools import partial

from ..diagnostics import Diagnostic
from . import Report, position


def _positions(source: str | None):
    if source is None:
        return None
    return partial(position, source)  # the line starts are computed once per text


def diagnostic_dict(diag: Diagnostic, source: str | None) -> dict:
    fix = None
    if diag.fix is not None:
        position = _positions(source)
        edits = []
        for edit in diag.fix.edits:
            if position is not None:
                (line, column), (end_line, end_column) = position(edit.start), position(edit.end)
            else:
                line = column = end_line = end_column = None
            edits.append({"line": line, "column": column, "end_line": end_line, "end_column": end_column, "text": edit.text})
        fix = {"applicability": diag.fix.applicability, "title": diag.fix.title, "edits": edits}
    return {
        "code": diag.code,
        "name": diag.name,
        "severity": diag.severity.value,
        "message": diag.message,
        "path": diag.path,
        "line": diag.line,
        "column": diag.column,
        "end_line": diag.end_line,
        "end_column": diag.end_column,
        "fix": fix,
    }


def render(report: Report) -> str:
    data = {
        "diagnostics": [diagnostic_dict(d, report.sources.get(d.path or "")) for d in report.diagnostics],
        "errors": [
            {"path": e.path, "line": e.line, "column": e.column, "message": e.message} for e in report.errors
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
