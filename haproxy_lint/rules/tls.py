"""HL3xx: TLS.

How HAProxy combines the version keywords (src/cfgparse-ssl.c and src/ssl_sock.c, 2.0 to 3.2),
which the rules and fixes below rely on:

- ``force-X`` sets min = max = X; ``ssl-min-ver X`` / ``ssl-max-ver X`` set one bound; ``no-X``
  sets a flag. Words are read left to right, a later one overriding an earlier one.
- ``ssl-default-bind-options`` / ``ssl-default-server-options`` in ``global`` add their flags to
  every bind / server line, and give their min / max to the lines that set none.
  ``default-server`` gives its min / max / force to its servers, but refuses ``no-X`` flags
  ("not accepted in default-server sections": an alert, and the flag is ignored).
- When flags and a min or max are both in force for a line, the flags are ignored (WARNING
  "no-sslv3/no-tlsv1x are ignored"). A bind line with no minimum gets TLSv1.2 (2.2+) or TLSv1.0
  (2.0, 2.1). The allowed versions are the range left; a hole in it draws a WARNING, an empty
  range an ALERT ("all SSL/TLS versions are disabled"), and OpenSSL 3 has no SSLv3, so
  ``force-sslv3`` leaves an empty range.
"""

from __future__ import annotations

import re

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property

from ..diagnostics import Diagnostic, Edit, Severity
from ..effective import Proxy, nearest_in_chain, proxy_facts
from ..model import Config, Line, Section, Word
from ..rule import Context, Rule
from ..views import Param, Server
from .check_servers import checks_use_tls, pools

#: Versions in HAProxy's order, spelled as ``ssl-min-ver`` / ``ssl-max-ver`` accept them.
VERSIONS = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
SSLV3, TLS10, TLS11, TLS12, TLS13 = range(5)
_SUFFIXES = ("sslv3", "tlsv10", "tlsv11", "tlsv12", "tlsv13")
FORCE = {f"force-{s}": i for i, s in enumerate(_SUFFIXES)}
NO = {f"no-{s}": i for i, s in enumerate(_SUFFIXES)}
MINMAX = ("ssl-min-ver", "ssl-max-ver")
GLOBAL_OPTIONS = {"ssl-default-bind-options": "bind", "ssl-default-server-options": "server"}
SERVER_KEYWORDS = ("server", "default-server", "server-template")
# Index of the first option word, by keyword.
_FIRST_OPTION = {"bind": 2, "server": 3, "default-server": 1, "server-template": 4, **{k: 1 for k in GLOBAL_OPTIONS}}


# --- reading the version words of a line ---------------------------------------------------


class VersionWords:
    """The TLS version words of one line (or of every global line of one side)."""

    # A plain class, not a dataclass or a NamedTuple: defining one of those costs every run
    # 0.15-0.4 ms at import.
    __slots__ = ("flags", "forces", "mins", "maxs", "options")

    def __init__(self) -> None:
        self.flags: list[tuple[int, Word]] = []
        self.forces: list[tuple[int, Word]] = []
        #: ``(keyword word, value word or None)`` of ``ssl-min-ver`` and ``ssl-max-ver``.
        self.mins: list[tuple[Word, Word | None]] = []
        self.maxs: list[tuple[Word, Word | None]] = []
        self.options = 0  # how many option words the line has

    @property
    def sets_bounds(self) -> bool:
        return bool(self.forces or self.mins or self.maxs)

    @property
    def any(self) -> bool:
        return bool(self.flags or self.sets_bounds)

    def max_index(self) -> int | None:
        """The maximum these words leave (the last one read wins), or ``None``."""
        found = None
        for word, value in _in_order(self):
            if word.value in FORCE:
                found = FORCE[word.value]
            elif word.value == "ssl-max-ver" and value is not None and value.value in VERSIONS:
                found = VERSIONS.index(value.value)
        return found


def _in_order(vw: VersionWords) -> list[tuple[Word, Word | None]]:
    pairs: list[tuple[Word, Word | None]] = [(w, None) for _, w in vw.forces] + vw.mins + vw.maxs
    return sorted(pairs, key=lambda p: p[0].start)


def tls_line_side(line: Line, section: Section | None) -> str | None:
    """``"bind"`` or ``"server"`` for a line that takes TLS version words, else ``None``."""
    keyword = line.keyword
    if keyword in GLOBAL_OPTIONS:
        return GLOBAL_OPTIONS[keyword] if section is not None and section.kind == "global" else None
    if keyword == "bind":
        return "bind"
    if keyword in SERVER_KEYWORDS:
        return "server"
    return None


def version_words(line: Line) -> VersionWords:
    words = line.words
    vw = VersionWords()
    i = _FIRST_OPTION.get(line.keyword, 1)
    vw.options = max(0, len(words) - i)
    while i < len(words):
        value = words[i].value
        if value in NO:
            vw.flags.append((NO[value], words[i]))
        elif value in FORCE:
            vw.forces.append((FORCE[value], words[i]))
        elif value in MINMAX:
            pair = (words[i], words[i + 1] if i + 1 < len(words) else None)
            (vw.mins if value == "ssl-min-ver" else vw.maxs).append(pair)
            i += 1
        i += 1
    return vw


def global_lines(configs: Sequence[Config], side: str) -> list[Line]:
    """Every ``ssl-default-<side>-options`` line of every global section."""
    keyword = f"ssl-default-{side}-options"
    return [
        line
        for config in configs
        for section in config.sections_of("global")
        for line in section.directives_named(keyword)
    ]


def side_lines(configs: Sequence[Config], side: str) -> Iterator[Line]:
    """Every bind line (side ``bind``) or server line (side ``server``) of every file."""
    keywords = ("bind",) if side == "bind" else SERVER_KEYWORDS
    for config in configs:
        for section in config.sections:
            yield from section.directives_named(*keywords)


def merged(lines: Iterable[Line]) -> VersionWords:
    total = VersionWords()
    for line in lines:
        vw = version_words(line)
        total.flags += vw.flags
        total.forces += vw.forces
        total.mins += vw.mins
        total.maxs += vw.maxs
    return total


