"""HL7xx: runtime API and observability.

Facts these rules rely on (doc/configuration.txt and src/log.c, 2.0 to 3.2):

- HAProxy merges every ``-f`` file into one configuration with one process-wide ``global``:
  the rules about ``global`` look at every file linted together and report once, on the file
  that holds ``global`` (else the first file).
- ``log global`` copies the ``global`` section's ``log`` lines *that HAProxy has already read*
  into the proxy (``parse_logsrv()``/``parse_logger()``): a ``global`` section placed after it
  gives it nothing. A proxy starts with its ``defaults`` section's loggers, adds its own ``log``
  lines, and ``no log`` empties the list. A proxy with an empty list logs nothing
  (``__send_log()`` returns), including "Server app/app1 is DOWN" for a backend.
- ``option log-health-checks`` is valid in ``defaults``, ``backend`` and ``listen`` (a frontend
  gets a WARNING and ignores it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..diagnostics import Diagnostic, Severity
from ..effective import Proxy, fold_chain
from ..model import Config, Line, Section
from ..rule import Context, Rule

STATS_SOCKET_LINE = "stats socket /run/haproxy/admin.sock mode 660 level admin"


# --- helpers shared by the rules of this module ------------------------------------------------


def home(ctx: Context) -> tuple[Config, Section | None]:
    """The file that answers for the merged configuration's ``global`` section: of the files
    that have one, the first by path (with that section), else the first file by path (and
    ``None``). Sorting by path keeps the choice stable when the fixer puts the file it fixes
    first and the others after it."""
    ordered = sorted(ctx.configs, key=lambda config: config.path or "")
    for config in ordered:
        sections = config.sections_of("global")
        if sections:
            return config, sections[0]
    return ordered[0], None


def global_lines(ctx: Context, keyword: str) -> list[tuple[tuple[int, int], Config, Line]]:
    """Every ``global`` directive ``keyword`` of every file, with its reading order
    ``(file index, offset)``, in the order HAProxy reads them."""
    found = []
    for index, config in enumerate(ctx.configs):
        for section in config.sections_of("global"):
            for line in section.directives_named(keyword):
                found.append(((index, line.start), config, line))
    return found


def position(ctx: Context, line: Line) -> tuple[int, int]:
    """Where ``line`` of the current file comes in HAProxy's reading order."""
    for index, config in enumerate(ctx.configs):
        if config is ctx.config:
            return index, line.start
    return 0, line.start


def last_directive(section: Section) -> Line:
    """The section's last directive outside any ``.if`` block (else its header): new lines go
    after it."""
    last = section.header
    for line in section.directives:
        if line.depth == section.header.depth:
            last = line
    return last


def names(proxies: Sequence[Proxy], limit: int = 3) -> str:
    """``backend `app`, frontend `www` and 2 more`` (a name defined twice is named once)."""
    labels = list(dict.fromkeys(f"{p.kind} `{p.name}`" for p in proxies))
    shown = ", ".join(labels[:limit])
    if len(labels) > limit:
        shown += f" and {len(labels) - limit} more"
    return shown


def where(line: Line, ctx: Context, config: Config | None = None) -> str:
    """``line 12`` (``other.cfg line 12`` when the line is in another file)."""
    if config is not None and config is not ctx.config and config.path:
        return f"{config.path} line {line.line}"
    return f"line {line.line}"


# --- HL701 --------------------------------------------------------------------------------------


