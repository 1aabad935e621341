"""HL5xx: pool composition."""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..model import Line, Section
from ..rule import Context, Rule, Target
from ..views import Server
from .check_servers import is_disabled, pools

# --- helpers ---------------------------------------------------------------------------------

#: Words that say a server is meant as a spare (whole words only: `dr` is not `drupal`).
SPARE_WORDS = frozenset({"backup", "backups", "standby", "spare", "spares", "failover", "dr"})
#: Words that cancel the next one in a comment ("no backup", "not a standby").
NEGATIONS = frozenset({"no", "not", "non", "never", "without"})
#: Words cut from names and comments: runs of capitals (`DR` in `webDR`), or a capitalised or
#: lowercase run of letters (`Backup` in `webBackup`); digits and punctuation separate words.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_ARTICLES = frozenset({"a", "an", "the", "as"})


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=4096)  # server names repeat from backend to backend (s1, app1...)
def spare_word(text: str) -> str | None:
    """The first word of ``text`` that says "spare", unless a negation comes just before it
    (articles skipped: "not a backup")."""
    words = words_of(text)
    for i, word in enumerate(words):
        if word not in SPARE_WORDS:
            continue
        j = i - 1
        while j >= 0 and words[j] in _ARTICLES:
            j -= 1
        if j >= 0 and words[j] in NEGATIONS:
            continue
        return word
    return None


def server_label(server: Server) -> str:
    kind = "server-template" if server.kind == "server-template" else "server"
    return f"{kind} `{server.name}`"



def server_word(server: Server) -> Target:
    return server.name_word if server.name_word is not None else server.line


def backup_word(server: Server) -> Target:
    """The `backup` flag of a server when it is on its own line, else its name."""
    param = server.get("backup")
    if param is not None and param.line is server.line:
        return param
    return server_word(server)


# --- HL501 -----------------------------------------------------------------------------------


class BackupInMainPool(Rule):
    """Reports a server whose name or trailing comment says it is a spare (backup, standby,
    spare, failover, dr) but that has no `backup` flag.

    ## Why is this bad?
    Without `backup`, HAProxy balances traffic to the server like any other: the intended
    standby or disaster-recovery node takes its share of regular traffic, which is often
    slower, further away, or meant to stay cold.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80 check
        server app-standby 10.0.1.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80 check
        server app-standby 10.0.1.1:80 check backup
    ```

    ## Fix safety
    Unsafe: the server stops receiving traffic while any other server is up. That is what its
    name says, but only a person knows whether the name is still true.

    ## Exceptions
    A server named after a site or team whose name happens to be one of these words, or an
    active-active "DR" site that really should share the load. Only whole words count
    (`dr1`, `web-DR`, `webBackup` match; `drupal` and `address` do not), a comment that says
    "not a backup" does not count, and nothing is reported when every non-backup server of the
    proxy looks like a spare (a backend dedicated to the spares has no main pool).
    """

    code = "HL501"
    name = "backup-in-main-pool"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            suspects: list[tuple[Server, str, str]] = []
            main = False  # whether some server is in the main pool
            for server in pool.servers:
                name = server.name
                if not (name and spare_word(name)) and "#" not in server.line.text:
                    # Nothing says it is a spare (most servers): it is in the main pool unless
                    # `backup`, which needs reading only until one such server is found.
                    main = main or not server.backup
                    continue
                if server.backup:
                    continue
                if "no-backup" in server.params:
                    main = True  # said out loud: this one is not a spare
                    continue
                found = self._says_spare(server)
                if found is None:
                    main = True
                else:
                    suspects.append((server, *found))
            if not main:
                continue
            for server, word, place in suspects:
                fix = ctx.fix(f"add `backup` to {server_label(server)}", "unsafe", ctx.add_server_words(server, "backup"))
                message = (
                    f"{server_label(server)} looks like a spare ({place} says \"{word}\") but has no `backup` flag: "
                    "it takes regular traffic; add `backup` if it should only serve when the others are down"
                )
                yield ctx.report(self, server_word(server), message, fix=fix)

    @staticmethod
    def _says_spare(server: Server) -> tuple[str, str] | None:
        if server.name:
            word = spare_word(server.name)
            if word:
                return word, "its name"
        comment = server.line.comment
        if comment:
            word = spare_word(comment.lstrip("#"))
            if word:
                return word, "its comment"
        return None


# --- HL502 -----------------------------------------------------------------------------------


