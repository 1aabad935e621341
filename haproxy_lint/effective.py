"""Effective settings of every proxy, computed once, in one place.

HAProxy's inheritance (doc/configuration.txt, section 4): a frontend, backend or listen section
takes its initial settings from a ``defaults`` section: the one named by ``from NAME``, else the
latest ``defaults`` section before it (named or not; HAProxy's documentation says "the latest
one that appears before"). A ``defaults`` section starts from HAProxy's built-in settings, or
from the one it names with ``from``. The proxy's own lines then override what it inherited,
and a server's own parameters override ``default-server`` (the proxy's, then its defaults').

Rules ask :class:`Proxy` for a setting and get back the value with the line and word that set
it, inherited or not, so a diagnostic can point at the line to change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Optional, TypeVar

from pydantic import BaseModel, ConfigDict

from .model import PROXY_KINDS as _PROXY_KINDS, Config, Line, Section, Word, _new, _prepare, _seal, _setattr, lazy, paused_gc
from .views import Acl, Bind, Param, Route, Server, _duration_ms

__all__ = ["Chain", "Proxy", "Setting", "fold_chain", "nearest_in_chain", "resolve_files", "resolve_proxies"]

T = TypeVar("T")

# Timeout keywords of HAProxy 1.x, still read by 2.0 (removed in 2.1), and what they set.
LEGACY_TIMEOUTS = {"clitimeout": "client", "srvtimeout": "server", "contimeout": "connect"}


class Setting(BaseModel):
    """An effective setting: the line that sets it, and whether it comes from ``defaults``."""

    model_config = ConfigDict(frozen=True, defer_build=True, ignored_types=(lazy,))

    line: Line
    inherited: bool
    #: The word holding the value (the duration of a timeout, the mode of ``mode``), if any.
    word: Optional[Word] = None

    @lazy  # (read by several rules for every proxy)
    def value(self) -> str | None:
        return self.word.value if self.word is not None else None

    @lazy  # read by several rules for every proxy's timeouts: parsed once
    def duration(self) -> int | None:
        """The value as milliseconds, for timeouts (``None`` if malformed)."""
        return _duration_ms(self.word.value) if self.word is not None else None


class Proxy(BaseModel):
    """A defaults, frontend, backend or listen section with its effective settings.

    ``defaults`` is the section it inherits from (``None`` for a ``defaults`` section without
    ``from``, or when none precedes it). ``log`` is every log target in force: the inherited
    ones, then the proxy's own (``no log`` drops those read before it). ``timeouts`` maps ``connect``/``client``/``server``/
    ``check``/... to the setting in force; ``options`` maps an option name (``httpchk``,
    ``redispatch``) to the last line that sets or unsets it (``no option x``), own lines over
    inherited ones.
    """

    model_config = ConfigDict(frozen=True, defer_build=True, ignored_types=(lazy,))

    section: Section
    defaults: Optional[Proxy]
    mode: Optional[Setting]
    timeouts: dict[str, Setting]
    options: dict[str, Setting]
    log: list[Setting]
    default_server: dict[str, Param]
    servers: list[Server]

    @lazy  # (rules ask for every proxy, many times)
    def kind(self) -> str:
        return self.section.kind

    @property
    def name(self) -> str | None:
        return self.section.name

    @property
    def label(self) -> str:
        """``backend `app``` (or ``defaults``), for messages."""
        section = self.section
        return f"{section.kind} `{section.name}`" if section.name else section.kind

    @lazy  # (read by several rules for every proxy)
    def effective_mode(self) -> str:
        """``http`` or ``tcp`` (HAProxy's default)."""
        return self.mode.value if self.mode is not None and self.mode.value else "tcp"

    def option(self, name: str) -> Setting | None:
        """The line that enables option ``name``, or ``None`` if it is off or never set."""
        setting = self.options.get(name)
        if setting is None or setting.line.keyword in ("no", "default"):
            return None
        return setting

    def timeout(self, name: str) -> Setting | None:
        """The effective ``timeout <name>`` setting (legacy aliases included)."""
        return self.timeouts.get(name)

    @property
    def binds(self) -> list[Bind]:
        """Typed views of the section's ``bind`` lines."""
        return [Bind.from_line(line) for line in self.own("bind")]

    @property
    def routes(self) -> list[Route]:
        """The section's ``use_backend`` and ``default_backend`` lines, in order (a frontend
        without its own ``default_backend`` uses its defaults' one, which is included last)."""
        own = [Route.from_line(line) for line in self.own("use_backend", "default_backend")]
        if not any(r.line.keyword == "default_backend" for r in own) and self.defaults is not None:
            own += [Route.from_line(line) for line in self.defaults.own("default_backend")]
        return own

    @property
    def acls(self) -> list[Acl]:
        """Typed views of the section's ``acl`` lines."""
        return [Acl.from_line(line) for line in self.own("acl")]

    def own(self, *keywords: str) -> list[Line]:
        """This section's own directives with one of ``keywords``."""
        return self.section.directives_named(*keywords)

    def effective_lines(self, keyword: str) -> tuple[list[Line], bool]:
        """The ``http-check`` or ``tcp-check`` rules in force: the proxy's own if it has any,
        or if it sets its own ``option httpchk``/``option tcp-check`` (which starts an empty
        rule set), else its defaults' (HAProxy does not merge the two). Returns the lines and
        whether they are inherited."""
        option = {"http-check": "httpchk", "tcp-check": "tcp-check"}.get(keyword)

        def sets_them(proxy: Proxy) -> bool:
            return bool(proxy.own(keyword)) or (
                option is not None and any(line.find(option) == 1 for line in proxy.own("option"))
            )

        owner = nearest_in_chain(self, ("effective_lines", keyword), sets_them)
        if owner is None:
            return [], self.defaults is not None
        return owner.own(keyword), owner is not self

    @lazy  # (read by several rules for every proxy)
    def is_frontend(self) -> bool:
        return self.section.kind in ("frontend", "listen")

    @lazy  # (read by several rules for every proxy)
    def is_backend(self) -> bool:
        return self.section.kind in ("backend", "listen")


def proxy_facts(proxy: Proxy) -> dict[Hashable, Any]:
    """A dict kept on the proxy for facts that depend on its sections only, which several
    rules ask for every proxy (its check option...): compute once, then read. One dict with
    :func:`nearest_in_chain`'s answers (whose keys are strings: use tuples), so that the
    proxy's own attributes stay few."""
    memo: dict[Hashable, Any] | None = getattr(proxy, "_nearest", None)  # (see _memo; inline:
    if memo is None:  # rules ask tens of thousands of times on a large file)
        memo = {}
        _setattr(proxy, "_nearest", memo)
    return memo


def _memo(proxy: Proxy, name: str) -> Any:
    # The memos are attributes beside the fields, set by _resolve (a Proxy built otherwise
    # has none until kept).
    return getattr(proxy, name, None)


def nearest_in_chain(proxy: Proxy, key: Hashable, test: Callable[[Proxy], bool]) -> Proxy | None:
    """The first of ``proxy`` and its chain of ``defaults`` (``from``) for which ``test`` holds,
    or ``None``; ``key`` names ``test``, whose answer must depend on the sections only.

    A loop, with each answer kept on every proxy it walked through: HAProxy accepts a chain of
    thousands of defaults, where a recursion would overflow the stack, and walking the chain
    again from each proxy would take quadratic time.
    """
    memo = getattr(proxy, "_nearest", None)
    if memo is not None and key in memo:  # (most calls: asked before, of this proxy)
        return memo[key]  # type: ignore[no-any-return]
    walked: list[dict[Hashable, Any]] = []
    current: Proxy | None = proxy
    found: Proxy | None = None
    while current is not None:
        memo = getattr(current, "_nearest", None)  # (see _memo: inline, it runs for every step)
        if memo is None:
            memo = {}
            _setattr(current, "_nearest", memo)
        elif key in memo:
            found = memo[key]
            break
        walked.append(memo)
        if test(current):
            found = current
            break
        current = current.defaults
    for memo in walked:
        memo[key] = found
    return found


def fold_chain(proxy: Proxy, key: Hashable, step: Callable[[T, Proxy], T], start: T) -> T:
    """``step`` applied along the chain of ``defaults`` from the oldest to ``proxy``
    (``step(step(start, oldest), next)``...), computed once per proxy and ``key`` (which
    names ``step``, whose result must depend on the sections only), in a loop: see
    :func:`nearest_in_chain`. ``step`` must not modify the value it is given."""
    chain: list[Proxy] = []
    value = start
    current: Proxy | None = proxy
    while current is not None:
        memo = getattr(current, "_folded", None)
        if memo is not None and key in memo:
            value = memo[key]
            break
        chain.append(current)
        current = current.defaults
    for each in reversed(chain):
        value = step(value, each)
        memo = getattr(each, "_folded", None)
        if memo is None:
            memo = {}
            _setattr(each, "_folded", memo)
        memo[key] = value
    return value


def resolve_proxies(config: Config) -> list[Proxy]:
    """Every proxy section of ``config`` with its effective settings, in file order."""
    return resolve_files([config])[0]


def resolve_files(configs: Sequence[Config]) -> list[list[Proxy]]:
    """The proxies of several files HAProxy reads in this order (``-f a.cfg -f b.cfg``), per
    file: the latest ``defaults`` section, and the named ones, carry over from one file to the
    next, as they do in HAProxy."""
    chain = Chain(configs)
    return [chain.proxies(config) for config in configs]


class Chain:
    """Which ``defaults`` section each proxy section of ``configs`` inherits from, read at
    once (section headers only), and each proxy's effective settings, resolved on first
    request: a proxy, with the ``defaults`` chain above it, and nothing else."""

    def __init__(self, configs: Sequence[Config]) -> None:
        # (holds sections, not the configurations: see haproxy_lint.index.Index)
        #: id(section) -> (section, the section it inherits from), for every proxy section
        self.parent: dict[int, tuple[Section, Section | None]] = {}
        self.sections: dict[int, list[Section]] = {}
        self.resolved: dict[int, Proxy] = {}
        named_defaults: dict[str, Section] = {}
        last_defaults: Section | None = None
        for config in configs:
            sections = self.sections[id(config)] = []
            for section in config.sections:
                if section.kind not in _PROXY_KINDS:
                    continue
                if section.from_name is not None:
                    parent = named_defaults.get(section.from_name)
                elif section.kind == "defaults":
                    parent = None
                else:
                    parent = last_defaults
                self.parent[id(section)] = (section, parent)
                sections.append(section)
                if section.kind == "defaults":
                    last_defaults = section
                    if section.name:
                        named_defaults[section.name] = section

    def proxies(self, config: Config) -> list[Proxy]:
        """Every proxy of ``config`` (one of the configurations read), in file order."""
        with paused_gc():
            return [self.proxy(section) for section in self.sections.get(id(config), ())]  # type: ignore[misc]

    def proxy(self, section: Section) -> Proxy | None:
        """The effective settings of one proxy section of the configurations (``None`` for a
        section that is not one)."""
        resolved = self.resolved
        key = id(section)
        found = resolved.get(key)
        if found is not None:
            return found
        if key not in self.parent:
            return None
        # A loop, not a recursion: HAProxy accepts a chain of thousands of defaults.
        todo: list[tuple[int, Section, Section | None]] = []
        while key not in resolved:
            each, parent = self.parent[key]
            todo.append((key, each, parent))
            if parent is None:
                break
            key = id(parent)
        for key, each, parent in reversed(todo):
            found = resolved[key] = _resolve(each, resolved[id(parent)] if parent is not None else None)
        return found


def merge_params(base: dict[str, Param], new: dict[str, Param]) -> dict[str, Param]:
    """``base`` with ``new`` on top, where a flag and its ``no-`` form cancel each other
    (``default-server check`` then ``default-server no-check`` leaves only ``no-check``)."""
    merged = dict(base)
    for name, param in new.items():
        merged.pop(name[3:] if name.startswith("no-") else "no-" + name, None)
        merged[name] = param
    return merged


def _setting(line: Line, word: Word | None, inherited: bool = False) -> Setting:
    # built as haproxy_lint.model._trusted builds, the fields set here with no dict in between
    setting = _new(Setting)
    _setattr(setting, "line", line)
    _setattr(setting, "inherited", inherited)
    _setattr(setting, "word", word)
    return _seal(setting, _SETTING_FIELDS)


_SETTING_FIELDS = _prepare(Setting)


def _inherited(setting: Setting) -> Setting:
    return setting if setting.inherited else _setting(setting.line, setting.word, True)


def _handed_down(parent: Proxy) -> tuple[Setting | None, dict[str, Setting], dict[str, Setting], list[Setting]]:
    """What ``parent`` hands down to the proxies that inherit from it, marked inherited: built
    once per ``defaults`` section and shared (settings are immutable), not once per proxy."""
    cached: tuple[Setting | None, dict[str, Setting], dict[str, Setting], list[Setting]] | None
    cached = _memo(parent, "_handed_down")
    if cached is None:
        cached = (
            _inherited(parent.mode) if parent.mode else None,
            {k: _inherited(v) for k, v in parent.timeouts.items()},
            {k: _inherited(v) for k, v in parent.options.items()},
            [_inherited(s) for s in parent.log],
        )
        _setattr(parent, "_handed_down", cached)
    return cached


def _resolve(section: Section, parent: Proxy | None) -> Proxy:
    # What the proxy inherits is shared (with its defaults' other proxies) until one of its
    # own lines changes it, then copied: most proxies of a large file set few of their own.
    if parent is not None:
        mode, timeouts, options, log = _handed_down(parent)
        default_server = parent.default_server
    else:
        mode, timeouts, options, log, default_server = None, {}, {}, [], {}
    own_timeouts = own_options = own_log = parent is None
    servers: list[Server] = []

    for line in section.directives:
        keyword = line.keyword
        if keyword not in _READ:
            continue
        if keyword == "server" or keyword == "server-template":
            servers.append(Server.from_line(line, default_server))
        elif keyword == "timeout" or keyword in LEGACY_TIMEOUTS:
            words = line.words
            if keyword == "timeout":
                if len(words) < 2:
                    continue
                name, word = words[1].value, words[2] if len(words) > 2 else None
            else:
                name, word = LEGACY_TIMEOUTS[keyword], words[1] if len(words) > 1 else None
            if not own_timeouts:
                timeouts, own_timeouts = dict(timeouts), True
            timeouts[name] = _setting(line, word)
        elif keyword == "option" or (keyword in ("no", "default") and line.find("option") == 1):
            words = line.words
            at = 1 if keyword == "option" else 2
            if len(words) > at:
                if not own_options:
                    options, own_options = dict(options), True
                options[words[at].value] = _setting(line, words[at])
        elif keyword == "mode":
            words = line.words
            mode = _setting(line, words[1] if len(words) > 1 else None)
        elif keyword == "log":
            # A proxy's log lines add to those it inherits; `no log` drops all read so far.
            if not own_log:
                log, own_log = list(log), True
            log.append(_setting(line, line.words[1] if len(line.words) > 1 else None))
        elif keyword == "no" and line.find("log") == 1:
            log, own_log = [], True
        elif keyword == "default-server":
            # A server copies the default-server settings known when HAProxy reads its line:
            # a default-server line does not reach the servers above it.
            default_server = merge_params(default_server, Server.from_line(line).params)

    # Built from lines already parsed: no validation needed, and this runs once per proxy of a
    # large file: built as haproxy_lint.model._trusted builds, the fields set here one by one.
    proxy = _new(Proxy)
    _setattr(proxy, "section", section)
    _setattr(proxy, "defaults", parent)
    _setattr(proxy, "mode", mode)
    _setattr(proxy, "timeouts", timeouts)
    _setattr(proxy, "options", options)
    _setattr(proxy, "log", log)
    _setattr(proxy, "default_server", default_server)
    _setattr(proxy, "servers", servers)
    _seal(proxy, _PROXY_FIELDS)
    # The memos of nearest_in_chain, fold_chain and _handed_down: plain attributes beside the
    # fields (pydantic's private attributes would give every proxy a dict of its own).
    _setattr(proxy, "_nearest", None)
    _setattr(proxy, "_folded", None)
    _setattr(proxy, "_handed_down", None)
    return proxy


#: The keywords _resolve reads: any other line is passed over at the cost of one lookup (a
#: large frontend has thousands of acl and use_backend lines).
_READ = frozenset(
    ["server", "server-template", "default-server", "timeout", *LEGACY_TIMEOUTS, "option", "no", "default", "mode", "log"]
)
_PROXY_FIELDS = _prepare(Proxy)
