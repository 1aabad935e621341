"""Suppression comments, for the findings a person has looked at and chosen to keep.

- ``server s1 10.0.0.1:80  # haproxy-lint: disable=HL103,HL401``: this line only;
- ``# haproxy-lint: disable-next-line=HL101`` on a line of its own: the next directive;
- ``# haproxy-lint: disable-file=HL7`` anywhere: the whole file.

Codes may be prefixes (``HL7``) or ``ALL``. A code no rule has is reported by HL001.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .diagnostics import Diagnostic
from .model import Config, Line

__all__ = ["Suppression", "Suppressions", "collect"]

_CODE = re.compile(r"[A-Za-z0-9]+")
KINDS = ("disable", "disable-next-line", "disable-file")


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import.
class Suppression:
    """One suppression comment: its kind, its codes with their offsets, and where it stands."""

    __slots__ = ("kind", "codes", "line", "start", "end", "problem")

    def __init__(
        self,
        kind: str,
        codes: tuple[tuple[str, int, int], ...],
        line: Line,
        start: int,
        end: int,
        problem: str | None = None,
    ) -> None:
        self.kind = kind
        self.codes = codes  # (code, start, end)
        self.line = line
        self.start = start
        self.end = end
        #: Why the comment does nothing, if it does nothing (a bad kind, a misplaced comment).
        self.problem = problem


class Suppressions:
    __slots__ = ("by_line", "whole_file", "comments")

    def __init__(self) -> None:
        self.by_line: dict[int, set[str]] = {}
        self.whole_file: set[str] = set()
        self.comments: list[Suppression] = []

    def covers(self, diag: Diagnostic) -> bool:
        codes = self.whole_file | self.by_line.get(diag.line, set())
        return any(code == "ALL" or diag.code.startswith(code) for code in codes)


def collect(config: Config) -> Suppressions:
    """Every suppression comment of a configuration, and what it covers."""
    found = Suppressions()
    waiting: list[Suppression] = []
    for line in config.lines:
        # The text test first: reading a line's comment cuts the line into words.
        comment = line.comment if "haproxy-lint" in line.text and line.kind != "blank" else ""
        if "haproxy-lint" in comment:
            for item in _parse(line, comment):
                found.comments.append(item)
                if item.problem:
                    continue
                codes = {code.upper() for code, _, _ in item.codes}
                if item.kind == "disable-file":
                    found.whole_file |= codes
                elif item.kind == "disable":
                    found.by_line.setdefault(line.line, set()).update(codes)
                else:
                    waiting.append(item)
        if line.kind not in ("comment", "blank") and waiting:
            for item in waiting:
                found.by_line.setdefault(line.line, set()).update(code.upper() for code, _, _ in item.codes)
            waiting = []
    return found


@functools.cache
def _mark() -> re.Pattern[str]:
    # Compiled on first use: most configurations have no suppression comment, and a
    # case-insensitive pattern costs 0.3 ms to compile.
    return re.compile(r"haproxy-lint\s*:\s*(?P<kind>[a-z-]+)\s*(?:=\s*(?P<codes>[^#]*))?", re.I)


def _parse(line: Line, comment: str) -> Iterable[Suppression]:
    base = line.end - len(line.eol) - len(comment)
    for m in _mark().finditer(comment):
        kind = m.group("kind").lower()
        start, end = base + m.start(), base + m.end()
        codes_text = m.group("codes") or ""
        codes_at = base + m.start("codes") if m.group("codes") is not None else end
        codes = tuple((c.group(0), codes_at + c.start(), codes_at + c.end()) for c in _CODE.finditer(codes_text))
        problem = None
        if kind not in KINDS:
            problem = f"unknown suppression `{kind}` (use disable=, disable-next-line= or disable-file=)"
        elif not codes:
            problem = f"`{kind}` names no rule code (write `{kind}=HL101`)"
        elif kind == "disable" and line.kind == "comment":
            problem = "`disable=` on a line of its own covers nothing: use `disable-next-line=`"
        elif kind == "disable-next-line" and line.kind != "comment":
            problem = "`disable-next-line=` at the end of a directive: use `disable=` to cover this line"
        yield Suppression(kind, codes, line, start, end, problem)