class LazyServers:
    """The effective server of a server line, found through its proxy when asked (most lines never are)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def get(self, start: int) -> tuple[Proxy, Server] | None:
        """The proxy and effective server of the server line starting at ``start``."""
        found = facts(self.ctx)
        index = bisect_right(found.proxy_starts, start) - 1
        if index < 0:
            return None
        proxy = found.proxies[index]
        if start >= proxy.section.end:
            return None
        for server in proxy.servers:
            if server.line.start == start:
                return proxy, server
        return None


class Facts:
    """What several rules ask about the whole configuration, computed once per context (a
    large file has thousands of server lines, each asking about the same global lines)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.labels: dict[int, str] = {}

    @cached_property
    def proxies(self) -> list[Proxy]:
        return sorted(self.ctx.proxies, key=lambda p: p.section.start)

    @cached_property
    def proxy_starts(self) -> list[int]:
        return [p.section.start for p in self.proxies]

    @cached_property
    def global_lines(self) -> dict[str, list[Line]]:
        return {side: global_lines(self.ctx.configs, side) for side in ("bind", "server")}

    @cached_property
    def glob(self) -> dict[str, VersionWords]:
        return {side: merged(lines) for side, lines in self.global_lines.items()}

    @cached_property
    def global_max(self) -> dict[str, int | None]:
        return {side: vw.max_index() for side, vw in self.glob.items()}

    @cached_property
    def bounds_where(self) -> dict[str, str]:
        found = {}
        for side, lines in self.global_lines.items():
            line = next((g for g in lines if version_words(g).sets_bounds), None)
            found[side] = _line_label(self.ctx, line) if line is not None else "global"
        return found

    @cached_property
    def low_max(self) -> dict[str, bool]:
        return {side: _side_has_low_max(self.ctx, side) for side in ("bind", "server")}

    @cached_property
    def first_own_versions(self) -> dict[str, Line | None]:
        return {
            side: next((o for o in side_lines(self.ctx.configs, side) if version_words(o).any), None)
            for side in ("bind", "server")
        }


def facts(ctx: Context) -> Facts:
    return ctx.memo("tls.facts", lambda: Facts(ctx))


#: The side of each keyword whose lines take TLS version words (the global options' in the
#: global section only, as version_lines keeps them).
_SIDE = {"bind": "bind", **dict.fromkeys(SERVER_KEYWORDS, "server"), **GLOBAL_OPTIONS}


def version_lines(ctx: Context) -> list[Line]:
    """The lines of the file being checked that take TLS version words, in file order: those
    :func:`tls_line_side` gives a side, ``_SIDE[line.keyword]``. Walked once for the rules
    that look at them all."""
    return ctx.memo(
        "tls.version_lines",
        lambda: [
            line
            for section in ctx.config.sections
            for line in section.directives
            if line.keyword in _SIDE and (line.keyword not in GLOBAL_OPTIONS or section.kind == "global")
        ],
    )


def _values(line: Line) -> tuple[str, ...]:
    """The line's values, without cutting it into words when it has plain values."""
    values = line.plain_values
    return values if values is not None else tuple(line.values)


def _check_connects_ssl(proxy: Proxy) -> Line | None:
    """A ``tcp-check connect ... ssl`` / ``http-check connect ... ssl`` rule in force, if any
    (kept on the proxy: it depends on the sections only, and is asked for every server).
    Ask :func:`_some_check_connects_ssl` first: without such a rule anywhere (most
    configurations), there is no chain to walk."""
    facts = proxy_facts(proxy)
    if ("connects_ssl",) in facts:
        return facts[("connects_ssl",)]  # type: ignore[no-any-return]
    found = None
    # The rules in force are some section's of the chain: when none of them writes such a
    # rule (most chains), one walk of the chain says so, where the rules in force take two.
    writes_one = nearest_in_chain(
        proxy, "tls.writes_connect_ssl", lambda p: any(map(_connects_ssl, p.own("tcp-check", "http-check")))
    )
    for keyword in ("tcp-check", "http-check") if writes_one is not None else ():
        lines, _ = proxy.effective_lines(keyword)
        found = next(filter(_connects_ssl, lines), None)
        if found is not None:
            break
    facts[("connects_ssl",)] = found
    return found


def _some_check_connects_ssl(ctx: Context) -> bool:
    """Whether any file linted together has such a rule, for any proxy."""

    def find() -> bool:
        return any(
            _connects_ssl(line)
            for config in ctx.configs
            for section in config.sections
            for keyword in ("tcp-check", "http-check")
            for line in section.directives_named(keyword)
        )

    return ctx.memo("tls.some_check_connects_ssl", find, per_file=False)


def _connects_ssl(line: Line) -> bool:
    values = _values(line)
    return len(values) > 1 and values[1] == "connect" and "ssl" in values[2:]


def server_uses_ssl(ctx: Context, proxy: Proxy | None, server: Server) -> bool:
    """Whether the server's traffic or health checks go over TLS."""
    if server.has("ssl") or server.has("check-ssl"):
        return True
    return proxy is not None and _some_check_connects_ssl(ctx) and _check_connects_ssl(proxy) is not None


def line_uses_ssl(ctx: Context, line: Line, servers: LazyServers) -> bool:
    """Whether the line's TLS settings are used: a bind with ``ssl``, a server using TLS; global
    and default-server lines are assumed to be."""
    keyword = line.keyword
    if keyword == "bind":
        return "ssl" in line.values[2:]
    if keyword in ("server", "server-template"):
        found = servers.get(line.start)
        if found is not None:
            return server_uses_ssl(ctx, *found)
        return server_uses_ssl(ctx, None, Server.from_line(line))
    return True


def delete_word(line: Line, word: Word) -> Edit:
    """Delete a word with the blanks before it."""
    words = line.words
    index = next(i for i, w in enumerate(words) if w.start == word.start)
    start = words[index - 1].end if index > 0 else word.start
    return Edit(start=start, end=word.end, text="")


def inherited_bounds(server: Server | None) -> bool:
    """Whether a server gets a min, max or force from ``default-server``."""
    if server is None:
        return False
    return any(name in server.inherited for name in (*MINMAX, *FORCE))


