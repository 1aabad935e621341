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
from .model import Config, reuse_words
from .parser import parse
from .settings import Settings

__all__ = ["FixLoopError", "FixResult", "MAX_ROUNDS", "apply_edits", "fix", "select_fixes"]

MAX_ROUNDS = 10


class FixLoopError(RuntimeError):
    """The fixes kept changing the text after :data:`MAX_ROUNDS` (10) rounds: a bug in a rule."""


class FixResult(BaseModel):
    """What :func:`fix` did.

    ``text`` is the fixed text; ``applied`` the diagnostics whose fixes were applied (their
    positions are in the text of the round they were found in, not in ``text``);
    ``remaining`` the diagnostics of ``text``, sorted by position; ``broken`` fixes dropped
    because their result did not parse (a bug in their rule).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    text: str
    applied: list[Diagnostic]
    remaining: list[Diagnostic]
    broken: list[Diagnostic] = []

    @property
    def changed(self) -> bool:
        """Whether any fix was applied (``text`` differs from the input)."""
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


def _parsed(text: str, path: str | None, previous: Config | None = None) -> Config | None:
    """The parsed text, or ``None`` if it does not parse (or has a line HAProxy cannot read).

    The lines a fix left alone are cut into words as they were in ``previous``: a fix
    changes a few lines of a file, and cutting every line again is most of a round's cost.
    """
    try:
        config = parse(text, path)
    except ParseError:
        return None
    if config.errors:
        return None
    if previous is not None:
        reuse_words(config, previous)
    return config


def fix(
    source: str | Config,
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    path: str | os.PathLike[str] | None = None,
    context: Sequence[Config] = (),
    position: int = 0,
) -> FixResult:
    """Apply every applicable fix until none is left; the input is not changed.

    Only safe fixes are applied unless ``unsafe`` is true. ``source`` and ``path`` are as for
    :func:`lint`; the result's ``text`` is the fixed text (writing it back is the caller's
    business). ``context`` holds the other files HAProxy reads with this one, in the order it
    reads them (their sections count, e.g. a ``stats socket`` in another file; they are not
    changed), and ``position`` is where this file comes among them (a ``defaults`` section
    reaches the files after it). Raises :class:`ParseError` for input :func:`lint` refuses,
    :class:`FixLoopError` if the fixes never settle (a bug). A fix whose result would not
    parse is never applied: it is listed in :attr:`FixResult.broken`.
    """
    settings = settings or Settings()
    config = parse(source, path) if isinstance(source, str) else source
    name = config.path
    text = config.to_text() if not isinstance(source, str) else source
    applied: list[Diagnostic] = []
    broken: list[Diagnostic] = []

    def lint(config: Config, fixable: bool | None = None) -> list[Diagnostic]:
        return lint_configs(
            [*context[:position], config, *context[position:]], settings, report_on=[config], fixable=fixable
        )

    # Each round runs the rules that can fix something first; only when they have nothing
    # left to apply do the others run, on the same parsed text, for the final findings.
    diagnostics = lint(config, fixable=True)
    for _ in range(MAX_ROUNDS):
        chosen = [d for d in select_fixes(diagnostics, unsafe) if d not in broken]
        new_config = None
        if chosen:
            new_text = apply_edits(text, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
            new_config = _parsed(new_text, name, config)
            if new_config is None:
                # Find the culprits one by one; keep the fixes that are fine on their own.
                good = []
                for diag in chosen:
                    if _parsed(apply_edits(text, diag.fix.edits), name) is not None:  # type: ignore[union-attr]
                        good.append(diag)
                    else:
                        broken.append(diag)
                chosen = select_fixes(good, unsafe)
                if chosen:
                    new_text = apply_edits(text, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
                    new_config = _parsed(new_text, name, config)
                    if new_config is None:
                        broken.extend(chosen)
        if new_config is None:  # nothing (more) to apply
            remaining = sorted([*diagnostics, *lint(config, fixable=False)], key=lambda d: d.sort_key)
            return FixResult(text=text, applied=applied, remaining=remaining, broken=broken)
        applied.extend(chosen)
        text, config = new_text, new_config
        diagnostics = lint(config, fixable=True)
    raise FixLoopError(
        f"fixes did not settle after {MAX_ROUNDS} rounds (a rule keeps rewriting its own fix): "
        + ", ".join(sorted({d.code for d in diagnostics if applicable(d, unsafe)}))
    )
