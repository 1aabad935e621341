"""Lint a configuration with settings: which rules, which HAProxy version, which severities.

Settings are a pydantic model: build them in code (``Settings(select=[...])``), or validate a
mapping read from your own configuration, with the keys a ``.haproxy-lint.yaml`` file uses
(``target-version``, ``per-file-ignores``, durations such as ``90s``).

Usage: python examples/lint_with_settings.py [haproxy.cfg]
"""

from __future__ import annotations

import sys
from pathlib import Path

import haproxy_lint
from haproxy_lint import Settings, Severity, Thresholds

BUNDLED = Path(__file__).resolve().parent.parent / "fixtures" / "examples" / "haproxy.cfg"


def report(path: str, text: str, settings: Settings) -> int:
    """Print the findings like the command line does; return its exit code."""
    diagnostics = haproxy_lint.lint(text, settings, path=path)
    for d in diagnostics:
        print(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.message}")
    worst = max((d.severity.rank for d in diagnostics), default=-1)
    print(f"{len(diagnostics)} finding(s) for HAProxy {settings.target_version}")
    return 1 if worst >= Severity.WARNING.rank else 0


def house_settings(version: str) -> Settings:
    """Health checks and timeouts only, without HL203 (unit-less durations), HL103 raised to
    an error, and a stricter limit on the time a server takes to come back."""
    return Settings(
        select=["HL1", "HL2"],
        ignore=["HL203"],
        severity={"HL103": Severity.ERROR},
        target_version=version,
        thresholds=Thresholds(recovery_ms=5_000),
    )


def main(path: str) -> int:
    try:
        text = haproxy_lint.read_text(path)
    except haproxy_lint.ParseError as error:
        print(error, file=sys.stderr)
        return 2
    # The same settings, as a settings file spells them (the mapping could come from YAML).
    from_file = Settings.model_validate(
        {"select": ["HL1", "HL2"], "ignore": ["HL203"], "severity": {"HL103": "error"},
         "target-version": "2.6", "thresholds": {"recovery": "5s"}}
    )
    assert from_file == house_settings("2.6")
    codes: list[int] = []
    try:
        # HAProxy 2.8 refuses what 2.6 accepts with a warning (HL102): lint for the version
        # you run, and for the one you upgrade to.
        for version in ("2.6", "2.8"):
            if codes:
                print()
            codes.append(report(path, text, house_settings(version)))
    except haproxy_lint.ParseError as error:
        print(error, file=sys.stderr)
        return 2
    return max(codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(BUNDLED)))
