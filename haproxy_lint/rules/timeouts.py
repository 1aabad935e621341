"""HL2xx: timeouts and check thresholds."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from itertools import compress, repeat
from typing import Any, ClassVar

from ..diagnostics import Diagnostic, Edit, Fix, Severity
from ..effective import LEGACY_TIMEOUTS, Proxy, Setting
from ..model import Line, Section, Word
from ..rule import Context, Rule, Target
from ..views import SERVER_FLAGS, Param, Server, parse_int
from .check_servers import Pool, is_disabled, pools
from .tls import address_unseen, on_this_host

# Server parameters whose value is a duration.
SERVER_DURATIONS = frozenset({"inter", "fastinter", "downinter", "slowstart", "agent-inter"})


def with_unit(ms: int) -> str:
    """A duration in the shortest exact form with a unit: 5000 -> ``5s``, 1500 -> ``1500ms``."""
    if ms % 1000 == 0:
        return f"{ms // 1000}s"
    return f"{ms}ms"


#: Below these many milliseconds, a bare number reads as seconds written without their unit
#: (`timeout server 30`, `inter 5`): such values cut every slow response or check short.
#: At or above them the number reads naturally as milliseconds (`timeout connect 5000`).
_PLAUSIBLE_MS = {
    "client": 1000, "server": 1000, "tunnel": 1000, "http-request": 1000, "queue": 1000,
    "client-fin": 1000, "server-fin": 1000, "tarpit": 1000, "clitimeout": 1000, "srvtimeout": 1000,
    "hold": 1000, "slowstart": 1000,
}
_PLAUSIBLE_MS_DEFAULT = 100  # connect, check, http-keep-alive, inter, fastinter, downinter...


def _duration_name(line: Line, word: Word) -> str:
    """What a duration word sets: the timeout's name, or the server parameter before it."""
    words = line.words
    keyword = line.keyword
    if keyword == "timeout" and len(words) > 1:
        return words[1].value
    if keyword in ("server", "default-server", "server-template"):
        for i in range(1, len(words)):
            if words[i] is word:
                return words[i - 1].value
    return keyword


_SERVER_KEYWORDS = ("server", "default-server", "server-template")
#: A count or a duration whose text starts with one of these reads as a number above 0.
_NONZERO_DIGITS = tuple("123456789")


def values_after(values: tuple[str, ...], names: frozenset[str]) -> Iterator[str]:
    """The values of a server line that follow one of ``names``: among them, the values of
    the parameters ``names`` (a server line's parameter is a name and the value after it)."""
    return compress(values[1:], map(names.__contains__, values))


def duration_words(line: Line) -> Iterable[Word]:
    """The words of a line that hold a duration: ``timeout <name> <value>``, the 1.x aliases
    (``contimeout 5000``), ``hold <status> <value>`` in resolvers, server duration parameters."""
    words = line.words
    for i in duration_indexes(line.keyword, line.values):
        yield words[i]


def duration_indexes(keyword: str, values: Sequence[str]) -> Iterator[int]:
    """Where :func:`duration_words` are among the values of a line with this keyword."""
    n = len(values)
    if keyword == "timeout" and n > 2:
        yield 2
    elif keyword in LEGACY_TIMEOUTS and n > 1:
        yield 1
    elif keyword == "hold" and n > 2:
        yield 2
    elif keyword in ("server", "default-server", "server-template"):
        i = {"server": 3, "default-server": 1, "server-template": 4}[keyword]
        while i < n:
            name = values[i]
            if name in SERVER_FLAGS:
                i += 1
                continue
            if name in SERVER_DURATIONS and i + 1 < n:
                yield i + 1
            i += 2