class NoStatsSocket(Rule):
    """Reports a configuration without a `stats socket`: HAProxy then has no runtime API.

    ## Why is this bad?
    The stats socket is how an operator looks at and repairs a running HAProxy without a
    reload: `show stat` and `show servers state` say which servers are DOWN and why,
    `set server app/app1 state ready`, `enable server` and `set server ... addr` bring one
    back. Without it, the only remedy during an incident is to edit the file and reload.

    HAProxy merges all the files it is given into one configuration with one `global`
    section, so the rule looks at every file linted together and reports once, on the file
    that holds `global`.

    ## Example
    ```haproxy
    global
        log /dev/log local0
    defaults
        mode http
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    global
        log /dev/log local0
        stats socket /run/haproxy/admin.sock mode 660 level admin
    defaults
        mode http
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Unsafe: the fix adds `stats socket /run/haproxy/admin.sock mode 660 level admin` at the
    end of `global`. HAProxy binds that socket at start-up and refuses to start if
    `/run/haproxy` does not exist or another socket already uses that path (`haproxy -c` does
    not see either), and `level admin` hands full control to whoever can write to it: check the
    folder and the socket's owner and group (`user`/`group` parameters). When the configuration
    has no `global` section at all there is no fix: it is most often one part of a larger
    configuration whose `global` lives elsewhere.

    ## Exceptions
    Fine to ignore when the runtime API is provided another way: HAProxy started with `-S`
    (the master CLI reaches each worker's CLI), or a stats socket defined in a file that is
    not linted with this one.

    ## References
    - configuration.txt, 3.1 "stats socket"; management.txt, 9.3 "Unix Socket commands"
    """

    code = "HL701"
    name = "no-stats-socket"
    severity = Severity.INFO
    opt_in = True
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        config, global_section = home(ctx)
        if config is not ctx.config:
            return
        if any(line.find("socket") == 1 for _, _, line in global_lines(ctx, "stats")):
            return
        if global_section is None:
            if not ctx.config.sections:
                return
            yield ctx.report(
                self,
                ctx.config.sections[0].header,
                "no `global` section, so no `stats socket` and no runtime API to see or repair DOWN "
                f"servers without a reload; add `{STATS_SOCKET_LINE}` to a `global` section",
            )
            return
        edit = ctx.insert_after(last_directive(global_section), global_section, STATS_SOCKET_LINE)
        yield ctx.report(
            self,
            global_section.header,
            "no `stats socket` in `global`, so there is no runtime API to see or repair DOWN servers "
            f"without a reload; add `{STATS_SOCKET_LINE}`",
            fix=ctx.fix("add `stats socket /run/haproxy/admin.sock mode 660 level admin` to `global`", "unsafe", edit),
        )


# --- HL702 --------------------------------------------------------------------------------------


def is_log_global(line: Line) -> bool:
    words = line.words
    return len(words) == 2 and words[1].value == "global"


def is_no_log(line: Line) -> bool:
    if line.keyword != "no":  # cheap: most lines are never cut into words
        return False
    words = line.words
    return len(words) >= 2 and words[1].value == "log"


def loggers(proxy: Proxy) -> tuple[list[Line], Line | None]:
    """The ``log`` lines in force for a proxy, in order (its defaults' first), and the
    ``no log`` line that emptied the list last, if any."""
    lines, cleared = fold_chain(proxy, "loggers", _add_loggers, ((), None))
    return list(lines), cleared


def _add_loggers(value: tuple[tuple[Line, ...], Line | None], proxy: Proxy) -> tuple[tuple[Line, ...], Line | None]:
    lines, cleared = list(value[0]), value[1]
    for line in proxy.section.directives_named("log", "no"):
        if line.keyword == "log":
            lines.append(line)
        elif is_no_log(line):
            lines, cleared = [], line
    return tuple(lines), cleared


def logs_something(proxy: Proxy) -> bool:
    """Whether logging matters for the proxy: frontends and listens log traffic, backends log
    the state changes of servers that have checks (``check``, ``agent-check``) or ``track``
    another server."""
    if proxy.kind in ("frontend", "listen"):
        return True
    return proxy.kind == "backend" and any(
        server.has("check") or server.has("agent-check") or server.has("track") for server in proxy.servers
    )


def lost(proxies: Sequence[Proxy]) -> str:
    kinds = {p.kind for p in proxies}
    if kinds == {"frontend"}:
        return "their traffic is not logged"
    if kinds == {"backend"}:
        return "their server state changes are not logged"
    return "their traffic and server state changes are not logged"


def what_is_lost(proxy: Proxy) -> str:
    if proxy.kind == "frontend":
        return "its traffic is not logged"
    if proxy.kind == "backend":
        return "its server state changes (`Server ... is DOWN, reason: ...`) are not logged"
    return "its traffic and server state changes are not logged"


