"""The engine: run the enabled rules over a configuration, in one walk, and collect findings."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence

from .diagnostics import Diagnostic
from .model import Config, Line, Section, paused_gc
from .parser import parse
from .registry import all_rules
from .rule import Context, Rule
from .settings import Settings, version_matches
from .suppressions import Suppressions, collect

__all__ = ["enabled_rules", "hidden_rules", "lint", "lint_configs", "lint_with_suppressed"]


def enabled_rules(settings: Settings) -> list[Rule]:
    """Instances of the rules that run under ``settings`` (selection and target version)."""
    version = settings.version
    return [
        rule()
        for rule in all_rules()
        if settings.is_enabled(rule.code, rule.opt_in) and version_matches(rule.versions, version)
    ]


def hidden_rules(settings: Settings) -> list[str]:
    """Codes of the opt-in rules that the selection would run if they were on by default: the
    run counts their findings, so that nothing is lost silently."""
    version = settings.version
    return [
        rule.code
        for rule in all_rules()
        if rule.opt_in
        and settings.is_enabled(rule.code)
        and not settings.is_enabled(rule.code, True)
        and version_matches(rule.versions, version)
    ]


def lint(
    source: str | Config,
    settings: Settings | None = None,
    path: str | os.PathLike[str] | None = None,
) -> list[Diagnostic]:
    """Lint a configuration given as text or as a parsed :class:`Config`.

    Returns the diagnostics the enabled rules find (``settings``, default
    ``Settings()``), sorted by position, less those a suppression comment or
    ``per_file_ignores`` silences. ``path`` names the text in diagnostics (and is what
    ``per_file_ignores`` matches). Raises :class:`ParseError` for text :func:`parse` refuses,
    and for a :class:`Config` with :attr:`~Config.errors` (from ``parse(..., strict=False)``).
    """
    with paused_gc():  # parsing and linting under one pause: see model.paused_gc
        config = parse(source, path) if isinstance(source, str) else source
        return lint_configs([config], settings)


def lint_configs(
    configs: Sequence[Config],
    settings: Settings | None = None,
    *,
    report_on: Sequence[Config] | None = None,
    fixable: bool | None = None,
) -> list[Diagnostic]:
    """Lint several files that HAProxy reads together (``haproxy -f a.cfg -f b.cfg``).

    ``configs`` in the order HAProxy reads them (a ``defaults`` section reaches the files
    after it). Rules see all of ``configs`` (a backend defined in one file satisfies a ``use_backend``
    in another); findings are reported for the files in ``report_on`` (default: all).
    Findings silenced by a suppression comment or ``per-file-ignores`` are left out.
    ``fixable`` runs only the rules that offer fixes (``True``) or only the others (``False``):
    the fixer lints in those two halves, to skip the second when fixes change the text.
    Raises :class:`ParseError` if one of ``configs`` has :attr:`~Config.errors`.
    """
    return lint_with_suppressed(configs, settings, report_on=report_on, fixable=fixable)[0]


def lint_with_suppressed(
    configs: Sequence[Config],
    settings: Settings | None = None,
    *,
    report_on: Sequence[Config] | None = None,
    fixable: bool | None = None,
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Like :func:`lint_configs`, returning ``(reported, suppressed)``."""
    with paused_gc():  # a large configuration is many objects: see model.paused_gc
        return _lint(configs, settings or Settings(), report_on, fixable)


def _lint(
    configs: Sequence[Config], settings: Settings, report_on: Sequence[Config] | None, fixable: bool | None = None
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    for config in configs:
        config.check()
    rules = [rule for rule in enabled_rules(settings) if fixable is None or bool(rule.fixable) == fixable]
    # The bound check_line methods, by keyword: the walk below makes tens of thousands of calls.
    by_keyword: dict[str, list[Callable[[Context, Line, Section | None], Iterable[Diagnostic]]]] = defaultdict(list)
    for rule in rules:
        for keyword in rule.keywords:
            by_keyword[keyword].append(rule.check_line)
    kept: list[Diagnostic] = []
    silenced: list[Diagnostic] = []
    targets = configs if report_on is None else report_on
    run_cache: dict[Hashable, object] = {}
    seen: set[Diagnostic] = set()
    for config in targets:
        found: list[Diagnostic] = []
        ctx = Context(config, settings, configs, run_cache)
        if by_keyword:
            extend = found.extend
            handlers = by_keyword.get
            for section in config.sections:
                for line in section.directives:
                    checks = handlers(line.keyword)
                    if checks is not None:
                        for check_line in checks:
                            extend(check_line(ctx, line, section))
            for line in config.preamble:
                for check_line in by_keyword.get(line.keyword, ()):
                    extend(check_line(ctx, line, None))
        for rule in rules:
            found.extend(rule.check(ctx))
        suppressions = ctx.memo("suppressions", lambda: collect(ctx.config))
        for diag in found:
            if diag in seen:  # a rule may reach one finding twice, from two files even
                continue
            seen.add(diag)
            covered = suppressions if diag.path == config.path else _suppressions_of(ctx, diag.path)
            if covered.covers(diag) or settings.ignored_in(diag.path, diag.code):
                silenced.append(diag)
            else:
                kept.append(diag)
    # What rules memoised refers back to the context (a cycle): drop it now, while the
    # collector is paused, rather than leave it to a later collection.
    run_cache.clear()
    return sorted(kept, key=lambda d: d.sort_key), sorted(silenced, key=lambda d: d.sort_key)


def _suppressions_of(ctx: Context, path: str | None) -> Suppressions:
    """The suppression comments of the file a finding about another file lies in."""
    for config in ctx.configs:
        if config.path == path:
            return ctx.memo(("suppressions", id(config)), lambda: collect(config), per_file=False)
    return Suppressions()
