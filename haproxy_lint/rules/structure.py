"""HL9xx: structure: names, references and keywords across the whole configuration.

HAProxy reads every ``-f`` file as one configuration, so names (proxies, defaults sections)
are resolved across all of ``ctx.configs``, in the order the files are given; a finding is
reported once, on the file holding the offending line.

Conditional blocks (``.if``/``.elif``/``.else``/``.endif``) are followed with a small
evaluator: ``version_atleast(X)`` and ``version_before(X)`` are decided against the target
version, ``0``/``1`` are constants, everything else (``feature(...)``, ``defined(...)``) is
unknown. Lines in a branch that is certainly not taken for the target are skipped by every rule
here (a `.if version_atleast(3.1)` block may hold 3.1 keywords when the target is 2.6); lines in
branches whose condition is unknown are checked, except that two declarations in different
branches of one ``.if`` never count as duplicates.
"""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from typing import cast

from ..diagnostics import Diagnostic, Severity
from ..effective import Proxy, nearest_in_chain
from ..index import Index as LineIndex
from ..keywords import PROXY_SECTIONS, VERSIONS, KeywordTable, table
from ..model import Config, Line, Section, Word
from ..rule import Context, Rule

_line_start = operator.attrgetter("start")

# --- conditional blocks -----------------------------------------------------------------------

#: A line's place among conditional blocks: one (block id, branch index) per enclosing block.
Path = tuple[tuple[int, int], ...]

_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[^\s()!&|]+(?:\([^()]*\))?)")
_COND_VERSION = re.compile(r"^\s*v?([0-9]{1,9})\.([0-9]{1,9})(.*)$")