def outside_max(ctx: Context, side: str, line: Line, server: Server | None) -> int | None:
    """The lowest maximum version the line may get from elsewhere (its default-server, the
    global options of its side), or ``None``: a fix raising the minimum must stay below it."""
    candidates: list[int] = []
    if line.keyword not in GLOBAL_OPTIONS:
        found = facts(ctx).global_max[side]
        if found is not None:
            candidates.append(found)
    if server is not None:
        for name, param in server.inherited.items():
            if name in FORCE:
                candidates.append(FORCE[name])
            elif name == "ssl-max-ver" and param.value in VERSIONS:
                candidates.append(VERSIONS.index(param.value))
    return min(candidates) if candidates else None


def overridden_after(vw: VersionWords, word: Word) -> tuple[bool, bool]:
    """Whether words after ``word`` on its line set the maximum, and the minimum, again."""
    later = [w.value for w, _ in _in_order(vw) if w.start > word.start]
    return (
        any(v == "ssl-max-ver" or v in FORCE for v in later),
        any(v == "ssl-min-ver" or v in FORCE for v in later),
    )


def side_has_low_max(ctx: Context, side: str) -> bool:
    return facts(ctx).low_max[side]


def _side_has_low_max(ctx: Context, side: str) -> bool:
    """Whether some bind (or server) line caps the version below TLSv1.2 itself: raising the
    global minimum of that side to TLSv1.2 would leave such a line with no version."""
    for line in side_lines(ctx.configs, side):
        vw = version_words(line)
        if vw.mins or vw.forces:
            continue  # its own minimum wins over the global one
        for _, value in vw.maxs:
            if value is not None and value.value in VERSIONS and VERSIONS.index(value.value) < TLS12:
                return True
    return False


def fix_may_raise_min(ctx: Context, side: str, line: Line, server: Server | None, vw: VersionWords, word: Word) -> bool:
    """Whether ``word`` (a ``force-*``) can become ``ssl-min-ver TLSv1.2`` without leaving a
    maximum below TLSv1.2: the line's other maximums, else those from elsewhere, must allow it."""
    if any(w is not word and w.start != word.start for _, w in vw.forces):
        return False
    if line.keyword in GLOBAL_OPTIONS and side_has_low_max(ctx, side):
        return False
    own = [v for _, v in vw.maxs]
    if any(v is None or v.value not in VERSIONS or VERSIONS.index(v.value) < TLS12 for v in own):
        return False
    if own:
        return True
    limit = outside_max(ctx, side, line, server)
    return limit is None or limit >= TLS12


def _line_label(ctx: Context, line: Line) -> str:
    """``line 12``, or ``other.cfg, line 12`` for a line of another file linted with this one."""
    labels = facts(ctx).labels
    if id(line) not in labels:
        labels[id(line)] = _find_line_label(ctx, line)
    return labels[id(line)]


def _find_line_label(ctx: Context, line: Line) -> str:
    for config in ctx.configs:
        if any(candidate is line for candidate in config.lines):
            where = f"line {config.position(line.start)[0]}"
            return where if config is ctx.config else f"{config.path}, {where}"
    return f"line {ctx.config.position(line.start)[0]}"


def global_bounds_where(ctx: Context, side: str) -> str:
    """Where the global options of ``side`` set a minimum or maximum: ``line 3``."""
    return facts(ctx).bounds_where[side]


def bound_text(pair: tuple[Word, Word | None]) -> str:
    word, value = pair
    return f"`{word.value} {value.value}`" if value is not None else f"`{word.value}`"


def _words_text(words: Sequence[Word]) -> str:
    return " ".join(w.value for w in words)


def _owner(line: Line) -> str:
    """``server `app1```, ``bind `:443```, ``default-server``, ``ssl-default-bind-options``."""
    keyword = line.keyword
    words = line.words
    if keyword in ("server", "server-template", "bind") and len(words) > 1:
        return f"{keyword} `{words[1].value}`"
    return f"`{keyword}`"


# --- HL301 ---------------------------------------------------------------------------------


class SSLv3Enabled(Rule):
    """Reports `force-sslv3`, which allows SSLv3 and nothing else.

    ## Why is this bad?
    SSLv3 is broken (POODLE) and OpenSSL 3 no longer has it at all. On a bind or server that
    uses SSL, HAProxy built with OpenSSL 3 (Debian 12, RHEL 9, Ubuntu 22.04 and later) refuses
    the configuration: "all SSL/TLS versions are disabled". In `ssl-default-bind-options` or
    `ssl-default-server-options` it does the same for every bind or server line that sets no
    version of its own.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:443 ssl verify required ca-file /etc/ssl/certs/ca.pem force-sslv3
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:443 ssl verify required ca-file /etc/ssl/certs/ca.pem ssl-min-ver TLSv1.2
    ```

    ## Fix safety
    Unsafe: `force-sslv3` becomes `ssl-min-ver TLSv1.2`, so the peer must speak TLS 1.2 or 1.3
    instead of SSLv3. That is the point, but a peer that really only speaks SSLv3 stops
    working (it already cannot work with OpenSSL 3). No fix is offered when the line also sets
    `ssl-min-ver`, `ssl-max-ver` or another `force-*`, or when a maximum below TLSv1.2 comes
    from `default-server` or the global options: choose the versions by hand.

    ## Exceptions
    None with OpenSSL 3. With an old OpenSSL built with SSLv3, a legacy peer may still need it;
    isolate it and plan its replacement.

    ## References
    - configuration.txt: "force-sslv3", "ssl-min-ver", "ssl-default-bind-options"
    """

    code = "HL301"
    name = "sslv3-enabled"
    severity = Severity.ERROR
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        servers = LazyServers(ctx)
        for line in version_lines(ctx):
            if "force-sslv3" not in line.text:
                continue
            side = _SIDE[line.keyword]
            vw = version_words(line)
            for index, word in vw.forces:
                if index != SSLV3:
                    continue
                found = servers.get(line.start)
                server = found[1] if found else None
                later_max, later_min = overridden_after(vw, word)
                fix = None
                if fix_may_raise_min(ctx, side, line, server, vw, word):
                    fix = ctx.fix("replace `force-sslv3` with `ssl-min-ver TLSv1.2`", "unsafe", ctx.replace(word, "ssl-min-ver TLSv1.2"))
                if later_max:
                    message = f"`force-sslv3` on {_owner(line)} (widened by a later `ssl-max-ver`) still allows SSLv3; use `ssl-min-ver TLSv1.2`"
                    if later_min:
                        message = f"`force-sslv3` on {_owner(line)} is overridden by later version words; remove it"
                    yield ctx.report(self, word, message, fix=fix, severity=Severity.WARNING)
                elif line_uses_ssl(ctx, line, servers):
                    message = f"`force-sslv3` on {_owner(line)} allows only SSLv3, which OpenSSL 3 lacks: HAProxy refuses to start; use `ssl-min-ver TLSv1.2`"
                    yield ctx.report(self, word, message, fix=fix)
                else:
                    message = f"`force-sslv3` on {_owner(line)} allows only SSLv3 (broken, and absent from OpenSSL 3): HAProxy refuses it once SSL is enabled; use `ssl-min-ver TLSv1.2`"
                    yield ctx.report(self, word, message, fix=fix, severity=Severity.WARNING)


