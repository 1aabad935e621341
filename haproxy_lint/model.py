"""The lossless tree of a configuration: Config -> Section -> Line -> Word.

Every byte of the input belongs to exactly one ``Line`` (or to ``Config.bom``), and every line
prints itself back from its parts, so ``Config.to_text()`` returns the exact input. Offsets
(``start``/``end``) are indexes into the text given to :func:`haproxy_lint.parse`; they are
what fixes edit, and :meth:`Config.position` turns them into 1-based line and column.

The tree is plain Python (classes with ``__slots__``), not pydantic: a 40,000-line file makes
40,000 lines and, when every line is cut, some 200,000 words, and a pydantic instance costs
several times a plain one to build and to keep. A line keeps its text, offsets, keyword and
plain values (the parser's, shared by the lines of the same text); its words and their spans
are cut only when something asks for them, and kept. Treat the tree as
read-only: the parser is its only producer. The classes still take part in pydantic models
(the views in :mod:`haproxy_lint.views` hold lines and words) and serialise as dicts.

This layer knows nothing of what is built on it: views, effective settings and the shared
index (:mod:`haproxy_lint.index`) read the tree; the tree never imports them.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from operator import attrgetter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from sys import intern as _intern
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .errors import ParseError
from .words import SPECIAL as _QUOTING, SplitLine, first_value, split_line, unquote

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .effective import Proxy

__all__ = ["Config", "Line", "LineKind", "Section", "Word", "PROXY_KINDS", "SECTION_KINDS", "reuse_words"]

#: Section keywords HAProxy knows, up to 3.2 and 3.4's healthcheck (spoe-* are the sections
#: of a SPOE agent file). The parser reads a line that starts with one as a section header.
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

    When the pause ends, what exists goes to the oldest generation (freeze, then unfreeze),
    which only a full collection walks: otherwise the first allocation after it would walk
    every object the pause left young (50 ms after linting 40,000 lines), mostly a model
    about to be freed. Not when the program has frozen objects of its own (a pre-fork
    server keeping pages shared): unfreeze() would let them go too. PyPy's gc has no freeze().
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if hasattr(gc, "freeze") and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


_NOT_PLAIN = re.compile(r"[\"'\\$]")
_NOT_PLAIN_OR_SPLIT = re.compile(r"[\"'\\$\x1c-\x1f]")  # and what str.split() cuts at but HAProxy does not
_SPLIT_ONLY = re.compile(r"[\x1c-\x1f]")  # what str.split() cuts ASCII text at, and HAProxy does not
_SPECIAL_OR_HASH = re.compile(r"[\"'\\#]")
_RUNS = re.compile(r"[^ \t\x0b\x0c\r]+")
_BLANKS = " \t\x0b\x0c\r"
_BLANK_RUNS = re.compile(r"[ \t\x0b\x0c\r]+")
_new = object.__new__
_start = attrgetter("start")
_setattr = object.__setattr__
_Model = TypeVar("_Model", bound="BaseModel")


def _trusted(cls: type[_Model], fields: dict[str, Any]) -> _Model:
    """Build a pydantic model from fields already known to be valid (views, settings).

    ``fields`` names every field, in the class's order (a field it leaves out must be one
    the class finds when first read). Equivalent to ``cls.model_construct(**fields)``, at a
    fraction of its cost, and smaller: the fields are set one by one rather than handing
    ``fields`` over as the instance's ``__dict__``, so CPython keeps them in an array beside
    keys all the instances of the class share (a large file has thousands of servers).
    """
    fields_set = _PREPARED.get(cls)
    if fields_set is None:
        fields_set = _prepare(cls)
    obj = _new(cls)
    for name, value in fields.items():
        _setattr(obj, name, value)
    return _seal(obj, fields_set)


def _seal(obj: _Model, fields_set: set[str] | None = None) -> _Model:
    """Give a model whose fields were set one by one, as _trusted sets them (the views that
    a large file builds by the thousand set theirs in place, with no dict in between), the
    state pydantic keeps beside its fields; returns it."""
    if fields_set is None:
        cls = type(obj)
        fields_set = _PREPARED.get(cls) or _prepare(cls)
    _setattr(obj, "__pydantic_fields_set__", fields_set)
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


def _prepare(cls: type[BaseModel]) -> set[str]:
    """What ``__pydantic_fields_set__`` holds for the instances _trusted builds: every field,
    as model_construct() would set. One set per class, shared by its instances (pydantic
    copies it before changing it, in ``model_copy(update=...)``)."""
    # CPython sizes an instance's array of attributes by the keys the class's instances have
    # had so far: one more (a lazy attribute computed later) gives that instance a dict of its
    # own, about twice the size. A throwaway instance given every field and lazy attribute
    # first makes every later one keep room for them all.
    room = _new(cls)
    for name in [*cls.model_fields, *(name for name, value in vars(cls).items() if isinstance(value, lazy))]:
        _setattr(room, name, None)
    fields_set = _PREPARED[cls] = set(cls.model_fields)
    return fields_set


_PREPARED: dict[type, set[str]] = {}


_T = TypeVar("_T")


class lazy(Generic[_T]):
    """A cached property without ``functools.cached_property``'s lock (slow on Python 3.11):
    computed on first access, then kept as an instance attribute. For the pydantic views; the
    tree's classes have slots and cache in them."""

    def __init__(self, fn: Callable[[Any], _T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: type | None = None) -> _T:  # (typed for instances)
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.fn(obj)
        # Set as _trusted sets a field (not through obj.__dict__, which would give the
        # instance a dict of its own); later reads find it before this descriptor.
        _setattr(obj, self.name, value)
        return value


def _pydantic_schema(cls: type, dump: Callable[[Any], Any]) -> Any:
    """A pydantic core schema for a tree class: instances pass as they are (the parser built
    them), and serialise with ``dump``."""
    from pydantic_core import core_schema

    return core_schema.is_instance_schema(
        cls, serialization=core_schema.plain_serializer_function_ser_schema(dump)
    )


class _Node:
    __slots__ = ()

    #: The fields, in order, for equality, ``repr`` and serialisation.
    _fields: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields) + ")"

    def model_dump(self, **_: object) -> dict[str, object]:
        """The node as a dict of its fields (as the pydantic models of earlier versions gave)."""
        return {name: _dump(getattr(self, name)) for name in self._dumped}

    _dumped: tuple[str, ...] = ()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return _pydantic_schema(cls, lambda value: value.model_dump())


