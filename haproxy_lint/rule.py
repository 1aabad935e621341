"""The base class of every rule, and the context a rule works in.

A rule is a small class: a stable ``code``, a kebab-case ``name``, a default ``severity``, the
HAProxy ``versions`` it applies to, and a docstring that is its documentation, in sections
("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Exceptions").
It looks at the typed model and yields diagnostics; it never reads files or prints.

Two ways to look, which the engine combines into one walk over the configuration:
``check_line`` is called for each directive whose keyword is in ``keywords`` (most rules), and
``check`` once per configuration (rules that compare several lines or sections).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import ClassVar, TypeVar, Union, cast

from .diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from .effective import Proxy, Setting
from .index import Index, index_of
from .model import Config, Line, Section, Word
from .settings import Settings
from .views import Param, Server

__all__ = ["Context", "Rule", "Target"]

#: What a diagnostic can point at: a word, a server parameter, a setting, a whole line, or a
#: ``(start, end)`` span of offsets.
Target = Union[Word, Param, Setting, Line, tuple[int, int]]

_SECTION_TITLE = re.compile(r"^## (.+)$", re.M)
T = TypeVar("T")


class Rule:
    """Base class of rules. Subclasses set the class attributes and override a ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    #: Versions the rule applies to, as bounds on the target version ("" = all, ">=2.2").
    versions: ClassVar[str] = ""
    #: The kind of fix the rule offers, if any ("safe", "unsafe"), for the rule table and docs.
    fixable: ClassVar[Applicability | None] = None
    #: Keywords of the directives ``check_line`` wants to see.
    keywords: ClassVar[frozenset[str]] = frozenset()
    #: Advice that only some sites want: off by default, run when selected by its code, a
    #: prefix longer than ``HL`` (``HL7``) or ``ALL``, as ruff's non-default rules are.
    opt_in: ClassVar[bool] = False

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        """Look at the whole configuration (``ctx.config``)."""
        return ()

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        """Look at one directive whose keyword is in :attr:`keywords`."""
        return ()

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of the docstring's "What it does" section, on one line."""
        doc = cls.documentation().get("What it does", "")
        return " ".join(doc.split("\n\n")[0].split())

    @classmethod
    def documentation(cls) -> dict[str, str]:
        """The docstring's sections, by title (the text before the first title is "What it does")."""
        doc = _dedent(cls.__doc__ or "")
        parts = _SECTION_TITLE.split(doc)
        sections = {"What it does": parts[0].strip()} if parts[0].strip() else {}
        for title, body in zip(parts[1::2], parts[2::2]):
            sections[title.strip()] = body.strip("\n").rstrip()
        return sections