class UnitlessDuration(Rule):
    """Reports durations written without a unit, such as `timeout server 30`: a warning where
    the number is implausible as milliseconds for that setting (under one second for client,
    server, tunnel, queue and request timeouts, `slowstart` and resolvers' `hold`; under
    100 ms for the others, such as `timeout connect` or `inter`), advice (info) where it
    reads naturally as milliseconds (`timeout connect 5000`, `inter 2000`).

    ## Why is this bad?
    HAProxy reads a bare number as milliseconds. `timeout connect 5000` is five seconds and
    reads fine to anyone who knows that, which is why it is only advice; but `timeout server
    30` is 30 milliseconds, not 30 seconds: every slow response is cut off, a classic outage.
    Writing the unit removes the doubt for the next reader.

    ## Example
    ```haproxy
    defaults
        timeout connect 5000
        timeout server 30
    backend app
        server app1 10.0.0.1:80 check inter 2000
    ```

    ## Use instead
    ```haproxy
    defaults
        timeout connect 5s
        timeout server 30ms
    backend app
        server app1 10.0.0.1:80 check inter 2s
    ```

    ## Fix safety
    Safe: the fix writes the same duration with a unit (`5000` becomes `5s`, `1500` becomes
    `1500ms`), so HAProxy reads exactly the same value. If `30` was meant as seconds, fix the
    value by hand: the fix keeps what HAProxy does today.

    ## Exceptions
    `0` is left alone: it means the same in every unit.
    """

    code = "HL203"
    name = "unitless-duration"
    severity = Severity.WARNING
    fixable = "safe"
    keywords = frozenset({"timeout", "hold", "server", "default-server", "server-template", *LEGACY_TIMEOUTS})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if line.keyword == "hold" and (section is None or section.kind != "resolvers"):
            return ()
        plain = line.plain_values
        if plain is not None:
            # No duration without a unit: the line's words need not be cut (thousands of servers).
            if line.keyword in _SERVER_KEYWORDS:
                if SERVER_DURATIONS.isdisjoint(plain) or not any(map(str.isdigit, values_after(plain, SERVER_DURATIONS))):
                    return ()  # (a superset of duration_indexes' values, read without its walk)
            elif not any(parse_int(plain[i]) for i in duration_indexes(line.keyword, plain)):
                return ()
        return self._findings(ctx, line)

    def _findings(self, ctx: Context, line: Line) -> Iterator[Diagnostic]:
        for word in duration_words(line):
            ms = parse_int(word.value)
            if not ms:
                continue
            fixed = with_unit(ms)
            fix = ctx.fix(f"write `{fixed}`", "safe", ctx.replace(word, fixed))
            name = _duration_name(line, word)
            if ms < _PLAUSIBLE_MS.get(name, _PLAUSIBLE_MS_DEFAULT):
                message = (f"`{word.value}` has no unit and means {ms} milliseconds, implausibly short for "
                           f"`{name}`; write `{ms}s` if seconds were meant, or `{fixed}`")
                yield ctx.report(self, word, message, fix=fix)
            else:
                message = f"`{word.value}` has no unit (milliseconds are implied); write `{fixed}`"
                yield ctx.report(self, word, message, fix=fix, severity=Severity.INFO)


# --- helpers shared by the HL2xx rules below -------------------------------------------------


def human(ms: int) -> str:
    """A duration for a message: 500 -> ``500ms``, 1500 -> ``1.5s``, 90000 -> ``1m30s``."""
    if ms < 1000:
        return f"{ms}ms"
    if ms % 1000:
        return f"{ms / 1000:g}s"
    seconds = ms // 1000
    if seconds < 60:
        return f"{seconds}s"
    minutes, rest = divmod(seconds, 60)
    if minutes >= 60 and not rest and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m{rest}s" if rest else f"{minutes}m"


def server_label(server: Server) -> str:
    kind = "server-template" if server.kind == "server-template" else "server"
    return f"{kind} `{server.name}`"


def server_word(server: Server) -> Target:
    """Where a finding about a whole server points: its name, else its line."""
    return server.name_word if server.name_word is not None else server.line


def own_param(server: Server, *names: str) -> Param | None:
    """The first of ``names`` set on the server's own line (not via ``default-server``)."""
    for name in names:
        param = server.get(name)
        if param is not None and param.line is server.line:
            return param
    return None


def spell(server: Server, name: str, default: int | str) -> str:
    """A server parameter for a message: ```inter 5s``` when set (on the server's line or by
    ``default-server``), ``default `inter 2s``` when unset."""
    param = server.get(name)
    if param is not None and param.value is not None:
        return f"`{name} {param.value}`"
    shown = human(default) if isinstance(default, int) else default
    return f"default `{name} {shown}`"


def inherited_note(server: Server, names: Iterable[str]) -> str:
    """Where the parameters among ``names`` that come from ``default-server`` are set:
    ```rise` and `inter` from default-server at line 12``, or ``""`` if none does."""
    by_line: dict[int, list[str]] = {}
    for name in dict.fromkeys(names):
        param = server.get(name)
        if param is not None and param.line is not server.line:
            by_line.setdefault(param.line.line, []).append(f"`{name}`")
    return ", ".join(
        f"{' and '.join(found)} from default-server at line {number}" for number, found in by_line.items()
    )



#: The check schedule of a server that runs health checks with readable settings: ``(inter,
#: fastinter, downinter, fall, rise)``, in ms for the intervals, with HAProxy's defaults
#: filled in (inter 2s; fastinter and downinter follow inter; fall 3, rise 2).
Timing = tuple[int, int, int, int, int]


def checked_servers(ctx: Context) -> list[tuple[Proxy, list[Server], list[Timing]]]:
    """Each proxy with its servers that run health checks and their timings (in the same
    order), leaving out those with a count or interval unreadable or not above 0 (HL207 and
    the parser report them). Read once per run: five rules compare them."""

    def compute() -> list[tuple[Proxy, list[Server], list[Timing]]]:
        known: dict[Hashable, Timing | None] = {}
        found = []
        for pool in pools(ctx):
            servers, timings = _timings(pool, known)
            if servers:
                found.append((pool.proxy, servers, timings))
        return found

    return ctx.memo("timeouts.checked_servers", compute)


