"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines...).

The convention of ESLint's and ruff's JUnit output: ``<testsuites name="haproxy-lint">`` holds
one ``<testsuite>`` per file (``name`` = the path); each finding is a ``<testcase>`` (``name`` =
``CODE rule-name (line:column)``, ``classname`` and ``file`` = the path, ``line``) that fails with
``<failure message="the message" type="CODE">`` and the text output's report of the finding
(location, source line, caret). A file without findings has one passing testcase named
``haproxy-lint``; a file that could not be read or parsed has one with ``<error
type="parse-error">``.

Findings at ``info`` level do not fail a run (the exit code ignores them), so they do not fail
a testcase either: they are passing testcases whose ``<system-out>`` holds the report.

Characters XML 1.0 cannot hold (control characters, lone surrogates) are written as ``\\xNN``
or ``\\uNNNN``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..diagnostics import Diagnostic, Severity
from ..errors import ParseError
from . import Report
from .sarif import _normalise
from .text import format_diagnostic, format_error

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    files: dict[str, tuple[list[Diagnostic], list[ParseError]]] = {}

    def of(path: str | None) -> tuple[list[Diagnostic], list[ParseError]]:
        return files.setdefault(path or "<string>", ([], []))

    for path in report.sources:
        of(path)
    for diag in report.diagnostics:
        of(diag.path)[0].append(diag)
    for error in report.errors:
        of(error.path)[1].append(error)

    root = ET.Element("testsuites", name="haproxy-lint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path, (diagnostics, errors) in files.items():
        name = _safe(_normalise(path))
        suite = ET.SubElement(root, "testsuite", name=name)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for error in errors:
            case = ET.SubElement(suite, "testcase", name="parse-error", classname=name, file=name)
            if error.line is not None:
                case.set("line", str(error.line))
            element = ET.SubElement(case, "error", message=_safe(error.message), type="parse-error")
            shown = ParseError(
                error.message, path=_normalise(path), line=error.line, column=error.column, source_line=error.source_line
            )
            element.text = _safe(format_error(shown))
            counts["tests"] += 1
            counts["errors"] += 1
        for diag in diagnostics:
            case = ET.SubElement(
                suite,
                "testcase",
                name=_safe(f"{diag.code} {diag.name} ({diag.line}:{diag.column})"),
                classname=name,
                file=name,
                line=str(diag.line),
            )
            shown = diag.model_copy(update={"path": _normalise(path)})
            text = _safe(format_diagnostic(shown, report.sources.get(diag.path or ""), unsafe=report.unsafe))
            if diag.severity is Severity.INFO:
                ET.SubElement(case, "system-out").text = text
            else:
                element = ET.SubElement(case, "failure", message=_safe(diag.message), type=diag.code)
                element.text = text
                counts["failures"] += 1
            counts["tests"] += 1
        if not diagnostics and not errors:
            ET.SubElement(suite, "testcase", name="haproxy-lint", classname=name, file=name)
            counts["tests"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
        suite.set("time", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (they become ``\\xNN``/``\\uNNNN``)."""
    return _NOT_XML.sub(lambda m: ascii(m.group())[1:-1], text)