# --- HL302 ---------------------------------------------------------------------------------


class ForceTLSVersion(Rule):
    """Reports `force-tlsv10`, `force-tlsv11`, `force-tlsv12` and `force-tlsv13`, the legacy way
    to pin one TLS version.

    ## Why is this bad?
    Since HAProxy 1.8 the documentation points to `ssl-min-ver` and `ssl-max-ver` for choosing
    versions. `force-*` hides that it sets both bounds at once: a bind or server pinned to one
    version breaks the day the peer drops it (a `force-tlsv12` client side never negotiates
    TLS 1.3). Writing both bounds makes the pin visible, and easy to widen.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:443 ssl verify required ca-file /etc/ssl/certs/ca.pem force-tlsv12
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:443 ssl verify required ca-file /etc/ssl/certs/ca.pem ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3
    ```

    ## Fix safety
    Safe: `force-tlsv12` becomes `ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2` in the same place,
    which is exactly what HAProxy does with `force-tlsv12` (it sets the minimum and the
    maximum), so the words around it keep their effect. The pin stays: widen `ssl-max-ver` by
    hand if the peer allows it. `force-tlsv10` and `force-tlsv11` are also reported by HL304
    (obsolete versions), whose unsafe fix raises the minimum.

    ## Exceptions
    A peer that misbehaves with any other version; the explicit bounds still say so better.

    ## References
    - configuration.txt: "force-tlsv12", "ssl-min-ver", "ssl-max-ver"
    """

    code = "HL302"
    name = "force-tls-version"
    severity = Severity.INFO
    fixable = "safe"
    keywords = frozenset({"bind", *SERVER_KEYWORDS, *GLOBAL_OPTIONS})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if "force-tlsv1" not in line.text or tls_line_side(line, section) is None:
            return ()  # (most server and bind lines: no generator made for them)
        return self._findings(ctx, line)

    def _findings(self, ctx: Context, line: Line) -> Iterator[Diagnostic]:
        vw = version_words(line)
        for index, word in vw.forces:
            if index == SSLV3:
                continue  # HL301
            version = VERSIONS[index]
            text = f"ssl-min-ver {version} ssl-max-ver {version}"
            # HAProxy reads the words in order: a later bound overrides this one's.
            later = [w.value for w, _ in _in_order(vw) if w.start > word.start]
            keep_min = not any(v == "ssl-min-ver" or v in FORCE for v in later)
            keep_max = not any(v == "ssl-max-ver" or v in FORCE for v in later)
            parts = ([f"ssl-min-ver {version}"] if keep_min else []) + ([f"ssl-max-ver {version}"] if keep_max else [])
            if parts:
                new = " ".join(parts)
                fix = ctx.fix(f"replace `{word.value}` with `{new}`", "safe", ctx.replace(word, new))
            else:
                new = ""
                fix = ctx.fix(f"remove `{word.value}` (later words override it)", "safe", delete_word(line, word))
            if keep_min and keep_max:
                message = f"`{word.value}` pins {_owner(line)} to {version} only; write `{text}` (and widen `ssl-max-ver` if the peer allows)"
            elif new:
                message = f"`{word.value}` on {_owner(line)} is the legacy form of `{text}`, and later words override part of it; write `{new}`"
            else:
                message = f"`{word.value}` on {_owner(line)} has no effect: later words set both bounds; remove it"
            yield ctx.report(self, word, message, fix=fix)


# --- HL303 ---------------------------------------------------------------------------------


def allowed_versions(flags: set[int], side: str, version: tuple[int, int]) -> list[int]:
    """The versions left by ``no-*`` flags when no minimum or maximum is set."""
    lowest = SSLV3
    if side == "bind":
        lowest = TLS12 if version >= (2, 2) else TLS10
    return [v for v in range(len(VERSIONS)) if v >= lowest and v not in flags]


def range_words(allowed: list[int], side: str) -> str:
    """``ssl-min-ver`` / ``ssl-max-ver`` words for a contiguous range of versions."""
    lo, hi = allowed[0], allowed[-1]
    parts = []
    if lo > SSLV3 or side == "bind":
        parts.append(f"ssl-min-ver {VERSIONS[lo]}")
    if hi < TLS13:
        parts.append(f"ssl-max-ver {VERSIONS[hi]}")
    return " ".join(parts)


def is_contiguous(allowed: list[int]) -> bool:
    return bool(allowed) and allowed == list(range(allowed[0], allowed[-1] + 1))