class OnlyBackupServers(Rule):
    """Reports a backend whose servers are all `backup` (two or more, no `option allbackups`).

    ## Why is this bad?
    Backup servers only serve when no regular server is available; with no regular server at
    all, HAProxy uses them, but by default only the first available backup: the other servers
    get no traffic at all and there is no load balancing.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check backup
        server app2 10.0.0.2:80 check backup
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80 check backup
    ```

    ## Fix safety
    No fix: remove `backup` from the servers meant to share the load, or add
    `option allbackups` if all of them should.

    ## Exceptions
    An ordered fail-over list (the first server takes everything, the second only when the
    first is down) is a deliberate design; a comment and a suppression make it explicit.

    ## References
    HAProxy configuration manual: server `backup`, `option allbackups`.
    """

    code = "HL502"
    name = "only-backup-servers"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            proxy, servers = pool.proxy, pool.servers
            if "backup" not in pool.names or len(servers) < 2:
                continue  # (no server can be `backup`, or one alone)
            if not all(s.backup for s in servers) or proxy.option("allbackups"):
                continue
            first = servers[0]
            message = (
                f"every server of {proxy.label} is `backup`: only {server_label(first)} gets traffic; "
                "remove `backup` from the servers meant to share the load, or add `option allbackups`"
            )
            header = proxy.section.header
            target: Target = header.words[1] if len(header.words) > 1 else header
            yield ctx.report(self, target, message)


# --- HL503 -----------------------------------------------------------------------------------


class BackupsWithoutAllbackups(Rule):
    """Reports a backend with two or more `backup` servers and no `option allbackups`.

    ## Why is this bad?
    When every regular server is down, HAProxy sends all traffic to the first available backup
    server only; the other backups stay idle while the first one is overloaded by the whole
    load of the pool.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server spare1 10.0.1.1:80 check backup
        server spare2 10.0.1.2:80 check backup
    ```

    ## Use instead
    ```haproxy
    backend app
        option allbackups
        server app1 10.0.0.1:80 check
        server spare1 10.0.1.1:80 check backup
        server spare2 10.0.1.2:80 check backup
    ```

    ## Fix safety
    No fix: add `option allbackups` if the backups should share the load, or keep the order on
    purpose.

    ## Exceptions
    An ordered chain of spares (the second backup only when the first is down too) is what
    HAProxy does without the option, and may be intended.

    ## References
    HAProxy configuration manual: `option allbackups`, server `backup`.
    """

    code = "HL503"
    name = "backups-without-allbackups"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            if "backup" not in pool.names:
                continue  # (no server can be `backup`)
            proxy, servers = pool.proxy, pool.servers
            backups = [s for s in servers if s.backup]
            if len(backups) < 2 or len(backups) == len(servers) or proxy.option("allbackups"):
                continue  # all-backup backends are HL502's
            others = ", ".join(f"`{s.name}`" for s in backups[1:])
            message = (
                f"{proxy.label} has {len(backups)} backup servers but no `option allbackups`: when the "
                f"regular servers are down only `{backups[0].name}` gets traffic and {others} "
                f"{'stays' if len(backups) == 2 else 'stay'} idle; "
                "add `option allbackups` if they should share it"
            )
            yield ctx.report(self, backup_word(backups[1]), message)


# --- HL504 -----------------------------------------------------------------------------------

#: `http-request` / `tcp-request content` actions that answer without a server.
ANSWERING_ACTIONS = frozenset(
    {"return", "redirect", "use-service", "deny", "reject", "tarpit", "silent-drop"}
)


def answers_without_server(line: Line) -> bool:
    """Whether a directive makes the proxy answer (some) requests itself, or lets it work
    without servers, so that having no `server` line is deliberate."""
    words = line.values
    keyword = line.keyword
    if keyword in ("dispatch", "use-server", "redirect", "stick-table", "use_backend", "default_backend"):
        return True
    if keyword == "stats":  # `stats uri`, `stats auth`... each enables the stats page
        return True
    if keyword == "http-request" and len(words) > 1:
        return words[1] in ANSWERING_ACTIONS
    if keyword == "tcp-request" and len(words) > 2 and words[1] in ("content", "connection", "session"):
        return words[2] in ANSWERING_ACTIONS
    if keyword in ("errorfile", "errorloc", "errorloc302", "errorloc303") and len(words) > 1 and words[1] == "503":
        return True
    if keyword in ("errorfiles", "http-error"):
        return True
    return keyword == "option" and len(words) > 1 and words[1] in ("transparent", "http_proxy")


#: A directive that is a placeholder of a template engine (`__SERVERS__`, `{{ servers }}`,
#: `<%= servers %>`, `@@SERVERS@@`): the server lines are filled in at deploy time.
_PLACEHOLDER = re.compile(r"__\w+__|\{\{|\{%|<%|@@\w+@@")


