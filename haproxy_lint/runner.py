"""What the command line does with its paths: read them, lint or fix them, build a report.

Kept apart from ``cli.py`` (which only turns options into calls) so that every step can be
tested without a terminal.
"""

from __future__ import annotations

import difflib
import glob
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from .config import matches_any
from .diagnostics import Diagnostic
from .errors import ParseError
from .fix import fix
from .linter import lint_configs
from .model import Config
from .output import Report
from .parser import parse, read_text
from .settings import Settings
from .writing import write_atomic

__all__ = ["Input", "expand_paths", "fix_inputs", "load_inputs", "upgrade_report"]


@dataclass
class Input:
    """One configuration file given on the command line (``path == "-"`` for stdin)."""

    path: str
    name: str
    text: str
    config: Config


def expand_paths(paths: Sequence[str]) -> list[str]:
    """Files to read, in order: a folder stands for its ``*.cfg`` files in the order HAProxy
    reads a folder (alphabetical), a pattern (``conf.d/*.cfg``) for its matches."""
    files: list[str] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            files += sorted(
                os.path.join(path, name)
                for name in os.listdir(path)
                if name.endswith(".cfg") and os.path.isfile(os.path.join(path, name))
            ) or [path]  # an empty folder is reported as an error by the reader
        elif path != "-" and not os.path.exists(path) and glob.has_magic(path):
            files += sorted(glob.glob(path, recursive=True)) or [path]
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def load_inputs(
    paths: Sequence[str],
    stdin_filename: str | None,
    report: Report,
    *,
    exclude: Sequence[str] = (),
    root: str | None = None,
) -> list[Input]:
    """Read and parse every path (less the ``exclude`` patterns); unreadable or unparsable
    files go to ``report.errors``."""
    inputs: list[Input] = []
    for path in expand_paths(paths):
        if exclude and path != "-" and matches_any(path, list(exclude), root):
            continue
        name = (stdin_filename or "<stdin>") if path == "-" else path
        report.files += 1
        try:
            if path != "-" and os.path.isdir(path):
                raise ParseError("folder holds no *.cfg file", path=name)
            text = sys.stdin.read() if path == "-" else read_text(path)
            config = parse(text, name)
        except ParseError as exc:
            report.errors.append(exc)
            continue
        report.sources[name] = text
        if config.errors:
            report.errors.extend(config.errors)
        else:
            inputs.append(Input(path, name, text, config))
    return inputs


def fix_inputs(inputs: Sequence[Input], settings: Settings, unsafe: bool, *, write: bool, report: Report) -> str:
    """Fix every input; write files back (``write``) or return their unified diff.

    Standard input's fixed text goes to standard output when writing. The report gets the
    diagnostics that remain (linted again across all files, as HAProxy reads them together)
    and how many were fixed.
    """
    diffs: list[str] = []
    fixed: list[Config] = []
    for item in inputs:
        others = [other.config for other in inputs if other is not item]
        result = fix(item.config, settings, unsafe=unsafe, context=others)
        report.fixed += len(result.applied)
        if result.broken:
            codes = ", ".join(sorted({d.code for d in result.broken}))
            report.errors.append(
                ParseError(f"a fix by {codes} produced text that does not parse: it was not applied (a bug; please report it)", path=item.name)
            )
        if write and item.path == "-":
            sys.stdout.write(result.text)
        elif write and result.text != item.text:
            write_atomic(item.path, result.text)
        if result.text != item.text:
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        item.text.splitlines(keepends=True),
                        result.text.splitlines(keepends=True),
                        fromfile=item.name,
                        tofile=item.name,
                    )
                )
            )
        report.sources[item.name] = result.text
        fixed.append(parse(result.text, item.name))
    report.diagnostics = lint_configs(fixed, settings) if fixed else []
    return "".join(d if d.endswith("\n") else d + "\n\\ No newline at end of file\n" for d in diffs)


def upgrade_report(configs: Sequence[Config], current: Settings, upgraded: Settings) -> list[Diagnostic]:
    """What linting for ``upgraded.target_version`` finds that ``current`` does not.

    A finding is news when the same rule reports nothing on the same span today, or reports
    it less severely (a deprecation warning today that becomes a refusal)."""
    if not configs:
        return []
    today = {(d.path, d.code, d.start, d.end): d.severity.rank for d in lint_configs(configs, current)}
    return [
        d
        for d in lint_configs(configs, upgraded)
        if d.severity.rank > today.get((d.path, d.code, d.start, d.end), -1)
    ]
