"""The typed, lossless model of a configuration: Config -> Section -> Line -> Word.

Every byte of the input belongs to exactly one ``Line`` (or to ``Config.bom``), and every line
prints itself back from its parts, so ``Config.to_text()`` returns the exact input. Offsets
(``start``/``end``) are indexes into the text given to :func:`haproxy_lint.parse`; they are
what fixes edit, and :meth:`Config.position` turns them into 1-based line and column.

Speed matters here (a 40,000-line file must parse in well under a second): the parser builds
these models from data it has just produced itself, so it skips pydantic's validation (see
``_trusted``), and a line is cut into words only when something asks for them.
"""

from __future__ import annotations

import gc
import re
from sys import intern as _intern
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

from .errors import ParseError
from .words import SPECIAL as _QUOTING, SplitLine, first_value, split_line, unquote

if TYPE_CHECKING:
    from .effective import Proxy

__all__ = ["Config", "Line", "LineKind", "Section", "Word", "PROXY_KINDS", "SECTION_KINDS", "reuse_words"]

#: Section keywords HAProxy knows, up to 3.2 and 3.4's healthcheck (spoe-* are the sections
#: of a SPOE agent file). The grammar lists the same words.
SECTION_KINDS: frozenset[str] = frozenset(
    "global defaults frontend backend listen resolvers peers userlist mailers program "
    "http-errors ring cache log-forward log-profile fcgi-app namespace_list crt-store traces "
    "acme spoe-agent spoe-group spoe-message healthcheck".split()
)
#: Sections that define proxies.
PROXY_KINDS: frozenset[str] = frozenset({"defaults", "frontend", "backend", "listen"})

LineKind = Literal[
    "blank", "comment", "section", "directive", "if", "elif", "else", "endif", "message"
]

@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Each collection the allocations trigger walks every object built so far, which makes
    building the model of a large file grow faster than its size; these models hold no
    reference cycles, so reference counting frees them all the same.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_NOT_PLAIN = re.compile(r"[\"'\\$]")
_BLANK_RUNS = re.compile(r"[ \t\x0b\x0c\r]+")
_new = object.__new__
_setattr = object.__setattr__


def _trusted(cls: type[BaseModel], fields: dict[str, Any]) -> Any:
    """Build a model from fields the parser produced and already knows to be valid.

    ``fields`` must name every field. Equivalent to ``cls.model_construct(**fields)``, at a
    fraction of its cost, which matters at one call per line and per word.
    """
    obj = _new(cls)
    _setattr(obj, "__dict__", fields)
    _setattr(obj, "__pydantic_fields_set__", None)
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


_T = TypeVar("_T")


