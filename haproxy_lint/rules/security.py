"""HL8xx: security.

How HAProxy builds a proxy's stats page (src/cfgparse-listen.c, src/http_ana.c, 2.0 to 3.2),
which the rules below rely on:

- Any ``stats`` keyword of a proxy (``enable``, ``uri``, ``realm``, ``auth``, ``refresh``,
  ``admin``, ``hide-version``...) turns the stats page on, at ``/haproxy?stats`` unless
  ``stats uri`` says otherwise. A proxy that has no ``stats`` line of its own shares its
  ``defaults`` section's stats settings, so ``stats enable`` in ``defaults`` puts a stats page
  on every HTTP proxy that uses them. A proxy with at least one ``stats`` line of its own
  starts from scratch: the ``stats auth`` and ``stats uri`` of its ``defaults`` are dropped.
- Stats are ignored in TCP mode (``haproxy -c``: "'stats' statement ignored ... as it requires
  HTTP mode").
- The proxy's ``http-request`` rules run before the stats page is served (a ``deny`` there
  protects it); then the ``stats http-request`` rules and the ``stats auth`` check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from ..diagnostics import Diagnostic, Severity
from ..effective import Proxy, fold_chain
from ..model import Line, Section, Word
from ..rule import Context, Rule
from ..views import parse_address

#: ``stats`` keywords that belong to ``global`` (the stats socket), not to a proxy's page.
GLOBAL_STATS = frozenset({"socket", "timeout", "maxconn", "bind-process"})
#: ``http-request`` / ``tcp-request`` actions that stop a request or a connection.
BLOCKING = frozenset({"deny", "reject", "tarpit", "silent-drop", "auth", "redirect", "return"})
#: ACLs HAProxy predefines that test the client's address.
SOURCE_ACLS = frozenset({"LOCALHOST"})


@functools.cache
def _source_fetch() -> re.Pattern[str]:
    """Fetches about the client (compiled on first use: a large case-insensitive pattern that
    only configurations with a stats page need, which costs every other run 0.5 ms)."""
    return re.compile(
        r"^(?:src(?:_[a-z_]+)?|src,.*|src\(.*|ssl_c_[a-z_]+|http_auth(?:_group|_bearer)?\(.*|"
        r".*x-forwarded-for.*|.*x-real-ip.*)$",
        re.IGNORECASE,
    )


# --- the stats page of a proxy -------------------------------------------------------------------


def stats_lines(proxy: Proxy) -> list[Line]:
    """The ``stats`` lines in force for a proxy: its own if it has any, else its defaults'
    (a ``defaults`` section adds its own to those of the ``defaults`` it names with ``from``)."""
    own = _own_stats(proxy)
    if proxy.kind != "defaults":
        if own or proxy.defaults is None:
            return own
        proxy = proxy.defaults
    # A chain of defaults adds up (a fold, not a recursion: a hostile file chains thousands).
    return list(fold_chain(proxy, "stats_lines", lambda lines, each: (*lines, *_own_stats(each)), ()))


def stats_sections(ctx: Context) -> tuple[set[int], bool]:
    """The proxy sections (ids) of the files linted together that have ``stats`` lines, from
    the shared index of lines by keyword, and whether one of them is a ``defaults`` section
    (a proxy outside these has no stats lines in force unless it inherits some)."""
    found: set[int] = set()
    inherited = False
    for config in ctx.configs:
        for _, section in ctx.index.entries("stats", config):
            if section is not None and section.is_proxy:
                found.add(id(section))
                inherited = inherited or section.kind == "defaults"
    return found, inherited


def _own_stats(proxy: Proxy) -> list[Line]:
    return [line for line in proxy.own("stats") if stats_keyword(line) not in GLOBAL_STATS]


def stats_keyword(line: Line) -> str:
    words = line.words
    return words[1].value if len(words) > 1 else ""


def has_auth(lines: Sequence[Line]) -> bool:
    """Whether the stats settings ask for a password or refuse some clients."""
    for line in lines:
        keyword = stats_keyword(line)
        if keyword == "auth":
            return True
        if keyword == "http-request" and len(line.words) > 2 and line.words[2].value in ("auth", "deny"):
            return True
    return False


def acl_names(sections: Iterable[Section]) -> set[str]:
    """Names of the ACLs of these sections that test the client's address, certificate or
    credentials."""
    found = set(SOURCE_ACLS)
    for section in sections:
        for line in section.directives_named("acl"):
            words = line.words
            if len(words) > 2 and _source_fetch().match(words[2].value):
                found.add(words[1].value)
    return found


def condition(line: Line) -> list[Word] | None:
    """The words after ``if``/``unless``, or ``None`` for an unconditional rule."""
    words = line.words
    for i, word in enumerate(words):
        if word.value in ("if", "unless"):
            return list(words[i + 1 :])
    return None


def restricts(words: Sequence[Word], acls: set[str]) -> bool:
    """Whether a condition looks at who the client is (address, certificate, credentials)."""
    for word in words:
        value = word.value.lstrip("!")
        if value in acls or _source_fetch().match(value):
            return True
    return False


def limits_access(proxy: Proxy) -> bool:
    """Whether the proxy's own rules stop clients by address, certificate or credentials
    before its stats page: an ``http-request``/``tcp-request`` rule that blocks, either
    unconditionally or on a condition about the client."""
    sections = [proxy.section] + ([proxy.defaults.section] if proxy.defaults is not None else [])
    acls = acl_names(sections)
    for section in sections:
        for line in section.directives_named("http-request", "tcp-request"):
            words = line.words
            at = 1 if line.keyword == "http-request" else 2
            if len(words) <= at or words[at].value not in BLOCKING:
                continue
            cond = condition(line)
            if cond is None or restricts(cond, acls):
                return True
    return False


def local_address(text: str) -> bool:
    """Whether a bind address is reachable only from this host (loopback, UNIX socket,
    inherited file descriptor)."""
    return parse_address(text).on_this_host


def public_binds(proxy: Proxy) -> list[Word]:
    """The proxy's bind addresses reachable from other hosts without a client certificate."""
    found = []
    for line in proxy.own("bind"):
        words = line.words
        if len(words) < 2:
            continue
        verified = any(
            w.value == "verify" and i + 1 < len(words) and words[i + 1].value == "required"
            for i, w in enumerate(words)
        )
        if verified:
            continue
        if not all(local_address(part) for part in words[1].value.split(",") if part):
            found.append(words[1])
    return found