#: The parameters a timing reads, and the ``no-`` forms that would cancel inherited ones.
_TIMING_PARAMS = frozenset(
    name for base in ("inter", "fastinter", "downinter", "fall", "rise") for name in (base, "no-" + base)
)


def _timings(pool: Pool, known: dict[Hashable, Timing | None]) -> tuple[list[Server], list[Timing]]:
    """The pool's checked servers and their timings. A server's timing follows from what its
    default-server hands it and the timing parameters written on its line: ``known`` keeps
    it by those, for all proxies (a large file repeats a handful of them on thousands of
    servers, which then share one tuple)."""
    names = pool.names
    servers: list[Server] = []
    timings: list[Timing] = []
    if "check" not in names:
        return servers, timings
    for server in pool.servers:
        if not server.check:
            continue
        params, inherited = server.params, server.inherited
        key: Hashable = id(inherited) if inherited else 0  # (alive as long as the server)
        if not _TIMING_PARAMS.isdisjoint(params):
            key = (key, *[(name, param.value) for name, param in params.items() if name in _TIMING_PARAMS])
        timing = known.get(key, _UNREAD)
        if timing is _UNREAD:
            timing = known[key] = _timing(server, names)
        if timing is not None:
            servers.append(server)
            timings.append(timing)
    return servers, timings


_UNREAD: Any = object()


def _timing(server: Server, names: frozenset[str]) -> Timing | None:
    """The server's :data:`Timing`, or ``None`` when a count or interval is unreadable or not
    above 0. A parameter none of the proxy's servers has (not among ``names``) is not asked
    for (the answer is the same)."""
    inter = _interval(server, "inter") if "inter" in names else None
    fastinter = _interval(server, "fastinter") if "fastinter" in names else None
    downinter = _interval(server, "downinter") if "downinter" in names else None
    fall = _count(server, "fall") if "fall" in names else None
    rise = _count(server, "rise") if "rise" in names else None
    if 0 in (inter, fastinter, downinter, fall, rise):
        return None
    inter = inter or 2000
    return inter, fastinter or inter, downinter or inter, fall or 3, rise or 2


def _interval(server: Server, name: str) -> int | None:
    """The server's interval ``name`` in ms, ``None`` if not set, 0 if unreadable or 0."""
    param = server.get(name)
    return None if param is None else param.duration or 0


def _count(server: Server, name: str) -> int | None:
    """The server's count ``name``, ``None`` if not set, 0 if unreadable or not above 0."""
    param = server.get(name)
    if param is None:
        return None
    count = param.integer
    return count if count is not None and count > 0 else 0


def where(setting: Setting) -> str:
    """`` (inherited from defaults at line N)`` for an inherited setting, else ``""``."""
    if not setting.inherited:
        return ""
    return f" (inherited from defaults at line {setting.line.line})"


def _insert_point(section: Section, keyword: str, *, at_end: bool = True) -> Line:
    """The line after which to add a ``keyword`` directive: the section's last ``keyword``
    line, else (``at_end``) its last directive, else its header."""
    lines = section.directives_named(keyword) or (list(section.directives) if at_end else [])
    return lines[-1] if lines else section.header


# --- HL201 -----------------------------------------------------------------------------------


