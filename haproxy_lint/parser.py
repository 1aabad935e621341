"""Text -> lossless tree -> typed model.

The Lark grammar (``grammar/haproxy.lark``) cuts the text into ``.if``/``.elif``/``.else``/
``.endif`` lines and the runs of lines between them, and checks how the blocks nest; this
module walks the resulting tree once, cuts the runs into lines (telling section headers and
message lines from directives), reads each new line's keyword and plain values (a line of a
text seen before shares them) and groups lines into sections. Words are cut when asked for
(:mod:`haproxy_lint.words`).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from sys import intern as _intern
from functools import lru_cache
from typing import cast
from importlib.resources import files

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ParseError
from .model import _NOT_PLAIN, SECTION_KINDS, Config, Line, LineKind, Section, _line, _plain_values, _raw_values, paused_gc
from .words import first_value

__all__ = ["parse", "read_text", "parse_file", "read_bytes", "decode_text", "MAX_NESTED_CONDS"]

#: HAProxy refuses a 100th nested ``.if`` ("too many nested '.if', max is 100"): MAXNESTEDCONDS
#: in include/haproxy/cfgcond-t.h, the same from 2.4 to 3.2. Nesting is counted in skipped
#: blocks too, as HAProxy counts it.
MAX_NESTED_CONDS = 100

_KIND_OF_TOKEN: dict[str, LineKind] = {"IF": "if", "ELIF": "elif", "ELSE": "else", "ENDIF": "endif"}
_BLANKS = " \t\x0b\x0c\r"
_MESSAGES = frozenset({".diag", ".notice", ".warning", ".alert"})
#: The first words that may open a section or make a message line (the grammar's other tokens
#: before issue 14): only such a line is matched against _HEADING.
_HEADINGS = SECTION_KINDS | _MESSAGES
# As HAProxy reads a line: the keyword itself, not quoted, after blanks (no CR) and followed by
# a blank, a '#' or the end.
_HEADING = re.compile(r"[ \t\x0b\x0c]*[^ \t\x0b\x0c\r#\"'\\]+(?:[ \t\x0b\x0c\r#]|\Z)")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = files("haproxy_lint.grammar").joinpath("haproxy.lark").read_text(encoding="utf-8")
    options = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}
    # Building the LALR tables costs more than linting a small file; Lark can keep them in a
    # cache file, which it checks against the grammar, the options and its own version.
    # A cache file that cannot be read (half written by a concurrent run, say) is rebuilt.
    path = _cache_path(grammar)
    try:
        return Lark(grammar, cache=path or False, **options)
    except OSError:  # a cache that cannot be written
        return Lark(grammar, **options)


def _cache_path(grammar: str) -> str | None:
    """Where Lark keeps the grammar's tables: ``$HAPROXY_LINT_CACHE_DIR`` (empty: no cache),
    else ``$XDG_CACHE_HOME/haproxy-lint``, else ``~/.cache/haproxy-lint``. The cache is a
    pickle, so it is used only in a folder of the current user's that nobody else can write."""
    folder = os.environ.get("HAPROXY_LINT_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "haproxy-lint")
    if not folder:
        return None
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    digest = hashlib.sha256(grammar.encode()).hexdigest()[:16]
    return os.path.join(folder, f"grammar-{digest}.lark-cache")


def parse(text: str, path: str | os.PathLike[str] | None = None, *, strict: bool = True) -> Config:
    """Parse configuration text into a :class:`Config`: typed, lossless, unlinted.

    ``path`` only names the text in errors and diagnostics. ``parse(text).to_text() == text``
    for every text that parses; unknown keywords are never an error (rules judge them).

    Raises :class:`ParseError` (1-based ``line`` and ``column``, a one-line ``message``) for
    what makes HAProxy refuse to read the file: a NUL byte, an ``.if``/``.elif``/``.else``/
    ``.endif`` structure that does not nest, ``.if`` blocks nested 100 deep, and a line whose
    quote is never closed. :func:`lint` and :func:`fix` refuse exactly these texts, with the
    same error. With ``strict=False`` the unclosed quotes are kept in :attr:`Config.errors`
    instead (the rest of the file can still be examined, as HAProxy reads on to report more
    of them); the others still raise.
    """
    name = os.fspath(path) if path is not None else None
    if "\0" in text:
        raise _nul_error(text, name)
    if text.count(".if") >= MAX_NESTED_CONDS:  # (fewer cannot nest that deep: no need to look)
        deep = _first_too_deep(text)
        if deep is not None:  # found before the grammar builds a tree thousands of levels deep
            raise _deep_error(text, deep, name)
    with paused_gc():
        try:
            tree = _lark().parse(text)
        except UnexpectedInput as exc:
            raise _structure_error(text, exc, name) from None
        config = _Builder(text, name).build(tree)
    if strict and config.errors:
        raise config.errors[0]
    return config


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a configuration file as UTF-8 text, keeping its line endings and BOM.

    Raises :class:`ParseError` for a missing, unreadable or non-UTF-8 file, and for anything
    that is not a regular file (a FIFO would block forever, ``/dev/zero`` never ends).
    """
    return decode_text(read_bytes(path), os.fspath(path))


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory, not a configuration file"),
    (stat.S_ISFIFO, "a FIFO (named pipe), not a regular file"),
    (stat.S_ISCHR, "a character device, not a regular file"),
    (stat.S_ISBLK, "a block device, not a regular file"),
    (stat.S_ISSOCK, "a socket, not a regular file"),
)


def _not_regular(mode: int, name: str) -> ParseError:
    what = next((text for test, text in _FILE_KINDS if test(mode)), "not a regular file")
    return ParseError(f"is {what}" if what.startswith("a ") else what, path=name)


def read_bytes(path: str | os.PathLike[str], *, max_size: int | None = None) -> bytes:
    """The content of a regular file; :class:`ParseError` for anything else.

    The file is looked at (``os.stat``) before it is opened, and opened without blocking, so
    a FIFO, a device or a socket is refused instead of read. ``max_size`` (bytes) refuses a
    larger file.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(info.st_mode, name)
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # replaced between the stat and the open
                raise _not_regular(info.st_mode, name)
            if max_size is not None and info.st_size > max_size:
                raise ParseError(f"too large ({info.st_size:,} bytes; at most {max_size:,})", path=name)
            data = handle.read() if max_size is None else handle.read(max_size + 1)
    except FileNotFoundError:
        raise ParseError("no such file", path=name) from None
    except IsADirectoryError:
        raise ParseError("is a directory, not a configuration file", path=name) from None
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", path=name) from None
    if max_size is not None and len(data) > max_size:  # it grew while we read it
        raise ParseError(f"too large (more than {max_size:,} bytes)", path=name)
    return data


def decode_text(data: bytes, name: str | None) -> str:
    """``data`` as UTF-8 text; a located :class:`ParseError` at the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise ParseError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            path=name,
            line=line,
            column=column,
            source_line=data[line_start:].split(b"\n", 1)[0].decode("utf-8", "replace"),
        ) from None


def parse_file(path: str | os.PathLike[str], *, strict: bool = True) -> Config:
    """Read and parse a configuration file: :func:`read_text`, then :func:`parse`.

    Raises :class:`ParseError` for a file that cannot be read and for text :func:`parse`
    refuses (``strict`` as there).
    """
    return parse(read_text(path), path, strict=strict)


class _Builder:
    """One pass over the token tree: lines with words, then sections."""

    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self.lines: list[Line] = []
        self.errors: list[ParseError] = []
        self.bom = ""
        # A line of each text read so far (without a quote left open): a later line with the
        # same text shares its text, kind, keyword and plain values (Line.plain_values). Most
        # of a large file's backends repeat the same lines.
        self.seen: dict[str, Line] = {}
        # Where the section headers are in ``lines``.
        self.heads: list[int] = []

    def build(self, tree: Tree[Token]) -> Config:
        self._walk(tree.children, 0)
        sections, preamble = _group(self.lines, self.heads)
        return Config(self.path, self.bom, tuple(self.lines), tuple(sections), tuple(preamble), tuple(self.errors))

    def _walk(self, children: list[Tree[Token] | Token], depth: int) -> None:
        for child in children:
            if not isinstance(child, Token):  # a cond_block
                if depth + 1 >= MAX_NESTED_CONDS:  # (so this recursion stays shallow)
                    raise _too_deep(cast(Token, child.children[0]), self.path)
                self._walk(child.children, depth + 1)
            elif child.type == "LINES":
                self._lines(child, depth)
            elif child.type == "BOM":
                self.bom = child.value
            else:
                # .if/.elif/.else/.endif lines sit at the depth of the block that holds them.
                raw = child.value
                eol = "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""
                self._one(raw[: len(raw) - len(eol)], eol, child.start_pos or 0, child.line or 1, depth - 1, _KIND_OF_TOKEN[child.type])

    def _lines(self, token: Token, depth: int) -> None:
        """Cut a run of lines into directive, section, message, comment and blank lines.

        This loop runs once per line of the file: it is kept flat on purpose (see the module
        docstring of haproxy_lint.model on speed). A line whose text was seen before takes
        what was read of that one; only the others are read (_fresh).
        """
        lines = self.lines
        append = lines.append
        heads = self.heads
        seen = self.seen
        offset: int = token.start_pos or 0  # (never None: the grammar keeps positions)
        number: int = token.line or 1
        value = token.value
        pieces = value.split("\n")
        tail = pieces.pop()  # what follows the last line ending: "", or a last line without one
        cr = "\r" in value
        eol = "\n"
        for text in pieces:
            if cr:
                if text.endswith("\r"):
                    text = text[:-1]
                    eol = "\r\n"
                else:
                    eol = "\n"
            twin = seen.get(text)
            if twin is None:
                self._fresh(text, eol, offset, number, depth, None)
            else:
                if twin.kind == "section":
                    heads.append(len(lines))
                # (a line's kind, keyword and values follow from its text)
                append(_line(twin.kind, number, offset, twin.text, eol, depth, twin.keyword, twin.plain_values, twin._parts, twin._pairs))
            offset += len(text) + len(eol)
            number += 1
        if tail:
            self._one(tail, "", offset, number, depth, None)

    def _one(self, text: str, eol: str, start: int, number: int, depth: int, kind: LineKind | None) -> None:
        """One line, as the loop of _lines reads it; ``kind`` is given for conditional lines."""
        twin = self.seen.get(text)
        if twin is None or (kind is not None and twin.kind != kind):
            self._fresh(text, eol, start, number, depth, kind)
            return
        if twin.kind == "section":
            self.heads.append(len(self.lines))
        self.lines.append(_line(twin.kind, number, start, twin.text, eol, depth, twin.keyword, twin.plain_values, twin._parts, twin._pairs))

    def _fresh(self, text: str, eol: str, start: int, number: int, depth: int, kind: LineKind | None) -> None:
        """Read a line of a text not seen before; ``kind`` is given for conditional lines."""
        values: tuple[str, ...] | None = ()
        if kind is not None:
            keyword = _intern(first_value(text))
            values = _plain_values(text)
        else:
            first = text.lstrip(_BLANKS)[:1]
            if first == "#":
                kind = "comment"
                keyword = ""
                # what _plain_values gives a line of blanks and a comment, in one search
                values = None if _NOT_PLAIN.search(text) is not None else ()
            elif not first:
                kind = "blank"
                keyword = ""
            else:
                # The values are read now: every rule's walk reads them, and the keyword is
                # the first (unless a quote, an escape or a variable leaves them to the words).
                values = _plain_values(text)
                keyword = values[0] if values is not None else _intern(first_value(text))
                kind = "directive"
                if keyword in _HEADINGS and _HEADING.match(text) is not None:
                    if keyword in _MESSAGES:
                        kind = "message"
                    else:
                        kind = "section"
                        self.heads.append(len(self.lines))
        line = _line(kind, number, start, text, eol, depth, keyword, values, None)
        self.lines.append(line)
        if values is not None or kind == "blank" or ('"' not in text and "'" not in text):
            self.seen[text] = line
            return
        # Only a quote can leave a line unreadable: cut such lines now to report it. The
        # parts are kept (and shared with the lines of the same text), for the rules that
        # read the words of every such line (Line.raw_values).
        parts = line.parts
        error = parts.error
        if error is None:
            # the lines of this text share their raw values too: cut them once
            line._pairs = _raw_values(parts, text)
            self.seen[text] = line
            return
        column, message = error
        self.errors.append(
            ParseError(
                f"{message}: opened here, never closed on this line",
                path=self.path,
                line=number,
                column=column + 1,
                source_line=text,
            )
        )


def _group(lines: list[Line], heads: list[int]) -> tuple[list[Section], list[Line]]:
    """Group lines into sections: a section runs from its header (at ``heads``) to the next."""
    sections: list[Section] = []
    ends = heads[1:]
    ends.append(len(lines))
    for head, end in zip(heads, ends):
        header = lines[head]
        values = header.plain_values
        if values is None:
            values = tuple(header.values)
        name = values[1] if len(values) > 1 and values[1] != "from" else None
        from_name = None
        if "from" in values[1:3]:
            i = values.index("from", 1)
            if i + 1 < len(values):
                from_name = values[i + 1]
        body = lines[head + 1 : end]
        sections.append(
            Section(header.keyword, name, from_name, header, tuple(body), tuple([line for line in body if line.kind == "directive"]))
        )
    preamble = [line for line in lines[: heads[0] if heads else len(lines)] if line.kind == "directive"]
    return sections, preamble


def _nul_error(text: str, path: str | None) -> ParseError:
    """HAProxy stops at a NUL byte ("Stray NUL character at position N"): so do we."""
    index = text.index("\0")
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return ParseError(
        "stray NUL character (byte 0x00): HAProxy refuses the file",
        path=path,
        line=text.count("\n", 0, index) + 1,
        column=index - start + 1,
        source_line=text[start : end if end != -1 else len(text)].replace("\0", "\u2400"),
    )


_TOO_DEEP = f"too many nested '.if': HAProxy refuses more than {MAX_NESTED_CONDS - 1} levels ('max is {MAX_NESTED_CONDS}')"


def _too_deep(token: Token, path: str | None) -> ParseError:
    value = token.value.rstrip("\r\n")
    return ParseError(
        _TOO_DEEP,
        path=path,
        line=token.line,
        column=len(value) - len(value.lstrip(" \t\x0b\x0c")) + 1,
        source_line=value,
    )


_COND_LINE = re.compile(r"^[ \t\x0b\x0c]*(\.if|\.endif)(?=[ \t\x0b\x0c\r\n#]|\Z)", re.M)


def _first_too_deep(text: str) -> tuple[int, int, str, int] | None:
    """The first ``.if`` nested too deep for HAProxy: its line, column, text and the offset
    where its line ends; ``None`` if there is none, or if a stray ``.endif`` comes first
    (the grammar reports that)."""
    depth = 0
    for m in _COND_LINE.finditer(text):  # the regex finds the lines: only they cost Python time
        if m.group(1) == ".endif":
            if depth == 0:
                return None
            depth -= 1
            continue
        depth += 1
        if depth >= MAX_NESTED_CONDS:
            start = m.start()
            end = text.find("\n", start)
            end = len(text) if end == -1 else end + 1
            return text.count("\n", 0, start) + 1, m.start(1) - start + 1, text[start:end].rstrip("\r\n"), end
    return None


def _deep_error(text: str, deep: tuple[int, int, str, int], path: str | None) -> ParseError:
    """The too-deep ``.if``, unless the structure breaks before it: HAProxy reads line by line
    and reports whichever comes first (a block never closed comes at the end, so after)."""
    line, column, source, end = deep
    try:
        _lark().parse(text[:end])  # cannot succeed: the blocks up to there are not closed
    except UnexpectedToken as exc:
        if exc.token.type != "$END":
            return _structure_error(text[:end], exc, path)
    except UnexpectedInput:
        pass
    return ParseError(_TOO_DEEP, path=path, line=line, column=column, source_line=source)


def _structure_error(text: str, exc: UnexpectedInput, path: str | None) -> ParseError:
    """Turn Lark's complaint about ``.if`` nesting into a message about the config."""
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        word = token.value.strip().split(None, 1)[0] if token.value.strip() else token.type
        if token.type in ("ELIF", "ELSE") and "ENDIF" in exc.expected:
            message = f"'{word}' after '.else' in the same '.if' block"
        else:
            message = f"'{word}' without a matching '.if'"
        return ParseError(
            message,
            path=path,
            line=token.line,
            column=len(token.value) - len(token.value.lstrip()) + 1,
            source_line=token.value.rstrip("\r\n"),
        )
    if isinstance(exc, (UnexpectedEOF, UnexpectedToken)):
        line_no, column, source = _innermost_open_if(text)
        return ParseError(
            "'.if' block is never closed (missing '.endif')",
            path=path,
            line=line_no,
            column=column,
            source_line=source,
        )
    assert isinstance(exc, UnexpectedCharacters)  # the line tokens cover every input
    return ParseError(f"unexpected character {exc.char!r}", path=path, line=exc.line, column=exc.column)


def _innermost_open_if(text: str) -> tuple[int, int, str]:
    stack: list[tuple[int, int, str]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.lstrip(" \t\x0b\x0c")
        first = stripped.split(None, 1)[0] if stripped.strip() else ""
        if first == ".if":
            stack.append((number, len(raw) - len(stripped) + 1, raw.rstrip("\r")))
        elif first == ".endif" and stack:
            stack.pop()
    return stack[-1] if stack else (1, 1, "")