def routes(ctx: Context) -> dict[str, list[tuple[Proxy, Line]]]:
    """Backend name -> the frontends (of every file linted together) whose ``use_backend`` or
    ``default_backend`` line names it literally."""
    found: dict[str, list[tuple[Proxy, Line]]] = {}
    for config in ctx.configs:
        for proxy in ctx.proxies_of(config):
            if not proxy.is_frontend:
                continue
            lines = proxy.own("use_backend", "default_backend")
            if not lines and proxy.defaults is not None:
                lines = proxy.defaults.own("default_backend")
            for line in lines:
                if len(line.words) > 1:
                    found.setdefault(line.words[1].value, []).append((proxy, line))
    return found


def exposure(ctx: Context, proxy: Proxy, lines: Sequence[Line]) -> str | None:
    """How an unauthenticated stats page of ``proxy`` can be reached (for the message), or
    ``None`` when it is protected: authentication, blocking rules, or only local access."""
    if has_auth(lines) or limits_access(proxy):
        return None
    if proxy.is_frontend and proxy.own("bind"):
        public = public_binds(proxy)
        return f"to anyone who reaches `{public[0].value}`" if public else None
    if proxy.kind == "frontend":
        return None  # no bind line: not reachable
    # A backend (or a listen without bind): reached through the frontends that route to it.
    via = ctx.memo("security.routes", lambda: routes(ctx), per_file=False).get(proxy.name or "", [])
    if not via:
        return "to every request routed to it"
    for frontend, line in via:
        if frontend.section is proxy.section:
            continue
        cond = condition(line)
        if cond is not None and restricts(cond, acl_names([frontend.section])):
            continue
        if limits_access(frontend):
            continue
        public = public_binds(frontend)
        if public:
            return f"to anyone who reaches frontend `{frontend.name}` (`{public[0].value}`)"
    return None


def first_enabling(lines: Sequence[Line]) -> Line:
    """The line to point at: the first ``stats enable`` or ``stats uri``, else the first."""
    for line in lines:
        if stats_keyword(line) in ("enable", "uri"):
            return line
    return lines[0]