class NoTLSVersionFlags(Rule):
    """Reports `no-sslv3`, `no-tlsv10`, `no-tlsv11`, `no-tlsv12` and `no-tlsv13`, which the
    documentation replaces with `ssl-min-ver` and `ssl-max-ver`.

    ## Why is this bad?
    The documentation of each flag says "Use ssl-min-ver and ssl-max-ver instead", and the
    flags have traps: they are silently dropped (HAProxy only warns) as soon as the line, its
    `default-server` or the global options set `ssl-min-ver`/`ssl-max-ver`; `default-server`
    refuses them ("not accepted in default-server sections", then ignored); a hole such as
    `no-tlsv11` between allowed versions is not honoured (HAProxy warns and keeps the whole span); and flags that disable every version make HAProxy
    refuse to start. A range says what is meant.

    ## Example
    ```haproxy
    global
        ssl-default-bind-options no-sslv3 no-tlsv10 no-tlsv11
    ```

    ## Use instead
    ```haproxy
    global
        ssl-default-bind-options ssl-min-ver TLSv1.2
    ```

    ## Fix safety
    Safe, and offered only where the meaning is kept exactly: when the flags leave one
    contiguous range, they are replaced (all together) with the `ssl-min-ver`/`ssl-max-ver`
    words of the range HAProxy really allows, including the built-in minimum of bind lines
    (TLSv1.2 since 2.2, TLSv1.0 before). Flags that HAProxy ignores because a minimum or
    maximum is in force are removed. No fix on `default-server` (the flags never worked there:
    adding a range would change behaviour), for holes or empty ranges, for flags that combine
    with the global options' flags, or for global flags while some bind or server line sets
    its own versions (the change would alter how they combine).

    ## Exceptions
    None: the range form is always available (HAProxy 1.8 and later).

    ## References
    - configuration.txt: "no-tlsv10", "ssl-min-ver", "ssl-default-bind-options"
    """

    code = "HL303"
    name = "no-tls-version-flags"
    severity = Severity.INFO
    fixable = "safe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        servers = LazyServers(ctx)
        glob = facts(ctx).glob
        for line in version_lines(ctx):
            if "no-sslv3" not in line.text and "no-tlsv1" not in line.text:
                continue
            side = _SIDE[line.keyword]
            vw = version_words(line)
            if vw.flags:
                yield self._report(ctx, line, side, vw, glob[side], servers)

    def _report(self, ctx: Context, line: Line, side: str, vw: VersionWords, glob: VersionWords, servers: LazyServers) -> Diagnostic:
        flag_words = [w for _, w in vw.flags]
        text = _words_text(flag_words)
        target = (flag_words[0].start, flag_words[-1].end)
        flags = {i for i, _ in vw.flags}
        is_global = line.keyword in GLOBAL_OPTIONS
        found = servers.get(line.start)
        server = found[1] if found else None

        if line.keyword == "default-server":
            allowed = allowed_versions(flags, "server", ctx.version)
            meant = f" (`{range_words(allowed, 'server')}` is what it asks for)" if is_contiguous(allowed) else ""
            message = f"`{text}` is not accepted on `default-server`: HAProxy ignores it (with an alert); use `ssl-min-ver`/`ssl-max-ver` there instead{meant}"
            return ctx.report(self, target, message, severity=Severity.WARNING)

        # Flags are ignored when a minimum or maximum is in force for the line.
        reason = None
        if vw.sets_bounds:
            reason = f"the same line sets {bound_text(_in_order(vw)[0])}"
        elif inherited_bounds(server):
            param = next(server.inherited[n] for n in server.inherited if n in MINMAX or n in FORCE)  # type: ignore[union-attr]
            reason = f"its default-server (line {ctx.config.position(param.line.start)[0]}) sets {bound_text((param.word, param.value_word))}"
        elif glob.sets_bounds:
            reason = f"`ssl-default-{side}-options` ({global_bounds_where(ctx, side)}) sets {bound_text(_in_order(glob)[0])}"
        if reason is not None:
            if is_global and len(flag_words) == vw.options:
                edits: tuple[Edit, ...] = (ctx.delete_line(line),)
            else:
                edits = tuple(delete_word(line, w) for w in flag_words)
            fix = ctx.fix(f"remove the ignored `{text}`", "safe", *edits)
            message = f"`{text}` on {_owner(line)} is ignored because {reason}; remove it"
            return ctx.report(self, target, message, fix=fix, severity=Severity.WARNING)

        # Global flags add to every line's; a global line's own flags are among them.
        all_flags = flags | {i for i, _ in glob.flags}
        allowed = allowed_versions(all_flags, side, ctx.version)
        if not allowed:
            uses = line_uses_ssl(ctx, line, servers)
            floor = " (bind lines start at TLSv1.2)" if side == "bind" and ctx.version >= (2, 2) and not flags >= {TLS12, TLS13} else ""
            message = f"`{text}` on {_owner(line)} disables every SSL/TLS version{floor}: HAProxy refuses it; choose a range with `ssl-min-ver`/`ssl-max-ver`"
            return ctx.report(self, target, message, severity=Severity.ERROR if uses else Severity.WARNING)
        if not is_contiguous(allowed):
            holes = [VERSIONS[v] for v in range(allowed[0], allowed[-1] + 1) if v not in allowed]
            message = (
                f"`{text}` on {_owner(line)} leaves a hole at {', '.join(holes)}, which HAProxy does not honour "
                f"(it warns); choose a range with `ssl-min-ver`/`ssl-max-ver`"
            )
            return ctx.report(self, target, message, severity=Severity.WARNING)

        replacement = range_words(allowed, side)
        message = f"`{text}` on {_owner(line)} is the legacy way to choose TLS versions; write `{replacement}`"
        fix = None
        others = facts(ctx).global_lines[side]
        if not is_global and glob.flags:
            first = next(g for g in others if version_words(g).flags)
            message += (
                f" (counting the flags of `ssl-default-{side}-options` at {_line_label(ctx, first)}; "
                "not fixed automatically, as the two combine)"
            )
        elif is_global and any(version_words(other).flags for other in others if other is not line):
            message += f" (merged with the other `ssl-default-{side}-options` lines; not fixed automatically)"
        elif is_global and (own := facts(ctx).first_own_versions[side]) is not None:
            message += (
                f" (not fixed automatically: {_owner(own)} at {_line_label(ctx, own)} sets its own versions, "
                "which would combine differently)"
            )
        else:
            edits = (ctx.replace(flag_words[0], replacement), *(delete_word(line, w) for w in flag_words[1:]))
            fix = ctx.fix(f"replace `{text}` with `{replacement}`", "safe", *edits)
        return ctx.report(self, target, message, fix=fix)


