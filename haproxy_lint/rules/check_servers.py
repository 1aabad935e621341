"""HL1xx: health checks, on the server side: which servers are checked, on which port, with
which transport."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..effective import Proxy, Setting, nearest_in_chain, proxy_facts
from ..model import Line, Word
from ..rule import Context, Rule
from ..views import Param, Server, parse_address

#: ``option`` names that select a health check type (doc/configuration.txt, 2.0 to 3.2). The
#: last one a proxy sets is its check type.
CHECK_OPTIONS: tuple[str, ...] = (
    "httpchk",
    "ssl-hello-chk",
    "smtpchk",
    "mysql-check",
    "pgsql-check",
    "redis-check",
    "ldap-check",
    "spop-check",
    "tcp-check",
    "external-check",
)

#: Ports on which a server almost certainly speaks TLS.
TLS_PORTS = frozenset({443, 8443})
#: How a port that may read as one of TLS_PORTS ends (``0443`` reads as 443).
_TLS_PORT_ENDINGS = tuple(str(port) for port in TLS_PORTS)


# --- effective server parameters -------------------------------------------------------------


def is_inherited(server: Server, param: Param) -> bool:
    return param.line.start != server.line.start


def line_of(ctx: Context, target: Line | Word | Param) -> int:
    return ctx.config.position(target.start)[0]


def server_label(server: Server) -> str:
    if server.kind == "server-template":
        return f"server-template `{server.name}`"
    return f"server `{server.name}`"


def server_target(server: Server) -> Word | Line:
    """Where a diagnostic about a server as a whole points: its address word, else its line."""
    return server.address_word or server.name_word or server.line


def origin(ctx: Context, server: Server, param: Param) -> str:
    """`` (inherited from default-server at line 12)`` for an inherited parameter, else ``""``."""
    if not is_inherited(server, param):
        return ""
    return f" (inherited from default-server at line {line_of(ctx, param)})"


def checks_use_tls(server: Server) -> bool:
    """Whether health checks go over TLS: ``check-ssl``, or ``ssl`` when neither ``port`` nor
    ``addr`` moves the check (HAProxy's init_srv_check(): with either of them set, the server's
    transport is not reused for checks)."""
    if server.has("check-ssl"):
        return True
    return server.has("ssl") and server.get("port") is None and server.get("addr") is None


def check_port(server: Server) -> int | None:
    """The port health checks go to: ``port`` if set, else the port of ``addr`` if it has one,
    else the server's port (HAProxy's srv_check_healthcheck_port()); ``None`` when it is not a
    plain number."""
    port = server.get("port")
    if port is not None:
        return port.integer
    addr = server.get("addr")
    if addr is not None and addr.value is not None:
        address = parse_address(addr.value)
        if address.port is not None:
            return address.port_number
    return server.address.port_number if server.address else None


def check_type(proxy: Proxy) -> Setting | None:
    """The option line that selects the proxy's check type (the last one wins; own lines over
    inherited ones), or ``None``. Kept on the proxy: several rules ask for every proxy."""
    facts = proxy_facts(proxy)
    if ("check_option",) in facts:
        return facts[("check_option",)]  # type: ignore[no-any-return]
    found: Setting | None = None
    for name in CHECK_OPTIONS:
        setting = proxy.option(name)
        if setting is None:
            continue
        if found is None or (not setting.inherited, setting.line.start) > (not found.inherited, found.line.start):
            found = setting
    facts[("check_option",)] = found
    return found


def describe_setting(ctx: Context, setting: Setting | Line, inherited: bool) -> str:
    line = setting.line if isinstance(setting, Setting) else setting
    words = line.values
    text = " ".join(words[:2]) if words and words[0] == "option" else words[0]
    where = f"inherited from defaults at line {line_of(ctx, line)}" if inherited else f"line {line_of(ctx, line)}"
    return f"`{text}` ({where})"


def health_check_config(ctx: Context, proxy: Proxy) -> str | None:
    """How the proxy configures health checks, for messages, or ``None`` if it does not."""
    option = check_type(proxy)
    if option is not None:
        return describe_setting(ctx, option, option.inherited)
    for keyword in ("http-check", "tcp-check"):
        lines, inherited = proxy.effective_lines(keyword)
        if lines:
            return describe_setting(ctx, lines[0], inherited)
    return None


# --- what the per-server rules share -----------------------------------------------------------


class Pool:
    """A proxy's servers, with the names of every parameter they may have: those written on
    their lines and those ``default-server`` hands them (more than :meth:`Server.get` may
    answer, as ``no-<name>`` is not subtracted). A rule looking for a parameter skips the
    proxies whose servers cannot have it without visiting them (a large file has thousands
    of servers, and most rules find nothing on most of them)."""

    __slots__ = ("proxy", "servers", "names", "is_backend")

    def __init__(self, proxy: Proxy, shared: dict[frozenset[str], frozenset[str]]) -> None:
        self.proxy = proxy
        self.servers = servers = proxy.servers
        names: set[str] = set()
        handed_down = None
        for server in servers:
            names.update(server.params)
            inherited = server.inherited
            if inherited is not handed_down:  # (one dict for the servers below one default-server)
                names.update(inherited)
                handed_down = inherited
        # One copy of each set of names (``shared``): a large file has thousands of proxies
        # and a handful of sets, and a set of a few names takes 700 bytes.
        frozen = frozenset(names)
        self.names = shared.setdefault(frozen, frozen)
        self.is_backend = proxy.section.kind in ("backend", "listen")


def is_disabled(proxy: Proxy | None) -> bool:
    """Whether ``disabled`` is in force for the proxy (its own last ``disabled``/``enabled``
    line, else its defaults'); HL202 and HL504 stay quiet for a disabled proxy."""
    owner = nearest_in_chain(proxy, "disabled", lambda p: bool(p.own("disabled", "enabled"))) if proxy else None
    return owner is not None and owner.own("disabled", "enabled")[-1].keyword == "disabled"


def pools(ctx: Context) -> list[Pool]:
    """The proxies of the file that have servers, each with its :class:`Pool`, read once for
    all the rules that visit servers."""

    def compute() -> list[Pool]:
        shared: dict[frozenset[str], frozenset[str]] = {}
        return [Pool(proxy, shared) for proxy in ctx.proxies if proxy.servers]

    return ctx.memo("servers.pools", compute)


# --- rules -----------------------------------------------------------------------------------


class CheckDisabledServer(Rule):
    """Reports servers without `check` in a proxy that configures health checks.

    ## Why is this bad?
    `option httpchk`, `option tcp-check`, the other `option *-chk`/`*-check` and the
    `http-check`/`tcp-check` rules only say *how* to check. A server is checked only when its
    line (or a `default-server` line) has `check`. A server without it is never checked: HAProxy
    considers it always available, never marks it DOWN, and keeps sending traffic to it after it
    dies. The check options in `defaults` count too, since every backend inherits them.

    ## Example
    ```haproxy
    backend app
        option httpchk
        http-check send meth GET uri /health
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        http-check send meth GET uri /health
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80 check
    ```

    ## Fix safety
    Unsafe: adding `check` starts health checks against the server, which HAProxy will mark DOWN
    (and take out of rotation) if the checks fail, for instance when the health endpoint does
    not exist on it. No fix is offered for a server without a port (`10.0.0.1`, `10.0.0.1:+1`):
    HAProxy refuses `check` there ("has neither service port nor check port"), so add
    `check port <N>` by hand.

    ## Exceptions
    Servers with `track` follow another server's checks and are left alone (HAProxy refuses
    `check` with `track`). A server that must not be checked can say so with `no-check` on its
    line (or on a `default-server` line), which this rule respects. Servers with `disabled`
    are reported too: they are unchecked the moment an operator enables them.
    """

    code = "HL103"
    name = "check-disabled-server"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            if not pool.is_backend:
                continue
            proxy = pool.proxy
            # (most servers have `check`: the proxy's health-check setting is read for the others)
            unchecked = [
                server for server in pool.servers
                if not server.check and server.flag("check") is None and server.get("track") is None  # (`no-check` is deliberate)
            ]
            if not unchecked:
                continue
            how = health_check_config(ctx, proxy)
            if how is None:
                continue
            for server in unchecked:
                label = server_label(server)
                if self._has_port(server):
                    fix = ctx.fix(f"add `check` to {label}", "unsafe", ctx.add_server_words(server, "check"))
                    message = f"{label} has no `check`, so the health check set by {how} never runs for it and it stays in rotation when it dies; add `check`"
                else:
                    fix = None
                    message = f"{label} has no `check` and no port, so the health check set by {how} never runs for it; add `check port <N>`"
                yield ctx.report(self, server_target(server), message, fix=fix)

    @staticmethod
    def _has_port(server: Server) -> bool:
        """Whether HAProxy can check the server with plain `check` (it needs a port)."""
        if server.get("port") is not None:
            return True
        address = server.address
        if address is None:
            return False
        if address.kind in ("unix", "abns"):
            return True
        return address.port is not None and not address.port.startswith(("+", "-"))


class CheckPortWithoutCheckSsl(Rule):
    """Reports TLS servers whose health checks go to another `port` or `addr` in clear text,
    because `check-ssl` is missing.

    ## Why is this bad?
    A server with `ssl` is checked over TLS only while the check goes to the server's own address
    and port. HAProxy's documentation (server keyword `check`): when `port` or `addr` is set,
    "configured encapsulation parameters are not reused. One must explicitly set [...]
    `check-ssl` to use SSL/TLS" (see also `check-ssl`: "generally used when an explicit `port`
    or `addr` directive is specified and SSL health checks are not inherited"). That holds even
    when `port` repeats the server's port. A clear-text check sent to a TLS port fails with
    "Layer7 invalid response" or a handshake error, and the server is marked DOWN while healthy.

    The diagnostic is a warning when the check goes to a TLS port: 443, 8443, the server's own
    port (`addr` alone, or `port` equal to it), or when `check-sni`/`check-alpn` show that TLS
    was meant; for any other port it is information only.

    ## Example
    ```haproxy
    backend app
        option httpchk
        server app1 10.0.0.1:443 ssl verify none check port 8443
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        server app1 10.0.0.1:443 ssl verify none check port 8443 check-ssl
    ```

    ## Fix safety
    No automatic fix: only you know whether the check port speaks TLS. Add `check-ssl` if it
    does; write `no-check-ssl` if it is a clear-text port on purpose (this rule then stays
    quiet).

    ## Exceptions
    A dedicated clear-text health port (`port 8080` serving plain HTTP next to a TLS service):
    state it with `no-check-ssl`.

    ## References
    doc/configuration.txt, section 5.2: `check`, `check-ssl`, `port`, `addr`.
    """

    code = "HL107"
    name = "check-port-without-check-ssl"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            names = pool.names
            if not pool.is_backend or "ssl" not in names or ("port" not in names and "addr" not in names):
                continue  # (no server has `ssl`, or none moves its checks)
            for server in pool.servers:
                if not (server.has("ssl") and server.has("check")):
                    continue
                port, addr = server.get("port"), server.get("addr")
                moved = port or addr
                if moved is None or server.flag("check-ssl") is not None:
                    continue
                service_port = server.address.port if server.address else None
                port_number = check_port(server)
                if port is not None:
                    dest = f"port {port.value}"
                elif addr is not None and addr.value and parse_address(addr.value).port is not None:
                    dest = addr.value
                elif addr is not None and service_port:
                    dest = f"{addr.value}:{service_port}"
                else:
                    dest = f"{addr.value}" if addr is not None else "the check address"
                tls_likely = (
                    port_number in TLS_PORTS
                    or (port_number is not None and str(port_number) == service_port)
                    or (port is None and addr is not None and parse_address(addr.value or "").port is None)
                    or server.get("check-sni") is not None
                    or server.get("check-alpn") is not None
                )
                label = server_label(server)
                cause = f"`{moved.name}`{origin(ctx, server, moved)}"
                target = server_target(server) if is_inherited(server, moved) else moved
                if tls_likely:
                    message = f"{cause} turns off `ssl` for the health checks of {label}, so they reach {dest} in clear text; add `check-ssl`"
                    severity = Severity.WARNING
                else:
                    message = f"{cause} turns off `ssl` for the health checks of {label}, so they reach {dest} in clear text; add `check-ssl` if that port speaks TLS, or `no-check-ssl` if it does not"
                    severity = Severity.INFO
                yield ctx.report(self, target, message, severity=severity)


class PlainCheckToTlsPort(Rule):
    """Reports HTTP health checks sent in clear text to port 443 or 8443.

    ## Why is this bad?
    With `option httpchk`, HAProxy sends an HTTP request to the check port. If that port speaks
    TLS (443, 8443) and the check is not encrypted (no `ssl` on the server, or a `port`/`addr`
    without `check-ssl`), the server answers with a TLS alert or closes the connection: every
    check fails and the server stays DOWN.

    ## Example
    ```haproxy
    backend app
        option httpchk
        server app1 10.0.0.1:443 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        server app1 10.0.0.1:443 check ssl verify none
    ```

    ## Fix safety
    No automatic fix: add `ssl` (traffic and checks over TLS) or `check-ssl` (checks only) to
    the server, or point `port` at a clear-text HTTP port.

    ## Exceptions
    A server that really serves plain HTTP on port 443. TLS servers that check another port
    without `check-ssl` are reported by HL107 instead.
    """

    code = "HL108"
    name = "plain-check-to-tls-port"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            if not pool.is_backend:
                continue
            servers = pool.servers
            if "port" not in pool.names and "addr" not in pool.names:
                # Checks go to each server's own port: only those on a TLS port can be reported.
                servers = [
                    server for server in servers
                    if (address := server.address) is not None and address.port is not None
                    and address.port.endswith(_TLS_PORT_ENDINGS)
                ]
                if not servers:
                    continue
            option = check_type(pool.proxy)
            if option is None or option.value != "httpchk":
                continue
            for server in servers:
                if not server.check:
                    continue
                port = check_port(server)
                if port not in TLS_PORTS or checks_use_tls(server):
                    continue
                moved = server.get("port") or server.get("addr")
                if server.has("ssl") and moved is not None and server.flag("check-ssl") is None:
                    continue  # HL107's case
                own_port, own_addr = server.params.get("port"), server.params.get("addr")
                if own_port is not None:
                    target: Param | Word | Line = own_port
                elif own_addr is not None and parse_address(own_addr.value or "").port is not None:
                    target = own_addr
                else:
                    target = server_target(server)
                label = server_label(server)
                message = f"the HTTP health check of {label} goes in clear text to port {port}, a TLS port, and gets no HTTP answer; add `check-ssl` (or `ssl`) or check a clear-text port"
                yield ctx.report(self, target, message)


class SniWithoutSsl(Rule):
    """Reports `sni` on servers without `ssl`, and `check-sni` on servers whose checks do not
    use TLS (neither `ssl` nor `check-ssl`).

    ## Why is this bad?
    SNI is part of the TLS handshake. Without `ssl` there is no handshake: the `sni` expression
    is never used, and the backend that needs it (a virtual host, a Kubernetes ingress, a CDN)
    answers with its default certificate or not at all. HAProxy accepts this silently. Most
    often `ssl` was forgotten. The same holds for `check-sni` when the checks use neither
    `ssl` nor `check-ssl`.

    `sni` takes a sample expression: `sni str(app.example.com)` for a fixed name,
    `sni req.hdr(host)` to forward the client's. `check-sni` takes a plain string.

    A `default-server` `sni` is reported once, on that line, when none of the servers that
    inherit it uses `ssl`; in a pool that mixes TLS and clear-text servers it is fine.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:443 check sni str(app.example.com) verify none
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:443 check ssl sni str(app.example.com) verify none
    ```

    ## Fix safety
    No automatic fix: add `ssl` (and certificate verification) if the server speaks TLS,
    `check-ssl` for `check-sni` on a TLS check port, or remove the SNI setting.

    ## Exceptions
    None known: without TLS the setting does nothing.
    """

    code = "HL109"
    name = "sni-without-ssl"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        # A default-server's sni/check-sni: the servers that inherit it, and whether any of
        # them uses TLS (then the setting is useful there, and nothing is reported).
        inherited: dict[tuple[str, int], tuple[Param, list[str], list[bool]]] = {}
        for pool in pools(ctx):
            if not pool.is_backend or ("sni" not in pool.names and "check-sni" not in pool.names):
                continue
            proxy = pool.proxy
            for server in pool.servers:
                if not server.has("sni") and not server.has("check-sni"):
                    continue  # (most servers: nothing to read)
                ssl = server.has("ssl")
                for name, uses_tls in (("sni", ssl), ("check-sni", ssl or server.has("check-ssl"))):
                    param = server.get(name)
                    if param is None:
                        continue
                    if is_inherited(server, param):
                        entry = inherited.setdefault((name, param.word.start), (param, [], []))
                        entry[1].append(f"{proxy.name}/{server.name}")
                        entry[2].append(uses_tls)
                    elif not uses_tls:
                        yield ctx.report(self, param, self._message(name, server_label(server)))
        for (name, _), (param, servers, tls) in inherited.items():
            if not any(tls):
                names = ", ".join(f"`{name}`" for name in servers[:3]) + (", ..." if len(servers) > 3 else "")
                yield ctx.report(self, param, self._message(name, f"the servers that inherit it ({names})"))

    @staticmethod
    def _message(name: str, who: str) -> str:
        if name == "sni":
            return f"`sni` has no effect on {who} without `ssl`: no TLS handshake carries it; add `ssl` or remove `sni`"
        return f"`check-sni` has no effect on {who} without `ssl` or `check-ssl`: the health checks use no TLS; add `check-ssl` or remove `check-sni`"


class AgentCheckWithoutPort(Rule):
    """Reports servers with `agent-check` and no port for the agent.

    ## Why is this bad?
    The agent check connects to `agent-port` (from HAProxy 2.4, `port` serves as well when
    `agent-port` is not set). Without either, HAProxy refuses the configuration: "server app1
    does not have agent port. Agent check has been disabled." (an ALERT, fatal, in 2.6 and 2.8
    despite its wording). `agent-port`, `port` and `agent-check` all count from
    `default-server` too.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check agent-check agent-inter 5s
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check agent-check agent-port 9999 agent-inter 5s
    ```

    ## Fix safety
    No automatic fix: add `agent-port <port>` with the port the agent listens on, or remove
    `agent-check`.

    ## Exceptions
    None: HAProxy does not start.
    """

    code = "HL110"
    name = "agent-check-without-port"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        port_counts = ctx.version >= (2, 4)
        for pool in pools(ctx):
            if not pool.is_backend or "agent-check" not in pool.names:
                continue
            for server in pool.servers:
                agent = server.flag("agent-check")
                if agent is None or agent.name != "agent-check" or server.get("agent-port") is not None:
                    continue
                port = server.get("port")
                if port is not None and port_counts:
                    continue
                label = server_label(server)
                note = " (`port` only serves the agent from HAProxy 2.4)" if port is not None else ""
                target = server_target(server) if is_inherited(server, agent) else agent
                message = f"{label} has `agent-check`{origin(ctx, server, agent)} but no `agent-port`{note}, so HAProxy refuses to start; add `agent-port <port>`"
                yield ctx.report(self, target, message)