# --- HL801 --------------------------------------------------------------------------------------


class StatsWithoutAuth(Rule):
    """Reports stats pages that anyone can open: `stats enable`, `stats uri` (or any other
    `stats` line) in an HTTP proxy with no `stats auth`, no `stats http-request auth/deny`, no
    blocking `http-request` rule on the client's address, and a bind address that is not local.

    ## Why is this bad?
    The stats page lists every backend and server with its address, state, weight, check
    result and traffic: a map of the infrastructure for anyone who finds it. Two traps make it
    public by accident: `stats enable` in `defaults` puts a stats page at `/haproxy?stats` on
    *every* HTTP frontend and backend using those defaults, and a proxy with any `stats` line of
    its own drops the `stats auth` it would otherwise inherit from `defaults`.

    A stats page is not reported when its proxy only binds to loopback addresses, UNIX sockets
    or with `verify required`, when an `http-request`/`tcp-request` rule blocks clients by
    address, certificate or credentials (`http-request deny unless { src 10.0.0.0/8 }`), or,
    for a backend, when every frontend routing to it does.

    ## Example
    ```haproxy
    defaults
        mode http
    listen stats
        bind :8404
        stats enable
        stats uri /stats
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
    listen stats
        bind :8404
        stats enable
        stats uri /stats
        stats auth admin:change-me
        stats http-request deny unless { src 10.0.0.0/8 }
    ```

    ## Fix safety
    No automatic fix: choose between `stats auth <user>:<password>` (or `stats http-request
    auth` with a `userlist`), a source restriction, or binding the stats listener to
    `127.0.0.1`. When `stats enable` sits in `defaults`, move the stats lines to a dedicated
    `listen stats` section.

    ## Exceptions
    A stats page protected outside HAProxy (a firewall, a private network, an authenticating
    reverse proxy in front) is fine; so is a page on a port only monitoring can reach. TCP
    proxies are not reported: HAProxy ignores stats there, with a warning.

    ## References
    - configuration.txt, 4.2 "stats enable", "stats auth", "stats http-request", "stats uri"
    """

    code = "HL801"
    name = "stats-without-auth"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        sections, from_defaults = stats_sections(ctx)
        inherited: dict[int, list[Proxy]] = {}
        for proxy in ctx.proxies:
            if not from_defaults and id(proxy.section) not in sections:
                continue  # (no stats page: most proxies)
            if proxy.kind == "defaults" or proxy.effective_mode != "http":
                continue
            lines = stats_lines(proxy)
            if not lines:
                continue
            how = exposure(ctx, proxy, lines)
            if how is None:
                continue
            own = [line for line in lines if any(line is o for o in proxy.section.directives)]
            if not own:
                inherited.setdefault(id(proxy.defaults), []).append(proxy)
                continue
            dropped = ""
            if proxy.defaults is not None and has_auth(stats_lines(proxy.defaults)):
                auth = next(line for line in stats_lines(proxy.defaults) if stats_keyword(line) == "auth")
                dropped = (
                    f" (its own `stats` lines discard the `stats auth` of defaults at line {auth.line})"
                )
            yield ctx.report(
                self,
                first_enabling(own),
                f"{proxy.kind} `{proxy.name}` serves the stats page without authentication {how}"
                f"{dropped}; add `stats auth <user>:<password>` or restrict it by source "
                "(`stats http-request deny unless { src <network> }`)",
            )
        for group in inherited.values():
            defaults = group[0].defaults
            assert defaults is not None
            lines = stats_lines(defaults)
            mine = [line for line in lines if any(line is o for o in defaults.section.directives)]
            target: Line = first_enabling(mine) if mine else defaults.section.header
            proxies = group
            shown = ", ".join(f"{p.kind} `{p.name}`" for p in proxies[:3])
            if len(proxies) > 3:
                shown += f" and {len(proxies) - 3} more"
            keyword = " ".join(w.value for w in first_enabling(lines).words[:2])
            yield ctx.report(
                self,
                target,
                f"`{keyword}` in defaults puts a stats page without authentication on every HTTP "
                f"proxy using them ({shown}); move the stats lines to a dedicated `listen stats` "
                "section, or add `stats auth <user>:<password>` here",
            )


# --- HL802 --------------------------------------------------------------------------------------