def _dump(value: Any) -> Any:
    if isinstance(value, _Node):
        return value.model_dump()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    return value


class Word(_Node):
    """One word of a line: ``raw`` as written, ``value`` as HAProxy reads it, its offsets."""

    # ``start`` is kept as the offset of the word's line (one int object shared by the words
    # of a line) plus the word's offset in the line (a small int, which Python does not
    # allocate): a large file has hundreds of thousands of words, each its own ``start`` int
    # otherwise. ``end`` is always ``start + len(raw)``: computed, not kept.
    __slots__ = ("raw", "value", "_base", "_at")
    _fields = _dumped = ("raw", "value", "start", "end")

    def __init__(self, raw: str, value: str, start: int, end: int | None = None) -> None:
        self.raw = raw
        self.value = value
        self._base = start
        self._at = 0

    @property
    def start(self) -> int:
        """Offset of the word in the configuration's text."""
        return self._base + self._at

    @property
    def end(self) -> int:
        """Offset just past the word in the configuration's text (computed, not stored)."""
        return self._base + self._at + len(self.raw)

    def _key(self) -> tuple[object, ...]:
        return (self.raw, self.value, self._base + self._at)

    @property
    def quoted(self) -> bool:
        """Whether the word uses quotes or backslash escapes (``raw != value``)."""
        return self.raw != self.value

    @property
    def has_env(self) -> bool:
        """Whether the word refers to an environment variable (``"$VAR"``, ``"${VAR}"``)."""
        return "$" in self.raw and '"' in self.raw