class NoLog(Rule):
    """Reports proxies that log nothing: no effective `log` line, or only `log global` while
    `global` has no `log` line (before it).

    ## Why is this bad?
    HAProxy writes "Server app/app1 is DOWN, reason: Layer7 wrong status, code: 400" and each
    request's log line only to the loggers of the proxy concerned. A proxy gets its loggers from
    its `defaults` section and its own `log` lines; `log global` copies the `log` lines of
    `global` that HAProxy has *already read*. With no logger, the reason a server went DOWN is
    never written anywhere you can search after the fact. A `global` section placed after a
    `log global` line (later in the file, or in a later file) gives it nothing:
    `haproxy -c` accepts this silently.

    When nothing at all is configured, the rule says so once, as info: a configuration with no
    logging anywhere made a choice, however unwise. When some proxies log and others do not,
    or a `log global` copies nothing, it is a warning: the intent to log is written and
    fails. It names the proxies that do not log, once per `defaults` section when several of
    its proxies do not (one `log global` there fixes them all). A `no log` line is taken as a
    deliberate choice.

    ## Example
    ```haproxy
    global
        maxconn 4096
    defaults
        mode http
        log global
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    global
        log /dev/log local0
    defaults
        mode http
        log global
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No automatic fix: where logs go (`/dev/log`, `stdout` in a container, a syslog server) is a
    decision for the person who reads them. Add `log /dev/log local0` (or
    `log stdout format raw local0`) to `global` and `log global` to `defaults`.

    ## Exceptions
    A backend whose servers have no `check`, `agent-check` or `track` (nothing changes their
    state, and the frontend logs the traffic), and a configuration where every proxy logs to its
    own address (a missing `log` in `global` then only loses process-level messages), are not
    reported. In
    the foreground (containers, `-db`) HAProxy also prints server state changes on standard
    error, but not the traffic logs nor the check details.

    ## References
    - configuration.txt, 4.2 "log"; 8 "Logging"
    """

    code = "HL702"
    name = "no-log"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        global_logs = global_lines(ctx, "log")
        # The merged configuration: does anything log at all?
        everywhere = [p for config in ctx.configs for p in ctx.proxies_of(config)]
        if not global_logs and not any(loggers(p)[0] or loggers(p)[1] for p in everywhere if logs_something(p)):
            if not any(logs_something(p) for p in everywhere):
                return
            config, global_section = home(ctx)
            if config is ctx.config and ctx.config.sections:
                target = global_section.header if global_section else ctx.config.sections[0].header
                yield ctx.report(
                    self,
                    target,
                    "nothing is logged: no `log` line in `global` nor in any proxy, so server "
                    "DOWN reasons and traffic are never written; add `log /dev/log local0` to "
                    "`global` and `log global` to `defaults`",
                    # No logging anywhere is a deployment's choice (some read only the stats
                    # socket); a proxy left out while others log is the likely mistake.
                    severity=Severity.INFO,
                )
            return

        # `log global` lines that copy nothing.
        empty_log_global: dict[int, Line] = {}
        silent: list[Proxy] = []
        # A proxy without `log` or `no` lines of its own has its defaults' loggers: found
        # once per defaults section, not folded again for each of its (thousands of) proxies.
        own = {id(section) for keyword in ("log", "no") for _, section in ctx.index.entries(keyword, ctx.config)}
        inherited: dict[int, tuple[list[Line], Line | None]] = {}
        copies_nothing: dict[int, bool] = {}  # id(line) -> a `log global` before any global `log`
        for proxy in ctx.proxies:
            if proxy.kind == "defaults":
                continue
            defaults = proxy.defaults
            if id(proxy.section) in own:
                lines, cleared = loggers(proxy)
            elif defaults is None:
                lines, cleared = [], None
            else:
                found = inherited.get(id(defaults))
                if found is None:
                    found = inherited[id(defaults)] = loggers(defaults)
                lines, cleared = found
            # (whether the proxy logs something matters only to what would be reported)
            if not lines:
                if cleared is None and logs_something(proxy):
                    silent.append(proxy)
                continue
            for line in lines:
                dead = copies_nothing.get(id(line))
                if dead is None:
                    dead = copies_nothing[id(line)] = is_log_global(line) and not any(
                        g[0] < position(ctx, line) for g in global_logs)
                if not dead:
                    break
            else:
                if logs_something(proxy):
                    for line in lines:
                        empty_log_global.setdefault(line.start, line)
        for line in empty_log_global.values():
            if global_logs:
                _, config, first = global_logs[0]
                message = (
                    f"`log global` copies nothing: the `log` lines of `global` ({where(first, ctx, config)}) "
                    "come after it, and HAProxy copies only those already read; move the `global` "
                    "section to the top"
                )
            else:
                message = (
                    "`log global` sends nothing: `global` has no `log` line, so server DOWN reasons "
                    "and traffic are never written; add `log /dev/log local0` to `global`"
                )
            yield ctx.report(self, line, message)

        hint = "add `log global`" if global_logs else "add a `log` line"
        by_defaults: dict[int, list[Proxy]] = {}
        for proxy in silent:
            by_defaults.setdefault(id(proxy.defaults), []).append(proxy)
        for group in by_defaults.values():
            defaults = group[0].defaults
            if defaults is not None and len(group) > 1:
                yield ctx.report(
                    self,
                    defaults.section.header,
                    f"no `log` line in these defaults nor in {len(group)} proxies that use them "
                    f"({names(group)}): {lost(group)}; {hint} here",
                )
                continue
            for proxy in group:
                origin = f" (nor its defaults at line {proxy.defaults.section.header.line})" if proxy.defaults else ""
                yield ctx.report(
                    self,
                    proxy.section.header,
                    f"{proxy.kind} `{proxy.name}` has no `log` line{origin}: {what_is_lost(proxy)}; {hint}",
                )


