"""The ``haproxy-lint`` command.

``haproxy-lint [OPTIONS] PATH...`` lints files (``-`` reads standard input);
``haproxy-lint rules`` lists the rules; ``haproxy-lint rule CODE`` shows one rule's page.

Exit codes: 0 when nothing at warning level or above remains, 1 when something does, 2 for a
usage error or a file that cannot be read or parsed. Errors are one line
(``path:line:col: error: message``), never a traceback.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from . import __version__
from .diagnostics import Severity
from .fix import FixLoopError
from .baseline import BaselineError, apply_baseline
from .config import ConfigError, find_config, load_config, unknown_codes
from .linter import enabled_rules
from .output import FORMATS, Report, render
from .output.text import format_error
from .registry import RuleError, all_rules, get_rule
from .runner import Task, configurations, run_configurations
from .settings import Settings
from .writing import WriteError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("check", "rules", "rule")


class _DefaultToCheck(click.Group):
    """``haproxy-lint PATH`` means ``haproxy-lint check PATH``; ``rules``/``rule`` are commands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="haproxy-lint")
def main() -> None:
    """Lint HAProxy configuration files: find what leaves backends DOWN, insecure or silently
    misbehaving. Run `haproxy-lint PATH...`; see `haproxy-lint rules` for what it checks."""


def _codes(values: Sequence[str]) -> list[str]:
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--config", "config_path", metavar="FILE", help="Settings file (default: the nearest .haproxy-lint.yaml or pyproject.toml).")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules (codes or prefixes, comma-separated).")
@click.option("--extend-select", multiple=True, metavar="CODES", help="These rules too, on top of the selection.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules, on top of the settings file's.")
@click.option("--target-version", metavar="X.Y", help="HAProxy version the configuration is for (default: 3.2).")
@click.option("--fix", is_flag=True, help="Apply fixes and write the files back (standard input: print the fixed text).")
@click.option("--diff", "show_diff", is_flag=True, help="Print a diff of what --fix would change; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change behaviour.")
@click.option("--upgrade-to", metavar="X.Y", help="Report only what HAProxy X.Y would refuse or warn about, that the target version does not.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--statistics", is_flag=True, help="Print counts by rule instead of each finding.")
@click.option("--show-suppressed", is_flag=True, help="Also list findings silenced by suppression comments or per-file-ignores.")
@click.option("--baseline", metavar="FILE", help="Report only findings not recorded in FILE (created, with today's findings, if missing).")
@click.option("--show-settings", is_flag=True, help="Print the settings in force for the given paths, and exit.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain (errors reading files still exit 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary.")
@click.option("--stdin-filename", metavar="PATH", help="Name to report for standard input.")
@click.option("--together", is_flag=True, help="Read every path as one configuration, as `haproxy -f a -f b` does (default: each path is one; a folder's files are one).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N", help="Lint up to N configurations at once, in separate processes (default: the number of CPUs).")
def check(
    paths: tuple[str, ...],
    config_path: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    target_version: str | None,
    fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    upgrade_to: str | None,
    fmt: str,
    statistics: bool,
    show_suppressed: bool,
    baseline: str | None,
    show_settings: bool,
    exit_zero: bool,
    quiet: bool,
    stdin_filename: str | None,
    together: bool,
    jobs: int | None,
) -> None:
    """Lint configuration files: each path is one configuration (a folder's files are one;
    --together reads every path as one)."""
    if not paths:
        raise click.UsageError("Missing argument 'PATHS...': name the files, folders or patterns to lint (- for standard input)")
    if fix and show_diff:
        raise click.UsageError("--fix and --diff do not go together: --diff shows what --fix would write")
    if upgrade_to and (fix or show_diff):
        raise click.UsageError("--upgrade-to reports only; run --fix with --target-version to fix for a version")
    settings = resolve_settings(paths, stdin_filename, config_path, select, extend_select, ignore, target_version)
    if show_settings:
        _emit(settings_text(settings))
        sys.exit(EXIT_OK)

    report = Report(unsafe=unsafe_fixes, quiet=quiet, statistics=statistics)
    task = Task(settings, unsafe=unsafe_fixes, stdin_filename=stdin_filename)
    if upgrade_to:
        task.action = "upgrade"
        task.upgraded = _settings(settings.model_dump(by_alias=True) | {"target-version": upgrade_to})
        report.title = f"What HAProxy {task.upgraded.target_version} would report that {settings.target_version} does not:"
    elif fix or show_diff:
        task.action = "fix" if fix else "diff"
    groups = configurations(paths, together or settings.together)
    diffs: list[str] = []
    try:
        for outcome in run_configurations(groups, task, jobs or _cpus()):
            diffs.append(outcome.add_to(report))
        if not show_suppressed:
            report.suppressed = []
        if show_diff:
            _emit("".join(diffs))
            sys.exit(EXIT_ERROR if report.errors else EXIT_FINDINGS if any(diffs) else EXIT_OK)
        if fix and "-" in paths:
            # The fixed text went to standard output: findings go to standard error.
            sys.stderr.write(render(report, fmt, color=False))
            sys.exit(exit_code(report, exit_zero))
        if baseline:
            apply_baseline(report, baseline)
    except (RuleError, FixLoopError, WriteError, BaselineError) as exc:
        _fail(str(exc))
    _emit(render(report, fmt, color=_use_color()))
    sys.exit(exit_code(report, exit_zero))