def _word(raw: str, value: str, base: int, at: int) -> Word:
    """A word at offset ``at`` of the line that starts at ``base`` (see Word.__slots__)."""
    word = _new(Word)
    word.raw = raw
    word.value = value
    word._base = base
    word._at = at
    return word


_NO_COMMENT = ("comment", "blank")


class Line(_Node):
    """One physical line: a directive, a section header, a comment, a blank or a ``.if`` line.

    ``text`` is the line without its line ending ``eol``; ``end`` follows from them and
    ``start`` (the constructor checks the ``end`` it is given). ``depth`` is how many ``.if``
    blocks enclose it. ``keyword`` is the first word's value (``""`` for a line without
    words). The line's words are cut on first use and kept (``parts``, ``words``; the parts
    are let go once the words are made from them): most rules look at few lines closely, and
    a large file parses several times faster that way. ``to_text()`` prints the line back
    from those parts.

    ``plain_values`` holds the words' values, cut cheaply when the line is made, if the line
    holds no quote, escape or variable (most lines; a ``#`` ends the words there), and None
    otherwise, when :attr:`values` must be read. Several rules walk every line and read them:
    an attribute, not a property, as it is read hundreds of thousands of times on a large file.
    """

    # No ``end``: it is computed (start + text + eol), as a large file would keep an int object
    # for each line's end otherwise.
    # _pairs: raw_values()'s answer for a line without plain values, shared by the lines of
    # the same text (the parser cuts it for a line with quotes, when it checks them)
    __slots__ = ("kind", "line", "start", "text", "eol", "depth", "keyword", "plain_values", "_parts", "_words", "_pairs")
    _fields = ("kind", "line", "start", "end", "text", "eol", "depth")
    _dumped = (*_fields, "words")

    def __init__(
        self,
        kind: LineKind,
        line: int,
        start: int,
        end: int,
        text: str,
        eol: str,
        depth: int,
        keyword: str | None = None,
    ) -> None:
        # ``end`` is taken (the signature of earlier versions) and checked, not kept.
        if end != start + len(text) + len(eol):
            raise ValueError(f"a line at {start} of {len(text) + len(eol)} characters ends at "
                             f"{start + len(text) + len(eol)}, not {end}")
        self.kind = kind
        self.line = line
        self.start = start
        self.text = text
        self.eol = eol
        self.depth = depth
        if keyword is None:
            # interned: a handful of keywords (server, acl, http-request...) on every line
            keyword = "" if kind in _NO_COMMENT else _intern(first_value(text))
        self.keyword = keyword
        self._parts: SplitLine | None = None
        self._words: tuple[Word, ...] | None = None
        self._pairs: tuple[tuple[str, str], ...] | None = None
        self.plain_values: tuple[str, ...] | None = _plain_values(text)

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.line, self.start, self.end, self.text, self.eol, self.depth)

    @property
    def end(self) -> int:
        """Offset just past the line's line ending."""
        return self.start + len(self.text) + len(self.eol)

    @property
    def parts(self) -> SplitLine:
        """The line cut into indent, raw words with their indexes, separators and comment."""
        parts = self._parts
        if parts is None:
            text = self.text
            if self.kind in _NO_COMMENT:
                stripped = text.lstrip(_BLANKS)
                parts = SplitLine(text[: len(text) - len(stripped)], [], [], stripped)
            else:
                parts = split_line(text)
            self._parts = parts
        return parts

    @property
    def words(self) -> tuple[Word, ...]:
        """The words of the line, with their raw text, value and offsets."""
        words = self._words
        if words is None:
            start = self.start
            text = self.text
            if self.kind in _NO_COMMENT:
                words = ()
            elif _SPECIAL_OR_HASH.search(text) is None:
                # Most lines: no quote, escape or comment; every value is its raw text, and
                # the words are the runs of non-blanks (no SplitLine kept for them).
                # Their strings are interned: most repeat from line to line (server, check...).
                found = []
                if text.isascii() and _SPLIT_ONLY.search(text) is None:
                    # str.split() cuts at HAProxy's blanks here (see _plain_values); each word
                    # is then found after the previous one, past the blanks between them.
                    find = text.find
                    at = 0
                    for raw in text.split():
                        at = find(raw, at)
                        raw = _intern(raw)
                        found.append(_word(raw, raw, start, at))
                        at += len(raw)
                else:
                    for m in _RUNS.finditer(text):
                        raw = _intern(m.group())
                        found.append(_word(raw, raw, start, m.start()))
                words = tuple(found)
            else:
                # The parts (cut here, or by the parser to check the quotes) are dropped once
                # the words are made from them: on a large file they weigh as much as the
                # words. ``indent`` and ``comment`` cut such a line again if ever asked.
                parts = self._parts
                if parts is None:
                    parts = split_line(text)
                self._parts = None
                pairs = self._pairs
                if pairs is None:
                    pairs = self._pairs = _raw_values(parts, text)
                words = tuple([_word(raw, value, start, i) for (raw, value), (_, i) in zip(pairs, parts.words)])
            self._words = words
        return words

    def raw_values(self) -> list[tuple[str, str]]:
        """Each word's raw text and value, as :attr:`words` has them, without making (or
        keeping) the words: for a walk over many lines that reports on few of them."""
        pairs = self._pairs
        if pairs is None:
            words = self._words
            if words is not None:
                return [(w.raw, w.value) for w in words]
            plain = self.plain_values
            if plain is not None:
                return [(v, v) for v in plain]
            pairs = self._pairs = _raw_values(self._parts or split_line(self.text), self.text)
        return list(pairs)

    @property
    def words_cut(self) -> bool:
        """Whether :attr:`words` has been computed already (for caches such as
        :func:`reuse_words`)."""
        return self._words is not None

    def to_text(self) -> str:
        """The exact text of the line, line ending included.

        ``text`` is the input's own slice, so this is exact by construction; that the words,
        blanks and comment of :attr:`parts` join back to ``text`` is the splitter's promise
        (tests/test_corpus.py checks both on every file)."""
        return self.text + self.eol

    @property
    def indent(self) -> str:
        """The blanks before the first word."""
        if self._parts is None and self.kind not in _NO_COMMENT and _SPECIAL_OR_HASH.search(self.text) is None:
            text = self.text
            return text[: len(text) - len(text.lstrip(_BLANKS))]
        return self.parts.indent

    @property
    def comment(self) -> str:
        """The trailing comment, ``#`` included (the whole text of a comment line)."""
        if self.kind not in _NO_COMMENT and "#" not in self.text:
            return ""
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
        return len(self.indent) + 1

    @property
    def content_end(self) -> int:
        """Offset where the line's text ends, before its line ending."""
        return self.start + len(self.text)

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


