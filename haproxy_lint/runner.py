"""What the command line does with its paths: read them, lint or fix them, build a report.

Kept apart from ``cli.py`` (which only turns options into calls) so that every step can be
tested without a terminal.
"""

from __future__ import annotations

import glob
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence

from .config import matches_any
from .diagnostics import Diagnostic
from .errors import ParseError
from .fix import FixResult, fix
from .linter import hidden_rules, lint_configs, lint_with_suppressed
from .model import Config, paused_gc
from .output import Report
from .parser import decode_text, parse, read_text
from .settings import Settings
from .writing import write_atomic

__all__ = [
    "Input",
    "Outcome",
    "Task",
    "configurations",
    "expand_paths",
    "fix_inputs",
    "load_inputs",
    "run_configuration",
    "run_configurations",
    "upgrade_report",
]


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import.
class Input:
    """One configuration file given on the command line (``path == "-"`` for stdin)."""

    __slots__ = ("path", "name", "text", "config")

    def __init__(self, path: str, name: str, text: str, config: Config) -> None:
        self.path = path
        self.name = name
        self.text = text
        self.config = config


class Task:
    """What to do with every configuration of a run. It travels to the worker processes of
    ``--jobs``, so it holds plain data only."""

    __slots__ = ("settings", "action", "unsafe", "upgraded", "stdin_filename")

    def __init__(self, settings: Settings, *, unsafe: bool = False, stdin_filename: str | None = None) -> None:
        self.settings = settings
        #: ``lint``, ``fix`` (write the fixed files), ``diff`` (print what fix would write) or
        #: ``upgrade`` (what ``upgraded`` reports that ``settings`` does not).
        self.action = "lint"
        self.unsafe = unsafe
        self.upgraded: Settings | None = None
        self.stdin_filename = stdin_filename


class Outcome:
    """What one configuration gave: findings, unreadable files, fixes, the texts read."""

    __slots__ = ("diagnostics", "suppressed", "errors", "sources", "files", "fixed", "diff", "hidden")

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.suppressed: list[Diagnostic] = []
        self.errors: list[ParseError] = []
        self.sources: dict[str, str] = {}
        self.files = 0
        self.fixed = 0
        self.diff = ""
        #: Findings of opt-in rules the selection leaves off, by code (counted, not shown).
        self.hidden: Counter[str] = Counter()

    def add_to(self, report: Report) -> str:
        """Merge into the run's report; returns the diff."""
        report.hidden.update(self.hidden)
        report.diagnostics.extend(self.diagnostics)
        report.suppressed.extend(self.suppressed)
        report.suppressed_count += len(self.suppressed)
        report.errors.extend(self.errors)
        report.sources.update(self.sources)
        report.files += self.files
        report.fixed += self.fixed
        return self.diff


def configurations(paths: Sequence[str], together: bool = False) -> list[list[str]]:
    """The files of each configuration to lint, in order.

    Each argument is one configuration: a file, a folder (its ``*.cfg`` files, read as one
    configuration as ``haproxy -f folder`` does) or a pattern (its matches). ``together``
    makes every argument one configuration, as ``haproxy -f a.cfg -f b.cfg`` reads them. A
    file named twice is read once, where it is first named.
    """
    seen: set[str] = set()
    groups: list[list[str]] = []
    for path in paths:
        files = [f for f in expand_paths([path]) if f not in seen]
        seen.update(files)
        if files:
            groups.append(files)
    if together and len(groups) > 1:
        return [[f for group in groups for f in group]]
    return groups


def run_configuration(paths: Sequence[str], task: Task) -> Outcome:
    """Read, then lint, fix or compare one configuration (the files HAProxy reads together)."""
    # One pause for the whole job: re-enabled between parsing and linting, the collector
    # would walk every object of the model at once (see model.paused_gc).
    with paused_gc():
        return _run_configuration(paths, task)


