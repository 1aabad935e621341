"""Apply the fixes to a configuration and show them as a unified diff; write nothing.

:func:`haproxy_lint.fix` returns the fixed text, the findings it fixed and those that remain;
it never writes a file: writing the text back (or not) is the caller's choice. Safe fixes keep
the configuration's meaning; ``--unsafe`` applies the others too (they change behaviour, such
as adding ``check`` to a server).

Usage: python examples/fix_and_diff.py [--unsafe] [haproxy.cfg]
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import haproxy_lint

BUNDLED = Path(__file__).resolve().parent.parent / "fixtures" / "examples" / "haproxy.cfg"


def lines(text: str) -> list[str]:
    """The lines of ``text``, cut at ``\\n`` only, as HAProxy cuts them (``str.splitlines``
    also cuts at form feeds and other characters a configuration may hold)."""
    pieces = text.split("\n")
    return [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def main(args: list[str]) -> int:
    unsafe = "--unsafe" in args
    paths = [arg for arg in args if arg != "--unsafe"]
    path = paths[0] if paths else str(BUNDLED)
    try:
        text = haproxy_lint.read_text(path)
        result = haproxy_lint.fix(text, unsafe=unsafe, path=path)
    except haproxy_lint.ParseError as error:
        print(error, file=sys.stderr)
        return 2
    sys.stdout.writelines(difflib.unified_diff(lines(text), lines(result.text), fromfile=path, tofile=path))
    # (an applied finding's line is in the text of the round that fixed it: a fix that
    # added a line earlier moves the lines after it)
    for d in result.applied:
        if d.fix is not None:
            print(f"fixed {d.code} (line {d.line}, {d.fix.applicability}): {d.fix.title}")
    for d in result.remaining:
        print(f"left {d.code} at {d.path}:{d.line}:{d.column} [{d.severity.value}]")
    # The command line's exit code: 1 if something at warning level or above remains.
    return 1 if any(d.severity.rank >= haproxy_lint.Severity.WARNING.rank for d in result.remaining) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
