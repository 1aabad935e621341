"""Output formats: each module turns findings into text for one audience.

Every formatter takes a :class:`Report` and returns a string; none of them lints or prints.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..diagnostics import Diagnostic
from ..errors import ParseError

__all__ = ["FORMATS", "Report", "render", "source_lines", "line_starts", "position"]


# Every finding of a file asks for its source line or for line/column positions: cut each text
# once, not once per finding (a large file with many findings would take quadratic time).
@lru_cache(maxsize=8)
def source_lines(source: str) -> list[str]:
    """``source.split("\\n")``, computed once per text (do not modify the list)."""
    return source.split("\n")


@lru_cache(maxsize=8)
def line_starts(source: str) -> list[int]:
    """The offset where each line of ``source`` starts, computed once per text. A BOM is
    not part of the first line, as for the diagnostics' own columns (Config.position)."""
    starts = [1 if source.startswith("\ufeff") else 0]
    find = source.find
    index = find("\n")
    while index != -1:
        starts.append(index + 1)
        index = find("\n", index + 1)
    return starts


def position(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset into ``source``."""
    starts = line_starts(source)
    index = bisect_right(starts, offset) - 1
    if index < 0:  # at the BOM
        return 1, 1
    return index + 1, offset - starts[index] + 1


@dataclass
class Report:
    """Everything one run found: diagnostics, files that could not be read, fix counts."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    files: int = 0
    #: Source text by path, for showing the offending line under a diagnostic.
    sources: dict[str, str] = field(default_factory=dict)
    fixed: int = 0
    #: Whether unsafe fixes are applied in this run (they are then marked fixable too).
    unsafe: bool = False
    #: A line printed before the findings (``--upgrade-to`` says what it compares).
    title: str | None = None
    #: How many findings suppression comments or per-file-ignores silenced...
    suppressed_count: int = 0
    #: ...and, with ``--show-suppressed``, which.
    suppressed: list[Diagnostic] = field(default_factory=list)
    #: How many findings the baseline file accounted for.
    baselined: int = 0
    #: Print findings only, no summary (``--quiet``); counts by rule instead (``--statistics``).
    quiet: bool = False
    statistics: bool = False
    #: Findings of opt-in rules left off by the selection, by code: the summary counts them.
    hidden: Counter[str] = field(default_factory=Counter)


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    import importlib

    # Only the format asked for is imported: the others cost start-up time on every run
    # (junit's character-class pattern alone takes milliseconds to compile).
    if fmt in FORMATS and fmt != "text":
        module = importlib.import_module(f".{fmt}", __name__)
        rendered: str = module.render(report)
        return rendered
    from . import text

    return text.render(report, color=color)


FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
