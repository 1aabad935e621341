"""The fixer: apply the diagnostics' fixes to the original text, re-parse, repeat.

Each round collects the applicable fixes (safe ones, plus unsafe ones if asked), sorts them,
skips any that overlaps a fix already taken, and applies the rest to the text in one pass.
The result is parsed and linted again, and the rounds go on until no fix applies. A fix whose
result does not parse is a bug in its rule: it is dropped, reported in
:attr:`FixResult.broken`, and never written. Not reaching a fixed point within
:data:`MAX_ROUNDS` rounds is a bug too, raised as :class:`FixLoopError`.

Text outside the edited spans is never touched: edits replace spans of the text they were
computed on, and nothing is re-printed from a tree.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from .diagnostics import Diagnostic, Edit, Fix
from .errors import ParseError
from .linter import lint_configs
from .model import Config
from .parser import parse
from .settings import Settings

__all__ = ["FixLoopError", "FixResult", "MAX_ROUNDS", "apply_edits", "fix", "select_fixes"]

MAX_ROUNDS = 10


class FixLoopError(RuntimeError):
    """The fixes kept changing the text after :data:`MAX_ROUNDS` rounds: a bug in a rule."""


class FixResult(BaseModel):
    """What :func:`fix` did: the new text, the diagnostics whose fixes were applied (in the
    text of the round they were found in), the ones still there, and fixes dropped because
    their result did not parse."""

    model_config = ConfigDict(frozen=True)

    text: str
    applied: list[Diagnostic]
    remaining: list[Diagnostic]
    broken: list[Diagnostic] = []

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def applicable(diag: Diagnostic, unsafe: bool) -> bool:
    return diag.fix is not None and (diag.fix.applicability == "safe" or unsafe)


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    # Two insertions at one place, or an insertion at the edge of a replacement, would come
    # out in an order nobody chose: keep them for the next round.
    return (a.start == a.end or b.start == b.end) and a.start <= b.end and b.start <= a.end


def select_fixes(diagnostics: Sequence[Diagnostic], unsafe: bool = False) -> list[Diagnostic]:
    """The diagnostics whose fixes can be applied together, in position order."""
    taken: list[Diagnostic] = []
    edits: list[Edit] = []
    for diag in sorted((d for d in diagnostics if applicable(d, unsafe)), key=lambda d: (d.fix.start, d.fix.end, d.code)):  # type: ignore[union-attr]
        fix: Fix = diag.fix  # type: ignore[assignment]
        if any(_overlaps(new, old) for new in fix.edits for old in edits):
            continue
        if any(a.start < b.end and b.start < a.end for i, a in enumerate(fix.edits) for b in fix.edits[i + 1 :]):
            continue  # a fix whose own edits overlap is malformed; never apply it
        taken.append(diag)
        edits.extend(fix.edits)
    return taken


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits to ``text`` in one pass."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        pieces.append(text[position : edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def _parses(text: str, path: str | None) -> bool:
    try:
        return not parse(text, path).errors
    except ParseError:
        return False


def fix(
    source: str | Config,
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    path: str | os.PathLike[str] | None = None,
    context: Sequence[Config] = (),
) -> FixResult:
    """Apply every applicable fix until none is left.

    Only safe fixes are applied unless ``unsafe`` is true. ``context`` holds the other files
    HAProxy reads with this one (their sections count, e.g. a ``stats socket`` in another
    file; they are not changed). Raises :class:`ParseError` if the input itself does not
    parse, :class:`FixLoopError` if the fixes never settle.
    """
    settings = settings or Settings()
    config = parse(source, path) if isinstance(source, str) else source
    name = config.path
    text = config.to_text() if not isinstance(source, str) else source
    applied: list[Diagnostic] = []
    broken: list[Diagnostic] = []


    def lint(config: Config) -> list[Diagnostic]:
        return lint_configs([config, *context], settings, report_on=[config])

    diagnostics = lint(config)
    for _ in range(MAX_ROUNDS):
        chosen = [d for d in select_fixes(diagnostics, unsafe) if d not in broken]
        if not chosen:
            return FixResult(text=text, applied=applied, remaining=diagnostics, broken=broken)
        new_text = apply_edits(text, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
        if not _parses(new_text, name):
            # Find the culprits one by one; keep the fixes that are fine on their own.
            good = []
            for diag in chosen:
                if _parses(apply_edits(text, diag.fix.edits), name):  # type: ignore[union-attr]
                    good.append(diag)
                else:
                    broken.append(diag)
            chosen = select_fixes(good, unsafe)
            if not chosen:
                return FixResult(text=text, applied=applied, remaining=diagnostics, broken=broken)
            new_text = apply_edits(text, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
            if not _parses(new_text, name):
                broken.extend(chosen)
                return FixResult(text=text, applied=applied, remaining=diagnostics, broken=broken)
        applied.extend(chosen)
        text = new_text
        diagnostics = lint(parse(text, name))
    raise FixLoopError(
        f"fixes did not settle after {MAX_ROUNDS} rounds (a rule keeps rewriting its own fix): "
        + ", ".join(sorted({d.code for d in diagnostics if applicable(d, unsafe)}))
    )