class CheckTimeoutExceedsInter(Rule):
    """Reports a `timeout check` longer than the check interval (`inter`) of a checked server.

    ## Why is this bad?
    `timeout check` is how long HAProxy waits for a check's answer once connected (without it,
    the whole check must fit in `inter`); `inter` is the time between two checks. A check that
    may outlast the interval makes the settings say something they do not do: with `inter 2s`,
    `fall 3` and `timeout check 10s`, a server that accepts connections but no longer answers
    is marked DOWN after more than 30 s instead of about 10 s, because each failing check waits
    the full 10 s before the next one is scheduled.

    ## Example
    ```haproxy
    defaults
        timeout connect 5s
        timeout server 30s
        timeout check 10s
    backend app
        server app1 10.0.0.1:80 check inter 2s
    ```

    ## Use instead
    ```haproxy
    defaults
        timeout connect 5s
        timeout server 30s
        timeout check 2s
    backend app
        server app1 10.0.0.1:80 check inter 2s
    ```

    ## Severity
    A warning where a checked server's `inter` is written (on the server or its
    `default-server`): the timeout contradicts a detection time someone chose. Info where
    `inter` is HAProxy's implicit 2 s, as in the stock `timeout check 10s` of RHEL's default
    configuration: nothing promised a faster detection.

    ## Fix safety
    Unsafe: a check that needs more time than the new timeout will start failing. The fix
    sets `timeout check` to the smallest `inter` of the proxy's checked servers. When the
    setting is the proxy's own, that line is changed. When it is inherited from `defaults`,
    the `defaults` line is changed only if every proxy sharing it would get exactly the same
    value; otherwise lowering it there would change the checks of other proxies, so the fix
    adds a `timeout check` line to this proxy instead and leaves the `defaults` line alone.

    ## Exceptions
    A slow check endpoint (a deep health check that queries a database) may legitimately need
    more time than the interval: then raise `inter` instead, or accept the late detection.

    ## References
    HAProxy configuration manual: `timeout check`, server `inter`.
    """

    code = "HL201"
    name = "check-timeout-exceeds-inter"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        min_inter: dict[int, int] = {}  # by id(proxy): smallest inter of its checked servers
        checked = checked_servers(ctx)
        for proxy, _, timings in checked:
            if proxy.is_backend:
                min_inter[id(proxy)] = min(timings)[0]  # (the smallest inter comes first)
        for proxy, servers, timings in checked:
            if id(proxy) not in min_inter:
                continue
            setting = proxy.timeout("check")
            timeout = setting.duration if setting is not None else None
            if not timeout or min_inter[id(proxy)] >= timeout:
                continue  # (no server's inter is shorter: the usual case, told without a list)
            late = [server for server, (inter, *_) in zip(servers, timings) if inter < timeout]
            shortest = min(late, key=lambda s: s.inter)
            value = min_inter[id(proxy)]
            others = f" and {len(late) - 1} more" if len(late) > 1 else ""
            shown = f"`timeout check {setting.value}`{where(setting)}"
            interval = spell(shortest, "inter", shortest.inter)
            param = shortest.get("inter")
            if param is not None and param.line is not shortest.line:
                interval += f" from default-server at line {param.line.line}"
            message = (
                f"{shown} is longer than the check interval of {server_label(shortest)} ({interval}){others}: "
                f"a hung check is only noticed late; lower `timeout check` to `{with_unit(value)}` or raise `inter`"
            )
            fix = self._fix(ctx, proxy, setting, value, min_inter)
            target: Target = setting if not setting.inherited else server_word(shortest)
            # Written `inter` values say what detection time was meant, and the timeout breaks
            # that promise; with HAProxy's implicit 2 s (a stock `timeout check 10s` in
            # `defaults` over bare `check`s, as RHEL ships) nothing was promised: advice only.
            explicit = any(s.get("inter") is not None for s in late)
            severity = None if explicit else Severity.INFO
            yield ctx.report(self, target, message, fix=fix, severity=severity)

    def _fix(self, ctx: Context, proxy: Proxy, setting: Setting, value: int, min_inter: dict[int, int]):
        new = with_unit(value)
        if setting.word is None:
            return None
        if not setting.inherited:
            return ctx.fix(f"lower `timeout check` to `{new}`", "unsafe", ctx.replace(setting.word, new))
        sharing = [
            p for p in ctx.proxies
            if id(p) in min_inter and (t := p.timeout("check")) is not None and t.line is setting.line
        ]
        if all(min_inter[id(p)] == value for p in sharing):
            return ctx.fix(
                f"lower `timeout check` to `{new}` in defaults at line {setting.line.line}",
                "unsafe",
                ctx.replace(setting.word, new),
            )
        section = proxy.section
        after = _insert_point(section, "timeout", at_end=False)
        return ctx.fix(
            f"add `timeout check {new}` to {proxy.label}",
            "unsafe",
            ctx.insert_after(after, section, f"timeout check {new}"),
        )


# --- HL202 -----------------------------------------------------------------------------------

#: What the fix of HL202 adds for each missing timeout.
DEFAULT_TIMEOUTS = {"connect": "5s", "client": "30s", "server": "30s"}


def missing_timeouts(proxy: Proxy) -> list[tuple[str, Setting | None]]:
    """The timeouts HAProxy's "missing timeouts" warning asks for and the proxy lacks, each with
    the setting that zeroes it (``timeout server 0``) or ``None`` when it is not set at all.

    The same test as HAProxy 2.0 to 3.2 (src/cfgparse.c): tcp and http proxies only; a
    frontend or listen needs `timeout client`; a backend or listen that has servers needs
    `timeout connect`, and `timeout server` unless it is in tcp mode with a `timeout tunnel`.
    A value of 0 counts as missing. The answer follows from the timeouts in force, the mode,
    the kind and whether there are servers, nothing else: whether the proxy is disabled
    (HAProxy then does not warn) is left to the caller.
    """
    mode = proxy.effective_mode
    if mode not in ("tcp", "http"):
        return []

    def lacks(name: str) -> tuple[bool, Setting | None]:
        setting = proxy.timeout(name)
        if setting is None:
            return True, None
        if setting.word is not None and setting.duration == 0:
            return True, setting
        return False, None

    missing: list[tuple[str, Setting | None]] = []
    if proxy.is_backend and proxy.servers:
        no_connect, zero = lacks("connect")
        if no_connect:
            missing.append(("connect", zero))
    if proxy.is_frontend:
        no_client, zero = lacks("client")
        if no_client:
            missing.append(("client", zero))
    if proxy.is_backend and proxy.servers:
        no_server, zero = lacks("server")
        if no_server and (mode == "http" or lacks("tunnel")[0]):
            missing.append(("server", zero))
    return missing