def _line(
    kind: LineKind,
    number: int,
    start: int,
    text: str,
    eol: str,
    depth: int,
    keyword: str,
    plain: tuple[str, ...] | None,
    parts: SplitLine | None,
    pairs: tuple[tuple[str, str], ...] | None = None,
) -> Line:
    """A line as the parser makes it, with what it has read of the text already: the keyword,
    the plain values (Line.plain_values) and, for a line with quotes, the parts and the raw
    values (Line.raw_values). The parser
    makes one per line of the file: no checks, no call of ``__init__``."""
    line = _new(Line)
    line.kind = kind
    line.line = number
    line.start = start
    line.text = text
    line.eol = eol
    line.depth = depth
    line.keyword = keyword
    line._parts = parts
    line._words = None
    line.plain_values = plain
    line._pairs = pairs
    return line


def _raw_values(parts: SplitLine, text: str) -> tuple[tuple[str, str], ...]:
    """Each word's raw text and value (as Line.words has them) for a line cut into ``parts``.
    Interned as on plain lines: the words of these lines repeat too (option, "...")."""
    if _QUOTING.search(text) is None:
        return tuple([(raw, raw) for raw in [_intern(raw) for raw, _ in parts.words]])
    return tuple([(raw, _intern(unquote(raw))) for raw in [_intern(raw) for raw, _ in parts.words]])