def resolve_settings(
    paths: Sequence[str],
    stdin_filename: str | None,
    config_path: str | None,
    select: Sequence[str],
    extend_select: Sequence[str],
    ignore: Sequence[str],
    target_version: str | None,
) -> Settings:
    """The settings file's settings (``--config``, else the nearest one), then the options."""
    try:
        if config_path:
            base = load_config(config_path)
        else:
            first = next((p for p in paths if p != "-"), stdin_filename or ".")
            found = find_config(first if os.path.exists(first) else os.path.dirname(os.path.abspath(first)))
            base = load_config(found) if found else Settings()
    except ConfigError as exc:
        _fail_located(exc)
    overrides: dict[str, object] = {}
    if select:
        overrides["select"] = _codes(select)
    if extend_select:
        overrides["extend_select"] = base.extend_select + _codes(extend_select)
    if ignore:
        overrides["ignore"] = base.ignore + _codes(ignore)
    if target_version:
        overrides["target_version"] = target_version
    settings = _settings({**base.model_dump(), **overrides, "root": base.root}) if overrides else base
    for option, codes in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
        unknown = unknown_codes(_codes(codes))
        if unknown:
            raise click.UsageError(f"{option}: no rule has the code {unknown[0]!r}; `haproxy-lint rules` lists them")
    return settings


def settings_text(settings: Settings) -> str:
    data = settings.model_dump(mode="json", by_alias=True)
    lines = [f"# settings from {os.path.join(settings.root, '') if settings.root else 'defaults (no settings file found)'}"]
    for key, value in data.items():
        lines.append(f"{key}: {json.dumps(value)}")
    lines.append("rules: " + ", ".join(rule.code for rule in enabled_rules(settings)))
    return "\n".join(lines) + "\n"


def exit_code(report: Report, exit_zero: bool = False) -> int:
    if report.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    worst = max((d.severity.rank for d in report.diagnostics), default=-1)
    return EXIT_FINDINGS if worst >= Severity.WARNING.rank else EXIT_OK


def _settings(options: dict[str, object]) -> Settings:
    try:
        return Settings.model_validate(options)
    except ValueError as exc:
        raise click.UsageError(_first_error(exc)) from None


@main.command("rules")
def rules_command() -> None:
    """List every rule: code, name, default severity, fix, versions, on by default or opt-in."""
    rows = [("CODE", "NAME", "SEVERITY", "FIX", "VERSIONS", "DEFAULT")]
    for rule in _rules():
        rows.append((rule.code, rule.name, rule.severity.value, rule.fixable or "-", rule.versions or "all",
                     "opt-in" if rule.opt_in else "on"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        _emit("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n")


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Show the documentation of one rule (by code or name)."""
    _rules()
    rule = get_rule(code)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `haproxy-lint rules` lists them")
    from .docs import rule_page

    _emit(rule_page(rule))


def _rules():
    try:
        return all_rules()
    except RuleError as exc:
        _fail(str(exc))


def _cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `haproxy-lint ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"haproxy-lint: error: {message}\n")
    sys.exit(EXIT_ERROR)


def _fail_located(error: ConfigError) -> NoReturn:
    """A settings-file error, located like a parse error: ``file:line:col: error: ...``."""
    sys.stderr.write(format_error(error) + "\n")
    sys.exit(EXIT_ERROR)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())).replace("_", "-")
        message = str(first.get("msg", exc)).removeprefix("Value error, ")
        return f"--{field}: {message}" if field else message
    return str(exc)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (usage errors on one line, exit 2)."""
    try:
        main.main(args=list(argv) if argv is not None else None, prog_name="haproxy-lint", standalone_mode=False)
    except click.UsageError as exc:
        sys.stderr.write(f"haproxy-lint: error: {exc.format_message()}\n")
        return EXIT_ERROR
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        sys.stderr.write("haproxy-lint: interrupted\n")
        return EXIT_ERROR
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    return EXIT_OK


def entry_point() -> None:
    """The ``haproxy-lint`` console script."""
    # The models are acyclic and the process ends with the run: the cyclic collector would
    # only walk them again and again (and all of them once more when a pause ends).
    gc.disable()
    code = run()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    # Everything is written: skip freeing the model object by object on the way out, which
    # takes a large configuration a good part of a second.
    os._exit(code)
