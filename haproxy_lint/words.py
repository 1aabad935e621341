"""Splitting one configuration line into words, the way HAProxy's ``parse_line()`` does.

A line is cut on unprotected blanks; ``#`` outside quotes starts a comment (even in the middle of
a word); double quotes group text and keep ``$VAR`` references and backslash escapes active;
single quotes group text literally; a backslash protects the next character. The raw text of
each word is kept as written (for lossless printing and precise edits) next to its unquoted
value. Environment variables are not expanded: the value keeps ``$VAR`` / ``${VAR}`` as
written, since the linter runs where the variables are not set.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["SplitLine", "first_word", "first_value", "split_line", "unquote"]

# One word: runs of ordinary characters, backslash escapes and quoted strings, glued together
# ("a"'b'c is one word). What stops it is a blank, a '#', or a quote that never closes.
_WORD = r"""(?:[^ \t\x0b\x0c\r"'\\#]+|\\.?|"(?:[^"\\]|\\.)*"|'[^']*')+"""
_BLANK_RUN = r"[ \t\x0b\x0c\r]*"
_LINE = re.compile(rf"({_BLANK_RUN})((?:{_WORD}{_BLANK_RUN})*)(#.*)?", re.S)
_PAIR = re.compile(rf"({_WORD})({_BLANK_RUN})", re.S)
_FIRST = re.compile(rf"{_BLANK_RUN}({_WORD})", re.S)
# A first word with no quote, backslash or '#' in it, followed by a blank or the end: most are.
_PLAIN_FIRST = re.compile(r"[ \t\x0b\x0c\r]*([^ \t\x0b\x0c\r\"'\\#]+)(?![^ \t\x0b\x0c\r])")
#: What makes a word's value differ from its raw text: a quote or a backslash.
SPECIAL = _SPECIAL = re.compile(r"""["'\\]""")
_SPECIAL_OR_HASH = re.compile(r"""["'\\#]""")
_BLANK_SPLIT = re.compile(r"([ \t\x0b\x0c\r]+)")
_SIMPLE_ESCAPES = {" ": " ", "\\": "\\", "t": "\t", "n": "\n", "r": "\r", "#": "#", "'": "'", '"': '"'}
_HEX = frozenset("0123456789abcdefABCDEF")


class SplitLine(NamedTuple):
    """One line (without its line ending) cut into parts that concatenate back to it.

    ``words[i]`` is ``(raw text, index in the line)`` and is followed by ``seps[i]``, the blank
    run after it. ``error`` is ``(index, message)`` when a quote is never closed: like HAProxy,
    which reports such a line and reads on, the unclosed rest is kept as the last word.
    """

    indent: str
    words: list[tuple[str, int]]
    seps: list[str]
    comment: str
    error: tuple[int, str] | None = None


def split_line(body: str) -> SplitLine:
    """Split one line (no line ending) into indent, words, separators and comment."""
    if _SPECIAL_OR_HASH.search(body) is None:
        return _split_plain(body)
    m = _LINE.match(body)
    indent, middle, comment = m.group(1, 2, 3)
    words: list[tuple[str, int]] = []
    seps: list[str] = []
    pos = len(indent)
    for raw, sep in _PAIR.findall(middle):
        words.append((raw, pos))
        seps.append(sep)
        pos += len(raw) + len(sep)
    if comment is not None:
        return SplitLine(indent, words, seps, comment)
    if pos == len(body):
        return SplitLine(indent, words, seps, "")
    # Only a quote that never closes stops a word short of a blank, a '#' or the end.
    quote = body[pos]
    if words and not seps[-1]:
        raw, at = words.pop()
        seps.pop()
    else:
        raw, at = "", pos
    words.append((raw + body[pos:], at))
    seps.append("")
    kind = "double" if quote == '"' else "single"
    return SplitLine(indent, words, seps, "", (pos, f"unterminated {kind} quote"))


def _split_plain(body: str) -> SplitLine:
    """The common case, a line without quotes, backslashes or '#': one C-level split."""
    pieces = _BLANK_SPLIT.split(body)
    if pieces[0]:
        indent, rest = "", pieces
    else:
        indent, rest = (pieces[1], pieces[2:]) if len(pieces) > 1 else ("", [])
    words: list[tuple[str, int]] = []
    seps: list[str] = []
    pos = len(indent)
    last = len(rest) - 1
    for i in range(0, len(rest), 2):
        word = rest[i]
        if not word:  # after trailing blanks
            break
        sep = rest[i + 1] if i < last else ""
        words.append((word, pos))
        seps.append(sep)
        pos += len(word) + len(sep)
    return SplitLine(indent, words, seps, "")


def first_value(body: str) -> str:
    """The value of a line's first word (``""`` if none), without splitting the rest."""
    m = _PLAIN_FIRST.match(body)
    if m is not None:
        return m.group(1)
    return unquote(first_word(body))


def first_word(body: str) -> str:
    """The raw first word of a line, without splitting the rest (``""`` if none)."""
    m = _FIRST.match(body)
    return m.group(1) if m else ""


def unquote(raw: str) -> str:
    """The value HAProxy sees for a word: quotes removed, backslash escapes applied.

    ``$VAR`` references are left as written. An escape HAProxy does not know (``\\1``) keeps its
    backslash, as HAProxy does.
    """
    if _SPECIAL.search(raw) is None:
        return raw
    out: list[str] = []
    append = out.append
    squote = dquote = False
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == '"' and not squote:
            dquote = not dquote
            i += 1
        elif c == "'" and not dquote:
            squote = not squote
            i += 1
        elif c == "\\" and not squote:
            nxt = raw[i + 1] if i + 1 < n else ""
            if nxt in _SIMPLE_ESCAPES:
                append(_SIMPLE_ESCAPES[nxt])
                i += 2
            elif nxt == "$" and dquote:
                append("$")
                i += 2
            elif nxt == "x" and i + 3 < n and raw[i + 2] in _HEX and raw[i + 3] in _HEX:
                append(chr(int(raw[i + 2 : i + 4], 16)))
                i += 4
            else:
                append("\\")
                i += 1
        else:
            append(c)
            i += 1
    return "".join(out)
