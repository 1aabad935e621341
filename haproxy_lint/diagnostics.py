"""What rules report: diagnostics, and the fixes they may carry.

All are frozen pydantic models: ``diagnostic.model_dump_json()`` serialises one (``start``
and ``end``, offsets into the text, are left out of the dump; ``line``/``column`` are in it).
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Applicability", "Diagnostic", "Edit", "Fix", "Severity"]


class Severity(str, Enum):
    """How bad a finding is.

    ``error``: HAProxy refuses the configuration, or it cannot work. ``warning``: a hazard.
    ``info``: advice.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for info: compare severities with it."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]


Applicability = Literal["safe", "unsafe"]


class Edit(BaseModel):
    """Replace ``text[start:end]`` of the original text with ``text``.

    An insertion has ``start == end``; a deletion has ``text == ""``.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    start: int
    end: int
    text: str


class Fix(BaseModel):
    """A set of edits that removes one diagnostic's hazard, applied together or not at all.

    ``safe`` fixes keep the configuration's meaning (or only remove the hazard) and are applied
    by ``--fix``; ``unsafe`` ones change behaviour and need ``--unsafe-fixes``.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]

    @property
    def start(self) -> int:
        """The smallest offset an edit touches."""
        return min(edit.start for edit in self.edits)

    @property
    def end(self) -> int:
        """The largest offset an edit touches."""
        return max(edit.end for edit in self.edits)


class Diagnostic(BaseModel):
    """One finding: which rule, how bad, what to do, and exactly where.

    Lines and columns are 1-based; the span ends at ``end_line``/``end_column`` (exclusive).
    ``start``/``end`` are the same span as offsets in the text.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    code: str
    name: str
    severity: Severity
    message: str
    path: str | None = None
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = Field(exclude=True)
    end: int = Field(exclude=True)
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """``(path, line, column, code)``: the order :func:`lint` returns diagnostics in."""
        return (self.path or "", self.line, self.column, self.code)