def _and(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if False in values:
        return False
    return True if all(v is True for v in values) else None


def _or(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if True in values:
        return True
    return False if all(v is False for v in values) else None


def _version_atleast(arg: str, target: tuple[int, int]) -> bool | None:
    m = _COND_VERSION.match(arg)
    if m is None:
        return None
    wanted = (int(m.group(1)), int(m.group(2)))
    if wanted != target:
        return target > wanted
    rest = m.group(3).strip()
    # "3.1", "3.1.0" and "3.1-dev8" are all reached by every 3.1 release; "3.1.4" may not be.
    if rest in ("", ".0") or rest.startswith("-"):
        return True
    return None


def _term(token: str, target: tuple[int, int]) -> bool | None:
    name, _, arg = token.partition("(")
    arg = arg.removesuffix(")")
    if name == "version_atleast":
        return _version_atleast(arg, target)
    if name == "version_before":
        value = _version_atleast(arg, target)
        return None if value is None else not value
    if token.isascii() and token.isdigit():
        return token.strip("0") != ""  # int(token) != 0, for any number of digits
    return None


#: Nested parentheses read in a ``.if`` condition (each level costs 3 Python frames; HAProxy
#: itself refuses about 340 levels); deeper is "does not parse".
_MAX_PARENS = 100


def evaluate_condition(text: str, target: tuple[int, int]) -> bool | None:
    """The value of a ``.if`` condition for the target version: True, False, or None when it
    depends on something else (a build feature, an environment variable) or does not parse."""
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != "".join(text.split()):
        return None
    pos = 0
    depth = 0  # of parentheses: HAProxy refuses deep ones too (MAX_CFG_RECURSION)

    def expr() -> bool | None:
        values = [conj()]
        while peek() == "||":
            take()
            values.append(conj())
        return _or(values)

    def conj() -> bool | None:
        values = [unary()]
        while peek() == "&&":
            take()
            values.append(unary())
        return _and(values)

    def unary() -> bool | None:
        nonlocal depth
        token = take()
        negate = False
        while token == "!":  # a loop, not a recursion: a hostile line has thousands
            negate = not negate
            token = take()
        if token == "(":
            depth += 1
            if depth > _MAX_PARENS:
                raise ValueError
            value = expr()
            depth -= 1
            if take() != ")":
                raise ValueError
        elif token in (None, ")", "&&", "||"):
            raise ValueError
        else:
            value = _term(token, target)
        return value if value is None or not negate else not value

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str | None:
        nonlocal pos
        token = peek()
        pos += 1
        return token

    try:
        value = expr()
    except ValueError:
        return None
    return value if pos == len(tokens) else None


_COND_KINDS = frozenset({"if", "elif", "else", "endif"})


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import.
class _Frame:
    __slots__ = ("block", "branch", "value", "any_true", "all_false")

    def __init__(self, block: int) -> None:
        self.block = block
        self.branch = 0
        self.value: bool | None = None
        self.any_true = False
        self.all_false = True


def branches(config: Config, target: tuple[int, int]) -> dict[int, tuple[Path, bool | None]]:
    """For every line number in a conditional block: its block path and whether its branch is
    taken for the target (True), certainly not taken (False) or unknown (None). Lines outside
    every block are left out: their state is ``((), True)``."""
    out: dict[int, tuple[Path, bool | None]] = {}
    stack: list[_Frame] = []
    counter = 0

    def state() -> tuple[Path, bool | None]:
        return tuple((f.block, f.branch) for f in stack), _and(f.value for f in stack)

    for line in config.lines:
        kind = line.kind
        if not stack and kind not in _COND_KINDS:
            continue  # outside every block: the default state, ((), True)
        if kind in ("if", "elif", "else") and (kind == "if" or stack):
            condition = " ".join(w.raw for w in line.words[1:])
            if kind == "if":
                out[line.line] = state()
                counter += 1
                frame = _Frame(counter)
                frame.value = evaluate_condition(condition, target)
                stack.append(frame)
            else:
                frame = stack[-1]
                frame.any_true = frame.any_true or frame.value is True
                frame.all_false = frame.all_false and frame.value is False
                frame.branch += 1
                own = evaluate_condition(condition, target) if kind == "elif" else True
                if frame.any_true:
                    frame.value = False
                elif frame.all_false:
                    frame.value = own
                else:
                    frame.value = False if own is False else None
                out[line.line] = state()
            continue
        if kind == "endif" and stack:
            stack.pop()
        out[line.line] = state()
    return out


def compatible(a: Path, b: Path) -> bool:
    """Whether two lines can both be read: in each block they share, they are in one branch."""
    mine = dict(a)
    return all(mine.get(block, branch) == branch for block, branch in b)


# --- a view of every file linted together -------------------------------------------------------


class Decl:
    """A proxy section (defaults, frontend, backend, listen) of one of the linted files."""

    # The section, its kind and name are kept, not read through the proxy: rules walk every
    # declaration (thousands in a large file) for them, several times each.
    __slots__ = ("index", "config", "proxy", "path", "active", "section", "kind", "name")

    def __init__(self, index: int, config: Config, proxy: Proxy, path: Path, active: bool | None) -> None:
        self.index = index  # the file's place in ctx.configs
        self.config = config
        self.proxy = proxy
        self.path = path
        self.active = active
        self.section: Section = proxy.section
        self.kind: str = self.section.kind
        self.name: str | None = self.section.name

    @property
    def order(self) -> tuple[int, int]:
        return self.index, self.section.header.start

    @property
    def name_word(self) -> Word | None:
        words = self.section.header.words
        return words[1] if len(words) > 1 and words[1].value != "from" else None

    @property
    def from_word(self) -> Word | None:
        words = self.section.header.words
        for i in range(1, len(words) - 1):
            if words[i].value == "from":
                return words[i + 1]
        return None


class Index:
    __slots__ = ("configs", "version", "branches", "decls", "routes", "_by_name", "_lines", "_routing")

    def __init__(self, configs: Sequence[Config], version: tuple[int, int], lines: LineIndex) -> None:
        self.configs = configs
        self.version = version
        self.branches: list[dict[int, tuple[Path, bool | None]]] = []
        self.decls: list[Decl] = []
        self._by_name: dict[tuple[str, ...], dict[str, list[Decl]]] = {}
        self._lines = lines  # the run's shared index of the directives by keyword
        self._routing: tuple[dict[int, list[Line]], bool] | None = None
        #: What :func:`routes` found, by id of the declaration.
        self.routes: dict[int, list[tuple[Line, str, bool, bool]]] = {}

    def state(self, config_index: int, line: Line) -> tuple[Path, bool | None]:
        return self.branches[config_index].get(line.line, ((), True))

    def skipped(self, config_index: int, line: Line, section: Section | None = None) -> bool:
        """Whether a line sits in a branch that is certainly not taken for the target (or in a
        section whose header does)."""
        if self.state(config_index, line)[1] is False:
            return True
        return section is not None and self.state(config_index, section.header)[1] is False

    def position(self, decl_or_index: Decl | int, line: Line, here: Config) -> str:
        """``line 12`` in the file being checked, ``other.cfg:12`` in another one."""
        index = decl_or_index.index if isinstance(decl_or_index, Decl) else decl_or_index
        config = self.configs[index]
        if config is here:
            return f"line {line.line}"
        return f"{config.path or f'file {index + 1}'}:{line.line}"

    def by_name(self, *kinds: str) -> dict[str, list[Decl]]:
        """Sections of the given kinds by name, in order (computed once per kind set)."""
        found = self._by_name.get(kinds)
        if found is None:
            found = defaultdict(list)
            for decl in self.decls:
                if decl.kind in kinds and decl.name:
                    found[decl.name].append(decl)
            self._by_name[kinds] = found
        return found

    def targets(self, name: str) -> list[Decl]:
        """Backends and listen sections named ``name`` (what ``use_backend`` can reach)."""
        return self.by_name("backend", "listen").get(name, [])

    def routing(self) -> tuple[dict[int, list[Line]], bool]:
        """The ``use_backend``/``default_backend`` lines of every section (by id, in file
        order), and whether some ``defaults`` section has a ``default_backend`` to pass on:
        found from the lines by keyword, as most sections of a large file have none."""
        if self._routing is None:
            by_section: dict[int, list[Line]] = {}
            both: set[int] = set()
            inherited = False
            for config in self.configs:
                for keyword in ("use_backend", "default_backend"):
                    for line, section in self._lines.entries(keyword, config):
                        if section is None:
                            continue
                        inherited = inherited or (keyword == "default_backend" and section.kind == "defaults")
                        found = by_section.setdefault(id(section), [])
                        if found and keyword == "default_backend":  # (after its use_backend lines)
                            both.add(id(section))
                        found.append(line)
            for key in both:
                by_section[key].sort(key=_line_start)
            self._routing = by_section, inherited
        return self._routing


#: The state of a line outside every conditional block.
_OUTSIDE: tuple[Path, bool | None] = ((), True)


def index_of(ctx: Context) -> Index:
    """The cross-file index of the files linted together (built once per run: every rule asks)."""
    return ctx.memo("structure.index", lambda: _build_index(ctx), per_file=False)


def _build_index(ctx: Context) -> Index:
    configs = tuple(ctx.configs)
    index = Index(configs, ctx.version, ctx.index)
    for i, config in enumerate(configs):
        info = branches(config, ctx.version)
        index.branches.append(info)
        for proxy in ctx.proxies_of(config):
            path, active = info.get(proxy.section.header.line, _OUTSIDE) if info else _OUTSIDE
            index.decls.append(Decl(i, config, proxy, path, active))
    return index


def config_index(ctx: Context) -> int:
    for i, config in enumerate(ctx.configs):
        if config is ctx.config:
            return i
    return 0


def is_dynamic(word: Word) -> bool:
    """A backend name HAProxy computes per request (a log-format string such as
    ``%[req.hdr(host)]``) or that comes from the environment (``${BACKEND}``)."""
    return "%" in word.value or "$" in word.raw


def closest(name: str, names: Iterable[str]) -> str | None:
    import difflib  # here, not at the top: only a misspelt name needs it

    found = difflib.get_close_matches(name, sorted(set(names)), n=1, cutoff=0.75)
    return found[0] if found else None


def did_you_mean(name: str, names: Iterable[str]) -> str:
    match = closest(name, names)
    return f"; did you mean `{match}`?" if match else ""


def effective_line(proxy: Proxy, keyword: str) -> tuple[Line, Proxy] | None:
    """The last ``keyword`` line in force for a proxy (its own, else its defaults', through
    ``from`` chains), with the proxy that holds it."""
    owner = nearest_in_chain(proxy, ("effective_line", keyword), lambda p: bool(p.own(keyword)))
    return (owner.own(keyword)[-1], owner) if owner is not None else None


def routes(decl: Decl, index: Index) -> list[tuple[Line, str, bool, bool]]:
    """The backend names a frontend or listen section routes to: its own
    ``use_backend``/``default_backend`` lines and, when it has none of its own, the
    ``default_backend`` it inherits; as ``(line, name, dynamic, inherited)``, ``dynamic``
    as :func:`is_dynamic` says of the name's word (``line.words[1]``, to report)."""
    by_section, inherited = index.routing()
    lines = by_section.get(id(decl.section), ())
    if not lines and not inherited:
        return []  # (most sections: every backend of a large file)
    out = index.routes.get(id(decl))  # (HL903 and HL905 both ask, for thousands of lines)
    if out is not None:
        return out
    out = index.routes[id(decl)] = []
    own_default = False
    conditional = index.branches[decl.index]  # (without .if blocks, no line is skipped)
    for line in lines:
        plain = line.plain_values  # (_route_name, inlined: a frontend may route thousands of ways)
        if plain is not None:
            route = (plain[1], "%" in plain[1]) if len(plain) > 1 else None
        else:
            route = _route_name(line)
        if route is None or (conditional and index.skipped(decl.index, line, decl.section)):
            continue
        own_default = own_default or line.keyword == "default_backend"
        out.append((line, route[0], route[1], False))
    if not own_default and inherited:
        found = effective_line(decl.proxy, "default_backend")
        name = _route_name(found[0]) if found is not None and found[1] is not decl.proxy else None
        if found is not None and name is not None:
            out.append((found[0], *name, True))
    return out


def _route_name(line: Line) -> tuple[str, bool] | None:
    """The backend name of a routing line (its second word's value) and whether it is
    dynamic (``None`` without one), read from its plain values when it has them (no `$`
    there, the value is the word)."""
    plain = line.plain_values
    if plain is not None:
        return (plain[1], "%" in plain[1]) if len(plain) > 1 else None
    words = line.words
    return (words[1].value, is_dynamic(words[1])) if len(words) > 1 else None


def _mode_of(proxy: Proxy) -> tuple[str, Line | None, bool]:
    mode = proxy.mode
    if mode is None:
        return "tcp", None, False
    return (mode.value or "tcp"), mode.line, mode.inherited


# --- HL901 ---------------------------------------------------------------------------------------

_CAPABILITIES = {"frontend": {"frontend"}, "backend": {"backend"}, "listen": {"frontend", "backend"}}


class DuplicateProxyName(Rule):
    """Reports proxies that share a name where HAProxy forbids it: two frontends, two backends,
    a listen section and any frontend or backend, and a named `defaults` section declared twice
    when a `from` refers to the name.

    ## Why is this bad?
    HAProxy refuses the configuration ("backend 'app' has the same name as backend 'app'").
    Switching rules, logs, stats and the runtime API find a proxy by name, so two proxies that
    can both be the target of a name cannot coexist. The usual cause is a copied block, or
    two files (`-f a.cfg -f b.cfg`) that both define the backend; the later one is reported.

    Details differ by version (HAProxy's `cfgparse-listen.c`): up to 3.0 a listen section
    declared after a backend of the same name is not caught, and `use_backend` then silently
    reaches only one of them (reported as a warning; the documentation forbids it and 3.1
    refuses it). From 3.1 on, HAProxy also warns when a frontend and a backend, or a proxy
    and a named `defaults` section, share a name ("dangerous and will not be supported
    anymore in version 3.3"), and refuses a second `defaults` of a name that a `from`
    already used; up to 3.0 only a `from` placed after both is refused ("ambiguous defaults
    section name"), and an earlier one gets a warning here since the documentation requires
    a referenced defaults name to be unique.

    ## Example
    ```haproxy
    backend web_backend
        server web1 10.0.0.1:80 check
    backend web_backend
        server web2 10.0.0.2:80 check
    ```

    ## Use instead
    ```haproxy
    backend web_backend
        server web1 10.0.0.1:80 check
        server web2 10.0.0.2:80 check
    ```

    ## Fix safety
    No fix: merge the two sections or rename one (and every rule that names it) by hand.

    ## Exceptions
    Before 3.1, a frontend and a backend may share a name (`frontend www` + `backend www`):
    they have no capability in common. For a target of 3.1 or later this is a warning: rename
    one before upgrading to 3.3. Sections in different branches of one `.if` block are never
    both read, so they do not clash.
    """

    code = "HL901"
    name = "duplicate-proxy-name"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        index = index_of(ctx)
        here = config_index(ctx)
        modern = ctx.version >= (3, 1)
        seen: dict[str, list[Decl]] = {}
        for decl in index.decls:
            name = decl.name
            if decl.active is False or name is None:
                continue
            others = seen.get(name)
            if others is None:  # (most names: declared once)
                seen[name] = [decl]
                continue
            earlier = [d for d in others if compatible(d.path, decl.path)]
            others.append(decl)
            if decl.index != here or not earlier or decl.name_word is None:
                continue
            found = self._clash(ctx, index, decl, earlier, modern)
            if found is not None:
                message, severity = found
                yield ctx.report(self, decl.name_word, message, severity=severity)
        yield from self._defaults(ctx, index, here, modern)

    def _clash(
        self, ctx: Context, index: Index, decl: Decl, earlier: list[Decl], modern: bool
    ) -> tuple[str, Severity] | None:
        def at(other: Decl) -> str:
            return f"{other.kind} at {index.position(other, other.section.header, ctx.config)}"

        if decl.kind == "defaults":
            proxies = [d for d in earlier if d.kind != "defaults"]
            if modern and proxies:
                return (
                    (f"defaults `{decl.name}` has the name of the {at(proxies[0])}; HAProxy "
                    f"{ctx.settings.target_version} warns and 3.3 will refuse it: rename it"),
                    Severity.WARNING,
                )
            return None
        caps = _CAPABILITIES[decl.kind]
        proxies = [d for d in earlier if d.kind != "defaults"]
        overlapping = [d for d in proxies if caps & _CAPABILITIES[d.kind]]
        # Up to 3.0 a new listen section is only compared with frontends (a frontend lookup).
        refused = overlapping if modern or decl.kind != "listen" else [d for d in overlapping if d.kind != "backend"]
        if refused:
            other = refused[0]
            if other.kind == decl.kind:
                return (
                    (f"{decl.kind} `{decl.name}` is already declared at "
                    f"{index.position(other, other.section.header, ctx.config)} and HAProxy refuses "
                    f"two {decl.kind}s with one name; merge them or rename one"),
                    Severity.ERROR,
                )
            return (
                (f"{decl.kind} `{decl.name}` has the name of the {at(other)}, and a listen section "
                f"shares names with frontends and backends; HAProxy refuses it: rename one"),
                Severity.ERROR,
            )
        if overlapping:
            return (
                (f"listen `{decl.name}` has the name of the {at(overlapping[0])}: HAProxy "
                f"{ctx.settings.target_version} does not notice, but `use_backend {decl.name}` "
                f"reaches only one of them (3.1 refuses it); rename one"),
                Severity.WARNING,
            )
        if modern:
            other = proxies[0] if proxies else earlier[0]
            return (
                (f"{decl.kind} `{decl.name}` has the name of the {at(other)}; HAProxy "
                f"{ctx.settings.target_version} warns and 3.3 will refuse it: rename one"),
                Severity.WARNING,
            )
        return None

    def _defaults(self, ctx: Context, index: Index, here: int, modern: bool) -> Iterable[Diagnostic]:
        references: dict[str, list[Decl]] = defaultdict(list)
        for decl in index.decls:
            if decl.section.from_name is not None and decl.active is not False:
                references[decl.section.from_name].append(decl)
        for name, decls in index.by_name("defaults").items():
            for i, decl in enumerate(decls):
                if decl.index != here or decl.name_word is None or decl.active is False:
                    continue
                first = next((d for d in decls[:i] if d.active is not False and compatible(d.path, decl.path)), None)
                refs = references.get(name, [])
                if first is None or not refs:
                    continue
                where = index.position(first, first.section.header, ctx.config)
                after = next((r for r in refs if r.order > decl.order), None)
                between = next((r for r in refs if first.order < r.order < decl.order), None)
                if after is not None:
                    ref_where = index.position(after, after.section.header, ctx.config)
                    yield ctx.report(
                        self,
                        decl.name_word,
                        f"defaults `{name}` is already declared at {where}, so `from {name}` at "
                        f"{ref_where} is ambiguous and HAProxy refuses it; rename one of them",
                    )
                elif between is not None:
                    ref_where = index.position(between, between.section.header, ctx.config)
                    version = ctx.settings.target_version
                    yield ctx.report(
                        self,
                        decl.name_word,
                        f"defaults `{name}` is declared again after `from {name}` at {ref_where} "
                        f"used the one at {where}; "
                        + ("HAProxy refuses this: rename one" if modern else
                           f"HAProxy {version} accepts it but 3.1 refuses it: rename one"),
                        severity=Severity.ERROR if modern else Severity.WARNING,
                    )


# --- HL902 ---------------------------------------------------------------------------------------

_TEMPLATE_RANGE = re.compile(r"^([0-9]{1,9})(?:-([0-9]{1,9}))?$")
_MAX_TEMPLATE = 100_000


def _server_names(line: Line) -> list[str] | None:
    """The server names a ``server``/``server-template`` line makes (its words are cut only
    to report a clash: a large file has thousands of server lines)."""
    plain = line.plain_values
    values: Sequence[str] = plain if plain is not None else line.values
    if len(values) < 2:
        return None
    if line.keyword == "server":
        return [values[1]]
    if len(values) < 3:
        return None
    m = _TEMPLATE_RANGE.match(values[2])
    if m is None:
        return None
    low, high = (1, int(m.group(1))) if m.group(2) is None else (int(m.group(1)), int(m.group(2)))
    if high < low or high - low >= _MAX_TEMPLATE:
        return None
    prefix = values[1]
    return [f"{prefix}{n}" for n in range(low, high + 1)]


class DuplicateServerName(Rule):
    """Reports two servers with one name in a backend or listen section, counting the names a
    `server-template` creates (`server-template srv 3` makes `srv1`, `srv2`, `srv3`).

    ## Why is this bad?
    HAProxy refuses the configuration ("another server named 'app1' was already defined").
    Server names identify servers in logs, stats, `use-server`, `track` and the runtime API
    (`set server app/app1 state drain`), so each must be unique in its proxy. It usually
    comes from a copied line whose address was changed but not its name.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app1 10.0.0.2:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80 check
    ```

    ## Fix safety
    No fix: rename the server by hand, and anything that names it (`use-server`, `track`,
    scripts that call the runtime API, server-state files).

    ## Exceptions
    Servers in different branches of one `.if` block are never both read. The same server
    name in two different backends is fine.
    """

    code = "HL902"
    name = "duplicate-server-name"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        index = index_of(ctx)
        here = config_index(ctx)
        conditional = index.branches[here]
        # Without .if blocks every line is read: only a section where two servers may share a
        # name needs a closer look.
        suspects = None if conditional else _suspects(ctx)
        for section in ctx.config.sections:
            if section.kind not in ("backend", "listen"):
                continue
            if suspects is not None:
                if id(section) not in suspects:
                    continue
            elif index.skipped(here, section.header):
                continue
            seen: dict[str, list[tuple[Line, Path]]] = defaultdict(list)
            for line in section.directives_named("server", "server-template"):
                path, active = index.state(here, line)
                if active is False:
                    continue
                names = _server_names(line)
                if names is None:
                    continue
                clash = None
                for name in names:
                    if name not in seen:  # (most names: not seen before in the section)
                        continue
                    earlier = next((l for l, p in seen[name] if compatible(p, path)), None)
                    if earlier is not None:
                        clash = (name, earlier)
                        break
                for name in names:
                    seen[name].append((line, path))
                if clash is None:
                    continue
                name, earlier = clash
                word = line.words[1]
                if line.keyword == "server":
                    what = f"server `{name}`"
                else:
                    what = f"`server-template {word.value}` creates `{name}`, which"
                yield ctx.report(
                    self,
                    word,
                    f"{what} is already defined at line {earlier.line} in {section.kind} `{section.name}`, and "
                    f"HAProxy refuses duplicate server names; rename one",
                )


def _suspects(ctx: Context) -> set[int]:
    """The proxy sections (ids) of the file where two servers may share a name: two of its
    servers' views have one, or a ``server-template`` makes names."""
    templates = {id(section) for _, section in ctx.index.entries("server-template", ctx.config)}
    found: set[int] = set()
    for proxy in ctx.proxies:
        servers = proxy.servers
        if len(servers) > 1 and (id(proxy.section) in templates or len({s.name for s in servers}) < len(servers)):
            found.add(id(proxy.section))
    return found


# --- HL903 ---------------------------------------------------------------------------------------


class UndefinedBackend(Rule):
    """Reports `default_backend` and `use_backend` rules naming no backend or listen section
    in any of the files read together.

    ## Why is this bad?
    HAProxy refuses the configuration ("unable to find required use_backend: 'api'"). A
    frontend of the same name does not count: only sections that can receive traffic
    (backend, listen) can be targets. The usual cause is a typo or a backend renamed in one
    place only. A `default_backend` in `defaults` is checked for the frontends and listen
    sections that inherit it (HAProxy only complains when one does).

    ## Example
    ```haproxy
    frontend www
        bind :80
        use_backend api_servers if { path_beg /api }
        default_backend web_servers
    backend web_servers
        server web1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        use_backend api_servers if { path_beg /api }
        default_backend web_servers
    backend web_servers
        server web1 10.0.0.1:80 check
    backend api_servers
        server api1 10.0.0.2:80 check
    ```

    ## Fix safety
    No fix: correct the name (the message suggests a close one) or add the backend.

    ## Exceptions
    Names computed per request (`use_backend %[req.hdr(host),lower,map(hosts.map)]`) and
    names from the environment (`${BACKEND}`) cannot be checked and are skipped. When the
    backend is in another file, lint the files together (`haproxy-lint a.cfg b.cfg`), as
    HAProxy reads them.
    """

    code = "HL903"
    name = "undefined-backend"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        index = index_of(ctx)
        here = config_index(ctx)
        others = index.by_name("frontend")
        targets = index.by_name("backend", "listen")
        inherited: dict[int, tuple[Line, Word, list[Decl]]] = {}
        for decl in index.decls:
            if decl.index != here or decl.kind not in ("frontend", "listen", "backend") or decl.active is False:
                continue
            for line, name, dynamic, from_defaults in routes(decl, index):
                if dynamic or targets.get(name):
                    continue
                word = line.words[1]
                if from_defaults:
                    if decl.kind != "backend":
                        inherited.setdefault(line.start, (line, word, []))[2].append(decl)
                    continue
                yield ctx.report(self, word, self._message(line.keyword, word.value, targets, others))
        for line, word, users in inherited.values():
            who = ", ".join(f"{d.kind} `{d.name}`" for d in users)
            message = self._message(line.keyword, word.value, targets, others)
            yield ctx.report(self, word, f"{message} (inherited by {who})")

    @staticmethod
    def _message(keyword: str, name: str, names: Iterable[str], others: Container[str]) -> str:
        if name in others:
            return (
                f"`{keyword} {name}` names a frontend, and only a backend or listen section can "
                f"receive traffic; HAProxy refuses this"
            )
        return (
            f"`{keyword} {name}`: no backend or listen section is named `{name}` and HAProxy "
            f"refuses this{did_you_mean(name, names)}"
        )


# --- HL904 ---------------------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z0-9_.:\-]+")
#: For ASCII text: quotes dropped (a word's value is its text less its quotes, where there is
#: no escape), every other character _IDENT does not take made a blank; split() then gives
#: the identifiers, several times faster than the pattern.
_IDENT_ONLY = str.maketrans({chr(c): None if chr(c) in "\"'" else " "
                             for c in range(128) if not _IDENT.fullmatch(chr(c))})
# Words that name something of their own (a server, an ACL, a user...), not a backend.
_OWN_NAME_KEYWORDS = frozenset({"server", "server-template", "acl", "peer", "nameserver", "user", "group", "mailer"})


def _identifiers(text: str) -> list[str]:
    """The runs of identifier characters (``_IDENT``) in ``text`` less its quotes."""
    if text.isascii():
        return text.translate(_IDENT_ONLY).split()
    if '"' in text or "'" in text:
        text = text.replace('"', "").replace("'", "")
    return _IDENT.findall(text)


class UnusedBackend(Rule):
    """Reports a backend that no frontend or listen section can route to: no
    `default_backend` or `use_backend` names it and nothing else in the configuration refers
    to it.

    ## Why is this bad?
    HAProxy accepts it silently, but no request ever reaches it: often a route that was
    renamed or deleted, so the traffic meant for these servers goes elsewhere. Its health
    checks still run against the servers, and it clutters stats and logs.

    ## Example
    ```haproxy
    frontend www
        bind :80
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    backend web_old
        server old1 10.0.0.9:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        use_backend web_old if { path_beg /legacy }
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    backend web_old
        server old1 10.0.0.9:80 check
    ```

    ## Fix safety
    No fix: delete the backend, or add the rule that should reach it.

    ## Exceptions
    The rule stays quiet when any `use_backend` computes its name (`%[...]`, a map file, an
    environment variable), when no frontend or listen section exists at all (a partial
    configuration, such as a `conf.d` fragment linted alone), and for backends that hold only
    a `stick-table`. Any other mention of the name counts as a use (`table web` in
    `track-sc0`, `nbsrv(web)`, `track web/web1`, a SPOE agent's `use-backend`), and so do tcp
    backends when a SPOE filter's agent file is not linted with the configuration. Backends
    that only Lua scripts or the runtime API use cannot be seen: suppress the finding for them.
    """

    code = "HL904"
    name = "unused-backend"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        index = index_of(ctx)
        here = config_index(ctx)
        if not any(d.kind in ("frontend", "listen") for d in index.decls):
            return
        mentioned: dict[str, set[int]] = defaultdict(set)  # name -> ids of the sections mentioning it
        spoe_filter = False
        # The routing lines first (by keyword, from the shared index): a name computed per
        # request silences the rule, and the names they give are mentions, found without
        # reading every line (most backends are routed to by name).
        for section_id, lines in index.routing()[0].items():
            for line in lines:
                name = _route_name(line)
                if name is None:
                    continue
                if name[1]:
                    return
                if _IDENT.fullmatch(name[0]):  # (one identifier: what _mentions finds)
                    mentioned[name[0]].add(section_id)
        for config in index.configs:
            for line, section in ctx.index.entries("filter", config):
                name = _route_name(line)  # (a filter's name likewise)
                if section is not None and name is not None and name[0] == "spoe":
                    spoe_filter = True
        unused = [
            d for d in index.decls
            if d.index == here and d.kind == "backend" and d.name is not None and d.active is not False
            and not _elsewhere(mentioned.get(d.name), d.section)
        ]
        if not unused:
            return
        # Any other mention of these names, anywhere else, counts as a use.
        names = {d.name for d in unused if d.name is not None}
        spoe_agent = False
        for config in index.configs:
            for section in config.sections:
                spoe_agent = spoe_agent or section.kind == "spoe-agent"
                directives = section.directives
                # By slices of lines: a section of thousands (a frontend routing to every
                # backend) would otherwise make its whole text several times over at once.
                for at in range(0, len(directives), _SLICE):
                    for ident in _mentions(names, directives[at : at + _SLICE]):
                        mentioned[ident].add(id(section))
        for decl in unused:
            if decl.name is None or decl.name_word is None:
                continue
            if _elsewhere(mentioned.get(decl.name), decl.section):
                continue
            if decl.section.directives_named("stick-table") and not decl.section.directives_named("server", "server-template"):
                continue
            if spoe_filter and not spoe_agent and decl.proxy.effective_mode == "tcp":
                continue
            yield ctx.report(
                self,
                decl.name_word,
                f"no frontend or listen section routes to backend `{decl.name}`; add a "
                f"`use_backend`/`default_backend` rule for it or delete it",
            )


def _elsewhere(sections: set[int] | None, section: Section) -> bool:
    """Whether ``sections`` (ids) hold another section than ``section``."""
    if not sections:
        return False
    return len(sections) > 1 or id(section) not in sections


#: How many lines _mentions reads at once.
_SLICE = 1000


def _mentions(names: set[str], lines: Sequence[Line]) -> set[str]:
    """The ``names`` the words of ``lines`` hold as identifiers (past a keyword's own name)."""
    raw = "\n".join([line.text for line in lines])
    if "\\" not in raw and not ('"' in raw and "'" in raw):
        # Without escapes, and with quotes of one kind only, the words' values are the
        # text less its quotes (words.unquote): the identifiers of the whole text
        # (comments and keywords too) hold those of the words below. None of them a
        # backend's name: nothing to look at here.
        if names.isdisjoint(_identifiers(raw)):
            return set()
    rests: list[str] = []
    for line in lines:
        keyword = line.keyword
        # The words after the keyword (and after a server's or acl's own name),
        # as one string: an identifier never spans a blank.
        skip = 2 if keyword in _OWN_NAME_KEYWORDS else 1
        plain = line.plain_values  # most lines (cut once for several rules)
        if plain is not None:
            rests.append(" ".join(plain[skip:]))
        else:
            rests.append(" ".join(word.value for word in line.words[skip:]))
    # one search for them all (an identifier never spans a line break either)
    return names.intersection(_IDENT.findall("\n".join(rests)))


# --- HL905 ---------------------------------------------------------------------------------------

_MODES = frozenset({"tcp", "http", "log"})


class ModeMismatch(Rule):
    """Reports an `http` frontend (or listen section) whose `use_backend` or `default_backend`
    names a backend in another mode, such as `tcp`, with modes taken through `defaults`.

    ## Why is this bad?
    HAProxy refuses the configuration ("http frontend 'www' tries to use incompatible tcp
    backend 'db'"): an HTTP frontend hands parsed HTTP messages to its backend, which a TCP
    backend cannot take. The reverse is allowed: a `tcp` frontend may route to an `http`
    backend, the connection is upgraded to HTTP. The mismatch is easy to miss when one side
    takes its mode from a `defaults` section and the other sets its own.

    ## Example
    ```haproxy
    defaults
        mode http
    frontend www
        bind :80
        use_backend db if { path_beg /db }
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    backend db
        mode tcp
        server db1 10.0.0.2:5432 check
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
    frontend www
        bind :80
        default_backend web
    frontend db_in
        mode tcp
        bind :5432
        default_backend db
    backend web
        server web1 10.0.0.1:80 check
    backend db
        mode tcp
        server db1 10.0.0.2:5432 check
    ```

    ## Fix safety
    No fix: either the backend should be in `mode http`, or that traffic needs a frontend of
    its own in `mode tcp`.

    ## Exceptions
    None while HAProxy refuses it; names computed per request are not checked.
    """

    code = "HL905"
    name = "mode-mismatch"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        index = index_of(ctx)
        here = config_index(ctx)
        inherited: dict[tuple[int, int], tuple[Line, Word, str, list[str]]] = {}
        for decl in index.decls:
            if decl.index != here or decl.kind not in ("frontend", "listen") or decl.active is False:
                continue
            mode, _, _ = _mode_of(decl.proxy)
            if mode not in _MODES:
                continue
            for line, name, dynamic, from_defaults in routes(decl, index):
                if dynamic:
                    continue
                for target in index.targets(name):
                    if target.proxy is not decl.proxy:
                        break
                else:
                    continue
                target_mode, target_line, target_inherited = _mode_of(target.proxy)
                if target_mode not in _MODES or target_mode == mode or (mode == "tcp" and target_mode == "http"):
                    continue
                where = index.position(target, target.section.header, ctx.config)
                if target_line is None:
                    origin = "(no `mode` line sets it)"
                elif target_inherited:
                    origin = f"from defaults at {index.position(target, target_line, ctx.config)}"
                else:
                    origin = ""
                target_desc = f"{target.kind} `{target.name}` ({where}) is in mode {target_mode}" + (
                    f" {origin}" if origin else ""
                )
                word = line.words[1]
                if from_defaults:
                    key = (id(line), id(target))
                    entry = inherited.setdefault(key, (line, word, target_desc, []))
                    entry[3].append(f"{decl.kind} `{decl.name}`")
                    continue
                yield ctx.report(
                    self,
                    word,
                    f"{decl.kind} `{decl.name}` is in mode {mode} but {target_desc}, and HAProxy "
                    f"refuses to route {mode} traffic to it; align the two modes",
                )
        for line, word, target_desc, users in inherited.values():
            yield ctx.report(
                self,
                word,
                f"`default_backend {word.value}` is inherited by {', '.join(users)} in mode http, "
                f"but {target_desc}, and HAProxy refuses it; align the modes",
            )


# --- HL906 ---------------------------------------------------------------------------------------


class UndefinedDefaults(Rule):
    """Reports `from NAME` on a section line when no `defaults NAME` section comes before it.

    ## Why is this bad?
    HAProxy refuses the configuration ("defaults section 'base' not found for backend
    'app'"). The defaults section must be declared earlier than the section that names it:
    HAProxy reads the configuration once, top to bottom (and the `-f` files in the order
    given), so a `defaults base` further down does not count, and neither does a backend or
    frontend named `base`.

    ## Example
    ```haproxy
    backend app from base
        server app1 10.0.0.1:80 check
    defaults base
        mode http
    ```

    ## Use instead
    ```haproxy
    defaults base
        mode http
    backend app from base
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: move the `defaults` section above its users, or correct the name.

    ## Exceptions
    None: HAProxy refuses it. When the `defaults` section lives in another file, lint the
    files together, in the order HAProxy reads them.
    """

    code = "HL906"
    name = "undefined-defaults"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        index = index_of(ctx)
        here = config_index(ctx)
        named = index.by_name("defaults")
        for decl in index.decls:
            name = decl.section.from_name
            if name is None or decl.index != here or decl.active is False:
                continue
            word = decl.from_word
            if word is None:
                continue
            if any(d.order < decl.order for d in named.get(name, ())):
                continue
            later = next(iter(named.get(name, ())), None)
            if later is not None:
                where = index.position(later, later.section.header, ctx.config)
                message = (
                    f"`defaults {name}` is only declared later, at {where}, and HAProxy needs it "
                    f"before `from {name}`; move it above"
                )
            else:
                other = next(iter(index.by_name("frontend", "backend", "listen").get(name, ())), None)
                if other is not None:
                    message = (
                        f"`from {name}` names a {other.kind}, not a defaults section, and HAProxy "
                        f"refuses it; declare `defaults {name}` above or fix the name"
                    )
                else:
                    message = (
                        f"no `defaults {name}` section is declared before this `from {name}`, and "
                        f"HAProxy refuses it{did_you_mean(name, named)}"
                    )
            yield ctx.report(self, word, message)


# --- HL907 / HL908 -------------------------------------------------------------------------------

#: Keywords whose misplacement in a frontend or backend HAProxy refuses (ALERT) rather than
#: ignores with a warning; checked with HAProxy 2.6 and 2.8 (`haproxy -c`). In ``defaults``
#: every misplaced keyword is refused ("not allowed in 'defaults' section").
REFUSED_IN: dict[str, frozenset[str]] = {
    "frontend": frozenset(
        {"server", "default-server", "server-template", "retry-on", "use-fcgi-app",
         "tcp-response content", "tcp-response inspect-delay"}
    ),
    "backend": frozenset({"tcp-request connection", "tcp-request session", "declare capture"}),
}
#: Where the keyword tables (HAProxy's documentation) say "no" but HAProxy takes the keyword,
#: and it works: `unique-id-format`/`unique-id-header` in a backend feed health checks
#: (`http-check send hdr X-Id %[unique-id]`); `option spop-check` in defaults (2.0-2.6
#: documentation omission).
ACCEPTED_ANYWAY: dict[str, frozenset[str]] = {
    "backend": frozenset({"unique-id-format", "unique-id-header"}),
    "defaults": frozenset({"option spop-check"}),
}
_PROXY_ORDER = ("defaults", "frontend", "listen", "backend")


def keyword_table(version: tuple[int, int]) -> KeywordTable:
    """The table for the target version (older than 2.0: 2.0's; newer than 3.2: 3.2's)."""
    text = f"{version[0]}.{version[1]}"
    if version < (2, 0):
        text = VERSIONS[0]
    return table(text if version <= tuple(map(int, VERSIONS[-1].split("."))) else VERSIONS[-1])


def _vkey(v: str) -> tuple[int, int]:
    major, minor = v.split(".")
    return int(major), int(minor)


def _newer_versions(version: tuple[int, int]) -> list[str]:
    return [v for v in VERSIONS if _vkey(v) > version]


def _where(kinds: Sequence[str]) -> str:
    kinds = list(dict.fromkeys(kinds))
    if len(kinds) == 1:
        return kinds[0]
    return ", ".join(kinds[:-1]) + " or " + kinds[-1]


class KeywordFinding:
    __slots__ = ("code", "target", "message", "severity")

    def __init__(self, code: str, target: Word | tuple[int, int], message: str, severity: Severity) -> None:
        self.code = code  # HL907 or HL908
        self.target = target
        self.message = message
        self.severity = severity


def _section_name(section: Section | None) -> str:
    if section is None:
        return "outside any section"
    if section.kind in PROXY_SECTIONS:
        if section.kind == "defaults" and not section.name:
            return "in an anonymous defaults section"
        return f"in {section.kind} `{section.name}`" if section.name else f"in a {section.kind} section"
    return f"in the {section.kind} section"


@functools.cache
def _first_words(table_version: str, kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """The one-word keywords of a section kind, and the first words of its longer ones."""
    names = table(table_version).keywords(kind)
    singles = frozenset(k for k in names if " " not in k)
    families = frozenset(k.split()[0] for k in names if " " in k)
    return singles, families


@functools.cache
def _phrase_starts() -> frozenset[str]:
    """Words that may start a keyword of several words, in any version's table."""
    return frozenset().union(*(table(v).phrase_starts() for v in VERSIONS))


_SPOE_SCOPE = re.compile(r"^\s*\[[^\]]+\]\s*(#.*)?$")


_UNSEEN = object()  # a keyword or first values not decided yet
_PHRASE = object()  # a keyword decided with the words after it


def keyword_findings(ctx: Context) -> list[KeywordFinding]:
    """HL907 and HL908 findings of the file being checked (both rules share one walk)."""
    return ctx.memo("structure.keyword_findings", lambda: _keyword_findings(ctx))


def _keyword_findings(ctx: Context) -> list[KeywordFinding]:
    index = index_of(ctx)
    here = config_index(ctx)
    t = keyword_table(ctx.version)
    target = ctx.settings.target_version
    out: list[KeywordFinding] = []
    known_sections = t.section_keywords()
    described = {kind for kind in known_sections if t.keywords(kind)}  # (asked once, not per section)
    phrase_starts = _phrase_starts()
    spoe = any(section.kind.startswith("spoe-") for section in ctx.config.sections)
    conditional = index.branches[here]  # lines inside .if blocks, if any (others are never skipped)
    table_version, version = t.version, ctx.version
    seen: dict[tuple[str, bool], tuple[dict[str, object], dict[tuple[str, ...], object]]] = {}
    for line in ctx.config.preamble:
        if index.skipped(here, line) or not line.words or "$" in line.words[0].raw:
            continue
        if spoe and _SPOE_SCOPE.match(line.text):
            continue  # "[scope]" line of an SPOE agent file
        keyword, accepting = _accepting(t.version, tuple(line.values[:4]))
        if accepting:
            out.append(KeywordFinding(
                "HL908", (line.words[0].start, line.words[min(len(keyword.split()), len(line.words)) - 1].end),
                f"`{keyword}` is outside any section and HAProxy refuses it; move it into "
                f"a {_where(accepting)} section", Severity.ERROR))
        else:
            out.append(KeywordFinding(
                "HL907", line.words[0],
                f"`{line.keyword}` is outside any section, where HAProxy refuses every line, and "
                f"no section of HAProxy {target} knows it either", Severity.ERROR))
    for section in ctx.config.sections:
        if conditional and index.skipped(here, section.header):
            continue
        kind = section.kind
        if kind not in known_sections:
            if t.removed_section(kind) is not None:
                continue
            newer = next((v for v in _newer_versions(ctx.version) if kind in table(v).section_keywords()), None)
            if newer is not None and not _unknowable(ctx.version, newer):
                out.append(KeywordFinding(
                    "HL907", section.header.words[0],
                    f"`{kind}` sections do not exist in HAProxy {target} (they came in {newer}); "
                    f"HAProxy refuses this section", Severity.ERROR))
            continue  # spoe-* (an agent file) or a section no table describes: nothing to check
        if kind not in described:
            continue
        anonymous = kind == "defaults" and not section.name
        # A verdict depends on the section's kind and the line's first values only: kept for
        # every section of the kind (thousands of backends share a handful of keywords). A
        # keyword that starts no longer one is decided alone (the line is not cut); the others
        # (_PHRASE) by their first values.
        verdicts, phrases = seen.get((kind, anonymous)) or seen.setdefault((kind, anonymous), ({}, {}))
        for line in section.directives:
            keyword = line.keyword
            verdict = verdicts.get(keyword, _UNSEEN)
            if verdict is None:  # (most lines)
                continue
            if verdict is _UNSEEN:
                if "$" in keyword:
                    verdict = None
                elif keyword in phrase_starts:
                    verdict = _PHRASE
                else:
                    verdict = classify(table_version, version, kind, anonymous, (keyword,))
                verdicts[keyword] = verdict
                if verdict is None:
                    continue
            if verdict is _PHRASE:
                plain = line.plain_values
                values = plain[:4] if plain is not None else tuple(line.values[:4])
                verdict = phrases.get(values, _UNSEEN)
                if verdict is _UNSEEN:
                    verdict = phrases[values] = classify(table_version, version, kind, anonymous, values)
                if verdict is None:
                    continue
            if conditional and line.line in conditional and index.skipped(here, line):
                continue
            words = line.words
            code, template, severity, first, last = cast(Verdict, verdict)
            last = min(last, len(words) - 1)
            target_span = (words[first].start, words[last].end)
            out.append(KeywordFinding(code, target_span, template.format(where=_section_name(section)), severity))
    if ctx.version >= (2, 5):
        out.extend(_rules_in_defaults(ctx, index, here))
    return out


_RULES = ("http-request", "http-response", "http-after-response", "tcp-request", "tcp-response")
_TCP_RULES = {"connection", "session", "content"}


def _rules_in_defaults(ctx: Context, index: Index, here: int) -> Iterable[KeywordFinding]:
    """Sections inheriting from a defaults section that defines TCP/HTTP rules, where HAProxy
    refuses it (cfgparse-listen.c, 2.5 to 3.2): a defaults or listen section, frontends and
    backends together, backends when there are `tcp-request connection/session` rules,
    frontends when there are `tcp-response content` rules."""
    # The named defaults sections with rules first (rules in an anonymous one are refused
    # on their own line): most files have none, and their proxies need not be grouped.
    holding: dict[int, list[Line]] = {}
    for decl in index.decls:
        if decl.index != here or decl.kind != "defaults" or not decl.name:
            continue
        rules = [
            line for line in decl.section.directives_named(*_RULES)
            if line.keyword.startswith("http-") or (len(line.words) > 1 and line.words[1].value in _TCP_RULES)
        ]
        if rules:
            holding[id(decl.section)] = rules
    if not holding:
        return
    children: dict[int, list[Decl]] = defaultdict(list)
    for decl in index.decls:
        if decl.index == here and decl.proxy.defaults is not None and decl.active is not False:
            children[id(decl.proxy.defaults.section)].append(decl)
    for decl in index.decls:
        if id(decl.section) not in holding or decl.index != here or id(decl.section) not in children:
            continue
        rules = holding[id(decl.section)]
        label = f"defaults `{decl.name}`" if decl.name else "the defaults section"
        first = rules[0]
        what = f"the `{first.keyword}` rules of {label} (line {first.line})"
        l45 = next((r for r in rules if r.keyword == "tcp-request" and r.words[1].value in ("connection", "session")), None)
        rsp = next((r for r in rules if r.keyword == "tcp-response"), None)
        seen_side: dict[str, Decl] = {}
        for child in children[id(decl.section)]:
            word = child.from_word or child.name_word or child.section.header.words[0]
            name = f"{child.kind} `{child.name}`" if child.name else f"this {child.kind} section"
            problem = None
            if child.kind in ("defaults", "listen"):
                problem = f"HAProxy does not let a {child.kind} section inherit rules"
            elif child.kind == "backend" and l45 is not None:
                what_l45 = f"the `tcp-request {l45.words[1].value}` rules of {label} (line {l45.line})"
                problem = "HAProxy refuses them in a backend"
                yield _inherit(word, name, what_l45, problem)
                continue
            elif child.kind == "frontend" and rsp is not None:
                what_rsp = f"the `tcp-response` rules of {label} (line {rsp.line})"
                yield _inherit(word, name, what_rsp, "HAProxy refuses them in a frontend")
                continue
            else:
                other = "backend" if child.kind == "frontend" else "frontend"
                if other in seen_side:
                    o = seen_side[other]
                    problem = (f"{o.kind} `{o.name}` at line {o.section.header.line} inherits them too, and "
                               f"HAProxy refuses rules from one defaults section in both frontends and backends")
                seen_side.setdefault(child.kind, child)
            if problem is not None:
                yield _inherit(word, name, what, problem)


def _inherit(word: Word, name: str, what: str, problem: str) -> KeywordFinding:
    return KeywordFinding(
        "HL908", word, f"{name} inherits {what}; {problem}: give it a defaults section of its own",
        Severity.ERROR)


#: A verdict on one directive: (code, message with a ``{where}`` slot, severity, index of the
#: first and of the last word to point at).
Verdict = tuple[str, str, Severity, int, int]


@functools.lru_cache(maxsize=4096)
def classify(
    table_version: str, version: tuple[int, int], kind: str, anonymous: bool, values: tuple[str, ...]
) -> Verdict | None:
    """HL907/HL908's verdict on a directive (its first words) in a section of ``kind``."""
    t = table(table_version)
    info = t.lookup(kind, values)
    if info is None:
        if t.removed(kind, values) is not None:
            return None  # removed in the target: HL6xx speaks
        keyword, accepting = _accepting(table_version, values)
        if accepting:
            return ("HL908", (f"`{_esc(keyword)}` is not valid {{where}} and HAProxy refuses it; it "
                    f"belongs in a {_where(accepting)} section"), Severity.ERROR, 0, len(keyword.split()) - 1)
        return _unknown(t, version, kind, values)
    if kind not in PROXY_SECTIONS:
        return None
    shown = _esc(f"{info.prefix} {info.keyword}" if info.prefix else info.keyword)
    last = info.words - 1
    if info.prefix and not info.negatable:
        # the tables' "(*)" marks match what 2.6 and 2.8 accept for every proxy keyword
        return ("HL907", (f"`{_esc(info.keyword)}` cannot take the `{info.prefix}` prefix and HAProxy "
                f"refuses `{shown}`; remove the line or set the opposite value explicitly"),
                Severity.ERROR, 0, last)
    if kind == "listen":
        return None  # a listen section has both capabilities: HAProxy takes every proxy keyword
    accepted = info.accepted_in
    if info.keyword in ACCEPTED_ANYWAY.get(kind, ()):
        return None
    if kind in accepted:
        if kind == "defaults" and info.named_defaults_only and anonymous:
            return ("HL908", (f"`{shown}` is only allowed in a named defaults section (`defaults NAME`) "
                    f"and HAProxy refuses it in an anonymous one; name this section"), Severity.ERROR, 0, last)
        return None
    places = [k for k in _PROXY_ORDER if k in accepted]
    belongs = f"it belongs in a {_where(places)} section" if places else "remove it"
    if kind == "defaults" or info.keyword in REFUSED_IN.get(kind, ()):
        return ("HL908", f"`{shown}` is not allowed {{where}} and HAProxy refuses it; {belongs}",
                Severity.ERROR, 0, last)
    missing = "backend" if kind == "frontend" else "frontend"
    return ("HL908", (f"`{shown}` has no effect {{where}} (a {kind} has no {missing} side, HAProxy "
            f"ignores it with a warning); {belongs}"), Severity.WARNING, 0, last)


@functools.lru_cache(maxsize=1024)
def _accepting(table_version: str, values: tuple[str, ...]) -> tuple[str, list[str]]:
    """The keyword a directive starts with, as the sections that know it best spell it, and
    those sections: `timeout connect` is a keyword of proxies and rings, where `resolvers`
    only has a generic `timeout`, which does not count."""
    t = table(table_version)
    found: list[tuple[str, str]] = []
    for kind in sorted(t.section_keywords(), key=lambda k: (k not in _PROXY_ORDER, _order(k))):
        info = t.lookup(kind, values)
        if info is None or info.prefix or (kind in PROXY_SECTIONS and kind not in info.accepted_in):
            continue
        found.append((kind, info.keyword))
    if not found:
        return values[0] if values else "", []
    longest = max(len(keyword.split()) for _, keyword in found)
    best = [(kind, keyword) for kind, keyword in found if len(keyword.split()) == longest]
    return best[0][1], [kind for kind, _ in best]


def _order(kind: str) -> tuple[int, str]:
    return (_PROXY_ORDER.index(kind), "") if kind in _PROXY_ORDER else (len(_PROXY_ORDER), kind)


def _esc(text: str) -> str:
    """Text for a message template (braces doubled for ``str.format``)."""
    return text.replace("{", "{{").replace("}", "}}")


def _unknown(t: KeywordTable, version: tuple[int, int], kind: str, values: tuple[str, ...]) -> Verdict | None:
    start = 1 if len(values) > 1 and values[0] in ("no", "default") else 0
    rest = values[start:]
    if not rest:
        return None
    singles, families = _first_words(t.version, kind)
    # "option foobar": a known family with an unknown member; "optoin httplog": an unknown word
    if rest[0] in families and rest[0] not in singles and len(rest) > 1:
        shown, last = f"{rest[0]} {rest[1]}", start + 1
    else:
        shown, last = rest[0], start
    if version > _vkey(VERSIONS[-1]):
        return None  # newer than every table: the keyword may well be new
    target = f"{version[0]}.{version[1]}"
    for v in _newer_versions(version):
        info = table(v).lookup(kind, values)
        if info is not None:
            if _unknowable(version, v):
                return None
            name = _esc(info.keyword)
            return ("HL907", (f"`{name}` is not a HAProxy {target} keyword (it came in {v}) and "
                    f"HAProxy {target} refuses it; raise the target version or remove it"),
                    Severity.ERROR, start, start + len(info.keyword.split()) - 1)
    suggestion = t.suggest(kind, shown)
    hint = f"; did you mean `{_esc(suggestion)}`?" if suggestion and suggestion != shown else ""
    return ("HL907", (f"unknown keyword `{_esc(shown)}` {{where}} for HAProxy {target}, which "
            f"refuses it{hint}"), Severity.ERROR, start, last)


def _unknowable(version: tuple[int, int], newer: str) -> bool:
    """Whether a target between two tables (2.7, 3.1) may already know what the next table
    lists: the tables cover the LTS-like branches only."""
    following = _newer_versions(version)
    return f"{version[0]}.{version[1]}" not in VERSIONS and bool(following) and newer == following[0]


class UnknownKeyword(Rule):
    """Reports a directive HAProxy does not know in its section, for the target version, with
    the closest keyword as a suggestion ("did you mean `option`?"); also a `no`/`default`
    prefix on a proxy keyword that takes none (`no option httplog`).

    ## Why is this bad?
    HAProxy refuses the configuration ("unknown keyword 'optoin' in 'frontend' section",
    "unknown option 'http-keepalive'", "negation/default is not supported for option
    'httplog'"). A typo in a rarely edited file, a keyword from a newer HAProxy than the one
    deployed, or a line of another tool's syntax pasted in: each stops a reload, and without
    HAProxy at hand (a pre-commit hook, a CI job) nobody notices until the deploy. Keywords
    that a later version added are named as such ("it came in 2.8"). A section kind the
    target does not have (`crt-store` before 3.0) is reported on its header.

    ## Example
    ```haproxy
    frontend www
        bind :80
        optoin httplog
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        option httplog
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: the suggestion is only the closest spelling; check it before applying it.

    ## Exceptions
    Keywords that the target version removed are left to the HL6xx rules, which name the
    replacement. Lines inside a `.if version_atleast(X)` block that the target version does
    not reach are skipped, so a configuration can carry keywords of newer versions under
    such guards. Sections of SPOE agent files (`spoe-agent`, `spoe-message`, `[scope]` lines)
    are not checked. Lines before any section are reported here when no section knows the
    keyword, by HL908 otherwise. If the keyword exists in the HAProxy you run, set
    `target-version` to that version.
    """

    code = "HL907"
    name = "unknown-keyword"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for finding in keyword_findings(ctx):
            if finding.code == self.code:
                yield ctx.report(self, finding.target, finding.message, severity=finding.severity)


class KeywordInWrongSection(Rule):
    """Reports a keyword HAProxy knows, in a section that does not accept it (`balance` in a
    frontend, `server` in `defaults`, `timeout connect` in `global`), and names the sections
    that do.

    ## Why is this bad?
    Depending on the keyword, HAProxy either ignores the line with a warning ("'balance'
    ignored because frontend 'www' has no backend capability") or refuses the configuration
    ("'server' not allowed in 'defaults' section"; anything proxy-specific in `global`; rules
    such as `http-request` in an anonymous `defaults`). An ignored line is worse than it
    looks: the setting the author relied on (a balance algorithm, a retry count, a cookie)
    is simply not in force. The severity follows HAProxy (checked with 2.6 and 2.8): error
    where it refuses the line, warning where it ignores it.

    From 2.5 on, a named `defaults` section may hold `http-request`/`tcp-request`/... rules,
    but HAProxy refuses to let a `defaults` or `listen` section inherit them, or both
    frontends and backends, or backends when they are `tcp-request connection`/`session`
    rules, or frontends when they are `tcp-response` rules: such a section is reported on its
    header, with the rule it inherits.

    ## Example
    ```haproxy
    frontend www
        bind :80
        balance leastconn
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        default_backend web
    backend web
        balance leastconn
        server web1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: moving the line changes which proxies it applies to; move it by hand.

    ## Exceptions
    A `listen` section takes every frontend and backend keyword. Where HAProxy's keyword
    matrix says "no" but HAProxy accepts and uses the keyword (`unique-id-format` in a
    backend, used by health checks), nothing is reported. Lines outside any section are
    reported here when the keyword exists somewhere, and by HL907 otherwise.
    """

    code = "HL908"
    name = "keyword-in-wrong-section"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for finding in keyword_findings(ctx):
            if finding.code == self.code:
                yield ctx.report(self, finding.target, finding.message, severity=finding.severity)
