"""Sample expressions, ACL criteria and conditions, cut the way HAProxy's parsers cut them.

* A sample expression is a fetch and its converters: ``req.hdr(host),lower,map(hosts.map)``.
  Names are runs of HAProxy's "id" characters (letters, digits, ``. _ - + :``), arguments sit
  in parentheses, converters follow commas (``sample_parse_expr()`` in ``src/sample.c``).
* A condition is what follows ``if``/``unless``: named ACLs (``!`` negates, ``||``/``or``
  separates), and anonymous ACLs between ``{`` and ``}`` (``parse_acl_cond()`` in
  ``src/acl.c``).

Offsets are indexes into the text given (a word's value), so a caller adds the word's own
offset when the word is written without quotes or escapes.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["Call", "Condition", "Expression", "is_idchar", "parse_condition", "parse_expression", "scan"]


def is_idchar(c: str) -> bool:
    """HAProxy's ``is_idchar()``: what a fetch or converter name is made of."""
    return c.isascii() and (c.isalnum() or c in "._-+:")


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import.
class Call:
    """A fetch or converter: its name, its argument texts, and where each sits."""

    __slots__ = ("name", "start", "end", "args", "args_end")

    def __init__(self, name: str, start: int, end: int) -> None:
        self.name = name
        self.start = start
        self.end = end
        #: None without parentheses; else the top-level comma-separated arguments (stripped of
        #: nothing: HAProxy trims none of them either).
        self.args: list[str] | None = None
        self.args_end = 0  # offset after the closing parenthesis (or after the name)

    @property
    def arg_count(self) -> int:
        if self.args is None or self.args == [""]:
            return 0
        return len(self.args)


class Expression:
    """A fetch, its converters, and the first problem found in the text (if any)."""

    __slots__ = ("fetch", "converters", "error", "end")

    def __init__(self, fetch: Call | None, error: tuple[int, int, str] | None = None, end: int = 0) -> None:
        self.fetch = fetch
        self.converters: list[Call] = []
        #: (start, end, message) of text that is no expression: a missing ')' or name.
        self.error = error
        self.end = end  # where the expression stops in the text


def scan(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """The characters of ``text[start:]`` that quotes and backslashes do not protect, each
    with the parenthesis depth after it: ``(`` opens a level, ``)`` closes one."""
    depth = 0
    quote = ""
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        else:
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            yield i, c, depth
        i += 1


def _close(text: str, i: int) -> int:
    """The index of the ``)`` matching the ``(`` at ``i``, or -1."""
    return next((j for j, c, depth in scan(text, i) if c == ")" and depth == 0), -1)


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments (parentheses, quotes and ``\\`` protect commas)."""
    cuts = [j for j, c, depth in scan(text) if c == "," and depth == 0]
    bounds = [-1, *cuts, len(text)]
    return [text[a + 1:b] for a, b in zip(bounds, bounds[1:])]


def _call(text: str, i: int) -> tuple[Call | None, int, tuple[int, int, str] | None]:
    start = i
    while i < len(text) and is_idchar(text[i]):
        i += 1
    if i == start:
        return None, i, None
    call = Call(text[start:i], start, i)
    if i < len(text) and text[i] == "(":
        close = _close(text, i)
        if close < 0:
            return call, len(text), (i, len(text), f"missing closing ')' after the arguments of `{call.name}`")
        call.args = _split_args(text[i + 1:close])
        i = close + 1
    call.args_end = i
    return call, i, None


def parse_expression(text: str, start: int = 0, *, stop: str = "") -> Expression:
    """Parse the expression at ``text[start:]``; it ends at the end of the text or at the
    first character of ``stop`` outside arguments (``]`` inside ``%[...]``)."""
    fetch, i, error = _call(text, start)
    if fetch is None:
        return Expression(None, error=(start, start + 1, "missing fetch method"), end=start)
    expr = Expression(fetch, error=error, end=i)
    while error is None and i < len(text) and text[i] not in stop:
        if text[i] != ",":
            expr.error = (i, i + 1, f"missing comma after `{(expr.converters[-1] if expr.converters else fetch).name}`")
            break
        while i < len(text) and text[i] == ",":
            i += 1
        if i >= len(text) or text[i] in stop:
            break  # trailing commas: HAProxy skips them
        conv, i, error = _call(text, i)
        if conv is None:
            expr.error = (i, i + 1, "missing converter name after ','")
            break
        expr.converters.append(conv)
        expr.error = error
    expr.end = i
    return expr


class Condition:
    """What a condition's words refer to, by word index: named ACLs and anonymous ACLs."""

    __slots__ = ("named", "anonymous", "error")

    def __init__(self) -> None:
        #: (word index, name without its ``!`` marks)
        self.named: list[tuple[int, str]] = []
        #: (index of ``{``, index of ``}``): the words of an anonymous ACL lie between them
        self.anonymous: list[tuple[int, int]] = []
        #: (word index, message) when the condition is malformed (an unclosed ``{``)
        self.error: tuple[int, str] | None = None


def parse_condition(words: list[str], first: int = 0) -> Condition:
    """The parts of a condition whose words are ``words[first:]`` (after ``if``/``unless``)."""
    cond = Condition()
    i = first
    while i < len(words):
        word = words[i].lstrip("!")
        if not word or word.lower() == "or" or word == "||":
            i += 1
            continue
        if word == "{":
            end = i + 1
            while end < len(words) and words[end] != "}":
                end += 1
            if end >= len(words):
                cond.error = (i, "missing closing '}' in condition")
                return cond
            cond.anonymous.append((i, end))
            i = end + 1
            continue
        cond.named.append((i, word))
        i += 1
    return cond