class Context:
    """What a rule can see: the configuration, the settings, and helpers to report findings.

    ``configs`` holds every file linted together (HAProxy reads several ``-f`` files as one
    configuration), ``config`` the one being checked now. The engine makes one per file and
    run; a rule's own tests may make one (``Context(parse(text), Settings())``) and call
    :meth:`Rule.check` with it.
    """

    def __init__(
        self,
        config: Config,
        settings: Settings,
        configs: Sequence[Config] | None = None,
        run_cache: dict[Hashable, object] | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.configs: Sequence[Config] = configs or (config,)
        self._text: str | None = None
        #: ids of the edits built here that fall in another file (see :meth:`report`).
        self._foreign_edits: set[int] = set()
        # Shared by the contexts of one lint run (one per file), dropped when the run ends.
        self._run_cache: dict[Hashable, object] = {} if run_cache is None else run_cache
        self._index: Index | None = None  # the run's (see index), kept here once asked
        self._target: str | None = None  # the settings' target version, as last read (version)
        self._version = (0, 0)

    def memo(self, key: Hashable, compute: Callable[[], T], *, per_file: bool = True) -> T:
        """``compute()``, once per lint run (and per file unless ``per_file`` is false).

        For facts several rules or many lines need (an index of every name in the files
        linted together, a walk shared by two rules): computed on first use, forgotten when
        the run ends, so nothing outlives the configuration it describes.
        """
        full_key = (key, id(self.config) if per_file else None, self.settings.target_version)
        try:
            return cast(T, self._run_cache[full_key])
        except KeyError:
            value = self._run_cache[full_key] = compute()
            return value

    @property
    def version(self) -> tuple[int, int]:
        """The target HAProxy version as ``(major, minor)``."""
        # Rules ask at every line they look at, and Settings.version reads the string anew:
        # kept while the target stays the same (settings are a mutable model).
        target = self.settings.target_version
        if target is not self._target:
            self._version = self.settings.version
            self._target = target
        return self._version

    @property
    def index(self) -> Index:
        """The index every rule shares for the files linted together: proxies, servers,
        lines by keyword, names (see :mod:`haproxy_lint.index`)."""
        index = self._index
        if index is None:  # (rules ask for every line: one memo lookup per context)
            index = self._index = self.memo("index", lambda: index_of(self.configs), per_file=False)
        return index

    @property
    def proxies(self) -> list[Proxy]:
        """The proxies of the file being checked, with their effective settings."""
        return self.index.proxies(self.config)

    def proxies_of(self, config: Config) -> list[Proxy]:
        """The proxies of one of :attr:`configs`, with their effective settings: when several
        files are linted together, a ``defaults`` section reaches the proxies of the files
        after it, as in HAProxy."""
        if any(candidate is config for candidate in self.configs):
            return self.index.proxies(config)
        return config.proxies

    def server(self, line: Line) -> Server:
        """The typed view of a ``server``/``default-server``/``server-template`` line of the
        file being checked, for its own :attr:`~Server.params`: the one its proxy's
        :attr:`~Proxy.servers` already hold (with ``inherited`` filled in) when there is one."""
        return self.index.server(line, self.config)

    @property
    def text(self) -> str:
        """The configuration's text (the one fix offsets refer to)."""
        if self._text is None:
            self._text = self.config.to_text()
        return self._text

    @property
    def eol(self) -> str:
        """The file's line ending, for inserted lines: ``\\r\\n`` if its first line has one."""
        for line in self.config.lines:
            if line.eol:
                return line.eol
        return "\n"

    def indent(self, section: Section) -> str:
        """The indent the section's directives use (the first one's), else four spaces."""
        for line in section.directives:
            if line.indent:
                return line.indent
        return "    "

    def report(
        self,
        rule: Rule,
        target: Target,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A diagnostic of ``rule`` on ``target``, with the configured severity.

        With several files linted together, a target may lie in another file (a setting a
        proxy inherits from an earlier file's ``defaults``): the diagnostic then gives that
        file and its place there. A fix with an edit in a file other than the one being
        checked is left out: the fixer edits one file at a time.
        """
        start, end = span(target)
        owner = self._owner(target)
        line, column = owner.position(start)
        end_line, end_column = owner.position(end)
        if fix is not None and (owner is not self.config or any(id(e) in self._foreign_edits for e in fix.edits)):
            fix = None
        return Diagnostic(
            code=rule.code,
            name=rule.name,
            severity=self.settings.severity_of(rule.code, severity or rule.severity),
            message=message,
            path=owner.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            start=start,
            end=end,
            fix=fix,
        )

    def _owner(self, target: Target) -> Config:
        """The file of :attr:`configs` that holds ``target`` (a span: the file being checked)."""
        if len(self.configs) == 1 or isinstance(target, tuple):
            return self.config
        if isinstance(target, Word):
            for config in (self.config, *self.configs):
                number, _ = config.position(target.start)
                if 0 < number <= len(config.lines):
                    line = config.lines[number - 1]
                    if line.words_cut and any(word is target for word in line.words):
                        return config
            return self.config
        line = target if isinstance(target, Line) else target.line
        for config in (self.config, *self.configs):
            ids = self.memo(("line-ids", id(config)), lambda: {id(each) for each in config.lines}, per_file=False)
            if id(line) in ids:
                return config
        return self.config

    def _edit(self, target: Target, start: int, end: int, text: str) -> Edit:
        edit = Edit(start=start, end=end, text=text)
        if len(self.configs) > 1 and self._owner(target) is not self.config:
            self._foreign_edits.add(id(edit))
        return edit

    # --- building fixes -------------------------------------------------------------------

    def fix(self, title: str, applicability: Applicability, *edits: Edit) -> Fix:
        """A fix made of ``edits``; ``applicability`` is ``"safe"`` or ``"unsafe"``."""
        return Fix(title=title, applicability=applicability, edits=tuple(edits))

    def replace(self, target: Target, text: str) -> Edit:
        """Replace what ``target`` covers with ``text``."""
        start, end = span(target)
        return self._edit(target, start, end, text)

    def insert_after(self, line: Line, section: Section, *new_lines: str) -> Edit:
        """Insert lines after ``line``, at the section's indent, with the file's line ending."""
        eol = line.eol or self.eol
        indent = self.indent(section)
        body = "".join(indent + text + eol for text in new_lines)
        if not line.eol:  # the last line of a file without a final newline
            return self._edit(line, line.end, line.end, eol + body[: -len(eol)])
        return self._edit(line, line.end, line.end, body)

    def append_words(self, line: Line, text: str) -> Edit:
        """Add words at the end of a directive, before its trailing blanks and comment."""
        last = line.words[-1]
        return self._edit(line, last.end, last.end, " " + text)

    def insert_words_after(self, word: Word, text: str) -> Edit:
        """Add words right after ``word`` (beside the setting they belong with, where words
        further along the line could read them as their own value)."""
        return self._edit(word, word.end, word.end, " " + text)

    def add_server_words(self, server: Server, text: str) -> Edit:
        """Add parameters to a server line right after its address: HAProxy reads them in any
        order, and at the end of the line a stray word could take the first as its value."""
        anchor = server.address_word or server.line.words[0]
        return self._edit(server.line, anchor.end, anchor.end, " " + text)

    def delete_line(self, line: Line) -> Edit:
        """Remove ``line``, its line ending included."""
        return self._edit(line, line.start, line.end, "")


def span(target: Target) -> tuple[int, int]:
    """The ``(start, end)`` offsets a target covers; a line covers its words, not its comment."""
    if isinstance(target, tuple):
        return target
    if isinstance(target, Line):
        words = target.words
        if not words:
            return target.start, target.content_end
        return words[0].start, words[-1].end
    if isinstance(target, Setting):
        return span(target.word if target.word is not None else target.line)
    return target.start, target.end


def _dedent(doc: str) -> str:
    lines = doc.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents, default=0)
    return "\n".join([lines[0].strip()] + [line[margin:] for line in lines[1:]]).strip()