# --- HL304 ---------------------------------------------------------------------------------


class ObsoleteTLSVersion(Rule):
    """Reports `ssl-min-ver` set to SSLv3, TLSv1.0 or TLSv1.1, and `force-tlsv10`/`force-tlsv11`.

    ## Why is this bad?
    SSLv3, TLS 1.0 and TLS 1.1 have known attacks (POODLE, BEAST, weak MD5/SHA-1 handshakes),
    RFC 8996 deprecates TLS 1.0 and 1.1, browsers and modern servers refuse them, and OpenSSL 3
    only negotiates them at security level 0. Allowing them invites downgrades; pinning them
    breaks against up-to-date peers.

    ## Example
    ```haproxy
    global
        ssl-default-bind-options ssl-min-ver TLSv1.0
    ```

    ## Use instead
    ```haproxy
    global
        ssl-default-bind-options ssl-min-ver TLSv1.2
    ```

    ## Fix safety
    Unsafe: the minimum becomes TLSv1.2 (`ssl-min-ver TLSv1.0` -> `ssl-min-ver TLSv1.2`,
    `force-tlsv10` -> `ssl-min-ver TLSv1.2`), so old clients or servers stop connecting. An
    `ssl-max-ver` below TLSv1.2 on the same line is removed with it (it would leave no version
    at all). No fix when a maximum below TLSv1.2 comes from elsewhere (`default-server`, the
    global options), or, for `force-*`, when the line has other version words.

    ## Exceptions
    A legacy peer that cannot be upgraded: keep the old version on that one line only, and
    silence the rule there.

    ## References
    - configuration.txt: "ssl-min-ver", "force-tlsv10"; RFC 8996
    """

    code = "HL304"
    name = "obsolete-tls-version"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        servers = LazyServers(ctx)
        for line in version_lines(ctx):
            if "ssl-min-ver" not in line.text and "force-tlsv1" not in line.text:
                continue
            side = _SIDE[line.keyword]
            vw = version_words(line)
            found = servers.get(line.start)
            server = found[1] if found else None
            if not vw.mins and not vw.forces:
                continue
            limit = outside_max(ctx, side, line, server)
            outside_ok = limit is None or limit >= TLS12
            for keyword, value in vw.mins:
                if value is None or value.value not in VERSIONS[:TLS12]:
                    continue
                fix = None
                valid = [(k, v) for k, v in vw.maxs if v is not None and v.value in VERSIONS]
                low_max = [(k, v) for k, v in valid if VERSIONS.index(v.value) < TLS12]
                # Once the low maximums are gone, the line's maximum comes from elsewhere
                # unless it keeps one of its own.
                keeps_max = len(low_max) < len(valid)
                blocked = line.keyword in GLOBAL_OPTIONS and side_has_low_max(ctx, side)
                if not vw.forces and not blocked and len(valid) == len(vw.maxs) and (keeps_max or outside_ok):
                    edits = [ctx.replace(value, "TLSv1.2")]
                    edits += [e for k, v in low_max for e in (delete_word(line, k), delete_word(line, v))]  # type: ignore[arg-type]
                    title = "raise the minimum to `TLSv1.2`" + (" and drop the lower `ssl-max-ver`" if low_max else "")
                    fix = ctx.fix(title, "unsafe", *edits)
                message = f"`ssl-min-ver {value.value}` on {_owner(line)} allows an obsolete protocol version; use `ssl-min-ver TLSv1.2`"
                yield ctx.report(self, (keyword.start, value.end), message, fix=fix)
            for index, word in vw.forces:
                if index not in (TLS10, TLS11):
                    continue
                later_max, later_min = overridden_after(vw, word)
                if later_min:
                    continue  # the minimum it sets is overridden: not an obsolete minimum
                fix = None
                if fix_may_raise_min(ctx, side, line, server, vw, word):
                    fix = ctx.fix(f"replace `{word.value}` with `ssl-min-ver TLSv1.2`", "unsafe", ctx.replace(word, "ssl-min-ver TLSv1.2"))
                if later_max:
                    message = f"`{word.value}` on {_owner(line)} allows the obsolete {VERSIONS[index]}; use `ssl-min-ver TLSv1.2`"
                else:
                    message = f"`{word.value}` pins {_owner(line)} to the obsolete {VERSIONS[index]}; use `ssl-min-ver TLSv1.2`"
                yield ctx.report(self, word, message, fix=fix)


# --- HL305 ---------------------------------------------------------------------------------