# --- HL703 --------------------------------------------------------------------------------------

NOT_LOGGED = (
    "`option log-health-checks` is not set: failed checks and their reasons are not logged, only "
    "state changes"
)


def insertion_point(section: Section) -> Line:
    """Where a new ``option`` line goes: after the section's last ``option`` line, else before
    its first server line, else at its end (outside ``.if`` blocks)."""
    depth = section.header.depth
    options = [line for line in section.directives_named("option") if line.depth == depth]
    if options:
        return options[-1]
    previous = section.header
    for line in section.directives:
        if line.keyword in ("server", "default-server", "server-template"):
            return previous
        if line.depth == depth:
            previous = line
    return last_directive(section)


class HealthChecksNotLogged(Rule):
    """Reports health-checked servers in proxies without `option log-health-checks`.

    ## Why is this bad?
    By default HAProxy logs a server's state changes ("Server app/app1 is DOWN") but not the
    individual checks that lead to them: a server that fails one check in three, or that went
    from "Layer7 wrong status" to "Layer4 timeout" before it went DOWN, leaves no trace.
    `option log-health-checks` logs every change of the check's status with its reason, which
    is what you need to understand a flapping or slowly dying server.

    The rule reports once per `defaults` section whose checked proxies lack the option (that is
    where one line fixes them all), and once for all the checked proxies that have no
    `defaults` section (on the first of them).

    ## Example
    ```haproxy
    defaults
        mode http
        log global
    backend app
        option httpchk GET /health
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        log global
        option log-health-checks
    backend app
        option httpchk GET /health
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Unsafe: the fix adds `option log-health-checks` to the `defaults` section the checked
    proxies use (or to each proxy that has none), after its last `option` line, else before
    its first server. That changes what is logged for every proxy using these defaults, and can
    add many log lines when servers flap.

    ## Exceptions
    Fine to ignore when check results are collected another way (the stats page or socket
    polled by monitoring), or when log volume matters more. `no option log-health-checks` is
    taken as a deliberate choice and not reported.

    ## References
    - configuration.txt, 4.2 "option log-health-checks"
    """

    code = "HL703"
    name = "health-checks-not-logged"
    severity = Severity.INFO
    opt_in = True
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        groups: dict[int, list[Proxy]] = {}
        for proxy in ctx.proxies:
            if proxy.kind not in ("backend", "listen"):
                continue
            if not any(server.check for server in proxy.servers if server.kind != "default-server"):
                continue
            if "log-health-checks" in proxy.options:  # set, or deliberately unset with `no option`
                continue
            groups.setdefault(id(proxy.defaults), []).append(proxy)
        for group in groups.values():
            defaults = group[0].defaults
            verb = "use" if len(group) > 1 else "uses"
            if defaults is not None:
                edit = ctx.insert_after(insertion_point(defaults.section), defaults.section, "option log-health-checks")
                yield ctx.report(
                    self,
                    defaults.section.header,
                    f"servers are health-checked in {names(group)}, which {verb} these defaults, but "
                    f"{NOT_LOGGED}; add it here",
                    fix=ctx.fix("add `option log-health-checks` to these defaults", "unsafe", edit),
                )
                continue
            # No defaults section: one finding on the first proxy, one line added to each.
            edits = [ctx.insert_after(insertion_point(p.section), p.section, "option log-health-checks") for p in group]
            first = group[0]
            if len(group) == 1:
                message = f"servers of {first.kind} `{first.name}` are health-checked but {NOT_LOGGED}; add it"
                title = f"add `option log-health-checks` to `{first.section.label}`"
            else:
                message = (
                    f"servers are health-checked in {names(group)}, which have no `defaults` section, but "
                    f"{NOT_LOGGED}; add it to each (or to a `defaults` section before them)"
                )
                title = f"add `option log-health-checks` to these {len(group)} proxies"
            yield ctx.report(self, first.section.header, message, fix=ctx.fix(title, "unsafe", *edits))