def _second_word(line: Line) -> tuple[str, str] | None:
    """The raw text and value of a line's second word, from its plain values when it has
    them (raw and value are one there): the line is not cut into words."""
    plain = line.plain_values
    if plain is not None:
        return (plain[1], plain[1]) if len(plain) > 1 else None
    words = line.words
    return (words[1].raw, words[1].value) if len(words) > 1 else None


def _is_dynamic(word_raw: str) -> bool:
    return "%[" in word_raw or "$" in word_raw


class Routing:
    """Which backends the frontends and listens route to, across every file linted together.

    ``static`` holds the names used by `default_backend`/`use_backend`; ``dynamic`` is true when
    some name is built at run time (`use_backend be_%[req.hdr(host)]`), and ``fallbacks`` holds
    the `default_backend` of the proxies that route dynamically (the "no such route" catch-all,
    often empty on purpose so that unknown names get a 503). ``known`` is false when the files
    have no frontend at all (the backends are in a file of their own).
    """

    def __init__(self, ctx: Context) -> None:
        self.static: set[str] = set()
        self.fallbacks: set[str] = set()
        self.dynamic = False
        fronts = 0
        for config in ctx.configs:
            for section in config.sections:
                if section.kind not in ("frontend", "listen", "defaults"):
                    continue
                fronts += section.kind != "defaults"
                routes = [(line, _second_word(line)) for line in section.directives_named("use_backend")]
                dynamic_here = any(second is not None and _is_dynamic(second[0]) for _, second in routes)
                self.dynamic |= dynamic_here
                defaults = [(line, _second_word(line)) for line in section.directives_named("default_backend")]
                for line, second in [*routes, *defaults]:
                    if second is None or _is_dynamic(second[0]):
                        continue
                    self.static.add(second[1])
                    if dynamic_here and line.keyword == "default_backend":
                        self.fallbacks.add(second[1])
        self.known = fronts > 0

    def reachable(self, name: str | None) -> bool:
        if not self.known or self.dynamic:
            return True
        return name in self.static


class BackendWithoutServers(Rule):
    """Reports a backend (or listen) that some frontend routes to but that has no `server`,
    `server-template` or `dispatch`, and nothing that answers on its own (`http-request return`,
    `redirect`, `deny`, `use-service`, `stats enable`, an `errorfile 503`...).

    ## Why is this bad?
    Every request that reaches it gets "503 Service Unavailable" (or a closed connection in
    tcp mode). HAProxy starts without a word. It is usually a server list that a template or
    service discovery failed to fill, or a backend renamed on one side only.

    ## Example
    ```haproxy
    frontend www
        bind :80
        default_backend app
    backend app
        balance roundrobin
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        default_backend app
    backend app
        balance roundrobin
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: add the servers, or route the traffic elsewhere.

    ## Exceptions
    Backends filled at run time (`add server` on the runtime API, the Data Plane API, a
    service-discovery agent) start empty on purpose. Backends that serve on their own are not
    reported: stats pages, `http-request return`/`redirect`/`deny`/`use-service`,
    `tcp-request content reject`, `errorfile 503` maintenance pages, `stick-table` holders,
    `option transparent`/`option http_proxy`, listens that route with `use_backend`.
    Backends no frontend can reach are left to `unused-backend` (HL904); when a
    `use_backend` name is built at run time, or no frontend is in the files linted, every
    backend counts as reachable; with no frontend in the files (a backends-only file, linted
    alone) the finding is info, since whether traffic arrives is not in the file. The `default_backend` of a frontend that routes on names built
    at run time (`use_backend %[req.hdr(host),map(...)]`) is its "no such route" catch-all,
    often empty on purpose, and is not reported. A backend whose server list is a template
    placeholder (`__SERVERS__`, `{{ servers }}`) is not reported either.
    """

    code = "HL504"
    name = "backend-without-servers"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        routing: Routing | None = None  # (read for the first backend without servers)
        for proxy in ctx.proxies:
            section = proxy.section
            if not proxy.is_backend or proxy.servers or is_disabled(proxy):
                continue
            if routing is None:
                routing = Routing(ctx)
            if section.kind == "backend" and (not routing.reachable(section.name) or section.name in routing.fallbacks):
                continue
            if any(answers_without_server(line) or _PLACEHOLDER.search(line.keyword) for line in section.directives):
                continue
            if proxy.option("transparent") or proxy.option("http_proxy"):
                continue
            header = section.header
            target: Target = header.words[1] if len(header.words) > 1 else header
            message = (
                f"{proxy.label} has no `server` line: every request it gets is answered with 503; "
                "add servers or route the traffic elsewhere"
            )
            yield ctx.report(self, target, message, severity=None if routing.known else Severity.INFO)


