"""Log-format strings, read the way HAProxy's ``parse_logformat_string()`` reads them.

``%ci`` is an alias (a letter, then letters and digits), ``%{+Q}ci`` the same with flags,
``%[src]`` and ``%{+Q}[src]`` a sample expression, ``%%`` a literal ``%``. HAProxy refuses an
unknown alias, a ``%`` followed by a digit or a blank, a ``%{...}`` with nothing after it and
an unclosed ``%[``; it silently ignores an unknown flag. The expressions inside ``%[...]``
are left to the caller (see :mod:`.expressions`).
"""

from __future__ import annotations

from collections.abc import Iterator

from .expressions import scan

__all__ = ["LogFormatProblem", "check_log_format"]


# A plain slotted class, not a dataclass or a NamedTuple: defining one of those costs every
# run 0.15-0.4 ms at import.
class LogFormatProblem:
    """What is wrong at ``text[start:end]``: ``kind`` is ``alias`` (then ``text`` is the
    alias), ``flag`` (an unknown flag HAProxy ignores) or ``syntax``."""

    __slots__ = ("kind", "start", "end", "text", "message")

    def __init__(self, kind: str, start: int, end: int, text: str, message: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text
        self.message = message


def _skip_expression(text: str, i: int) -> int:
    """The index of the ``]`` closing the expression that starts at ``i``, or -1."""
    return next((j for j, c, depth in scan(text, i) if c == "]" and depth <= 0), -1)


def check_log_format(text: str, aliases: frozenset[str], flags: frozenset[str]) -> Iterator[LogFormatProblem]:
    """The problems of one log-format string (a word's value); none for a valid one.

    With an empty ``aliases`` set (no table), aliases are not judged."""
    i = 0
    n = len(text)
    while i < n:
        if text[i] != "%":
            i += 1
            continue
        start = i
        i += 1
        if i >= n:
            return
        c = text[i]
        if c == "%":
            i += 1
            continue
        if c == "{":
            close = text.find("}", i)
            if close < 0:
                return  # HAProxy reads the rest as the flags of nothing: left alone
            for flag in text[i + 1:close].split(","):
                name = flag[1:] if flag[:1] in "+-" else ""
                if name and flags and name not in flags:
                    yield LogFormatProblem("flag", i + 1, close, name,
                                           f"unknown log-format flag `{flag}` (HAProxy ignores it)")
            i = close + 1
            if i >= n or not (text[i] == "[" or (text[i].isascii() and text[i].isalnum())):
                yield LogFormatProblem("syntax", start, min(i, n), text[start:i],
                                       f"`{text[start:i]}` is not followed by an alias or an expression")
                continue
            c = text[i]
        if c == "[":
            close = _skip_expression(text, i + 1)
            if close < 0:
                yield LogFormatProblem("syntax", start, n, text[start:],
                                       f"missing `]` after `{text[i + 1:]}`")
                return
            i = close + 1
            continue
        if c.isascii() and c.isalpha():
            j = i
            while j < n and text[j].isascii() and text[j].isalnum():
                j += 1
            name = text[i:j]
            if aliases and name not in aliases:
                yield LogFormatProblem("alias", start, j, name, f"unknown log-format alias `%{name}`")
            i = j
            continue
        if c.isdigit() or c in " \t":
            yield LogFormatProblem("syntax", start, i + 1, text[start:i + 1],
                                   f"`%` followed by `{c}` (write `%%` for a literal `%`)")
            i += 1
            continue
        i += 1  # any other character: HAProxy keeps both as text