def _plain_values(text: str) -> tuple[str, ...] | None:
    if text.isascii() and _NOT_PLAIN_OR_SPLIT.search(text) is None:
        # Most lines: ASCII, where str.split() cuts at HAProxy's blanks (and at \x1c-\x1f,
        # which the pattern keeps out; a line holds no \n), twice as fast as the pattern.
        if "#" in text:
            text = text.split("#", 1)[0]
        # most words repeat from line to line (server, check, inter, if...): one copy of each
        return tuple(map(_intern, text.split()))
    if _NOT_PLAIN.search(text) is not None:
        return None
    if "#" in text:
        text = text.split("#", 1)[0]
    values = _BLANK_RUNS.split(text.strip(" \t\x0b\x0c\r"))
    return () if values == [""] else tuple(map(_intern, values))


class Section(_Node):
    """A section: its header line and every line up to the next section header.

    ``lines`` holds all of them (blank lines, comments and conditional-block lines included);
    ``directives`` only the directives. For ``frontend foo from base``, ``kind`` is
    ``"frontend"``, ``name`` ``"foo"`` and ``from_name`` ``"base"``.
    """

    __slots__ = ("kind", "name", "from_name", "header", "lines", "directives", "_by_keyword")
    _fields = ("kind", "name", "from_name", "header", "lines", "directives")
    _dumped = _fields

    def __init__(
        self,
        kind: str,
        name: str | None,
        from_name: str | None,
        header: Line,
        lines: tuple[Line, ...],
        directives: tuple[Line, ...],
    ) -> None:
        self.kind = kind
        self.name = name
        self.from_name = from_name
        self.header = header
        self.lines = lines
        self.directives = directives
        self._by_keyword: dict[str, Line | list[Line]] | None = None

    def __hash__(self) -> int:
        return hash((self.kind, self.name, self.header))

    def __repr__(self) -> str:
        return f"Section(kind={self.kind!r}, name={self.name!r}, line={self.header.line}, lines={len(self.lines)})"

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
        if index is None:
            # Rules ask for a section's lines by keyword over and over: index them once. Most
            # keywords appear once in a section: the line itself, not a list of one.
            index = self._by_keyword = {}
            for line in self.directives:
                found = index.get(line.keyword)
                if found is None:
                    index[line.keyword] = line
                elif found.__class__ is list:
                    found.append(line)
                else:
                    index[line.keyword] = [found, line]  # type: ignore[list-item]
        if len(keywords) == 1:
            found = index.get(keywords[0])
            if found is None:
                return []
            return found[:] if found.__class__ is list else [found]  # type: ignore[list-item]
        lines: list[Line] = []
        kinds = 0
        for keyword in keywords:
            found = index.get(keyword)
            if found is not None:
                kinds += 1
                if found.__class__ is list:
                    lines += found
                else:
                    lines.append(found)  # type: ignore[arg-type]
        if kinds > 1:  # (the lines of one keyword are in order already)
            lines.sort(key=_start)
        return lines


#: Set by :mod:`haproxy_lint.index` when it is imported: how :attr:`Config.proxies` gets
#: the effective settings, which live in a layer above this one.
_resolve_proxies: Callable[[Config], list[Proxy]] | None = None