class MissingTimeouts(Rule):
    """Reports a proxy without `timeout connect`, `timeout client` (frontends) or `timeout
    server` (backends with servers), the check behind HAProxy's "missing timeouts" warning.

    ## Why is this bad?
    Without these timeouts a connection that stops sending anything is kept forever: a client
    that goes away without closing, a server that hangs mid-response. Such sessions pile up
    until `maxconn` is reached and HAProxy stops accepting traffic. HAProxy itself warns
    ("missing timeouts for backend 'app'") but starts anyway.

    ## Example
    ```haproxy
    frontend www
        bind :80
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    defaults
        timeout connect 5s
        timeout client 30s
        timeout server 30s
    frontend www
        bind :80
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Unsafe: connections idle for longer than the new timeouts (`timeout connect 5s`,
    `timeout client 30s`, `timeout server 30s`) are now closed, which matters for long polls,
    WebSockets or database connections (set `timeout tunnel` for those). The fix adds the
    missing timeouts to the `defaults` section the proxy inherits from, which only sets values
    that were unset for every proxy using it; when the proxy has no `defaults` section, it adds
    one before the first proxy of the file. A timeout set to `0` was written on purpose and is
    left to you: no fix.

    ## Exceptions
    A tcp backend with `timeout tunnel` does not need `timeout server` (HAProxy does not warn
    either). A proxy in another file that shares a `defaults` section may set them: lint the
    files together.

    ## References
    HAProxy configuration manual: `timeout connect`, `timeout client`, `timeout server`,
    `timeout tunnel`.
    """

    code = "HL202"
    name = "missing-timeouts"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        # Most proxies share their defaults' timeouts (one dict): what they lack is read once.
        lacking: dict[tuple[int, str, str, bool], list[tuple[str, Setting | None]]] = {}
        for proxy in ctx.proxies:
            kind = proxy.kind
            if kind == "defaults":
                continue
            key = (id(proxy.timeouts), proxy.effective_mode, kind, not proxy.servers)
            missing = lacking.get(key)
            if missing is None:
                missing = lacking[key] = missing_timeouts(proxy)
            if not missing or is_disabled(proxy):  # (the chain is walked for a proxy that lacks one)
                continue
            names = [f"`timeout {name}`" for name, _ in missing]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            zeros = [
                f"`timeout {name} {zero.value}`{' in defaults' if zero.inherited else ''} at line {zero.line.line} means none"
                for name, zero in missing
                if zero is not None
            ]
            message = f"{proxy.label} has no {listed}"
            if zeros:
                message += " (" + "; ".join(zeros) + ")"
            message += f": stalled connections are kept forever; set {'it' if len(missing) == 1 else 'them'} in `defaults`"
            absent = [name for name, zero in missing if zero is None]
            fix = self._fix(ctx, proxy, absent) if absent else None
            header = proxy.section.header
            target: Target = header.words[1] if len(header.words) > 1 else header
            yield ctx.report(self, target, message, fix=fix)

    def _fix(self, ctx: Context, proxy: Proxy, names: list[str]) -> Fix | None:
        lines = [f"timeout {name} {DEFAULT_TIMEOUTS[name]}" for name in names]
        listed = ", ".join(f"`{line}`" for line in lines)
        parent = proxy.defaults
        if parent is not None:
            section = parent.section
            after = _insert_point(section, "timeout")
            return ctx.fix(
                f"add {listed} to defaults at line {section.header.line}",
                "unsafe",
                ctx.insert_after(after, section, *lines),
            )
        if proxy.section.from_name is not None:
            return None  # `from` names no defaults section: HL906's business
        first = next(s for s in ctx.config.sections if s.kind in ("frontend", "backend", "listen"))
        # Go above the comment lines (at column 1) that introduce the first proxy.
        index = first.header.line - 1
        all_lines = ctx.config.lines
        while index > 0 and all_lines[index - 1].kind == "comment" and not all_lines[index - 1].indent:
            index -= 1
        at = all_lines[index].start
        eol = ctx.eol
        indent = ctx.indent(proxy.section)
        text = "defaults" + eol + "".join(indent + line + eol for line in lines) + eol
        return ctx.fix(f"add a defaults section with {listed}", "unsafe", Edit(start=at, end=at, text=text))


# --- HL204, HL205, HL206 ---------------------------------------------------------------------


