"""Human output, like a compiler's: ``path:line:col: CODE [severity] message``, the source line,
a caret under the exact span, then a one-line summary."""

from __future__ import annotations

from collections import Counter

from ..diagnostics import Diagnostic
from ..errors import ParseError
from . import Report
from . import source_lines as split_source

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m", "bold": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_COLORS[style]}{text}{_RESET}" if color else text


def caret_lines(source_line: str, column: int, width: int = 1) -> list[str]:
    """The source line and a caret line under ``column`` (1-based), tabs kept for alignment."""
    source_line = source_line.rstrip("\r\n")
    prefix = "".join(ch if ch == "\t" else " " for ch in source_line[: column - 1])
    return [f"  {source_line}", f"  {prefix}{'^' * max(1, width)}"]


def format_error(error: ParseError, *, color: bool = False) -> str:
    """``path:line:col: error: message`` plus the source line and a caret where known."""
    head = f"{error.location()}: {_paint('error', 'error', color)}: {error.message}"
    lines = [head]
    if error.source_line is not None and error.column is not None:
        lines += caret_lines(*_clip(error.source_line, error.column))
    return "\n".join(lines)


_CLIP = 120  # characters shown on each side of the column of an error on a very long line


def _clip(source_line: str, column: int) -> tuple[str, int]:
    """A very long line (a hostile file has one of megabytes) is shown around the column."""
    if len(source_line) <= 3 * _CLIP:
        return source_line, column
    start = max(0, column - 1 - _CLIP)
    end = column - 1 + _CLIP
    shown = source_line[start:end]
    if start:
        shown, column = "…" + shown, column - start + 1
    if end < len(source_line):
        shown += "…"
    return shown, column


def fixable(diag: Diagnostic, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` if ``unsafe``) would fix this finding."""
    return diag.fix is not None and (diag.fix.applicability == "safe" or unsafe)


def format_diagnostic(diag: Diagnostic, source: str | None, *, color: bool = False, unsafe: bool = False) -> str:
    mark = " [*]" if fixable(diag, unsafe) else ""
    head = (
        f"{diag.path or '<string>'}:{diag.line}:{diag.column}: "
        f"{_paint(diag.code, 'bold', color)} [{_paint(diag.severity.value, diag.severity.value, color)}]"
        f"{mark} {diag.message}"
    )
    lines = [head]
    if source is not None:
        source_lines = split_source(source)
        if diag.line <= len(source_lines):
            text = source_lines[diag.line - 1]
            width = (diag.end_column - diag.column) if diag.end_line == diag.line else len(text.rstrip("\r")) - diag.column + 1
            lines += caret_lines(text, diag.column, width)
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def summary(report: Report) -> str:
    counts = Counter(d.severity.value for d in report.diagnostics)
    total = len(report.diagnostics)
    unreadable = len({e.path for e in report.errors})
    read = report.files - unreadable
    parts: list[str] = []
    if unreadable:
        parts.append(f"{_plural(unreadable, 'file')} could not be read or parsed")
    if total:
        by = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s])
        by_code = ", ".join(f"{code} x{n}" for code, n in sorted(Counter(d.code for d in report.diagnostics).items()))
        parts.append(f"found {_plural(total, 'problem')} ({by}) in {_plural(read, 'file')}: {by_code}")
    elif read or not unreadable:
        parts.append(f"no problems in {_plural(read, 'file')}" if not unreadable else f"no problems in the other {_plural(read, 'file')}")
    if report.hidden:
        codes = ", ".join(f"{code} x{n}" for code, n in sorted(report.hidden.items()))
        parts.append(f"{sum(report.hidden.values())} more from opt-in rules ({codes}; --select ALL shows them)")
    if report.suppressed_count:
        parts.append(f"{report.suppressed_count} suppressed")
    if report.baselined:
        parts.append(f"{report.baselined} in the baseline")
    if report.fixed:
        parts.append(f"fixed {report.fixed}")
    can_fix = sum(1 for d in report.diagnostics if fixable(d, report.unsafe))
    if can_fix:
        parts.append(f"{can_fix} fixable with --fix" + (" --unsafe-fixes" if report.unsafe else ""))
    unsafe_only = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
    if not report.unsafe and unsafe_only:
        parts.append(f"{unsafe_only} more with --unsafe-fixes")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def statistics(report: Report) -> list[str]:
    """Counts by rule, most frequent first: ``   3  HL203  [*] unitless-duration``."""
    counts = Counter(d.code for d in report.diagnostics)
    names = {d.code: d.name for d in report.diagnostics}
    fixes = {d.code for d in report.diagnostics if fixable(d, report.unsafe)}
    width = len(str(max(counts.values(), default=0)))
    return [
        f"{count:>{width}}  {code}  {'[*]' if code in fixes else '   '} {names[code]}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render(report: Report, *, color: bool = False) -> str:
    blocks = [report.title] if report.title and not report.quiet else []
    blocks += [format_error(e, color=color) for e in report.errors]
    if report.statistics:
        blocks += statistics(report)
    else:
        blocks += [
            format_diagnostic(d, report.sources.get(d.path or ""), color=color, unsafe=report.unsafe)
            for d in report.diagnostics
        ]
        blocks += [
            "[suppressed] " + format_diagnostic(d, report.sources.get(d.path or ""), color=color, unsafe=report.unsafe)
            for d in report.suppressed
        ]
    if not report.quiet:
        blocks.append(summary(report))
    return "\n".join(blocks) + "\n" if blocks else ""