def _names(servers: list[tuple[Proxy, Server]], qualified: bool) -> str:
    names = [f"`{p.name}/{s.name}`" if qualified else f"`{s.name}`" for p, s in servers]
    head = ", ".join(names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ("server " if len(names) == 1 else "servers ") + head + more


def group_by_param(items: Iterable[tuple[Proxy, Server, Param]]) -> list[tuple[Param, list[tuple[Proxy, Server]]]]:
    """Servers grouped by the parameter (one written word) they share, in text order."""
    groups: dict[int, tuple[Param, list[tuple[Proxy, Server]]]] = {}
    for proxy, server, param in items:
        groups.setdefault(param.word.start, (param, []))[1].append((proxy, server))
    return [groups[k] for k in sorted(groups)]


def param_origin(ctx: Context, param: Param, server: Server) -> str:
    """`` (inherited from default-server at line 12)`` when the parameter is not the server's own."""
    if param.line.start == server.line.start:
        return ""
    return f" (inherited from default-server at line {ctx.config.position(param.line.start)[0]})"


class VerifyNone(Rule):
    """Reports `verify none` on servers that use SSL, and `ssl-server-verify none` in `global`.

    ## Why is this bad?
    With `verify none` HAProxy accepts any certificate from the server: anyone who can reach
    the path between HAProxy and the backend (a compromised host, ARP or DNS spoofing, a
    misrouted VLAN) can impersonate it and read or change the traffic. TLS then only hides
    the traffic from passive observers. `ssl-server-verify none` does the same for every
    server without its own `verify`.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:443 ssl verify none
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:443 ssl verify required ca-file /etc/haproxy/backend-ca.pem
    ```

    ## Fix safety
    No automatic fix: only you know which CA signs the backend's certificate. Set
    `verify required` with a `ca-file` (or `ca-file @system-ca` from HAProxy 2.6 for publicly
    signed certificates), and `sni`/`verifyhost` so the name is checked too.

    ## Exceptions
    Servers on this host (a loopback address or a socket file) are not reported, nor
    `ssl-server-verify none` when every TLS server is on this host: nobody can sit between
    HAProxy and them. Servers whose address comes from an environment variable
    (`${BACKEND}:443`) get info rather than a warning: where they are is not in the file. Fine to suppress with a comment: a network you trust as much as the
    machine itself; a backend whose self-signed certificate you cannot get (better:
    pin it with `ca-file`).

    ## References
    - configuration.txt: "verify" (server), "ssl-server-verify", "ca-file"
    """

    code = "HL305"
    name = "verify-none"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        remote_ssl = []
        some_connect = _some_check_connects_ssl(ctx)
        for pool in pools(ctx):
            proxy = pool.proxy
            connects = some_connect and _check_connects_ssl(proxy) is not None  # (server_uses_ssl, once per proxy)
            if not connects and "ssl" not in pool.names and "check-ssl" not in pool.names:
                continue  # (no server uses TLS)
            remote_ssl += [(proxy, server) for server in pool.servers
                           if (connects or server.has("ssl") or server.has("check-ssl")) and not on_this_host(server)]
        for section in ctx.config.sections_of("global"):
            for line in section.directives_named("ssl-server-verify"):
                if len(line.words) > 1 and line.words[1].value == "none" and (remote_ssl or not ctx.proxies):
                    message = "`ssl-server-verify none` disables certificate checks for every server without its own `verify`; remove it and give servers a `ca-file`"
                    unseen = bool(remote_ssl) and all(address_unseen(s) for _, s in remote_ssl)
                    yield ctx.report(self, line, message, severity=Severity.INFO if unseen else None)
        items = []
        for proxy, server in remote_ssl:
            param = server.get("verify")
            if param is not None and param.value == "none":
                items.append((proxy, server, param))
        for param, group in group_by_param(items):
            qualified = len({p.name for p, _ in group}) > 1
            where = " on this default-server" if param.line.keyword == "default-server" else ""
            message = (
                f"`verify none`{where} disables certificate checks for {_names(group, qualified)}; "
                "set `verify required` with a `ca-file`"
            )
            unseen = all(address_unseen(server) for _, server in group)
            yield ctx.report(self, param, message, severity=Severity.INFO if unseen else None)


def address_unseen(server: Server) -> bool:
    """An address the linter cannot see (``${BACKEND}:443``): it may well be on this host, so
    an exposure is not established."""
    return server.address is not None and server.address.kind == "env"


def on_this_host(server: Server) -> bool:
    """A server reached without leaving the machine: nobody can sit between HAProxy and it
    (the documented exception)."""
    return server.address is not None and server.address.on_this_host


# --- HL306 ---------------------------------------------------------------------------------


def _server_verify_global(configs: Sequence[Config]) -> str:
    """The global ``ssl-server-verify`` value (the last one read), default ``required``."""
    value = "required"
    for config in configs:
        for section in config.sections_of("global"):
            for line in section.directives_named("ssl-server-verify"):
                if len(line.words) > 1:
                    value = line.words[1].value
    return value


class SSLVerifyWithoutCA(Rule):
    """Reports servers that verify the server certificate (the default) but have no `ca-file`.

    ## Why is this bad?
    HAProxy verifies server certificates by default (`verify required`, unless `global` says
    `ssl-server-verify none`), and verifying needs a CA. A server with `ssl` (or `check-ssl`,
    or a `tcp-check connect ssl`/`http-check connect ssl` rule, or `ssl` from a
    `default-server` even when the server says `no-ssl`) and no `ca-file` of its own or from
    `default-server` makes HAProxy refuse to start: "verify is enabled by default but no CA
    file specified". A global `ca-base` does not help: it is only the folder that relative
    `ca-file` paths are read from (the hazard catalogue said otherwise; the documentation and
    HAProxy 2.6 and 2.8 agree that `ca-base` alone is refused).

    ## Example
    ```haproxy
    global
        ca-base /etc/ssl/certs
    backend app
        server app1 10.0.0.1:443 ssl
    ```

    ## Use instead
    ```haproxy
    global
        ca-base /etc/ssl/certs
    backend app
        server app1 10.0.0.1:443 ssl ca-file backend-ca.pem
    ```

    ## Fix safety
    No automatic fix: add the `ca-file` that signs the backend's certificate (on the server or
    its `default-server`; `@system-ca` from 2.6 for public CAs). `verify none` also silences
    HAProxy, but then nothing checks the certificate (HL305).

    ## Exceptions
    None: HAProxy refuses the configuration (unless started with `-dV`).

    ## References
    - configuration.txt: "verify" (server), "ca-file", "ca-base", "ssl-server-verify"
    """

    code = "HL306"
    name = "ssl-verify-without-ca"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        global_verify = _server_verify_global(ctx.configs)
        system_ca = " (`@system-ca` for public CAs)" if ctx.version >= (2, 6) else ""
        some_connect = _some_check_connects_ssl(ctx)
        for pool in pools(ctx):
            connect = _check_connects_ssl(pool.proxy) if some_connect else None
            if connect is None and "ssl" not in pool.names and "check-ssl" not in pool.names:
                continue  # (no server uses TLS)
            for server in pool.servers:
                if server.kind == "default-server":
                    continue
                ssl = server.get("ssl") or server.inherited.get("ssl")
                check_ssl = server.get("check-ssl")
                if ssl is None and check_ssl is None and connect is None:
                    continue
                verify = server.get("verify")
                mode = verify.value if verify is not None else global_verify
                if mode != "required" or server.get("ca-file") is not None:
                    continue
                why = (
                    "certificate verification is on by default"
                    if verify is None
                    else f"`verify required`{param_origin(ctx, verify, server)}"
                )
                if ssl is not None and ssl.line.start == server.line.start:
                    target, via = ssl.word, "`ssl`"
                elif check_ssl is not None and check_ssl.line.start == server.line.start:
                    target, via = check_ssl.word, "`check-ssl`"
                else:
                    target = server.name_word or server.line
                    if ssl is not None and "no-ssl" in server.params:
                        via = f"`ssl` from the default-server at line {ctx.config.position(ssl.line.start)[0]} (despite `no-ssl`, HAProxy still sets up TLS for it)"
                    elif ssl is not None:
                        via = f"`ssl`{param_origin(ctx, ssl, server)}"
                    elif check_ssl is not None:
                        via = f"`check-ssl`{param_origin(ctx, check_ssl, server)}"
                    else:
                        via = f"SSL checks (`{' '.join(connect.values)}`)"  # type: ignore[union-attr]
                message = (
                    f"server `{server.name}` uses {via} and {why}, but has no `ca-file`: HAProxy refuses to start; "
                    f"add `ca-file <CA bundle>`{system_ca}, or `verify none` if you accept an unchecked certificate"
                )
                yield ctx.report(self, target, message)


# --- HL307 ---------------------------------------------------------------------------------

_STR_SNI = re.compile(r"str\(([A-Za-z0-9_.-]+)\)")


def _connect_sets_sni(proxy: Proxy) -> bool:
    """Whether an `http-check connect` or `tcp-check connect` of the checks in force names an
    SNI itself."""
    for keyword in ("http-check", "tcp-check"):
        lines, _ = proxy.effective_lines(keyword)
        if any(values[1:2] == ("connect",) and "sni" in values[2:] for values in map(_values, lines)):
            return True
    return False


def _auto_sni(proxy: Proxy) -> bool:
    """HAProxy 3.3 and later: whether an HTTPS check takes its SNI from its Host header (an
    HTTP check with a Host header and no `http-check connect` rule)."""
    from .health_checks import check_lines, check_type, http_owner, proxy_requests

    owner = http_owner(proxy)
    if check_type(proxy).name != "httpchk" or owner is None:
        return False
    if any(_values(line)[1:2] == ("connect",) for line in check_lines(owner).http_rules):
        return False
    requests = proxy_requests(owner)
    return bool(requests) and requests[0].has_host


class SniWithoutCheckSni(Rule):
    """Reports TLS servers that send an SNI (`sni`) with their traffic while their TLS health
    checks send none (no `check-sni`).

    ## Why is this bad?
    `sni` only applies to the traffic: health checks do not evaluate it, and without
    `check-sni` their TLS handshake names no server. A server that hosts several names on one
    address (a shared web server, an ingress controller, a CDN or cloud load balancer) then
    answers the checks with its default certificate, or refuses the handshake: the checks fail
    while the traffic works, or pass against another site and say nothing about the one the
    traffic goes to. HAProxy says nothing. From HAProxy 3.3 an HTTPS check without
    `http-check connect` takes its SNI from its `Host` header (`check-sni-auto`), and such
    checks are not reported.

    ## Example
    ```haproxy
    backend app
        option httpchk GET /health
        server app1 203.0.113.10:443 ssl verify required ca-file /etc/ssl/certs/ca-certificates.crt sni str(app.example.com) check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk GET /health
        server app1 203.0.113.10:443 ssl verify required ca-file /etc/ssl/certs/ca-certificates.crt sni str(app.example.com) check check-sni app.example.com
    ```

    ## Fix safety
    Unsafe, for a constant name (`sni str(app.example.com)`): the fix adds `check-sni
    app.example.com` to the line that sets `sni`. The checks then reach the site the traffic
    goes to, and may start failing where they passed against the default site. With an
    expression (`sni req.hdr(host)`, a warning would be too strong: advice, info) no fix:
    choose the name the checks should use.

    ## Exceptions
    A server whose default certificate is the one the traffic gets anyway, or whose checks go
    to another port in clear text (those are not reported). Checks whose `http-check connect`
    or `tcp-check connect` sets `sni` are not reported.

    ## References
    HAProxy configuration manual: `sni`, `check-sni`, `check-sni-auto` (3.3), `check-ssl`.
    """

    code = "HL307"
    name = "sni-without-check-sni"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        items = []
        for pool in pools(ctx):
            if not pool.is_backend or "sni" not in pool.names:
                continue
            proxy = pool.proxy
            # The servers that set `sni` first (few do): the checks in force are read only for them.
            sends = [(server, param) for server in pool.servers
                     if (param := server.get("sni")) is not None and param.value]
            if not sends or _connect_sets_sni(proxy):
                continue
            auto = ctx.version >= (3, 3) and _auto_sni(proxy)
            for server, param in sends:
                if not server.check or not checks_use_tls(server) or server.get("check-sni") is not None:
                    continue
                if auto and server.get("no-check-sni-auto") is None:
                    continue
                items.append((proxy, server, param))
        for param, group in group_by_param(items):
            qualified = len({id(p) for p, _ in group}) > 1
            names = _names(group, qualified)
            their = "its" if len(group) == 1 else "their"
            where = " on this default-server" if param.line.keyword == "default-server" else ""
            constant = _STR_SNI.fullmatch(param.value or "")
            if constant is not None:
                name = constant.group(1)
                message = (
                    f"`sni {param.value}`{where} names the site for the traffic of {names}, but {their} TLS health checks "
                    "send no SNI (no `check-sni`): they meet the default certificate, another site or a refused "
                    f"handshake, and do not test what the traffic gets; add `check-sni {name}`"
                )
                # Beside `sni`: at the end of the line, a stray word before it could take
                # `check-sni` as its value, and the fix would never settle.
                anchor = param.value_word or param.word
                fix = ctx.fix(f"add `check-sni {name}`", "unsafe", ctx.insert_words_after(anchor, f"check-sni {name}"))
                yield ctx.report(self, param, message, fix=fix)
            else:
                message = (
                    f"`sni {param.value}`{where} picks the name per request for {names}, but {their} TLS health checks send "
                    "no SNI (no `check-sni`): they meet the server's default certificate; add `check-sni <name>` with "
                    "the name the checks should use"
                )
                yield ctx.report(self, param, message, severity=Severity.INFO)