class StatsAdminOpen(Rule):
    """Reports `stats admin` on a stats page without authentication, when its condition does not
    check who the client is (`stats admin if TRUE`).

    ## Why is this bad?
    `stats admin` turns the stats page into a control panel: its forms put servers in
    maintenance, drain them, or kill their sessions. Without `stats auth` (or a condition on
    the client's address or credentials), anyone who can open the page can take a whole
    backend down with a few clicks.

    ## Example
    ```haproxy
    defaults
        mode http
    listen stats
        bind :8404
        stats enable
        stats admin if TRUE
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
    listen stats
        bind :8404
        stats enable
        stats auth admin:change-me
        stats admin if TRUE
    ```

    ## Fix safety
    No automatic fix: add `stats auth <user>:<password>`, or give the admin level only to
    some users (`stats admin if { http_auth_group(stats-users) admins }`) or addresses
    (`stats admin if LOCALHOST`).

    ## Exceptions
    A stats page reachable only from a trusted network (firewall, private interface) may keep
    an open admin level on purpose; binding it to `127.0.0.1` already silences this rule.

    ## References
    - configuration.txt, 4.2 "stats admin"
    """

    code = "HL802"
    name = "stats-admin-open"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        sections, _ = stats_sections(ctx)
        for proxy in ctx.proxies:
            if id(proxy.section) not in sections:
                continue  # (no `stats` line of its own: most proxies)
            if proxy.kind == "defaults" or proxy.effective_mode != "http":
                continue
            admins = [line for line in proxy.own("stats") if stats_keyword(line) == "admin"]
            if not admins:
                continue
            lines = stats_lines(proxy)
            how = exposure(ctx, proxy, lines)
            if how is None:
                continue
            acls = acl_names([proxy.section])
            for line in admins:
                cond = condition(line)
                if cond and restricts(cond, acls):
                    continue
                text = " ".join(w.raw for w in line.words)
                yield ctx.report(
                    self,
                    line,
                    f"`{text}` lets anyone who opens this stats page put servers in maintenance, and "
                    "the page has no authentication; add `stats auth <user>:<password>` or limit the "
                    "admin level to some users or addresses",
                )


# --- HL803 --------------------------------------------------------------------------------------


def socket_mode(line: Line) -> Word | None:
    """The value word of the last ``mode`` parameter of a ``stats socket`` line."""
    words = line.words
    found = None
    i = 3
    while i < len(words) - 1:
        if words[i].value == "mode":
            found = words[i + 1]
            i += 2
        else:
            i += 1
    return found


