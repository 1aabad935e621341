"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

One line per finding::

    ::warning file=haproxy.cfg,line=13,col=21,endLine=13,endColumn=25,title=HL203 unitless-duration::message

``error`` findings are ``::error``, ``warning`` ones ``::warning``, ``info`` ones ``::notice``.
Columns are 1-based and ``endColumn`` is exclusive, as everywhere in haproxy-lint; GitHub only
takes columns on a one-line span, so ``col``/``endColumn`` are left out when a finding spans
several lines. A file that could not be read or parsed is ``::error file=...,line=...,col=...::``
with whatever position is known. Values are escaped as GitHub's toolkit does (``%``, CR and LF
everywhere; ``:`` and ``,`` too in properties).

The paths are those given on the command line, normalised (forward slashes, no ``./``):
annotations land on the right file when haproxy-lint runs from the repository root, with
relative paths. A last line, the summary of the text output, is plain log text (GitHub does not
read it as a command); ``--quiet`` leaves it out.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, Severity
from ..errors import ParseError
from . import Report
from .sarif import _normalise
from .text import summary

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report) -> str:
    lines = [_error(error) for error in report.errors]
    lines += [_diagnostic(diag) for diag in report.diagnostics]
    if not report.quiet:
        if report.title:
            lines.insert(0, report.title)
        lines.append(summary(report))
    return "".join(line + "\n" for line in lines)


def _diagnostic(diag: Diagnostic) -> str:
    properties: list[tuple[str, object]] = [("file", _normalise(diag.path or "<string>")), ("line", diag.line)]
    if diag.end_line == diag.line:
        properties += [("col", diag.column), ("endLine", diag.end_line), ("endColumn", diag.end_column)]
    else:
        properties.append(("endLine", diag.end_line))
    properties.append(("title", f"{diag.code} {diag.name}"))
    return _command(_COMMANDS[diag.severity], properties, diag.message)


def _error(error: ParseError) -> str:
    properties: list[tuple[str, object]] = []
    if error.path is not None:
        properties.append(("file", _normalise(error.path)))
        if error.line is not None:
            properties.append(("line", error.line))
            if error.column is not None:
                properties.append(("col", error.column))
    return _command("error", properties, error.message)


def _command(name: str, properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
