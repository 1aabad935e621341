"""One index per configuration, built lazily, that every rule shares.

The layers, one way: text -> tree (:mod:`~haproxy_lint.model`) -> views and effective
settings (:mod:`~haproxy_lint.views`, :mod:`~haproxy_lint.effective`) -> this index ->
rules. A rule asks its context (``ctx.index``, or the shortcuts ``ctx.proxies`` and
``ctx.server(line)``); whatever it asks is computed once, on first request, for the files
linted together, and shared by every rule and every line of the run:

- the proxies with their effective settings, each resolved when first asked for (a proxy
  and the ``defaults`` chain above it; :meth:`Index.proxy`), all of them for
  :meth:`Index.proxies`;
- the typed view of a ``server`` line (:meth:`Index.server`), from its own proxy only;
- the directives by keyword (:meth:`Index.lines`) and the section a directive is in
  (:meth:`Index.section_of`);
- the names sections define, per kind (:meth:`Index.defined`).

For a configuration linted on its own, the index stays with the :class:`Config` (the fixer
lints one parsed text twice: once for the rules that fix, once for the others).
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, bisect_right
from operator import attrgetter
from collections.abc import Sequence
from typing import Any

from . import model as _model
from .effective import Chain, Proxy
from .model import Config, Line, Section
from .views import Server

__all__ = ["Index", "index_of"]

_SERVER_KEYWORDS = ("server", "default-server", "server-template")
_start = attrgetter("start")


class Index:
    """What rules look up in the configurations linted together (``configs``, in the order
    HAProxy reads them). Everything is computed on first use."""

    def __init__(self, configs: Sequence[Config], *, weak: bool = False) -> None:
        # ``weak``: for the index a configuration keeps, which must not keep it alive in
        # return (a cycle would leave the whole model to the cyclic collector).
        self._configs: Any = tuple(weakref.ref(c) for c in configs) if weak else tuple(configs)
        self._weak = weak
        self._chain: Chain | None = None
        self._proxies: dict[int, list[Proxy]] = {}
        # Per keyword, its lines and their sections in two lists (pairs are made when asked
        # for: a tuple per line of a large file is megabytes).
        self._by_keyword: dict[int, dict[str, tuple[list[Line], list[Section | None]]]] = {}
        self._section_of: dict[int, list[int]] = {}
        self._servers: dict[int, dict[int, Server]] = {}
        self._defined: dict[tuple[int, str], dict[str, list[Section]]] = {}

    @property
    def configs(self) -> tuple[Config, ...]:
        """The configurations indexed, in the order HAProxy reads them."""
        if self._weak:
            return tuple(ref() for ref in self._configs)
        return self._configs  # type: ignore[no-any-return]

    @property
    def chain(self) -> Chain:
        """Who inherits from which ``defaults`` section, and the proxies resolved so far."""
        if self._chain is None:
            self._chain = Chain(self.configs)
        return self._chain

    def _config(self, config: Config | None) -> Config:
        return self.configs[0] if config is None else config

    # --- proxies and servers -------------------------------------------------------------

    def proxies(self, config: Config | None = None) -> list[Proxy]:
        """Every proxy of ``config`` (default: the first file) with its effective settings."""
        config = self._config(config)
        found = self._proxies.get(id(config))
        if found is None:
            found = self._proxies[id(config)] = self.chain.proxies(config)
        return found

    def proxy(self, section: Section) -> Proxy | None:
        """The effective settings of a proxy section, resolved alone if not yet done."""
        return self.chain.proxy(section)

    def server(self, line: Line, config: Config | None = None) -> Server:
        """The typed view of a ``server``/``default-server``/``server-template`` line: the
        one its proxy's :attr:`~Proxy.servers` hold (``inherited`` filled in) when there is
        one, else the line read alone."""
        config = self._config(config)
        servers = self._servers.get(id(config))
        if servers is None:
            servers = self._servers[id(config)] = {}
        found = servers.get(id(line))
        if found is not None:
            return found
        section = self.section_of(line, config)
        proxy = self.proxy(section) if section is not None and section.is_proxy else None
        if proxy is not None and proxy.servers and id(proxy.servers[0].line) not in servers:
            for server in proxy.servers:  # (all of this proxy's at once)
                servers[id(server.line)] = server
            found = servers.get(id(line))
            if found is not None:
                return found
        found = servers[id(line)] = Server.from_line(line)
        return found

    # --- lines ---------------------------------------------------------------------------

    def _keywords(self, config: Config) -> dict[str, tuple[list[Line], list[Section | None]]]:
        found = self._by_keyword.get(id(config))
        if found is None:
            found = self._by_keyword[id(config)] = {}
            for line in config.preamble:
                lines, sections = found.setdefault(line.keyword, ([], []))
                lines.append(line)
                sections.append(None)
            for section in config.sections:
                for line in section.directives:
                    entries = found.get(line.keyword)
                    if entries is None:
                        found[line.keyword] = ([line], [section])
                    else:
                        entries[0].append(line)
                        entries[1].append(section)
        return found

    def entries(self, keyword: str, config: Config | None = None) -> list[tuple[Line, Section | None]]:
        """The directives of ``config`` with this keyword, each with its section (``None``
        before the first section), in file order (the preamble's first)."""
        found = self._keywords(self._config(config)).get(keyword)
        return list(zip(*found)) if found is not None else []

    def lines(self, *keywords: str, config: Config | None = None) -> list[Line]:
        """The directives of ``config`` whose keyword is one of ``keywords``, in file order."""
        index = self._keywords(self._config(config))
        if len(keywords) == 1:
            found = index.get(keywords[0])
            return list(found[0]) if found is not None else []
        merged = [line for keyword in keywords if keyword in index for line in index[keyword][0]]
        return sorted(merged, key=lambda line: line.start)

    def section_of(self, line: Line, config: Config | None = None) -> Section | None:
        """The section a line of ``config`` belongs to (``None`` before the first one, and for
        a line that is not one of ``config``'s)."""
        config = self._config(config)
        starts = self._section_of.get(id(config))
        if starts is None:  # sections and their lines are in file order: two bisections, no map
            starts = self._section_of[id(config)] = [section.header.start for section in config.sections]
        i = bisect_right(starts, line.start) - 1
        if i < 0:
            return None
        section = config.sections[i]
        if line is section.header:
            return section
        lines = section.lines
        j = bisect_left(lines, line.start, key=_start)
        return section if j < len(lines) and lines[j] is line else None

    # --- names ---------------------------------------------------------------------------

    def defined(self, *kinds: str, config: Config | None = None) -> dict[str, list[Section]]:
        """The named sections of ``kinds`` in ``config`` (default: every file), by name, in
        the order HAProxy reads them."""
        key = (id(config) if config is not None else 0, " ".join(kinds))
        found = self._defined.get(key)
        if found is None:
            found = self._defined[key] = {}
            for each in (config,) if config is not None else self.configs:
                for section in each.sections:
                    if section.kind in kinds and section.name is not None:
                        found.setdefault(section.name, []).append(section)
        return found


def index_of(configs: Sequence[Config]) -> Index:
    """A new index of ``configs``; for one configuration alone, the one it keeps."""
    if len(configs) == 1:
        config = configs[0]
        found = config._index
        if found is None:
            found = config._index = Index(configs, weak=True)
        return found  # type: ignore[no-any-return]
    return Index(configs)


def _proxies_of_config(config: Config) -> list[Proxy]:
    return index_of([config]).proxies(config)


# The tree does not import this layer; it is told how to answer ``Config.proxies``.
_model._resolve_proxies = _proxies_of_config