class StatsSocketWorldWritable(Rule):
    """Reports a `stats socket` that every local user can use: a UNIX socket whose `mode` has
    the "others" write bit (`mode 666`, `mode 777`), or a TCP or abstract socket, which has no
    permissions at all.

    ## Why is this bad?
    Writing to a UNIX socket is what connecting to it takes. A world-writable stats socket
    lets any process on the host, whatever its user, use the runtime API: at `level admin`,
    put servers in maintenance, change their address or weight, kill sessions; at the default
    `level operator`, read everything (sessions, stick tables) and clear counters. A TCP stats
    socket (`stats socket 127.0.0.1:9999`) or an abstract one (`abns@name`) has no
    permissions: every local user can connect, and every host that can reach the address when
    it is not a loopback one (`stats socket *:1999 level admin`).

    HAProxy reads `mode` as an octal number (`666` and `0666` are the same), and only the last
    digit (others) matters here. The global `unix-bind mode` does not apply to the stats
    socket, and a stats socket without `mode` gets the process umask's permissions: neither is
    reported. Sockets at `level user` (read-only, non-sensitive stats, which HAProxy's
    documentation suggests where access is hard to restrict) are not reported.

    The catalogue only names the `mode` case; TCP and abstract stats sockets are reported too
    because they give the same access to the same people (or more), without a fix.

    ## Example
    ```haproxy
    global
        stats socket /run/haproxy/admin.sock mode 666 level admin
    ```

    ## Use instead
    ```haproxy
    global
        stats socket /run/haproxy/admin.sock mode 660 level admin
    ```

    ## Fix safety
    Safe, for a UNIX socket's `mode`: the fix clears the "others" digit and keeps the owner and
    group rights as written (`666` becomes `660`, `0777` becomes `0770`). Only the hazard goes
    away; a tool that used the socket as an unrelated user must then be in the socket's group
    (`group` parameter). A TCP or abstract socket has no fix: replace it with a UNIX socket
    with `mode 660`, or lower it to `level user`.

    ## Exceptions
    A UNIX socket in a folder other users cannot enter (`/run/haproxy` with mode 750) is
    protected by the folder; tightening its mode costs nothing all the same. A TCP socket may
    be needed by a tool in another container or host: then limit who can reach the port.

    ## References
    - configuration.txt, 3.1 "stats socket"; 5.1 "level", "mode"
    """

    code = "HL803"
    name = "stats-socket-world-writable"
    severity = Severity.WARNING
    fixable = "safe"
    keywords = frozenset({"stats"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if section is None or section.kind != "global" or line.find("socket") != 1:
            return
        words = line.words
        if len(words) < 3:
            return
        level = line.word_after("level")
        level_name = level.value if level is not None else "operator"
        if level_name == "user":
            return
        if level_name == "admin":
            power = "put servers in maintenance, change their address or weight, kill sessions"
        else:
            power = f"read everything it shows (level `{level_name}`) and clear counters"
        address = parse_address(words[2].value)
        if address.kind in ("ipv4", "ipv6", "any", "hostname") or address.kind == "abns":
            if address.kind == "abns" or local_address(words[2].value):
                who = "every local user"
            else:
                who = "anyone who can reach that address"
            kind = "an abstract socket" if address.kind == "abns" else "a TCP socket"
            yield ctx.report(
                self,
                words[2],
                f"the stats socket `{words[2].value}` is {kind}, without permissions: {who} can "
                f"{power}; use a UNIX socket with `mode 660`",
            )
            return
        if address.kind != "unix":
            return
        mode = socket_mode(line)
        if mode is None or not re.fullmatch(r"[0-7]+", mode.value):
            return
        bits = int(mode.value, 8)
        if not bits & 0o002:
            return
        new_bits = bits & ~0o007 or 0o600
        new = format(new_bits, "o").zfill(len(mode.value))
        yield ctx.report(
            self,
            mode,
            f"`mode {mode.value}` lets every local user write to the stats socket, so any of them "
            f"can {power}; use `mode {new}`",
            fix=ctx.fix(f"replace `mode {mode.value}` with `mode {new}`", "safe", ctx.replace(mode, new)),
        )


# --- HL804 --------------------------------------------------------------------------------------


class InsecurePassword(Rule):
    """Reports `userlist` users whose password is written in clear text (`insecure-password`).

    ## Why is this bad?
    Configuration files travel: into version control, backups, support tickets, CI logs,
    container images. A clear-text password there is readable by everyone who ever sees the
    file, and is often reused elsewhere. `password` with a crypt(3) hash keeps it secret.

    ## Example
    ```haproxy
    userlist admins
        user alice insecure-password s3cret
    ```

    ## Use instead
    ```haproxy
    userlist admins
        user alice password $6$hQ3WEOuvgEIDrBso$t6MlXsp7Y4ASheWSTPCbFa2Gio9eDHcigmtpSPJXipE0MCLAShfFItyGVIQQ6No2Bn319v/pyINfLGCBflLQj0
    ```

    ## Fix safety
    No automatic fix: the hash must be made from the real password. Run
    `openssl passwd -6` (SHA-512 crypt) and write `password <hash>` instead.

    ## Exceptions
    HAProxy's documentation warns that hashed passwords are checked with crypt(3) on every
    request, which can cost a lot of CPU at high request rates: a cheap hash or
    `insecure-password` kept out of version control may be a deliberate trade-off. Test
    configurations with throw-away passwords are fine too. The message never repeats the
    password.

    ## References
    - configuration.txt, 3.4 "Userlists"
    """

    code = "HL804"
    name = "insecure-password"
    severity = Severity.WARNING
    keywords = frozenset({"user"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if section is None or section.kind != "userlist":
            return
        index = line.find("insecure-password", 2)
        if index < 0:
            return
        words = line.words
        end = words[index + 1].end if index + 1 < len(words) else words[index].end
        user = words[1].value if len(words) > 1 else "?"
        yield ctx.report(
            self,
            (words[index].start, end),
            f"user `{user}` of userlist `{section.name}` has a clear-text password; store a hash "
            "instead (`password <hash>`, made with `openssl passwd -6`)",
        )