def recovery_time(server: Server) -> tuple[int, str]:
    """How long a DOWN server that has recovered may wait before it is UP again, and how.

    HAProxy checks a server that is fully DOWN every `downinter` (default `inter`); after the
    first success it is "transitionally DOWN" and checked every `fastinter` (default `inter`)
    until `rise` checks in a row have passed (doc: server `inter`/`fastinter`/`downinter`;
    src/server.c srv_getinter()). Worst case: `downinter` + (`rise` - 1) x `fastinter`.
    """
    rise = server.rise
    count = spell(server, "rise", str(rise))
    inter = spell(server, "inter", server.inter)
    used = ["rise", "downinter" if server.get("downinter") else "inter"]
    if rise > 1:
        used.append("fastinter" if server.get("fastinter") else "inter")
    note = inherited_note(server, used)
    note = f"; {note}" if note else ""
    if server.get("downinter") is None and server.get("fastinter") is None:
        return rise * server.inter, f"{count} x {inter}{note}"
    first = spell(server, "downinter", server.downinter) if server.get("downinter") else inter
    rest = spell(server, "fastinter", server.fastinter) if server.get("fastinter") else inter
    how = first if rise == 1 else f"{first} + {rise - 1} x {rest}"
    return server.downinter + (rise - 1) * server.fastinter, f"{how}, with {count}{note}"


def detection_time(server: Server) -> tuple[int, str]:
    """How long an UP server that has died may still get traffic, and how.

    A fully UP server is checked every `inter`; after the first failure it is "transitionally
    UP" and checked every `fastinter` (default `inter`) until `fall` checks in a row have
    failed. Worst case: `inter` + (`fall` - 1) x `fastinter` (plus each failing check's own
    timeout, not counted here).
    """
    fall = server.fall
    count = spell(server, "fall", str(fall))
    inter = spell(server, "inter", server.inter)
    used = ["fall", "inter"] + (["fastinter"] if fall > 1 and server.get("fastinter") else [])
    note = inherited_note(server, used)
    note = f"; {note}" if note else ""
    if server.get("fastinter") is None:
        return fall * server.inter, f"{count} x {inter}{note}"
    rest = spell(server, "fastinter", server.fastinter)
    how = inter if fall == 1 else f"{inter} + {fall - 1} x {rest}"
    return server.inter + (fall - 1) * server.fastinter, f"{how}, with {count}{note}"


class SlowRecovery(Rule):
    """Reports a checked server that needs longer than the recovery threshold (60 s by default,
    `thresholds.recovery-ms`) to be put back in service once it is healthy again.

    ## Why is this bad?
    A DOWN server only comes back after `rise` successful checks in a row. With `inter 30s`
    and `rise 5`, a server that was restarted stays out of the pool for up to 2m30s after it
    is healthy: capacity stays low, the remaining servers stay overloaded, and the on-call
    engineer sees "not recovering" while the application is fine.

    The time is computed the way HAProxy schedules checks (configuration manual, server
    `inter`): a fully DOWN server is checked every `downinter`, and once a check has passed,
    every `fastinter` (both default to `inter`), so the worst case is
    `downinter` + (`rise` - 1) x `fastinter`. The hazard catalogue says "`rise` x `inter`,
    using `fastinter` where set"; this rule follows the documentation, which also gives the
    first interval to `downinter`. Both agree when neither is set.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 30s rise 5
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 30s downinter 5s fastinter 2s rise 5
    ```

    ## Fix safety
    No fix: lower `rise`, or set a short `downinter` (how often a DOWN server is tried) and
    `fastinter` (the pace of the confirming checks), which keeps the slow `inter` for servers
    that are UP.

    ## Exceptions
    Servers that must prove themselves for a long time before taking traffic (a cache that
    warms up, a replica catching up) may want a slow recovery; `slowstart` is often the better
    tool. The threshold is configurable (`thresholds.recovery-ms`).

    ## References
    HAProxy configuration manual: server `rise`, `inter`, `fastinter`, `downinter`.
    """

    code = "HL204"
    name = "slow-recovery"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        limit = ctx.settings.thresholds.recovery_ms
        for _proxy, servers, timings in checked_servers(ctx):
            for server, (_, fastinter, downinter, _, rise) in zip(servers, timings):
                if downinter + (rise - 1) * fastinter <= limit:
                    continue  # what recovery_time() computes, without its message
                took, how = recovery_time(server)
                if took <= limit:
                    continue
                names = ("rise", "downinter", "fastinter", "inter")
                target: Target = own_param(server, *names) or server_word(server)
                message = (
                    f"{server_label(server)} may stay DOWN for up to {human(took)} after it recovers "
                    f"({how}), over the {human(limit)} limit; "
                    "lower `rise`, or set a short `downinter` and `fastinter`"
                )
                yield ctx.report(self, target, message)


