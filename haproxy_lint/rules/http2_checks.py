"""HL113-HL115: HTTP health checks that go to the server in HTTP/2.

How HAProxy (2.2 and later) chooses the protocol of an HTTP check, as read in ``src/check.c``
(init_srv_check()) and ``src/tcpcheck.c`` (tcpcheck_eval_connect()), and seen on the wire
(HAProxy issue #1711, "works as designed"):

* A server's ``check-proto`` names the protocol of its checks. Without it, HTTP checks take the
  server's ``proto`` when that is an HTTP protocol: a ``proto h2`` server is checked in HTTP/2.
* That protocol is used by the implicit connect and by ``http-check connect default``; an
  ``http-check connect proto h2`` uses HTTP/2 for every server; another ``http-check connect``
  lets HAProxy choose (HTTP/1.1 in clear text).
* In HTTP/2 the version the request names (``HTTP/1.1``) is not sent: the multiplexer writes
  HTTP/2 frames. The authority comes from an absolute URI (``uri http://host/path``, which also
  sets ``:scheme``); otherwise only a ``Host`` header gives one, and HAProxy adds none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..effective import Proxy
from ..model import Word
from ..rule import Context, Rule
from ..views import Param, Server
from .health_checks import (
    Request,
    RequestUse,
    host_header_fix,
    known_host,
    rulesets,
)


def lacks_authority(request: Request) -> bool:
    """Whether the request names no authority: no ``Host`` header and a URI that is not
    absolute (an ``uri-lf`` that may build one is given the benefit of the doubt)."""
    if request.has_host or request.absolute_uri:
        return False
    send = request.send
    dynamic = send.arg_values.get("uri-lf") if send is not None else None
    return dynamic is None or dynamic.startswith("/")


def is_grpc_call(request: Request) -> bool:
    """Whether the request looks like a gRPC call: ``POST`` with ``content-type:
    application/grpc...`` (the only requests a gRPC server answers)."""
    headers = list(request.send.header_values) if request.send is not None else []
    if request.option is not None:
        headers += request.option.headers
    return request.method.upper() == "POST" and any(
        name.lower() == "content-type" and value.lower().startswith("application/grpc") for name, value in headers
    )


def _line(ctx: Context, target: Param | Word) -> int:
    return ctx.config.position(target.start)[0]


def why_http2(ctx: Context, reasons: list[Param | Word]) -> str:
    """``proto h2` at line 12`` for the first thing that sends the checks in HTTP/2."""
    reason = reasons[0]
    if isinstance(reason, Param):
        return f"`{reason.name} h2` at line {_line(ctx, reason)}"
    return f"`http-check connect ... proto h2` at line {_line(ctx, reason)}"


def _verb(items: list, singular: str, plural: str) -> str:
    return singular if len(items) == 1 else plural


def server_names(items: list[tuple[Proxy, Server]]) -> str:
    qualified = len({id(p) for p, _ in items}) > 1
    names = [f"`{p.name}/{s.name}`" if qualified else f"`{s.name}`" for p, s in items]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ("server " if len(names) == 1 else "servers ") + ", ".join(names[:3]) + more


def _option_text(request: Request) -> str:
    line = request.option.line if request.option is not None else request.send.line  # type: ignore[union-attr]
    return " ".join(w.raw for w in line.words)


def inherited_by_http2_backends(ctx: Context) -> dict[int, tuple[Proxy, Proxy, RequestUse, list[tuple[Server, Param]]]]:
    """The backends HL115 reports, by ``id()``: each with the section whose check it inherits,
    the first request of that check, and its servers with their `proto h2`."""

    def compute():
        found = {}
        sets = rulesets(ctx)
        for proxy, owner in sets.inheritors:
            uses = sets.uses_of(owner)
            if not uses:
                continue  # no request at all: HL111
            first = uses[0]
            mine = [(server, reason) for p, server, reason in first.http2 if p is proxy]
            if not mine or any(p is proxy for p, _ in first.http1):
                continue
            # Only `proto h2` on the servers: with `check-proto h2` HTTP/2 checks were asked for.
            if not all(isinstance(reason, Param) and reason.name == "proto" for _, reason in mine):
                continue
            if is_grpc_call(first.request):
                continue
            found[id(proxy)] = (proxy, owner, first, mine)  # type: ignore[misc]
        return found

    return ctx.memo("http2-inheritors", compute)


def _http2_servers(ctx: Context, use: RequestUse) -> list[tuple[Proxy, Server, Param | Word]]:
    """The servers that get the request in HTTP/2, except those of the backends HL115 reports."""
    skipped = inherited_by_http2_backends(ctx)
    return [item for item in use.http2 if id(item[0]) not in skipped]


class Http2CheckWithoutAuthority(Rule):
    """Reports HTTP health checks sent in HTTP/2 (to `proto h2` servers, or with `check-proto
    h2`) whose request has neither a `Host` header nor an absolute URI.

    ## Why is this bad?
    An HTTP/2 request names its virtual host in the `:authority` pseudo-header (or a `host`
    header). HAProxy fills `:authority` only from an absolute URI (`uri http://host/path`),
    sends a `Host` header only when the check has one, and adds neither by itself. Many HTTP/2
    servers and proxies refuse a request without an authority: every check fails, with
    "Layer7 wrong status" or "Socket error", and healthy servers stay DOWN (HAProxy issues
    #1214 and #1225, where the fix was an absolute URI). A `proto h2` server is checked in
    HTTP/2 whatever version the check request names, so an `option httpchk GET /health
    HTTP/1.1` written for HTTP/1 servers meets this too.

    ## Example
    ```haproxy
    backend api
        option httpchk GET /health HTTP/1.1
        server api1 api.internal.example:8080 proto h2 check
    ```

    ## Use instead
    ```haproxy
    backend api
        option httpchk
        http-check send meth GET uri http://api.internal.example/health ver HTTP/2
        server api1 api.internal.example:8080 proto h2 check
    ```

    ## Fix safety
    Unsafe, offered when every checked server using the request agrees on one host name (its
    `check-sni`, `sni str(...)` or address): it adds `hdr Host <name>` to the request, as
    HL101 does. The request changes, and the virtual host may be another name: check it.

    ## Exceptions
    An HTTP/2 server that accepts requests without an authority (HAProxy's own frontends, Go's
    net/http). A `uri-lf` that may build an absolute URI is not reported. Backends that inherit
    their check from `defaults` while all their servers use `proto h2` are reported by HL115
    instead.

    ## References
    HAProxy configuration manual: `proto`, `check-proto`, `http-check send`; HAProxy issues
    #1214, #1225 and #1711.
    """

    code = "HL113"
    name = "http2-check-without-authority"
    severity = Severity.WARNING
    versions = ">=2.2"
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for owner, use in rulesets(ctx).all_uses():
            request = use.request
            if not lacks_authority(request) or not use.http2:
                continue
            http2 = _http2_servers(ctx, use)
            if not http2:
                continue
            section = owner.section
            send, opt = request.send, request.option
            if send is not None and (opt is None or send.line.start > opt.line.start):
                target = send.line.words[1]
            else:
                target = opt.line.words[1]  # type: ignore[union-attr]
            version = request.version_word
            whatever = ""
            if version is not None and version.value.upper().startswith("HTTP/1"):
                whatever = f", whatever `{version.value}` says"
            users = list({id(p): p for p, _, _ in http2}.values())
            host = known_host(users)
            fix = host_header_fix(ctx, section, request, host) if host else None
            name = host or "<name>"
            path = request.uri if request.uri and request.uri.startswith("/") else "/"
            message = (
                f"this health check goes to {server_names([(p, s) for p, s, _ in http2])} in HTTP/2 "
                f"({why_http2(ctx, [r for _, _, r in http2])}{whatever}) with no authority: no `Host` header "
                "and no absolute URI, so HTTP/2 servers that require one refuse it and every check fails; "
                f"add `hdr Host {name}` or send an absolute URI (`uri http://{name}{path}`)"
            )
            yield ctx.report(self, target, message, fix=fix)


class Http2CheckVersionIgnored(Rule):
    """Reports a health-check request that names HTTP/1.0 or HTTP/1.1 while the servers it goes
    to are checked in HTTP/2 because of their `proto h2`.

    ## Why is this bad?
    HTTP checks take the server's protocol: a `proto h2` server is checked in HTTP/2, and the
    version written in `option httpchk` or `http-check send ver` is not what goes on the wire
    (HAProxy issue #1711, closed as "works as designed"). The line says HTTP/1.1, the server
    sees HTTP/2: a health endpoint that only speaks HTTP/1 (an admin port, a sidecar) fails
    every check, and whoever reads the configuration is misled. `check-proto h1` (HAProxy 2.4
    and later) makes the checks HTTP/1.1 again.

    ## Example
    ```haproxy
    backend api
        option httpchk
        http-check send meth GET uri /health ver HTTP/1.1 hdr Host api.example.com
        server api1 10.0.0.1:8080 proto h2 check
    ```

    ## Use instead
    ```haproxy
    backend api
        option httpchk
        http-check send meth GET uri /health ver HTTP/1.1 hdr Host api.example.com
        server api1 10.0.0.1:8080 proto h2 check check-proto h1
    ```

    ## Fix safety
    No fix: whether the server answers checks in HTTP/1 (add `check-proto h1`) or in HTTP/2
    (write `ver HTTP/2` so the line says what happens) is for a person to say.

    ## Exceptions
    None: the version word has no effect on these servers. Advice only (info), as the checks
    work when the server answers HTTP/2. Requests with no authority are reported by HL113,
    which says the same.

    ## References
    HAProxy configuration manual: `proto`, `check-proto`; HAProxy issue #1711.
    """

    code = "HL114"
    name = "http2-check-version-ignored"
    severity = Severity.INFO
    versions = ">=2.2"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for _, use in rulesets(ctx).all_uses():
            request = use.request
            written = request.written_version
            if written is None or not written.upper().startswith("HTTP/1") or lacks_authority(request):
                continue  # (no authority: HL113 says it)
            if not use.http2:
                continue
            http2 = [item for item in _http2_servers(ctx, use) if isinstance(item[2], Param) and item[2].name == "proto"]
            if not http2:
                continue
            if ctx.version >= (2, 4):
                todo = "add `check-proto h1` to check them in HTTP/1.1, or write `ver HTTP/2` to say what happens"
            else:
                todo = "write `ver HTTP/2` to say what happens (`check-proto h1` came in HAProxy 2.4)"
            version = request.version_word
            assert version is not None  # (it writes the version read above)
            message = (
                f"`{version.value}` is not what these checks use: {server_names([(p, s) for p, s, _ in http2])} "
                f"{_verb(http2, 'gets', 'get')} them in HTTP/2 because of {why_http2(ctx, [r for _, _, r in http2])}, whatever version "
                f"the request names; {todo}"
            )
            yield ctx.report(self, version, message)


class HttpchkInheritedByHttp2Backend(Rule):
    """Reports a backend whose servers all use `proto h2` (gRPC, HTTP/2 in clear text) and that
    inherits its `option httpchk` from `defaults`.

    ## Why is this bad?
    A health check in `defaults` is written for the HTTP/1 backends that share it. A backend
    of `proto h2` servers inherits it too, and HAProxy sends it to them in HTTP/2: an
    `OPTIONS /` (or `GET /health`) with no gRPC content type, often without an authority. A
    gRPC server answers anything that is not a gRPC call with an error (415, or a reset
    stream), so every check fails and the whole backend goes DOWN while the services are fine
    (HAProxy issue #1214: "gRPC backend showing as down with 'reason: Socket error'").
    `no option httpchk` does not exist (HAProxy refuses it); the backend needs a check of its
    own.

    ## Example
    ```haproxy
    defaults
        mode http
        option httpchk GET /health HTTP/1.1
    backend grpc
        server g1 10.0.0.1:50051 proto h2 check
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        option httpchk GET /health HTTP/1.1
    backend grpc
        option tcp-check
        server g1 10.0.0.1:50051 proto h2 check
    ```

    ## Fix safety
    No fix: choose the backend's check. `option tcp-check` (a TCP connect) always works; an
    HTTP check needs a request the servers answer, such as a gRPC health call sent with
    `http-check send meth POST ... hdr content-type application/grpc`, or an HTTP/1 health
    port with `check-proto h1` and `port`.

    ## Exceptions
    An HTTP/2 server that answers the inherited request (a web application over h2c with the
    same health URI and an authority in the request). Backends whose checks are gRPC calls
    (`POST` with `content-type: application/grpc`), or whose servers ask for HTTP/2 checks
    with `check-proto h2`, are not reported.

    ## References
    HAProxy configuration manual: `option httpchk`, `proto`, `check-proto`; HAProxy issue
    #1214.
    """

    code = "HL115"
    name = "httpchk-inherited-by-http2-backend"
    severity = Severity.WARNING
    versions = ">=2.2"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for proxy, owner, first, servers in inherited_by_http2_backends(ctx).values():
            request = first.request
            sent = f"`{request.method} {request.uri or '/'}`"
            if lacks_authority(request):
                sent += " with no authority"
            origin = request.option.line if request.option is not None else request.send.line  # type: ignore[union-attr]
            names = server_names([(proxy, s) for s, _ in servers])
            message = (
                f"{proxy.label} inherits `{_option_text(request)}` from {owner.label} (line {origin.line}), and its "
                f"{names} {_verb(servers, 'uses', 'use')} `proto h2`, so the check goes to {_verb(servers, 'it', 'them')} in HTTP/2 as {sent}; a gRPC server answers "
                "anything but a gRPC call with an error and every check fails; give this backend its own check "
                "(`option tcp-check`, or a request these servers answer)"
            )
            header = proxy.section.header
            target = header.words[1] if len(header.words) > 1 else header
            yield ctx.report(self, target, message)
