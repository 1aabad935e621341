"""Output formats: each module turns findings into text for one audience.

Every formatter takes a :class:`Report` and returns a string; none of them lints or prints.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
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


class Report:
    """Everything one run found: diagnostics, files that could not be read, fix counts."""

    # A plain slotted class, not a dataclass: defining a dataclass costs every run 0.6 ms at
    # import.
    __slots__ = ("diagnostics", "errors", "files", "sources", "fixed", "unsafe", "title", "suppressed_count",
                 "suppressed", "baselined", "quiet", "statistics", "hidden")

    def __init__(
        self,
        *,
        diagnostics: list[Diagnostic] | None = None,
        errors: list[ParseError] | None = None,
        files: int = 0,
        sources: dict[str, str] | None = None,
        unsafe: bool = False,
        suppressed: list[Diagnostic] | None = None,
        quiet: bool = False,
        statistics: bool = False,
    ) -> None:
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.errors = errors if errors is not None else []
        self.files = files
        #: Source text by path, for showing the offending line under a diagnostic.
        self.sources = sources if sources is not None else {}
        self.fixed = 0
        #: Whether unsafe fixes are applied in this run (they are then marked fixable too).
        self.unsafe = unsafe
        #: A line printed before the findings (``--upgrade-to`` says what it compares).
        self.title: str | None = None
        #: How many findings suppression comments or per-file-ignores silenced...
        self.suppressed_count = 0
        #: ...and, with ``--show-suppressed``, which.
        self.suppressed = suppressed if suppressed is not None else []
        #: How many findings the baseline file accounted for.
        self.baselined = 0
        #: Print findings only, no summary (``--quiet``); counts by rule instead (``--statistics``).
        self.quiet = quiet
        self.statistics = statistics
        #: Findings of opt-in rules left off by the selection, by code: the summary counts them.
        self.hidden: Counter[str] = Counter()


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
