"""Text -> lossless tree -> typed model.

The Lark grammar (``grammar/haproxy.lark``) cuts the text into line tokens and checks the
nesting of ``.if`` blocks; this module walks the resulting tree once, splits each line into
words (:mod:`haproxy_lint.words`) and groups lines into sections.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ParseError
from .model import Config, Line, Section, _trusted, paused_gc

__all__ = ["parse", "read_text", "parse_file"]

_KIND_OF_TOKEN = {
    "SECTION": "section",
    "DIRECTIVE": "directive",
    "MESSAGE": "message",
    "COMMENT": "comment",
    "BLANK": "blank",
    "IF": "if",
    "ELIF": "elif",
    "ELSE": "else",
    "ENDIF": "endif",
}
_COND_KINDS = frozenset({"if", "elif", "else", "endif"})
_BLANKS = " \t\x0b\x0c\r"


def _new_line(fields: dict) -> Line:
    return _trusted(Line, fields)


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = files("haproxy_lint.grammar").joinpath("haproxy.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=False)


def parse(text: str, path: str | os.PathLike[str] | None = None) -> Config:
    """Parse configuration text into a :class:`~haproxy_lint.model.Config`.

    ``path`` is only used in error messages and diagnostics. Raises :class:`ParseError` for an
    unterminated quote or a broken ``.if``/``.endif`` structure; unknown keywords are never an
    error. ``parse(text).to_text() == text`` for every text that parses.
    """
    name = os.fspath(path) if path is not None else None
    with paused_gc():
        try:
            tree = _lark().parse(text)
        except UnexpectedInput as exc:
            raise _structure_error(text, exc, name) from None
        return _Builder(text, name).build(tree)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a configuration file as UTF-8 text, keeping its line endings and BOM.

    Raises :class:`ParseError` for a missing, unreadable or non-UTF-8 file.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise ParseError("no such file", path=name) from None
    except IsADirectoryError:
        raise ParseError("is a directory, not a configuration file", path=name) from None
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", path=name) from None
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


def parse_file(path: str | os.PathLike[str]) -> Config:
    """Read and parse a configuration file."""
    return parse(read_text(path), path)


class _Builder:
    """One pass over the token tree: lines with words, then sections."""

    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self.lines: list[Line] = []
        self.errors: list[ParseError] = []
        self.bom = ""

    def build(self, tree: Tree) -> Config:
        self._walk(tree.children, 0)
        sections, preamble = _group(self.lines)
        return _trusted(
            Config,
            {
                "path": self.path,
                "bom": self.bom,
                "lines": tuple(self.lines),
                "sections": tuple(sections),
                "preamble": tuple(preamble),
                "errors": tuple(self.errors),
            },
        )

    def _walk(self, children: list, depth: int) -> None:
        for child in children:
            if type(child) is not Token:  # a cond_block
                self._walk(child.children, depth + 1)
            elif child.type == "LINES":
                self._plain_lines(child, depth)
            elif child.type == "BOM":
                self.bom = child.value
            else:
                kind = _KIND_OF_TOKEN[child.type]
                # .if/.elif/.else/.endif lines sit at the depth of the block that holds them.
                line_depth = depth - 1 if kind in _COND_KINDS else depth
                self._add(child.value, child.start_pos, child.line, kind, line_depth)

    def _plain_lines(self, token: Token, depth: int) -> None:
        """Cut a run of ordinary lines into directive, comment and blank lines.

        This loop runs once per line of the file: it is kept flat on purpose (see the module
        docstring of haproxy_lint.model on speed).
        """
        lines = self.lines
        new = _new_line
        offset: int = token.start_pos
        number: int = token.line
        pieces = token.value.split("\n")
        last = len(pieces) - 1
        for index, text in enumerate(pieces):
            if index == last:
                if not text:
                    break
                eol = ""
            elif text.endswith("\r"):
                text = text[:-1]
                eol = "\r\n"
            else:
                eol = "\n"
            first = text.lstrip(_BLANKS)[:1]
            if first == "#":
                kind = "comment"
            elif not first:
                kind = "blank"
            else:
                kind = "directive"
                if '"' in text or "'" in text:
                    self._add(text + eol, offset, number, kind, depth)
                    offset += len(text) + len(eol)
                    number += 1
                    continue
            end = offset + len(text) + len(eol)
            lines.append(
                new({"kind": kind, "line": number, "start": offset, "end": end, "text": text, "eol": eol, "depth": depth})
            )
            offset = end
            number += 1

    def _add(self, raw: str, start: int, number: int, kind: str, depth: int) -> None:
        if raw.endswith("\n"):
            eol = "\r\n" if raw.endswith("\r\n") else "\n"
            text = raw[: -len(eol)]
        else:
            eol = ""
            text = raw
        line = _trusted(
            Line,
            {"kind": kind, "line": number, "start": start, "end": start + len(raw), "text": text, "eol": eol, "depth": depth},
        )
        self.lines.append(line)
        # Only a quote can leave a line unreadable: cut such lines now to report it.
        if kind != "comment" and kind != "blank" and ('"' in text or "'" in text):
            error = line.parts.error
            if error is not None:
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


def _group(lines: list[Line]) -> tuple[list[Section], list[Line]]:
    """Group lines into sections: a section runs from its header to the next header."""
    sections: list[Section] = []
    preamble: list[Line] = []
    header: Line | None = None
    body: list[Line] = []

    def close() -> None:
        if header is None:
            return
        words = header.words
        name = words[1].value if len(words) > 1 and words[1].value != "from" else None
        from_name = None
        i = header.find("from")
        if i != -1 and i + 1 < len(words) and i <= 2:
            from_name = words[i + 1].value
        sections.append(
            _trusted(
                Section,
                {
                    "kind": header.keyword,
                    "name": name,
                    "from_name": from_name,
                    "header": header,
                    "lines": tuple(body),
                    "directives": tuple(line for line in body if line.kind == "directive"),
                },
            )
        )

    for line in lines:
        if line.kind == "section":
            close()
            header, body = line, []
        elif header is None:
            if line.kind == "directive":
                preamble.append(line)
        else:
            body.append(line)
    close()
    return sections, preamble


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