class lazy(Generic[_T]):
    """A cached property without ``functools.cached_property``'s lock (slow on Python 3.11):
    computed on first access, then stored in the instance's ``__dict__``. The parser is the
    only producer of these models, and a value computed twice would be the same."""

    def __init__(self, fn: Callable[[Any], _T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: type | None = None) -> _T:  # (typed for instances)
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class Word(BaseModel):
    """One word of a line: ``raw`` as written, ``value`` as HAProxy reads it, its offsets."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    raw: str
    value: str
    start: int
    end: int

    @property
    def quoted(self) -> bool:
        """Whether the word uses quotes or backslash escapes (``raw != value``)."""
        return self.raw != self.value

    @property
    def has_env(self) -> bool:
        """Whether the word refers to an environment variable (``"$VAR"``, ``"${VAR}"``)."""
        return "$" in self.raw and '"' in self.raw


class Line(BaseModel):
    """One physical line: a directive, a section header, a comment, a blank or a ``.if`` line.

    ``text`` is the line without its line ending ``eol``. ``depth`` is how many ``.if`` blocks
    enclose it. The line's words are cut on first use and kept (``parts``, ``words``): most
    rules look at few lines closely, and a large file parses several times faster that way.
    ``to_text()`` prints the line back from those parts.
    """

    model_config = ConfigDict(frozen=True, defer_build=True, ignored_types=(lazy,))

    kind: LineKind
    line: int
    start: int
    end: int
    text: str
    eol: str
    depth: int

    @lazy
    def parts(self) -> SplitLine:
        """The line cut into indent, raw words with their indexes, separators and comment."""
        if self.kind == "comment" or self.kind == "blank":
            text = self.text
            stripped = text.lstrip(" \t\x0b\x0c\r")
            return SplitLine(text[: len(text) - len(stripped)], [], [], stripped)
        return split_line(self.text)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def words(self) -> tuple[Word, ...]:
        """The words of the line, with their raw text, value and offsets."""
        start = self.start
        if _QUOTING.search(self.text) is None:  # most lines: every value is its raw text
            return tuple(
                [
                    _trusted(Word, {"raw": raw, "value": raw, "start": start + i, "end": start + i + len(raw)})
                    for raw, i in self.parts.words
                ]
            )
        return tuple(
            [
                _trusted(Word, {"raw": raw, "value": unquote(raw), "start": start + i, "end": start + i + len(raw)})
                for raw, i in self.parts.words
            ]
        )

    @lazy
    def plain_values(self) -> tuple[str, ...] | None:
        """The words' values, cut cheaply, when the line holds no quote, escape or variable
        (most lines; a ``#`` ends the words there): None otherwise, when ``values`` must
        be read. Several rules walk every line; they share this one cut."""
        text = self.text
        if _NOT_PLAIN.search(text) is not None:
            return None
        if "#" in text:
            text = text.split("#", 1)[0]
        values = _BLANK_RUNS.split(text.strip(" \t\x0b\x0c\r"))
        # most words repeat from line to line (server, check, inter, if...): one copy of each
        return () if values == [""] else tuple(map(_intern, values))

    @lazy
    def keyword(self) -> str:
        """The first word's value (``""`` for a line without words)."""
        if "words" in self.__dict__:
            words = self.__dict__["words"]
            return words[0].value if words else ""
        if self.kind == "comment" or self.kind == "blank":
            return ""
        return first_value(self.text)

    def to_text(self) -> str:
        """The exact text of the line, line ending included, printed from its parts."""
        indent, words, seps, comment, _ = self.parts
        pieces = [indent]
        for (raw, _index), sep in zip(words, seps):
            pieces.append(raw)
            pieces.append(sep)
        pieces.append(comment)
        pieces.append(self.eol)
        return "".join(pieces)

    @property
    def indent(self) -> str:
        """The blanks before the first word."""
        return self.parts.indent

    @property
    def comment(self) -> str:
        """The trailing comment, ``#`` included (the whole text of a comment line)."""
        return self.parts.comment

    @property
    def args(self) -> tuple[Word, ...]:
        """The words after the keyword."""
        return self.words[1:]

    @property
    def values(self) -> list[str]:
        """Every word's value."""
        return [w.value for w in self.words]

    @property
    def column(self) -> int:
        """1-based column of the first word (of the ``#`` on a comment line)."""
        return len(self.parts.indent) + 1

    @property
    def content_end(self) -> int:
        """Offset where the line's text ends, before its line ending."""
        return self.end - len(self.eol)

    def word_after(self, *keywords: str) -> Word | None:
        """The word following the first word (after the keyword) whose value is in ``keywords``."""
        words = self.words
        for i in range(1, len(words) - 1):
            if words[i].value in keywords:
                return words[i + 1]
        return None

    def find(self, value: str, start: int = 1) -> int:
        """Index of the first word equal to ``value`` from ``start`` on, or -1."""
        words = self.words
        for i in range(start, len(words)):
            if words[i].value == value:
                return i
        return -1


class Section(BaseModel):
    """A section: its header line and every line up to the next section header.

    ``lines`` holds all of them (blank lines, comments and conditional-block lines included);
    ``directives`` only the directives. For ``frontend foo from base``, ``kind`` is
    ``"frontend"``, ``name`` ``"foo"`` and ``from_name`` ``"base"``.
    """

    model_config = ConfigDict(frozen=True, defer_build=True, ignored_types=(lazy,))

    kind: str
    name: str | None
    from_name: str | None
    header: Line
    lines: tuple[Line, ...]
    directives: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.header.start

    @property
    def end(self) -> int:
        return self.lines[-1].end if self.lines else self.header.end

    @property
    def is_proxy(self) -> bool:
        """Whether this is a defaults, frontend, backend or listen section."""
        return self.kind in PROXY_KINDS

    @property
    def label(self) -> str:
        """``backend app`` (or just ``global``), for messages."""
        return f"{self.kind} {self.name}" if self.name else self.kind

    def directives_named(self, *keywords: str) -> list[Line]:
        """The section's directives whose keyword is one of ``keywords``, in order."""
        index = self._by_keyword
        if len(keywords) == 1:
            return list(index.get(keywords[0], ()))
        found = [line for keyword in keywords for line in index.get(keyword, ())]
        return sorted(found, key=lambda line: line.start)

    @lazy
    def _by_keyword(self) -> dict[str, list[Line]]:
        # Rules ask for a section's lines by keyword over and over: index them once.
        index: dict[str, list[Line]] = {}
        for line in self.directives:
            index.setdefault(line.keyword, []).append(line)
        return index


class Config(BaseModel):
    """A parsed configuration file.

    ``lines`` is every line of the file in order; ``sections`` groups them by section header;
    ``preamble`` holds the directives that come before the first section (HAProxy rejects them,
    a rule reports them). ``path`` is where the text came from, if it came from a file.

    ``errors`` lists the lines HAProxy would refuse to read (an unterminated quote), when
    ``parse(text, strict=False)`` kept them instead of raising the first: like HAProxy, which
    reports such a line and reads on, so the rest of the file can still be examined;
    :meth:`check` raises the first of them.
    """

    model_config = ConfigDict(frozen=True, defer_build=True, arbitrary_types_allowed=True, ignored_types=(lazy,))

    path: str | None
    bom: str
    lines: tuple[Line, ...]
    sections: tuple[Section, ...]
    preamble: tuple[Line, ...]
    errors: tuple[ParseError, ...] = Field(default=(), exclude=True)

    def check(self) -> Config:
        """Raise the first of :attr:`errors` as a :class:`ParseError`; return ``self`` if none."""
        if self.errors:
            raise self.errors[0]
        return self

    def to_text(self) -> str:
        """The configuration's text, byte for byte as it was parsed."""
        return self.bom + "".join(line.to_text() for line in self.lines)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a text offset. Columns count characters."""
        starts = self._line_starts
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return 1, 1
        return index + 1, offset - starts[index] + 1

    @lazy
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines] or [len(self.bom)]

    def line_at(self, number: int) -> Line:
        """The line with 1-based ``number``."""
        return self.lines[number - 1]

    def sections_of(self, *kinds: str) -> list[Section]:
        """The sections of the given kinds, in order."""
        return [s for s in self.sections if s.kind in kinds]

    @cached_property
    def proxies(self) -> list[Proxy]:
        """Every defaults, frontend, backend and listen section with its effective settings."""
        from .effective import resolve_proxies

        return resolve_proxies(self)

    def proxy(self, name: str, kinds: tuple[str, ...] = ("backend", "listen")) -> Proxy | None:
        """The first proxy of one of ``kinds`` named ``name``, or ``None``."""
        for proxy in self.proxies:
            if proxy.section.kind in kinds and proxy.section.name == name:
                return proxy
        return None


def reuse_words(config: Config, previous: Config) -> None:
    """Give the lines of ``config`` the parts and words already cut for the lines of
    ``previous`` with the same text (and, for words, which hold offsets, the same place).

    For the fixer, which re-parses a text that differs from the last one in a few lines. The
    values shared are immutable, and equal to what the lines would compute themselves.
    """
    parts: dict[tuple[str, str], SplitLine] = {}
    words: dict[tuple[int, str], tuple[Word, ...]] = {}
    for line in previous.lines:
        cached = line.__dict__
        if "parts" in cached:
            parts[line.kind, line.text] = cached["parts"]
            if "words" in cached:
                words[line.start, line.text] = cached["words"]
    if not parts:
        return
    for line in config.lines:
        found = parts.get((line.kind, line.text))
        if found is not None:
            cached = line.__dict__
            cached["parts"] = found
            same = words.get((line.start, line.text))
            if same is not None:
                cached["words"] = same