class Config(_Node):
    """A parsed configuration file.

    ``lines`` is every line of the file in order; ``sections`` groups them by section header;
    ``preamble`` holds the directives that come before the first section (HAProxy rejects them,
    a rule reports them). ``path`` is where the text came from, if it came from a file.

    ``errors`` lists the lines HAProxy would refuse to read (an unterminated quote), when
    ``parse(text, strict=False)`` kept them instead of raising the first: like HAProxy, which
    reports such a line and reads on, so the rest of the file can still be examined;
    :meth:`check` raises the first of them.
    """

    # _index: the shared index (haproxy_lint.index) of this configuration linted alone
    __slots__ = ("path", "bom", "lines", "sections", "preamble", "errors", "_line_starts", "_proxies", "_index", "__weakref__")
    _fields = ("path", "bom", "lines", "sections", "preamble")
    _dumped = _fields

    def __init__(
        self,
        path: str | None,
        bom: str,
        lines: tuple[Line, ...],
        sections: tuple[Section, ...],
        preamble: tuple[Line, ...],
        errors: tuple[ParseError, ...] = (),
    ) -> None:
        self.path = path
        self.bom = bom
        self.lines = lines
        self.sections = sections
        self.preamble = preamble
        self.errors = errors
        self._line_starts: list[int] | None = None
        self._proxies: list[Proxy] | None = None
        self._index: Any = None

    def __hash__(self) -> int:
        return hash((self.path, self.bom, len(self.lines), self.lines[-1].end if self.lines else 0))

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is not Config:
            return NotImplemented
        return self.path == other.path and self.to_text() == other.to_text()

    def __repr__(self) -> str:
        return f"Config(path={self.path!r}, lines={len(self.lines)}, sections={len(self.sections)})"

    def check(self) -> Config:
        """Raise the first of :attr:`errors` as a :class:`ParseError`; return ``self`` if none."""
        if self.errors:
            raise self.errors[0]
        return self

    def to_text(self) -> str:
        """The configuration's text, byte for byte as it was parsed."""
        return self.bom + "".join([line.text + line.eol for line in self.lines])

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a text offset. Columns count characters."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [line.start for line in self.lines] or [len(self.bom)]
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return 1, 1
        return index + 1, offset - starts[index] + 1

    def line_at(self, number: int) -> Line:
        """The line with 1-based ``number``."""
        return self.lines[number - 1]

    def sections_of(self, *kinds: str) -> list[Section]:
        """The sections of the given kinds, in order."""
        return [s for s in self.sections if s.kind in kinds]

    @property
    def proxies(self) -> list[Proxy]:
        """Every defaults, frontend, backend and listen section with its effective settings.

        A convenience kept for library users: the effective settings belong to
        :mod:`haproxy_lint.effective`, and the shared index to :mod:`haproxy_lint.index`,
        which this tree does not import (the index registers itself); rules get them from
        their context (``ctx.proxies``, ``ctx.index``).
        """
        proxies = self._proxies
        if proxies is None:
            if _resolve_proxies is None:  # pragma: no cover - haproxy_lint/__init__ imports it
                import importlib

                importlib.import_module("haproxy_lint.index")  # registers the resolver
            assert _resolve_proxies is not None
            proxies = self._proxies = _resolve_proxies(self)
        return proxies

    def proxy(self, name: str, kinds: tuple[str, ...] = ("backend", "listen")) -> Proxy | None:
        """The first proxy of one of ``kinds`` named ``name``, or ``None``."""
        for proxy in self.proxies:
            if proxy.section.kind in kinds and proxy.section.name == name:
                return proxy
        return None


def reuse_words(config: Config, previous: Config) -> None:
    """Give the lines of ``config`` the parts and words already cut for the lines of
    ``previous`` with the same text: the same words at the same place, and at another place
    the same words moved by as much (new offsets, the same strings).

    For the fixer, which re-parses a text that differs from the last one in a few lines. The
    values shared are immutable, and equal to what the lines would compute themselves.
    """
    parts: dict[tuple[str, str], SplitLine] = {}
    words: dict[str, tuple[int, tuple[Word, ...]]] = {}
    for line in previous.lines:
        if line._parts is not None:
            parts[line.kind, line.text] = line._parts
        if line._words is not None:
            words[line.text] = (line.start, line._words)  # (a line's kind follows from its text)
    if not parts and not words:
        return
    for line in config.lines:
        found = parts.get((line.kind, line.text))
        if found is not None:
            line._parts = found
        same = words.get(line.text)
        if same is not None:
            start, cut = same
            if start == line.start:
                line._words = cut
            else:
                # the parts a line's words are made from are not kept (Line.words): move the
                # words rather than cut the line again
                line._words = tuple([_word(w.raw, w.value, line.start, w._base + w._at - start) for w in cut])