# --- HL505 -----------------------------------------------------------------------------------

_SAME_PLACE_KINDS = ("ipv4", "ipv6", "hostname", "unix", "abns")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: An IPv4 address that ``ipaddress.ip_address(host).compressed`` gives back unchanged.
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def address_key(server: Server, names: frozenset[str]) -> tuple[str, ...] | None:
    """What makes two servers the same destination: the address (IPs normalised, names
    lower-cased), the port as written and the SNI; ``None`` when that cannot be told from the
    file (an environment variable, a name resolved at run time by `resolvers`). ``names``: the
    parameters the server may have (its ``Pool.names``), the others are not asked for."""
    address = server.address
    if address is None or address.kind not in _SAME_PLACE_KINDS:
        return None
    # A $ in the word's text is one in its value too: most addresses have none, and their
    # line need not be cut into words (a large file has thousands of servers).
    if "$" in address.raw and "$" in server.address_word.raw:  # type: ignore[union-attr]
        return None
    host = address.host
    if address.kind == "ipv4":
        # ipaddress reads a dotted quad only in the form it writes back (no leading zeros,
        # octets up to 255): the host is its own key, and only one in 127/8 needs the test.
        if host.startswith("127.") and _CANONICAL_IPV4.fullmatch(host) is not None:
            return None  # loopback (see below)
    elif address.kind == "ipv6":
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            pass
        else:
            if ip.is_loopback:
                return None  # a test set-up pointing every server at one local stub
            host = ip.compressed
    elif address.kind == "hostname":
        if "resolvers" in names and server.resolvers is not None:
            return None  # each server of a name gets its own address (resolve-opts prevent-dup-ip)
        host = host.lower().rstrip(".")
        if host == "localhost":
            return None
    prefix = address.prefix.lower()
    if prefix in ("unix@", "uxst@"):
        prefix = ""  # a path alone is a stream UNIX socket too
    return (prefix, host, address.port or "", ("sni" in names and server.value("sni")) or "")


def _other_branch(section: Section, first: Line, second: Line) -> bool:
    """Whether an `.elif`/`.else` separates two lines: they are never read together."""
    return any(first.start < line.start < second.start and line.kind in ("elif", "else") for line in section.lines)


class DuplicateServerAddress(Rule):
    """Reports two servers of one backend with the same address and port.

    ## Why is this bad?
    Two `server` lines that point at one machine make one server that takes a double share of
    the traffic, in a pool that has one machine fewer than it seems. It is nearly always a
    copy-paste slip: the second line was meant for another machine, which gets no traffic
    and whose failure nobody notices, and when the duplicated machine goes down the pool
    loses twice the capacity the configuration suggests. HAProxy says nothing.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app2 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check
        server app2 10.0.0.2:80 check
    ```

    ## Fix safety
    No fix: only you know which address the second server should have.

    ## Exceptions
    To give one machine more traffic, use `weight` on one server rather than two lines. Not
    reported: servers whose address is a host name resolved with `resolvers` (HAProxy gives
    each of them its own address of the name), loopback addresses (test set-ups that point
    every server at one local stub), addresses taken from environment variables,
    `server-template` lines, `disabled` servers, servers with different `sni` (two sites on
    one address), and lines in different `.if`/`.else` branches.

    ## References
    HAProxy configuration manual: `server`, `weight`, `resolve-opts`.
    """

    code = "HL505"
    name = "duplicate-server-address"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for pool in pools(ctx):
            if len(pool.servers) < 2:
                continue  # (nothing to compare)
            proxy, names = pool.proxy, pool.names
            may_be_disabled = "disabled" in names
            seen: dict[tuple[str, ...], Server] = {}
            for server in pool.servers:
                if server.kind != "server" or (may_be_disabled and server.has("disabled")):
                    continue
                key = address_key(server, names)
                if key is None:
                    continue
                first = seen.get(key)
                if first is None or _other_branch(proxy.section, first.line, server.line):
                    seen.setdefault(key, server)
                    continue
                message = (
                    f"{server_label(server)} has the same address as {server_label(first)} (line {first.line.line}), "
                    f"`{server.address_word.value}`: one machine counted twice takes a double share of the traffic, and "  # type: ignore[union-attr]
                    "the pool has one server fewer than it seems; fix the address, or remove one line and use `weight`"
                )
                yield ctx.report(self, server.address_word, message)  # type: ignore[arg-type]
