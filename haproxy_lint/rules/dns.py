"""HL4xx: DNS and addresses.

Without a ``resolvers`` section, HAProxy resolves a server's host name once, when it starts
(``init-addr``, by default ``last,libc``), and never again (configuration.txt, "init-addr" and
section 5.3 "Server IP address resolution using DNS").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..diagnostics import Diagnostic, Severity
from ..effective import Proxy
from ..model import Config, Word
from ..rule import Context, Rule
from ..views import Server

#: Names every system resolves to a loopback address, from /etc/hosts: they never move.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_dns_name(server: Server) -> bool:
    """Whether the server's address is a host name that DNS may move (not an IP, a socket, an
    environment variable or a loopback name)."""
    address = server.address
    if address is None or not address.is_hostname:
        return False
    host = address.host.lower().rstrip(".")
    return host not in LOOPBACK_NAMES and not host.endswith(".localhost")


def _servers(ctx: Context) -> Iterable[tuple[Proxy, Server]]:
    for proxy in ctx.proxies:
        for server in proxy.servers:
            if server.kind != "default-server":
                yield proxy, server


def _named_servers(ctx: Context) -> list[Server]:
    """The servers (not default-server lines) of the file whose address is a host name DNS
    may move: found once for HL401 and HL402 (most servers of a large file have an IP)."""
    return ctx.memo("dns.named_servers", lambda: [
        server for proxy in ctx.proxies for server in proxy.servers
        if (address := server.address) is not None and address.kind == "hostname"
        and server.kind != "default-server" and is_dns_name(server)
    ])


def _kind(server: Server) -> str:
    return "server-template" if server.kind == "server-template" else "server"


class HostnameWithoutResolvers(Rule):
    """Reports servers whose address is a host name but that have no `resolvers`.

    ## Why is this bad?
    Without a `resolvers` section HAProxy looks the name up once, at start, and keeps that
    address until the next reload. When the backend moves (a cloud load balancer rotating its
    IPs, a container rescheduled, a DNS failover), HAProxy keeps sending traffic to the old
    address: the server goes DOWN, or worse stays UP on someone else's machine, until someone
    reloads. HAProxy says nothing about it. A `server-template` without resolvers gets the
    same single address for all its slots.

    ## Example
    ```haproxy
    backend app
        server app1 app1.internal.example:80 check
    ```

    ## Use instead
    ```haproxy
    resolvers dns
        parse-resolv-conf
        hold valid 10s

    backend app
        server app1 app1.internal.example:80 check resolvers dns init-addr last,libc,none
    ```

    ## Fix safety
    No automatic fix: the `resolvers` section (name servers, `hold` times) is yours to define.
    From HAProxy 2.6, `resolvers default` names a section HAProxy builds from
    /etc/resolv.conf.

    ## Exceptions
    Names that never change address (an /etc/hosts entry, a static record you control): the
    lookup at start is then all you need. IP addresses, UNIX sockets, `localhost` and
    addresses taken from environment variables are not reported, nor servers with `init-addr
    ... none`: HL402 reports those, more precisely.

    ## References
    - configuration.txt: "resolvers" (server), "init-addr", section 5.3
    """

    code = "HL401"
    name = "hostname-without-resolvers"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for server in _named_servers(ctx):
            if server.resolvers is not None:
                continue
            # HL402 gives the sharper diagnosis for `init-addr ... none` (the server may have
            # no address at all). Always, not only when HL402 runs: a rule finds the same
            # alone as among the others.
            if "none" in server.init_addr:
                continue
            host = server.address.host  # type: ignore[union-attr]
            if server.kind == "server-template":
                message = (
                    f"server-template `{server.name}` uses host name `{host}` without `resolvers`: it is resolved once at start "
                    "and every slot gets that one address; add `resolvers <section>`"
                )
            else:
                message = (
                    f"server `{server.name}` uses host name `{host}` without `resolvers`: it is resolved only at start, "
                    "and an address change goes unnoticed until a reload; add `resolvers <section>`"
                )
            yield ctx.report(self, server.address_word, message)  # type: ignore[arg-type]


class InitAddrNoneWithoutResolvers(Rule):
    """Reports `init-addr` lists with `none` on host-name servers that have no `resolvers`.

    ## Why is this bad?
    `init-addr ... none` lets HAProxy start even when a server's name does not resolve: the
    server starts without an address, in DOWN state, waiting for DNS to give it one. Only a
    `resolvers` section ever does that. Without one, the server keeps no address until the
    next reload (or a `set server addr` on the runtime API): it stays DOWN while the name
    resolves fine. With `none` first (or alone), the name is not even looked up at start.

    ## Example
    ```haproxy
    backend app
        default-server init-addr last,libc,none
        server app1 app1.internal.example:80 check
    ```

    ## Use instead
    ```haproxy
    resolvers dns
        parse-resolv-conf

    backend app
        default-server init-addr last,libc,none resolvers dns
        server app1 app1.internal.example:80 check
    ```

    ## Fix safety
    No automatic fix: add a `resolvers` section to the server (or its `default-server`), or
    drop `none` so that HAProxy refuses to start rather than run without the server.

    ## Exceptions
    Servers whose address you set at run time through the runtime API (`set server addr`), on
    purpose.

    ## References
    - configuration.txt: "init-addr", "resolvers" (server)
    """

    code = "HL402"
    name = "init-addr-none-without-resolvers"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        groups: dict[int, tuple[Word, list[Server]]] = {}
        for server in _named_servers(ctx):
            if "none" not in server.init_addr or server.resolvers is not None:
                continue
            param = server.get("init-addr")
            word = param.value_word if param and param.value_word else server.address_word
            groups.setdefault(word.start, (word, []))[1].append(server)  # type: ignore[union-attr]
        for start in sorted(groups):
            word, servers = groups[start]
            names = ", ".join(f"`{s.name}`" for s in servers[:3]) + (f" and {len(servers) - 3} more" if len(servers) > 3 else "")
            first = servers[0]
            origin = ""
            param = first.get("init-addr")
            if param is not None and param.line.start != first.line.start:
                origin = f" (from the default-server at line {ctx.config.position(param.line.start)[0]})"
            plural = "servers" if len(servers) > 1 else "server"
            if first.init_addr[0] == "none":
                start = f"starts {plural} {names} without looking up the name"
            else:
                start = f"lets {plural} {names} start without an address when the lookup fails"
            message = (
                f"`init-addr {word.value}`{origin} {start}, and without `resolvers` no address ever comes "
                "until a reload; add `resolvers <section>` or drop `none`"
            )
            yield ctx.report(self, word, message)


class UndefinedResolvers(Rule):
    """Reports `resolvers NAME` on a server or `default-server` when no `resolvers NAME`
    section exists.

    ## Why is this bad?
    HAProxy refuses to start: "unable to find required resolvers 'NAME'", once for every
    server that uses the name (a `default-server` that no server follows is not checked, but
    will be as soon as one does). The usual causes are a typo or a section kept in a file that
    is not loaded.

    ## Example
    ```haproxy
    resolvers dns
        nameserver ns1 10.0.0.53:53

    backend app
        server app1 app1.internal.example:80 check resolvers mydns
    ```

    ## Use instead
    ```haproxy
    resolvers dns
        nameserver ns1 10.0.0.53:53

    backend app
        server app1 app1.internal.example:80 check resolvers dns
    ```

    ## Fix safety
    No automatic fix: correct the name or define the section.

    ## Exceptions
    From HAProxy 2.6, `resolvers default` needs no section: HAProxy builds one from
    /etc/resolv.conf (silently skipping it if that fails). Sections in other files count when
    those files are linted together (`haproxy -f a.cfg -f b.cfg`).

    ## References
    - configuration.txt: "resolvers" (server), section 5.3.2 "The resolvers section"
    """

    code = "HL403"
    name = "undefined-resolvers"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        defined = {s.name for config in ctx.configs for s in config.sections_of("resolvers") if s.name}
        if ctx.version >= (2, 6):
            defined.add("default")
        used: set[int] | None = None
        # The lines that may name one, by keyword from the shared index, in file order.
        lines = sorted(
            (line for keyword in ("server", "default-server", "server-template")
             for line, section in ctx.index.entries(keyword, ctx.config)
             if section is not None and "resolvers" in line.text),
            key=lambda line: line.start,
        )
        for line in lines:
            param = ctx.server(line).params.get("resolvers")
            if param is None or param.value_word is None or param.value in defined:
                continue
            name = param.value
            import difflib  # here, not at the top: only a misspelt name needs it

            close = difflib.get_close_matches(name, sorted(defined), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            if line.keyword == "default-server" and used is None:
                used = {
                    p.word.start for _proxy, server in _servers(ctx) if (p := server.get("resolvers")) is not None
                }
            if line.keyword == "default-server" and param.word.start not in used:  # type: ignore[operator]
                message = f"no `resolvers {name}` section exists; no server uses this default-server yet, but HAProxy will refuse it once one does; {hint}define the section or fix the name"
                yield ctx.report(self, param.value_word, message, severity=Severity.WARNING)
            else:
                message = f"no `resolvers {name}` section exists: HAProxy refuses to start; {hint}define the section or fix the name"
                yield ctx.report(self, param.value_word, message)


# --- HL404 -----------------------------------------------------------------------------------

_DO_RESOLVE = re.compile(r"do-resolve\(([^,()]*),([^,()]*)")


def resolvers_used(configs: Sequence[Config]) -> set[str] | None:
    """The names of the `resolvers` sections something uses: a `resolvers` parameter of a
    server, `default-server` or `server-template` (in any section), the second argument of a
    `do-resolve(...)` action, `httpclient.resolvers.id`. ``None`` when a name comes from the
    environment and cannot be known."""
    used: set[str] = set()
    for config in configs:
        for section in config.sections:
            for line in section.directives:
                keyword = line.keyword
                if keyword in ("server", "default-server", "server-template"):
                    if "resolvers" not in line.text:
                        continue
                    param = Server.from_line(line).params.get("resolvers")
                    if param is not None and param.value_word is not None:
                        if "$" in param.value_word.raw:
                            return None
                        used.add(param.value_word.value)
                elif keyword == "httpclient.resolvers.id" and len(line.words) > 1:
                    if "$" in line.words[1].raw:
                        return None
                    used.add(line.words[1].value)
                elif "do-resolve(" in line.text:
                    for word in line.words:
                        m = _DO_RESOLVE.match(word.value)
                        if m is not None:
                            if "$" in m.group(2):
                                return None
                            used.add(m.group(2).strip())
    return used


class UnusedResolvers(Rule):
    """Reports a `resolvers` section that no server, `default-server`, `server-template` or
    `do-resolve` action uses.

    ## Why is this bad?
    A `resolvers` section does nothing by itself: HAProxy only resolves host names again for
    the servers that name it (`resolvers dns`). An unused section usually means the servers
    were meant to use it and do not: their addresses are looked up once at start and never
    followed (HL401 reports those servers), while whoever reads the file believes DNS changes
    are picked up.

    ## Example
    ```haproxy
    resolvers dns
        nameserver ns1 10.0.0.53:53

    backend app
        server app1 app.internal.example:80 check
    ```

    ## Use instead
    ```haproxy
    resolvers dns
        nameserver ns1 10.0.0.53:53

    backend app
        server app1 app.internal.example:80 check resolvers dns init-addr last,libc,none
    ```

    ## Fix safety
    No fix: add `resolvers <name>` to the servers (or their `default-server`) that should
    follow DNS, or remove the section.

    ## Exceptions
    Servers added at run time with `add server ... resolvers <name>` on the runtime API, or a
    section kept for `set server ... fqdn`. A section named `default` is used by HAProxy's HTTP
    client (2.5 and later) and is not reported. Sections used from other files count when the
    files are linted together. Advice only (info).

    ## References
    HAProxy configuration manual: section 5.3.2 "The resolvers section", server `resolvers`,
    `do-resolve`, `httpclient.resolvers.id`.
    """

    code = "HL404"
    name = "unused-resolvers"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        sections = [s for s in ctx.config.sections_of("resolvers") if s.name]
        if not sections:
            return
        used = ctx.memo("resolvers-used", lambda: resolvers_used(ctx.configs), per_file=False)
        if used is None:
            return
        for section in sections:
            name = section.name
            if name in used or (name == "default" and ctx.version >= (2, 5)):
                continue
            message = (
                f"no server, `default-server`, `server-template` or `do-resolve` uses `resolvers {name}`: it resolves "
                f"nothing; add `resolvers {name}` to the servers that should follow DNS, or remove the section"
            )
            header = section.header
            yield ctx.report(self, header.words[1] if len(header.words) > 1 else header, message)