class SlowDetection(Rule):
    """Reports a checked server that may keep receiving traffic for longer than the detection
    threshold (60 s by default, `thresholds.detection-ms`) after it dies.

    ## Why is this bad?
    A server is only marked DOWN after `fall` failed checks in a row. With `inter 30s` and
    `fall 10`, a dead server keeps getting its share of requests for up to 5 minutes, and every
    one of them fails or waits for a timeout.

    The time is computed the way HAProxy schedules checks (configuration manual, server
    `inter`): a fully UP server is checked every `inter`; after the first failure it is
    checked every `fastinter` (default `inter`), so the worst case is
    `inter` + (`fall` - 1) x `fastinter`. The hazard catalogue says "`fall` x `inter`"; the two
    agree when `fastinter` is not set.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 30s fall 10
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 10s fastinter 1s fall 3
    ```

    ## Fix safety
    No fix: lower `fall` or `inter`, or set a short `fastinter`, which speeds up the checks only
    once one has failed. `observe layer7` with `on-error` can also take a server out on live
    traffic errors.

    ## Exceptions
    Expensive checks on a very large farm may need a long `inter`; then `fastinter` keeps
    detection short. The threshold is configurable (`thresholds.detection-ms`).

    ## References
    HAProxy configuration manual: server `fall`, `inter`, `fastinter`.
    """

    code = "HL205"
    name = "slow-detection"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        limit = ctx.settings.thresholds.detection_ms
        for _proxy, servers, timings in checked_servers(ctx):
            for server, (inter, fastinter, _, fall, _) in zip(servers, timings):
                if inter + (fall - 1) * fastinter <= limit:
                    continue  # what detection_time() computes, without its message
                took, how = detection_time(server)
                if took <= limit:
                    continue
                names = ("fall", "inter", "fastinter")
                target: Target = own_param(server, *names) or server_word(server)
                message = (
                    f"{server_label(server)} may get traffic for up to {human(took)} after it dies "
                    f"({how}), over the {human(limit)} limit; "
                    "lower `fall` or `inter`, or set a short `fastinter`"
                )
                yield ctx.report(self, target, message)


class FlappingThresholds(Rule):
    """Reports a checked server with `fall 1` or `rise 1` and checks more often than every 2 s.

    ## Why is this bad?
    With `fall 1`, one lost packet or one slow answer marks the server DOWN; with `rise 1`, one
    lucky answer from a struggling server puts it back. With checks every few hundred
    milliseconds such events are frequent: the server flaps between UP and DOWN, connections
    are redispatched, the logs fill with state changes.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 500ms fall 1 rise 1
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 500ms fall 3 rise 2
    ```

    ## Fix safety
    No fix: use at least `fall 2` and `rise 2` (HAProxy's defaults are `fall 3`, `rise 2`); to
    detect failures fast, keep a short `inter` rather than a single-check threshold.

    ## Severity
    A warning when both are 1: each check result alone flips the server, which is flapping.
    Info when only one is: `fall 1` (leave at the first failure) or `rise 1` (return at the
    first success) is a tuning choice some sites make on purpose.

    ## Exceptions
    A server whose checks are reliable and that must leave the pool at the very first
    failure. Servers on this host (a loopback address or a socket file) are not reported:
    their checks do not cross a network that loses packets. Servers whose address comes from
    an environment variable get info: where they are is not in the file.

    ## References
    HAProxy configuration manual: server `fall`, `rise`, `inter`.
    """

    code = "HL206"
    name = "flapping-thresholds"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for _proxy, servers, timings in checked_servers(ctx):
            for server, (inter, _, _, fall, rise) in zip(servers, timings):
                if inter >= 2000 or (fall != 1 and rise != 1):
                    continue
                ones = [name for name, count in (("fall", fall), ("rise", rise)) if count == 1]
                if not ones or on_this_host(server):
                    continue
                target: Target = own_param(server, *ones) or server_word(server)
                shown = " and ".join(spell(server, name, "1") for name in ones)
                note = inherited_note(server, [*ones, "inter"])
                if note:
                    shown += f" ({note})"
                what = {
                    "fall": "one failed check marks it DOWN",
                    "rise": "one passed check marks it UP",
                }
                effects = " and ".join(what[name] for name in ones)
                message = (
                    f"{server_label(server)} has {shown} with checks every "
                    f"{human(inter)}: {effects}, so it can flap; use at least `fall 2 rise 2` or a longer `inter`"
                )
                # Both at 1, every single check result flips the state: that is flapping. One
                # alone is a tuning choice (fast failover, or fast return): advice.
                # An address from the environment may be on this host (the exception above):
                # the file does not show a network that loses packets.
                severity = None if len(ones) == 2 and not address_unseen(server) else Severity.INFO
                yield ctx.report(self, target, message, severity=severity)


# --- HL207 -----------------------------------------------------------------------------------


_ATOL = re.compile(r"\s*([+-]?)0*([0-9]*)")


def atol(text: str) -> int:
    """The number C's ``atol()`` reads, as HAProxy does for `fall` and `rise` (``abc`` -> 0)."""
    if text.isdigit() and text.isascii() and len(text) <= 19:
        return int(text)  # the common case
    m = _ATOL.match(text)
    if m is None or not m.group(2):
        return 0
    sign, digits = m.groups()
    if len(digits) > 19:  # C's atol() saturates; Python's int() refuses thousands of digits
        digits = "9223372036854775807"
    return int(sign + digits)