def _run_configuration(paths: Sequence[str], task: Task) -> Outcome:
    report = Report(unsafe=task.unsafe)
    settings = task.settings
    inputs = load_inputs(paths, task.stdin_filename, report, exclude=settings.exclude, root=settings.root)
    configs = [item.config for item in inputs]
    outcome = Outcome()
    if task.action == "upgrade":
        assert task.upgraded is not None
        outcome.diagnostics = upgrade_report(configs, settings, task.upgraded)
    elif task.action in ("fix", "diff"):
        outcome.diff = fix_inputs(inputs, settings, task.unsafe, write=task.action == "fix", report=report)
        outcome.diagnostics = report.diagnostics
    elif configs:
        # The opt-in rules the selection leaves off run in the same pass, to be counted only.
        hidden = set(hidden_rules(settings))
        run = settings.model_copy(update={"extend_select": [*settings.extend_select, *hidden]}) if hidden else settings
        found, suppressed = lint_with_suppressed(configs, run)
        outcome.diagnostics = [d for d in found if d.code not in hidden]
        outcome.suppressed = [d for d in suppressed if d.code not in hidden]
        outcome.hidden.update(d.code for d in found if d.code in hidden)
    outcome.errors = report.errors
    outcome.sources = report.sources
    outcome.files = report.files
    outcome.fixed = report.fixed
    return outcome


def _run_chunk(chunk: Sequence[Sequence[str]], task: Task) -> list[Outcome]:
    return [run_configuration(paths, task) for paths in chunk]


def run_configurations(groups: Sequence[Sequence[str]], task: Task, jobs: int = 1) -> Iterator[Outcome]:
    """:func:`run_configuration` for each group, in order, on up to ``jobs`` processes.

    Standard input is read in this process. Configurations go to the workers in chunks, a
    few per worker, so that the cost of sending them stays small next to linting them.
    """
    jobs = max(1, min(jobs, len(groups)))
    if jobs == 1 or any("-" in group for group in groups):
        for group in groups:
            yield run_configuration(group, task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers start with every module already imported (spawn would import them
    # again in each); where fork is unsafe or missing (macOS, Windows), spawn.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    size = max(1, min(16, len(groups) // (jobs * 4)))
    chunks = [groups[i : i + size] for i in range(0, len(groups), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        for outcomes in pool.map(_run_chunk, chunks, [task] * len(chunks)):
            yield from outcomes


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
            text = _read_stdin(name) if path == "-" else read_text(path)
            config = parse(text, name, strict=False)  # report every unreadable line, not only the first
        except ParseError as exc:
            report.errors.append(exc)
            continue
        report.sources[name] = text
        if config.errors:
            report.errors.extend(config.errors)
        else:
            inputs.append(Input(path, name, text, config))
    return inputs


def _read_stdin(name: str) -> str:
    """Standard input as UTF-8 text (a located error at a byte that is not UTF-8)."""
    raw = getattr(sys.stdin, "buffer", None)
    return decode_text(raw.read(), name) if raw is not None else sys.stdin.read()


def fix_inputs(inputs: Sequence[Input], settings: Settings, unsafe: bool, *, write: bool, report: Report) -> str:
    """Fix every input; write files back (``write``) or return their unified diff.

    Standard input's fixed text goes to standard output when writing. The report gets the
    diagnostics that remain (linted again across all files, as HAProxy reads them together)
    and how many were fixed.
    """
    diffs: list[str] = []
    fixed: list[FixResult] = []
    for index, item in enumerate(inputs):
        others = [other.config for other in inputs if other is not item]
        result = fix(item.config, settings, unsafe=unsafe, context=others, position=index)
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
            diffs.append(unified_diff(item.text, result.text, item.name))
        report.sources[item.name] = result.text
        fixed.append(result)
    if len(fixed) == 1:
        report.diagnostics = fixed[0].remaining
    elif fixed:  # each file was fixed with the others as they were: lint the fixed files together
        report.diagnostics = lint_configs([parse(r.text, item.name) for r, item in zip(fixed, inputs)], settings)
    return "".join(diffs)


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff that ``patch`` applies: lines cut at ``\n`` only, as HAProxy cuts them
    (str.splitlines() also cuts at form feeds and other breaks), and a last line without a
    line break marked as such, whether removed or added."""
    out = []
    import difflib  # only --diff needs it

    for line in difflib.unified_diff(_lines(old), _lines(new), fromfile=name, tofile=name):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


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