class ZeroThreshold(Rule):
    """Reports `fall 0`, `rise 0`, and check intervals of 0 (`inter 0`, `fastinter 0`,
    `downinter 0`, `agent-inter 0`), on `server`, `server-template` or `default-server` lines.

    ## Why is this bad?
    HAProxy refuses them and does not start: "'fall' has to be > 0", "invalid value 0 for
    argument 'inter'". This holds on `default-server` lines too, and whether or not the server
    has `check`.

    ## Example
    ```haproxy
    backend app
        default-server inter 0
        server app1 10.0.0.1:80 check fall 0
    ```

    ## Use instead
    ```haproxy
    backend app
        default-server inter 2s
        server app1 10.0.0.1:80 check fall 3
    ```

    ## Fix safety
    No fix: choose the value. Remove the parameter to get HAProxy's default (`fall 3`,
    `rise 2`, `inter 2s`; `fastinter` and `downinter` default to `inter`).

    ## Exceptions
    None: HAProxy does not start.

    ## References
    HAProxy configuration manual: server `fall`, `rise`, `inter`.
    """

    code = "HL207"
    name = "zero-threshold"
    severity = Severity.ERROR
    keywords = frozenset({"server", "default-server", "server-template"})

    COUNTS: ClassVar[dict[str, int]] = {"fall": 3, "rise": 2}
    INTERVALS: ClassVar[tuple[str, ...]] = ("inter", "fastinter", "downinter", "agent-inter")
    READ: ClassVar[frozenset[str]] = frozenset(COUNTS) | frozenset(INTERVALS)

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        values = line.plain_values
        if values is not None:
            if self.READ.isdisjoint(values):
                return ()  # none of the parameters below on the line (most server lines)
            if all(map(str.startswith, values_after(values, self.READ), repeat(_NONZERO_DIGITS))):
                return ()  # each read as above 0: `fall 3`, `inter 2s` (the view need not be built)
        if section is None or not section.is_proxy:
            return ()
        return self._findings(ctx, line)

    def _findings(self, ctx: Context, line: Line) -> Iterator[Diagnostic]:
        counts, intervals = self.COUNTS, self.INTERVALS
        for param in ctx.server(line).params.values():
            if param.value is None or (param.name not in counts and param.name not in intervals):
                continue
            if param.name in counts and atol(param.value) <= 0:
                message = (
                    f"`{param.name} {param.value}` is refused by HAProxy ('{param.name}' has to be > 0); "
                    f"use 1 or more, or remove it for the default {self.COUNTS[param.name]}"
                )
                yield ctx.report(self, param, message)
            elif param.name in intervals and param.duration == 0:
                default = "`inter`" if param.name in ("fastinter", "downinter") else "the default 2s"
                message = (
                    f"`{param.name} {param.value}` is refused by HAProxy (an interval must be above 0); "
                    f"write a positive duration, or remove it to use {default}"
                )
                yield ctx.report(self, param, message)


# --- HL208 -----------------------------------------------------------------------------------


class SingleCheckRise(Rule):
    """Reports `rise 1` on health-checked servers: one passing check puts a server back in
    service.

    ## Why is this bad?
    With `rise 1`, the first check that passes after an outage marks the server UP, and it gets
    its full share of traffic at once. A server that is still starting (cold caches, a
    connection pool not yet filled), or that fails every other request, passes one check
    easily: it takes traffic it cannot serve, fails again, and goes back DOWN. With `rise 2`
    or `rise 3` (HAProxy's default is 2) a server must prove itself a few times; `slowstart`
    ramps its traffic up over a period instead of all at once. Advice (info): with checks more
    often than every 2 s, HL206 warns about `rise 1` already.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check rise 1
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check rise 2 slowstart 30s
    ```

    ## Fix safety
    No fix: how long a server should prove itself, and whether to ramp its traffic up, is for
    you to decide.

    ## Exceptions
    Servers with `slowstart` are not reported: their traffic grows gradually after the single
    passing check. A server that must come back as fast as possible and is known to be ready
    as soon as it answers (a stateless service behind a readiness endpoint).

    ## References
    HAProxy configuration manual: server `rise`, `slowstart`, `inter`.
    """

    code = "HL208"
    name = "single-check-rise"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        groups: dict[int, tuple[Param, list[Server]]] = {}
        for _proxy, servers, timings in checked_servers(ctx):
            for server, (inter, _, _, _, rise) in zip(servers, timings):
                if rise != 1:
                    continue
                param = server.get("rise")
                if param is None or server.get("slowstart") is not None:
                    continue
                if inter < 2000:
                    continue  # HL206 reports it
                groups.setdefault(param.word.start, (param, []))[1].append(server)
        for start in sorted(groups):
            param, servers = groups[start]
            if len(servers) == 1:
                names = server_label(servers[0])
            else:
                names = "servers " + ", ".join(f"`{s.name}`" for s in servers[:3])
                names += f" and {len(servers) - 3} more" if len(servers) > 3 else ""
            origin = " on this default-server" if param.line.keyword == "default-server" else ""
            message = (
                f"`rise 1`{origin} puts {names} back in service after a single passing check, with a full share of "
                "traffic at once; use `rise 2` or more, or add `slowstart` to ramp the traffic up"
            )
            yield ctx.report(self, param, message)
