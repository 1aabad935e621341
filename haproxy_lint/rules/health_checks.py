"""HL1xx: health checks (the check request, its expectations, and which rules apply).

How HAProxy (2.2 and later) builds an HTTP check, as read in ``src/tcpcheck.c`` and confirmed
by running 2.6 and 2.8 against a server that records the requests:

* ``http-check`` rules (``connect``, ``send``, ``expect``, ``comment``, ``set-var``...) and
  ``option httpchk`` go into one ruleset per section. A proxy that has its own
  ``option httpchk`` or its own rules starts an empty ruleset: nothing from its ``defaults``
  (neither the rules nor the request of ``option httpchk`` there) is kept.
* ``option httpchk <meth> <uri> <ver>`` is an implicit ``http-check send`` merged with the first
  explicit one; the later of the two lines overrides what it sets. The implicit request goes
  first, or right after the first rule when that rule is a ``connect``.
* Only the last health-check option of a section (``option httpchk``, ``option tcp-check``,
  ``option ssl-hello-chk``...) counts; rules of the other kind are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

from ..diagnostics import Diagnostic, Edit, Severity
from ..effective import Proxy, nearest_in_chain, proxy_facts
from ..model import Line, Section, Word
from ..rule import Context, Rule
from ..views import Param, Server

# Options that choose the health-check type; the last one in a section wins.
CHECK_OPTIONS = frozenset(
    {
        "httpchk", "ssl-hello-chk", "smtpchk", "ldap-check", "mysql-check", "pgsql-check",
        "redis-check", "tcp-check", "spop-check", "external-check",
    }
)
# `http-check` keywords that set a flag instead of adding a rule to the ruleset.
HTTP_CHECK_FLAGS = frozenset({"disable-on-404", "send-state"})
_NOT_RULES = HTTP_CHECK_FLAGS | {""}  # (a bare `http-check` adds no rule either)
# Sections where health checks are configured.
CHECK_SECTIONS = ("defaults", "backend", "listen")
# `http-check send` arguments taking one value (`hdr` takes two).
SEND_ARGS = frozenset({"meth", "uri", "uri-lf", "ver", "body", "body-lf", "comment"})
# `http-check expect` arguments that take one value and come before or after the match.
EXPECT_ARGS = frozenset(
    {"min-recv", "comment", "ok-status", "error-status", "tout-status", "on-success", "on-error", "status-code"}
)
EXPECT_MATCHES = frozenset(
    {"status", "rstatus", "string", "rstring", "string-lf", "hdr", "fhdr", "binary", "rbinary", "binary-lf"}
)

_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_SNI_STR = re.compile(r"str\(([A-Za-z0-9.-]+)\)")
_PLAIN_WORD = re.compile(r"""[^\s"'\\#$]+""")
_STATUS_TOKEN = re.compile(r"([0-9]{1,9})(?:-([0-9]{1,9}))?")  # bounded: status_regex() recurses per digit


# --- what a section configures ------------------------------------------------------------


def _action(line: Line) -> str:
    """The second word of an ``http-check``/``tcp-check`` line (``send``, ``expect``...)."""
    values = line.plain_values  # most lines: read without cutting their words
    if values is not None:
        return values[1] if len(values) > 1 else ""
    words = line.words
    return words[1].value if len(words) > 1 else ""


def http_rule_lines(section: Section) -> list[Line]:
    """The section's ``http-check`` lines that add rules to its ruleset (not the flags)."""
    return [d for d in section.directives_named("http-check") if _action(d) not in _NOT_RULES]


def check_option_lines(section: Section) -> list[Line]:
    """The section's ``option <check type>`` lines, in order."""
    return [d for d in section.directives_named("option") if _action(d) in CHECK_OPTIONS]


def httpchk_lines(section: Section) -> list[Line]:
    return [d for d in section.directives_named("option") if _action(d) == "httpchk"]


class CheckLines:
    """A proxy section's own health-check lines, read once (a dozen rules ask for every
    proxy): its check options (:func:`check_option_lines`) and its ``option httpchk`` lines
    (:func:`httpchk_lines`), the ``http-check`` lines that add rules (:func:`http_rule_lines`)
    with their actions (``rule_actions``, in the same order) and its ``send`` rules, the
    flags (``disable-on-404``, ``send-state``), its ``tcp-check`` rules. Callers must not
    change them."""

    __slots__ = ("options", "httpchk", "http_rules", "rule_actions", "sends", "http_flags", "tcp_rules")

    def __init__(self, section: Section) -> None:
        # One walk over the section, each line's action read once.
        self.options: list[Line] = []
        self.httpchk: list[Line] = []
        self.http_rules: list[Line] = []
        self.rule_actions: list[str] = []
        self.sends: list[Line] = []
        self.http_flags: list[Line] = []
        self.tcp_rules: list[Line] = []
        for line in section.directives:
            keyword = line.keyword
            if keyword == "option":
                action = _action(line)
                if action in CHECK_OPTIONS:
                    self.options.append(line)
                    if action == "httpchk":
                        self.httpchk.append(line)
            elif keyword == "http-check":
                action = _action(line)
                if action in HTTP_CHECK_FLAGS:
                    self.http_flags.append(line)
                elif action:
                    self.http_rules.append(line)
                    self.rule_actions.append(action)
                    if action == "send":
                        self.sends.append(line)
            elif keyword == "tcp-check" and _action(line):
                self.tcp_rules.append(line)


def check_lines(proxy: Proxy) -> CheckLines:
    """The proxy's own :class:`CheckLines`, kept on the proxy."""
    return _own_lines(proxy_facts(proxy), proxy)


_CHECK_LINES = ("check_lines",)
_CHECK_TYPE = ("check_type",)


def _own_lines(facts: dict[Hashable, Any], proxy: Proxy) -> CheckLines:
    found: CheckLines | None = facts.get(_CHECK_LINES)
    if found is None:
        found = facts[_CHECK_LINES] = CheckLines(proxy.section)
    return found


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import (_Step stays a NamedTuple: steps are looked up by value).
class CheckType:
    """The health-check option in force for a proxy, and where it comes from."""

    __slots__ = ("name", "line", "inherited")

    def __init__(self, name: str | None, line: Line | None = None, inherited: bool = False) -> None:
        self.name = name
        self.line = line
        self.inherited = inherited


def check_type(proxy: Proxy) -> CheckType:
    """The last check option of the proxy's section, else its defaults' (recursively).

    Kept on the proxy (it depends on the sections only; a dozen rules ask for every proxy):
    callers read it and must not change it."""
    facts = proxy_facts(proxy)
    found: CheckType | None = facts.get(_CHECK_TYPE)
    if found is not None:
        return found
    options = _own_lines(facts, proxy).options
    if options:  # (most proxies that have one: no chain to walk)
        found = CheckType(_action(options[-1]), options[-1])
    else:
        owner = nearest_in_chain(proxy, "check_type", _has_check_option)
        if owner is None:
            found = CheckType(None)
        else:
            last = check_lines(owner).options[-1]
            found = CheckType(_action(last), last, owner is not proxy)
    facts[_CHECK_TYPE] = found
    return found


def _has_check_option(proxy: Proxy) -> bool:
    return bool(check_lines(proxy).options)


def http_owner(proxy: Proxy) -> Proxy | None:
    """The proxy whose section holds the HTTP-check ruleset in force for ``proxy``: itself if
    it has its own ``option httpchk`` or ``http-check`` rules, else its defaults' owner."""
    facts = proxy_facts(proxy)  # (where nearest_in_chain keeps its answers: read it first)
    if "http_owner" in facts:
        return facts["http_owner"]  # type: ignore[no-any-return]
    own = _own_lines(facts, proxy)
    if own.httpchk or own.http_rules:  # (most proxies that have one: no chain to walk)
        facts["http_owner"] = proxy
        return proxy
    return nearest_in_chain(proxy, "http_owner", _owns_http_rules)


def _owns_http_rules(proxy: Proxy) -> bool:
    own = check_lines(proxy)
    return bool(own.httpchk or own.http_rules)


def _why_not(proxy: Proxy, option: str) -> str:
    """Why ``option <option>`` is not in force for ``proxy``, for messages."""
    ctype = check_type(proxy)
    label = proxy.section.label
    if ctype.name is None or ctype.line is None:
        return f"{label} has no `option {option}`"
    where = f"line {ctype.line.line}"
    if ctype.inherited:
        where = f"inherited from defaults at {where}"
    return f"the health check of {label} is `option {ctype.name}` ({where}), not `option {option}`"


def _between(section: Section, first: Line, last: Line) -> list[Line]:
    """The section's lines from ``first`` to ``last`` included."""
    return [line for line in section.lines if first.start <= line.start <= last.start]


def _same_block(section: Section, first: Line, last: Line) -> bool:
    """Whether no conditional-block line (``.if``/``.else``...) separates two lines."""
    return all(line.kind not in ("if", "elif", "else", "endif") for line in _between(section, first, last))


# --- the check request ----------------------------------------------------------------------


class OptionRequest:
    """The request of ``option httpchk [<meth>] <uri> [<ver>] [<host>]``.

    ``version`` is the version without what hides behind it; ``headers``/``body`` are what the
    version word smuggles after ``\\r\\n`` (``smuggled`` says whether it does).
    """

    __slots__ = ("line", "meth", "uri", "version_word", "version", "host_arg", "headers", "body", "smuggled", "malformed")

    def __init__(self, line: Line) -> None:
        self.line = line
        self.meth: Word | None = None
        self.uri: Word | None = None
        self.version_word: Word | None = None
        self.version: str | None = None
        self.host_arg: Word | None = None
        self.headers: list[tuple[str, str]] = []
        self.body: str | None = None
        self.smuggled = False
        self.malformed = False

    @property
    def has_args(self) -> bool:
        values = self.line.plain_values
        return len(values if values is not None else self.line.words) > 2

    @property
    def has_host(self) -> bool:
        return self.host_arg is not None or any(name.lower() == "host" for name, _ in self.headers)


def parse_option(line: Line) -> OptionRequest:
    req = OptionRequest(line)
    values = line.plain_values
    if values is not None and len(values) <= 2:
        return req  # a bare `option httpchk` (most): no need to cut the line into words
    args = line.words[2:]
    if len(args) == 1:
        req.uri = args[0]
    elif len(args) >= 2:
        req.meth, req.uri = args[0], args[1]
    if len(args) >= 3:
        req.version_word = args[2]
        req.version = args[2].value
    if len(args) >= 4:
        req.host_arg = args[3]
    if req.version is None:
        return req
    # As proxy_parse_httpchk_req(): headers after the first CRLF, a body after CRLFCRLF.
    value = req.version
    hdrs = value.find("\r\n")
    body = value.find("\r\n\r\n")
    if hdrs == body:
        hdrs = -1
    if hdrs < 0 and body < 0:
        return req
    req.smuggled = True
    req.version = value[: hdrs if hdrs >= 0 else body]
    if body >= 0:
        req.body = value[body + 4 :]
    if hdrs >= 0:
        block = value[hdrs + 2 : body if body >= 0 else len(value)]
        for part in block.split("\r\n"):
            if not part:
                continue
            name, colon, rest = part.partition(":")
            if not colon or not name or name != name.strip():
                req.malformed = True
                continue
            req.headers.append((name, rest.strip(" \t")))
    return req


class SendRequest:
    """An ``http-check send`` line's arguments, read from its values: ``arg_values`` maps each
    argument (``meth``, ``uri``, ``ver``...) to its value, ``header_values`` lists the ``hdr``
    names and values. ``args`` and ``headers`` give their words, for reports and fixes: the
    line is cut into words only then (most send lines never need it)."""

    __slots__ = ("line", "_arg_at", "_header_at", "arg_values", "header_values")

    def __init__(self, line: Line, values: Sequence[str]) -> None:
        self.line = line
        arg_at: dict[str, int] = {}
        header_at: list[tuple[int, int]] = []
        arg_values: dict[str, str] = {}
        header_values: list[tuple[str, str]] = []
        self._arg_at, self._header_at, self.arg_values, self.header_values = arg_at, header_at, arg_values, header_values
        i = 2
        count = len(values)
        while i < count:
            name = values[i]
            if name == "hdr" and i + 2 < count:
                header_at.append((i + 1, i + 2))
                header_values.append((values[i + 1], values[i + 2]))
                i += 3
            elif name in SEND_ARGS and i + 1 < count:
                arg_at[name] = i + 1
                arg_values[name] = values[i + 1]
                i += 2
            else:
                break

    @property
    def args(self) -> dict[str, Word]:
        words = self.line.words
        return {name: words[i] for name, i in self._arg_at.items()}

    @property
    def headers(self) -> list[tuple[Word, Word]]:
        words = self.line.words
        return [(words[i], words[j]) for i, j in self._header_at]

    @property
    def has_host(self) -> bool:
        for name, _ in self.header_values:
            if name.lower() == "host":
                return True
        return False


def parse_send(line: Line) -> SendRequest:
    values: Sequence[str] | None = line.plain_values
    return SendRequest(line, values if values is not None else line.values)


class Request:
    """One request a check sends: its method, URI and HTTP version (each from the later of
    the lines that set it), the line that writes the version (``version_from``), and
    whether it has a Host."""

    __slots__ = ("method", "uri", "version", "version_from", "has_host", "option", "send")

    def __init__(
        self,
        method: str,
        uri: str | None,
        version: str,
        version_from: SendRequest | OptionRequest | None,
        has_host: bool,
        option: OptionRequest | None,
        send: SendRequest | None,
    ) -> None:
        self.method = method
        self.uri = uri
        self.version = version
        self.version_from = version_from
        self.has_host = has_host
        self.option = option
        self.send = send

    @property
    def absolute_uri(self) -> bool:
        return _absolute(self.uri)

    @property
    def version_word(self) -> Word | None:
        """The word that writes the version, if one does (a send line is cut into words here)."""
        source = self.version_from
        if isinstance(source, SendRequest):
            return source.args["ver"]
        return source.version_word if source is not None else None

    @property
    def written_version(self) -> str | None:
        """The value of :attr:`version_word`, read without cutting a send line."""
        source = self.version_from
        if isinstance(source, SendRequest):
            return source.arg_values["ver"]
        word = source.version_word if source is not None else None
        return word.value if word is not None else None


def _absolute(uri: str | None) -> bool:
    return bool(uri) and uri.lower().startswith(("http://", "https://"))  # type: ignore[union-attr]


def proxy_requests(proxy: Proxy) -> list[Request]:
    """The requests the proxy section's own ruleset sends: the first one merges
    ``option httpchk`` with the first ``http-check send`` (the later line overriding what it
    sets), the others are the following ``http-check send`` lines alone. Kept on the proxy
    (several rules ask for every proxy): callers must not change it."""
    facts = proxy_facts(proxy)
    found: list[Request] | None = facts.get(_REQUESTS)
    if found is None:
        own = _own_lines(facts, proxy)
        opt = parse_option(own.httpchk[-1]) if own.httpchk else None
        sends = own.sends
        first = parse_send(sends[0]) if sends else None
        found = facts[_REQUESTS] = []
        if opt is not None or first is not None:
            found.append(_merge(opt, first))
        for line in sends[1:]:
            found.append(_merge(None, parse_send(line)))
    return found


_REQUESTS = ("requests",)


def _merge(opt: OptionRequest | None, send: SendRequest | None) -> Request:
    args = send.arg_values if send is not None else {}
    send_ver = args.get("ver")
    send_uri = args.get("uri")
    if send_uri is None:
        send_uri = args.get("uri-lf")
    send_meth = args.get("meth")
    send_headers = bool(send and send.header_values)
    if opt is None:
        return Request(
            method=send_meth if send_meth is not None else "OPTIONS",
            uri=send_uri,
            version=send_ver if send_ver is not None else "HTTP/1.0",
            version_from=send if send_ver is not None else None,
            has_host=bool(send and send.has_host),
            option=None,
            send=send,
        )
    opt_headers = bool(opt.headers) or opt.host_arg is not None
    send_later = send is not None and send.line.start > opt.line.start
    # Each field comes from the later line when that line sets it (headers as a whole).
    version_from: SendRequest | OptionRequest
    if send is not None and send_ver is not None and (send_later or opt.version is None):
        version, version_from = send_ver, send
    else:
        version, version_from = opt.version or "HTTP/1.0", opt
    if send is not None and send_headers and (send_later or not opt_headers):
        has_host = send.has_host
    else:
        has_host = opt.has_host if opt_headers else bool(send and send.has_host)
    uri = send_uri if send_uri is not None and (send_later or opt.uri is None) else (opt.uri.value if opt.uri else None)
    if send_meth is not None and (send_later or opt.meth is None):
        method = send_meth
    else:
        method = opt.meth.value if opt.meth is not None else "OPTIONS"
    return Request(method, uri, version, version_from, has_host, opt, send)


def send_anchor(section: Section, opt_line: Line) -> Line | None:
    """The line after which an explicit ``http-check send`` takes the place of the implicit
    one of ``opt_line`` (``None`` when the section's layout makes that unsafe to do)."""
    rules = http_rule_lines(section)
    if any(rule.start < opt_line.start for rule in rules):
        return None  # rules before the option line: moving lines around is for a person
    anchor = opt_line
    main = [rule for rule in rules if _action(rule) in ("connect", "send", "expect")]
    if main and _action(main[0]) == "connect":
        anchor = main[0]
    if anchor.depth != opt_line.depth or not _same_block(section, opt_line, anchor):
        return None
    return anchor


def insert_line_after(ctx: Context, anchor: Line, indent: str, text: str) -> Edit:
    """A new line after ``anchor``, with ``indent`` and the file's line ending."""
    eol = anchor.eol or ctx.eol
    if not anchor.eol:
        return Edit(start=anchor.end, end=anchor.end, text=eol + indent + text)
    return Edit(start=anchor.end, end=anchor.end, text=indent + text + eol)


def insert_line_before(ctx: Context, line: Line, indent: str, text: str) -> Edit:
    return Edit(start=line.start, end=line.start, text=indent + text + (line.eol or ctx.eol))


def config_word(value: str) -> str | None:
    """``value`` written as one configuration word, quoted if needed (``None`` if it holds
    something this module does not write back, such as ``$``)."""
    if _PLAIN_WORD.fullmatch(value):
        return value
    if "$" in value:
        return None
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _send_words(opt: OptionRequest, skip: set[str] = frozenset()) -> list[str] | None:  # type: ignore[assignment]
    """The ``http-check send`` arguments equivalent to ``opt``'s request, without ``skip``."""
    parts: list[str] = []
    if opt.meth is not None and "meth" not in skip:
        parts += ["meth", opt.meth.raw]
    if opt.uri is not None and "uri" not in skip:
        parts += ["uri", opt.uri.raw]
    if opt.version and "ver" not in skip:
        parts += ["ver", opt.version]
    if "hdr" not in skip:
        for name, value in opt.headers:
            written = config_word(value)
            if written is None or not _PLAIN_WORD.fullmatch(name):
                return None
            parts += ["hdr", name, written]
    if opt.body is not None and "body" not in skip:
        written = config_word(opt.body)
        if written is None:
            return None
        parts += ["body", written]
    if opt.version and config_word(opt.version) != opt.version:
        return None
    return parts


def _drop_option_args(line: Line) -> Edit:
    """Turn ``option httpchk <args>`` into ``option httpchk`` (comment and blanks kept)."""
    return Edit(start=line.words[1].end, end=line.words[-1].end, text="")


# --- HL101 ----------------------------------------------------------------------------------


def _server_host(server) -> str | None:
    """The host name a server's checks are meant for: ``check-sni``, ``sni str(...)`` or
    the address when it is a host name."""
    value = server.value("check-sni")
    if value and _HOST.fullmatch(value):
        return value
    value = server.value("sni")
    if value:
        m = _SNI_STR.fullmatch(value)
        if m:
            return m.group(1)
    if server.address is not None and server.address.is_hostname and _HOST.fullmatch(server.address.host):
        return server.address.host
    return None


class Rulesets:
    """The HTTP-check rulesets of the file being checked, found in one walk over its proxies:
    ``checked``, the proxies of the sections where health checks are configured, with their
    :class:`CheckLines`; ``owners``, the sections whose own ruleset is in force for them;
    ``users``, the backends and listens using each ruleset, by ``id()`` of its owner;
    ``inheritors``, the backends and listens using the ruleset of another section (their
    defaults'), with that section."""

    __slots__ = ("checked", "owners", "users", "inheritors", "_uses", "_all_uses")

    def __init__(self, proxies: list[Proxy]) -> None:
        self.checked: list[tuple[Proxy, CheckLines]] = []
        self.owners: list[Proxy] = []
        self.users: dict[int, list[Proxy]] = {}
        self.inheritors: list[tuple[Proxy, Proxy]] = []
        self._uses: dict[int, list[RequestUse]] = {}  # by id() of the owner
        self._all_uses: list[tuple[Proxy, RequestUse]] | None = None
        for proxy in proxies:
            kind = proxy.section.kind
            if kind not in CHECK_SECTIONS:
                continue
            self.checked.append((proxy, check_lines(proxy)))
            if check_type(proxy).name != "httpchk":
                continue
            owner = http_owner(proxy)
            if owner is proxy:
                self.owners.append(proxy)
            if kind != "defaults" and owner is not None:
                self.users.setdefault(id(owner), []).append(proxy)
                if owner is not proxy:
                    self.inheritors.append((proxy, owner))

    def all_uses(self) -> list[tuple[Proxy, RequestUse]]:
        """Every request of every owner's ruleset, with its owner, in order (HL101, HL113
        and HL114 walk them all)."""
        found = self._all_uses
        if found is None:
            found = self._all_uses = [(owner, use) for owner in self.owners for use in self.uses_of(owner)]
        return found

    def uses_of(self, owner: Proxy) -> list[RequestUse]:
        """The requests of ``owner``'s own ruleset, each with the checked servers it goes to
        (HL101, HL113, HL114 and HL115 ask)."""
        found = self._uses.get(id(owner))
        if found is None:
            users = self.users.get(id(owner), [])
            connects = "connect" in check_lines(owner).rule_actions
            found = self._uses[id(owner)] = [
                RequestUse(request, connect_of(owner, request) if connects else None, users)
                for request in proxy_requests(owner)
            ]
        return found


def rulesets(ctx: Context) -> Rulesets:
    """The file's :class:`Rulesets` (computed once per run: a dozen rules walk them; callers
    must not change them)."""
    return ctx.memo("http-rulesets", lambda: Rulesets(ctx.proxies))


# --- the protocol a check request goes in ---------------------------------------------------

#: Multiplexer protocols of HTTP mode, as `proto` and `check-proto` name them (`none` is TCP).
HTTP_MUXES = frozenset({"h1", "h2", "fcgi"})


def check_proto(server: Server) -> Param | None:
    """The parameter that chooses the protocol of the server's HTTP checks: `check-proto`, else
    `proto` when it names an HTTP protocol (HAProxy's init_srv_check(), 2.4 and later, gives
    HTTP checks the server's protocol then; 2.2 gives it whatever it is). ``None`` when
    HAProxy chooses: HTTP/1.1, or what ALPN agrees on over TLS."""
    param = server.get("check-proto")
    if param is not None:
        return param
    param = server.get("proto")
    return param if param is not None and param.value in HTTP_MUXES else None


def connect_of(owner: Proxy, request: Request) -> Line | None:
    """The `http-check connect` rule (of ``owner``'s ruleset) whose connection carries
    ``request``; ``None`` for the implicit connect, which uses the server's own settings."""
    own = check_lines(owner)
    if "connect" not in own.rule_actions:
        return None  # (most rulesets)
    rules = [line for line, action in zip(own.http_rules, own.rule_actions) if action in ("connect", "send", "expect")]
    if request.send is None:
        # The request of `option httpchk` alone goes right after the first rule if that is a
        # connect, else first.
        return rules[0] if rules and _action(rules[0]) == "connect" else None
    before = [line for line in rules if _action(line) == "connect" and line.start < request.send.line.start]
    return before[-1] if before else None


def http2_reason(connect: Line | None, server: Server) -> Param | Word | None:
    """What sends a check request over this connection to ``server`` in HTTP/2: `proto h2` on
    the connect rule, or (implicit connect, or `connect default`) the server's `check-proto
    h2` or `proto h2`. ``None`` when it goes in HTTP/1 (a connect rule without `proto` or
    `default` lets HAProxy choose, which is HTTP/1.1 in clear text)."""
    if connect is not None:
        words = connect.words
        for i in range(2, len(words) - 1):
            if words[i].value == "proto":
                return words[i + 1] if words[i + 1].value == "h2" else None
        if not any(word.value == "default" for word in words[2:]):
            return None
    param = check_proto(server)
    return param if param is not None and param.value == "h2" else None


class RequestUse:
    """A request of a ruleset and the checked servers it goes to, over HTTP/2 or not (found
    on first read: most requests are judged on their own first)."""

    __slots__ = ("request", "connect", "_users", "_http2", "_http1")

    def __init__(self, request: Request, connect: Line | None, users: list[Proxy]) -> None:
        self.request = request
        self.connect = connect
        self._users = users
        self._http2: list[tuple[Proxy, Server, Param | Word]] | None = None
        self._http1: list[tuple[Proxy, Server]] | None = None

    @property
    def http2(self) -> list[tuple[Proxy, Server, Param | Word]]:
        """Servers that get it over HTTP/2, with their backend and what makes it HTTP/2."""
        found = self._http2
        if found is None:
            if self._surely_http1():
                found = self._http2 = []  # (http1 is found when read)
            else:
                found = self._split()[0]
        return found

    @property
    def http1(self) -> list[tuple[Proxy, Server]]:
        """Servers that get it over HTTP/1."""
        found = self._http1
        return found if found is not None else self._split()[1]

    def _surely_http1(self) -> bool:
        """Whether no server can get the request over HTTP/2: no protocol named by the connect
        rule, by the servers or by the `default-server` lines they take after (most
        rulesets; a walk over the servers' parameters, cheaper than :meth:`_split`)."""
        connect = self.connect
        if connect is not None:
            values = connect.values[2:]
            if "proto" in values:
                return False
            if "default" not in values:
                return True  # HAProxy chooses: HTTP/1.1 (see http2_reason)
        for proxy in self._users:
            inherited = None
            for server in proxy.servers:
                params = server.params
                if "proto" in params or "check-proto" in params:
                    return False
                if server.inherited is not inherited:  # (the servers of a section share a few)
                    inherited = server.inherited
                    if "proto" in inherited or "check-proto" in inherited:
                        return False
        return True

    def _split(self) -> tuple[list[tuple[Proxy, Server, Param | Word]], list[tuple[Proxy, Server]]]:
        http2: list[tuple[Proxy, Server, Param | Word]] = []
        http1: list[tuple[Proxy, Server]] = []
        connect = self.connect
        for proxy in self._users:
            for server in proxy.servers:
                if not server.check:
                    continue
                reason = http2_reason(connect, server)
                if reason is not None:
                    http2.append((proxy, server, reason))
                else:
                    http1.append((proxy, server))
        self._http2, self._http1 = http2, http1
        return http2, http1


def known_host(users: list[Proxy]) -> str | None:
    """The one host name every checked server of ``users`` agrees on."""
    names: set[str | None] = set()
    for proxy in users:
        for server in proxy.servers:
            if server.kind == "server-template":
                return None
            if server.check:
                names.add(_server_host(server))
    if len(names) != 1:
        return None
    return names.pop()


def host_header_fix(ctx: Context, section: Section, request: Request, host: str):
    """An unsafe fix adding ``Host: <host>`` to a check request: ``hdr Host`` on its
    ``http-check send``, or a new ``http-check send hdr Host`` line where the request of
    ``option httpchk`` goes (``None`` where the layout makes that unsafe)."""
    opt = request.option
    if opt is not None and (opt.smuggled or opt.host_arg is not None):
        return None  # HL102 moves the hidden headers first; this fix applies after it
    title = f"add `hdr Host {host}` to the health-check request"
    if request.send is not None:
        return ctx.fix(title, "unsafe", ctx.append_words(request.send.line, f"hdr Host {host}"))
    anchor = send_anchor(section, opt.line) if opt is not None else None
    if anchor is None or opt is None:
        return None
    text = f"http-check send hdr Host {host}"
    return ctx.fix(f"add `{text}`", "unsafe", insert_line_after(ctx, anchor, opt.line.indent, text))


class HttpchkMissingHost(Rule):
    """Reports HTTP/1.1 health-check requests that send no `Host` header.

    ## Why is this bad?
    HTTP/1.1 makes `Host` mandatory, and HAProxy does not add one to check requests. nginx,
    Apache, IIS and most frameworks answer such a request with `400 Bad Request`, so the check
    fails with "Layer7 wrong status" and a healthy server stays DOWN. Check requests merge
    `option httpchk` with the first `http-check send` of the same section, so the rule looks at
    what is actually sent, including what a section inherits from its `defaults`.

    ## Example
    ```haproxy
    backend app
        option httpchk GET /health HTTP/1.1
        server app1 app.example.com:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk GET /health HTTP/1.1
        http-check send hdr Host app.example.com
        server app1 app.example.com:80 check
    ```

    ## Fix safety
    Unsafe, and offered only from HAProxy 2.2 (`http-check send`) when a host name is known: the
    same `check-sni`, `sni str(...)` or server address host name for every checked server that
    uses the request. It adds `hdr Host <name>` to the first `http-check send`, or a new
    `http-check send hdr Host <name>` line after `option httpchk`. The request changes, and
    the right virtual host may be another name: check it. Otherwise, add the header by hand
    (before 2.2, as `\\r\\nHost:\\ <name>` after the version).

    ## Exceptions
    A server that accepts HTTP/1.1 without `Host` (some embedded status endpoints). Requests
    with an absolute URI (`uri http://host/path`) are not reported, nor requests that every
    server using them gets in HTTP/2 (`proto h2`, `check-proto h2`), where the version word
    is not sent: HL113 and HL114 look at those. The catalogue mentions a
    `check-host` setting: no HAProxy version has one, so it is not used.

    ## References
    HAProxy configuration manual: `option httpchk`, `http-check send`, `check-sni`, `sni`.
    """

    code = "HL101"
    name = "httpchk-missing-host"
    severity = Severity.WARNING
    fixable = "unsafe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        sets = rulesets(ctx)
        for proxy, use in sets.all_uses():
            request = use.request
            if request.has_host or request.version.upper() != "HTTP/1.1" or request.absolute_uri:
                continue
            if use.http2 and not use.http1:
                continue  # it goes in HTTP/2 whatever the version says: HL113 and HL114
            section = proxy.section
            target = request.version_word or (request.send.line if request.send else section.header)
            host = None
            if ctx.version >= (2, 2):
                host = known_host(sets.users.get(id(proxy), []))
            fix = host_header_fix(ctx, section, request, host) if host else None
            if request.send is not None and request.send.line.start > (request.option.line.start if request.option else -1):
                todo = f"add `hdr Host {host or '<name>'}` to the `http-check send` at line {request.send.line.line}"
            elif ctx.version < (2, 2):
                todo = "add `\\r\\nHost:\\ <name>` after the version (HAProxy before 2.2 has no `http-check send`)"
            else:
                todo = f"add `http-check send hdr Host {host or '<name>'}`"
            message = (
                "this HTTP/1.1 health check sends no Host header, so most web servers answer 400 "
                f"and healthy servers are marked DOWN; {todo}"
            )
            yield ctx.report(self, target, message, fix=fix)



# --- HL102 ----------------------------------------------------------------------------------


class HttpchkHeadersInVersion(Rule):
    """Reports headers or a body hidden after the HTTP version of `option httpchk`
    (`HTTP/1.1\\r\\nHost:\\ example.com`).

    ## Why is this bad?
    Before HAProxy 2.2 this trick was the only way to send a `Host` header with a check.
    `http-check send` replaced it in 2.2: HAProxy 2.2 to 2.6 warn that it is deprecated, and
    2.8 refuses to start ("hiding headers or body at the end of the version string is
    unsupported"). A configuration that still uses it breaks on upgrade.

    ## Example
    ```haproxy
    backend app
        option httpchk GET /health HTTP/1.1\\r\\nHost:\\ app.example.com
        http-check expect status 200
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        http-check send meth GET uri /health ver HTTP/1.1 hdr Host app.example.com
        http-check expect status 200
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Safe: the request sent is the same. The fix leaves a bare `option httpchk` and writes the
    method, URI, version, each header (`hdr <name> <value>`, quoted when it has spaces) and the
    body (`body "..."`) on an `http-check send` line placed where HAProxy puts the request of
    `option httpchk`: right after it, or after the first `http-check connect`. When the section
    already has an `http-check send` after the option, the missing parts are added to it. No
    fix when `http-check` rules come before `option httpchk`, when there are several
    `option httpchk` lines, or when a header holds `$`: move the headers by hand.

    ## Exceptions
    None from 2.2 on. Before 2.2 the trick is the documented way to add headers, so the rule
    only runs for target versions 2.2 and later.

    ## References
    HAProxy configuration manual: `option httpchk`, `http-check send`.
    """

    code = "HL102"
    name = "httpchk-headers-in-version"
    severity = Severity.ERROR  # at the default target; a warning for targets 2.2 to 2.7
    versions = ">=2.2"
    fixable = "safe"
    keywords = frozenset({"option"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if section is None or line.plain_values is not None:
            return ()  # (no escape: nothing can hide after the version)
        if len(line.words) < 2 or line.words[1].value != "httpchk":
            return ()
        return self._findings(ctx, line, section)

    def _findings(self, ctx: Context, line: Line, section: Section) -> Iterator[Diagnostic]:
        opt = parse_option(line)
        if not opt.smuggled or opt.version_word is None:
            return
        severity = Severity.ERROR if ctx.version >= (2, 8) else Severity.WARNING
        state = "refused since HAProxy 2.8" if ctx.version >= (2, 8) else "deprecated, and refused from HAProxy 2.8 on"
        message = f"headers hidden after the HTTP version of `option httpchk` are {state}; move them to an `http-check send` line"
        sends = [parse_send(d) for d in section.directives_named("http-check") if _action(d) == "send"]
        if opt.headers and sends and sends[0].line.start > opt.line.start and sends[0].header_values:
            message = (
                f"headers hidden after the HTTP version of `option httpchk` are {state}, and ignored here because "
                f"the `http-check send` at line {sends[0].line.line} sets its own; move the ones you need to that line"
            )
        yield ctx.report(self, opt.version_word, message, fix=self._fix(ctx, section, opt), severity=severity)

    def _fix(self, ctx: Context, section: Section, opt: OptionRequest):
        if opt.malformed or opt.host_arg is not None or opt.version_word is None or opt.version_word.has_env:
            return None
        if len(httpchk_lines(section)) != 1:
            return None
        sends = [parse_send(d) for d in section.directives_named("http-check") if _action(d) == "send"]
        if sends:
            first = sends[0]
            if first.line.start < opt.line.start:
                return None
            # The send line comes later and overrides what it sets: give it what it lacks.
            skip = {name for name in ("meth", "ver", "body") if name in first.arg_values}
            if "uri" in first.arg_values or "uri-lf" in first.arg_values:
                skip.add("uri")
            if "body-lf" in first.arg_values:
                skip.add("body")
            if first.header_values:
                skip.add("hdr")
            words = _send_words(opt, skip)
            if words is None:
                return None
            edits = [_drop_option_args(opt.line)]
            if words:
                edits.append(ctx.append_words(first.line, " ".join(words)))
            return ctx.fix(
                f"move the request of `option httpchk` to the `http-check send` at line {first.line.line}",
                "safe",
                *edits,
            )
        anchor = send_anchor(section, opt.line)
        words = _send_words(opt)
        if anchor is None or not words:
            return None
        text = "http-check send " + " ".join(words)
        drop = _drop_option_args(opt.line)
        insert = insert_line_after(ctx, anchor, opt.line.indent, text)
        edits = [drop, insert]
        if drop.end == insert.start:  # last line of a file without a final newline
            edits = [Edit(start=drop.start, end=drop.end, text=insert.text)]
        return ctx.fix(f"replace with `option httpchk` and `{text}`", "safe", *edits)


# --- HL104 / HL105 --------------------------------------------------------------------------


class _RulesWithoutOption(Rule):
    """Shared logic of HL104 and HL105 (not a rule: no ``code``)."""

    kind: str  # "http-check" or "tcp-check"
    option: str  # "httpchk" or "tcp-check"

    def lines(self, own: CheckLines, section: Section) -> list[Line]:
        raise NotImplementedError

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for proxy, own in rulesets(ctx).checked:
            section = proxy.section
            lines = self.lines(own, section)
            if not lines or check_type(proxy).name == self.option:
                continue
            first = lines[0]
            if len(lines) > 1:
                subject = f"these {len(lines)} `{self.kind}` rules are"
            else:
                subject = f"this `{self.kind}` rule is"
            message = f"{subject} ignored because {_why_not(proxy, self.option)}; add `option {self.option}` or remove them"
            fix = None
            if section.kind != "defaults" and not check_option_lines(section):
                text = f"option {self.option}"
                fix = ctx.fix(f"add `{text}`", "unsafe", insert_line_before(ctx, first, ctx.indent(section), text))
            yield ctx.report(self, first.words[0], message, fix=fix)


class HttpCheckWithoutHttpchk(_RulesWithoutOption):
    """Reports `http-check` rules in a section whose health check is not `option httpchk`.

    ## Why is this bad?
    `http-check` rules only apply to HTTP checks. Without `option httpchk` in force (in the
    section, or inherited from its `defaults`), or when another check option such as
    `option ssl-hello-chk` comes after it, HAProxy ignores them: the expected status or the
    request they describe is never used. HAProxy warns for `connect`/`send`/`expect` rules in
    a backend, but says nothing about `disable-on-404`, `send-state`, or rules in `defaults`.

    ## Example
    ```haproxy
    backend app
        http-check expect status 200
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk GET /health
        http-check expect status 200
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Unsafe: adding `option httpchk` (before the first rule) turns a TCP check into an HTTP one,
    which may fail where the TCP check passed. Not offered in `defaults` (every backend using
    them would change) nor when the section chooses another check option itself: pick one by
    hand.

    ## Exceptions
    Rules kept in `defaults` for the backends that enable HTTP checks themselves do not work
    either: a backend's own `option httpchk` starts an empty ruleset. Repeat the rules there.
    """

    code = "HL104"
    name = "http-check-without-httpchk"
    severity = Severity.WARNING
    fixable = "unsafe"
    kind = "http-check"
    option = "httpchk"

    def lines(self, own: CheckLines, section: Section) -> list[Line]:
        lines = own.http_rules
        if own.http_flags and section.kind != "defaults":
            lines = sorted(lines + own.http_flags, key=lambda line: line.start)
        return lines


class TcpCheckWithoutOption(_RulesWithoutOption):
    """Reports `tcp-check` rules in a section whose health check is not `option tcp-check`.

    ## Why is this bad?
    `tcp-check` rules only run with `option tcp-check` in force (in the section or inherited
    from its `defaults`), and only if no other check option (`option httpchk`,
    `option redis-check`...) comes after it. Otherwise HAProxy ignores them ("uses tcp-check
    rules without 'option tcp-check', so the rules are ignored"): the check is a bare TCP
    connect, and a server that accepts connections but answers nothing stays UP.

    ## Example
    ```haproxy
    backend redis
        mode tcp
        tcp-check send PING\\r\\n
        tcp-check expect string +PONG
        server r1 10.0.0.1:6379 check
    ```

    ## Use instead
    ```haproxy
    backend redis
        mode tcp
        option tcp-check
        tcp-check send PING\\r\\n
        tcp-check expect string +PONG
        server r1 10.0.0.1:6379 check
    ```

    ## Fix safety
    Unsafe: adding `option tcp-check` (before the first rule) makes the rules run, and servers
    that fail them go DOWN. Not offered in `defaults` nor when the section chooses another
    check option itself.

    ## Exceptions
    None: rules that never run are at best dead configuration.
    """

    code = "HL105"
    name = "tcp-check-without-option"
    severity = Severity.WARNING
    fixable = "unsafe"
    kind = "tcp-check"
    option = "tcp-check"

    def lines(self, own: CheckLines, section: Section) -> list[Line]:
        return own.tcp_rules


# --- HL106 / HL112 --------------------------------------------------------------------------


class StatusExpect:
    """``http-check expect [!] status <pattern> [more words]``."""

    __slots__ = ("match", "pattern", "extra")

    def __init__(self, match: Word, pattern: Word, extra: list[Word]) -> None:
        self.match = match  # the `status` (or `!status`) word
        self.pattern = pattern
        self.extra = extra  # words after the pattern that are not expect arguments


def parse_status_expect(line: Line, version: tuple[int, int]) -> StatusExpect | None:
    span = status_expect_span(line, version)
    if span is None:
        return None
    i, end = span
    words = line.words
    return StatusExpect(words[i], words[i + 1], list(words[i + 2 : end]))


def status_expect_span(line: Line, version: tuple[int, int]) -> tuple[int, int] | None:
    """Where :func:`parse_status_expect` finds the `status` word, and the end of the words
    after its pattern, read from the line's values (most lines need no more)."""
    values: Sequence[str] | None = line.plain_values
    if values is None:
        values = line.values
    if len(values) < 3 or values[1] != "expect":
        return None
    i = 2
    while i < len(values):
        value = values[i]
        if value in EXPECT_ARGS and version >= (2, 2):
            i += 2
            continue
        if value.strip("!") == "":
            i += 1
            continue
        break
    if i + 1 >= len(values) or values[i].lstrip("!") != "status":
        return None
    j = i + 2
    while j < len(values):
        value = values[j]
        if version >= (2, 2) and (value in EXPECT_ARGS or value.lstrip("!") in EXPECT_MATCHES):
            break
        j += 1
    return i, j


def status_tokens(words: list[Word]) -> list[str] | None:
    """``200`` ``201,202`` ``300-310`` -> the codes and ranges, or ``None`` if one is not."""
    tokens = [t for w in words for t in w.value.split(",") if t]
    if not tokens or not all(_STATUS_TOKEN.fullmatch(t) for t in tokens):
        return None
    for token in tokens:
        m = _STATUS_TOKEN.fullmatch(token)
        if m and m.group(2) is not None and int(m.group(1)) > int(m.group(2)):
            return None
    return tokens


def _digits(lo: int, hi: int) -> str:
    if lo == hi:
        return str(lo)
    return f"[{lo}{hi}]" if hi == lo + 1 else f"[{lo}-{hi}]"


def _range_regex(a: str, b: str) -> list[str]:
    """Regular expressions matching the numbers from ``a`` to ``b`` (same number of digits)."""
    if a == b:
        return [a]
    if len(a) == 1:
        return [_digits(int(a), int(b))]
    if a[0] == b[0]:
        return [a[0] + rest for rest in _range_regex(a[1:], b[1:])]
    n = len(a) - 1
    low, high = int(a[0]), int(b[0])
    head: list[str] = []
    tail: list[str] = []
    if a[1:] != "0" * n:
        head = [a[0] + rest for rest in _range_regex(a[1:], "9" * n)]
        low += 1
    if b[1:] != "9" * n:
        tail = [b[0] + rest for rest in _range_regex("0" * n, b[1:])]
        high -= 1
    middle = [_digits(low, high) + "[0-9]" * n] if low <= high else []
    return head + middle + tail


def status_regex(tokens: list[str]) -> str:
    """An anchored regular expression matching exactly the codes and ranges of ``tokens``."""
    alternatives: list[str] = []
    for token in tokens:
        m = _STATUS_TOKEN.fullmatch(token)
        assert m is not None
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        start = lo
        while start <= hi:  # split where the number of digits changes
            end = min(hi, 10 ** len(str(start)) - 1)
            alternatives += _range_regex(str(start), str(end))
            start = end + 1
    return "^(" + "|".join(dict.fromkeys(alternatives)) + ")$"


def _rstatus_fix(ctx: Context, expect: StatusExpect, tokens: list[str], last: Word):
    regex = status_regex(tokens)
    keyword = expect.match.raw.replace("status", "rstatus", 1)
    title = f"write `{keyword} {regex}`"
    return ctx.fix(title, "safe", Edit(start=expect.match.start, end=last.end, text=f"{keyword} {regex}"))


class ExpectStatusList(Rule):
    """Reports `http-check expect status` followed by several words (`status 200 201 202`).

    ## Why is this bad?
    `status` reads one pattern. From HAProxy 2.2 the other words are an error and HAProxy
    refuses to start ("only supports ... but got '201'"); HAProxy 2.0 silently ignores them,
    so only the first code is accepted and a server answering `201` is marked DOWN. Several
    codes are written as one comma-separated list (2.2 and later) or as an `rstatus` regular
    expression (2.0).

    ## Example
    ```haproxy
    backend app
        option httpchk GET /health
        http-check expect status 200 201 202
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk GET /health
        http-check expect status 200,201,202
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Safe: the fix writes the codes the line lists as one pattern, `status 200,201,202` from
    2.2, and `rstatus ^(200|201|202)$` before 2.2, where `status` compares one exact string.
    Ranges (`200-299`) become character classes in the regular expression. Before 2.2 this
    accepts the codes after the first one, which HAProxy ignored until now: that is the hazard
    going away.

    ## Exceptions
    None: the line is either refused or does not do what it says.

    ## References
    HAProxy configuration manual: `http-check expect`.
    """

    code = "HL106"
    name = "expect-status-list"
    severity = Severity.ERROR
    fixable = "safe"
    keywords = frozenset({"http-check"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        values = line.plain_values
        if values is not None and (len(values) < 5 or values[1] != "expect"):
            return ()  # (not an expect, or no room for a word after the pattern: most lines)
        span = status_expect_span(line, ctx.version)
        if span is None or span[1] == span[0] + 2:  # no word after the pattern
            return ()
        return self._findings(ctx, line)

    def _findings(self, ctx: Context, line: Line) -> Iterator[Diagnostic]:
        expect = parse_status_expect(line, ctx.version)
        if expect is None or not expect.extra:
            return
        last = expect.extra[-1]
        tokens = status_tokens([expect.pattern, *expect.extra])
        fix = None
        if ctx.version >= (2, 2):
            severity = Severity.ERROR
            joined = ",".join(tokens) if tokens else None
            if joined:
                fix = ctx.fix(f"write `status {joined}`", "safe", Edit(start=expect.pattern.start, end=last.end, text=joined))
            todo = f"write `status {joined}`" if joined else "write the codes as one comma-separated list"
            message = f"`http-check expect status` reads one pattern and HAProxy refuses the words after it; {todo}"
        else:
            severity = Severity.WARNING
            if tokens:
                fix = _rstatus_fix(ctx, expect, tokens, last)
            todo = f"write `rstatus {status_regex(tokens)}`" if tokens else "use `rstatus` with a regular expression"
            message = f"HAProxy {ctx.settings.target_version} only reads `{expect.pattern.value}` and ignores the other codes; {todo}"
        yield ctx.report(self, (expect.pattern.start, last.end), message, fix=fix, severity=severity)


class ExpectStatusListBefore22(Rule):
    """Reports `http-check expect status` with a range or a list (`200-399`, `200,204`) when
    the target HAProxy is older than 2.2.

    ## Why is this bad?
    Status ranges and lists arrived in HAProxy 2.2. Before that, `status` compares the
    response's status code with the pattern as an exact string, so `200-399` never matches:
    every check fails and every server stays DOWN (with `!`, no check ever fails). HAProxy
    2.0 accepts the line without a word.

    ## Example
    ```haproxy
    # target-version: 2.0
    backend app
        option httpchk GET /health
        http-check expect status 200-399
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    # target-version: 2.0
    backend app
        option httpchk GET /health
        http-check expect rstatus ^([23][0-9][0-9])$
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Safe: `rstatus` with an anchored regular expression accepts exactly the codes the range or
    list names, which is what the line meant; only the hazard goes away.

    ## Exceptions
    None for HAProxy before 2.2. From 2.2 the line is correct and this rule does not run.

    ## References
    HAProxy 2.0 and 2.2 configuration manuals: `http-check expect`.
    """

    code = "HL112"
    name = "expect-status-list-before-2.2"
    severity = Severity.ERROR
    versions = "<2.2"
    fixable = "safe"
    keywords = frozenset({"http-check"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if status_expect_span(line, ctx.version) is None:
            return
        expect = parse_status_expect(line, ctx.version)
        if expect is None or expect.extra:  # several words: HL106
            return
        value = expect.pattern.value
        if "-" not in value and "," not in value:
            return
        tokens = status_tokens([expect.pattern])
        fix = _rstatus_fix(ctx, expect, tokens, expect.pattern) if tokens else None
        todo = f"write `rstatus {status_regex(tokens)}`" if tokens else "use `rstatus` with a regular expression"
        message = (
            f"before HAProxy 2.2 `status {value}` is compared as an exact string and never matches, "
            f"so every check fails; {todo}"
        )
        yield ctx.report(self, expect.pattern, message, fix=fix)


# --- HL111 ----------------------------------------------------------------------------------


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _option_text(line: Line) -> str:
    return " ".join(w.raw for w in line.words)


def _other_branch(between: list[Line]) -> bool:
    """Whether an `.elif`/`.else` separates two lines: they are never read together."""
    return any(line.kind in ("elif", "else") for line in between)


class HttpchkRedefined(Rule):
    """Reports a health-check request that another line silently replaces: a second
    `option httpchk` (or other check option) in one section, or a section's own
    `option httpchk` or `http-check` rules discarding the check its `defaults` define.

    ## Why is this bad?
    Only the last check option of a section counts, and a later `option httpchk` replaces the
    request of an earlier one: the method, URI and headers set first are lost and the check
    may go to `OPTIONS /`. With several check types in one section (`option httpchk`, then
    `option tcp-check`, then `option ssl-hello-chk`), only the last runs, silently, and the
    `http-check` or `tcp-check` rules written for the others are ignored (HL104, HL105): the
    last option is reported once, naming the ones it replaces. A section with its own `option httpchk` or its own `http-check`
    rules also starts a new, empty rule set: the `http-check` rules of its `defaults` no
    longer apply, and with its own rules alone (the option coming from `defaults`) not even
    the request of `option httpchk` is kept. When no `http-check send` is left, HAProxy
    sends nothing and every check times out (confirmed with HAProxy 2.6 and 2.8; `haproxy -c`
    says nothing).

    ## Example
    ```haproxy
    defaults
        mode http
        option httpchk GET /health HTTP/1.1
        http-check send hdr Host app.example.com
    backend app
        option httpchk
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        option httpchk GET /health HTTP/1.1
        http-check send hdr Host app.example.com
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: only a person knows which request was meant. Keep one check option per section;
    in a section that needs its own rules, repeat `option httpchk` with its arguments and the
    `http-check send` line there.

    ## Exceptions
    Lines in different branches of `.if`/`.else` blocks are not compared. A section that
    deliberately resets the check of its `defaults` to `OPTIONS /` can ignore the report.

    ## References
    HAProxy configuration manual: `option httpchk`, `http-check send`; `src/tcpcheck.c`.
    """

    code = "HL111"
    name = "httpchk-redefined"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for proxy, own in rulesets(ctx).checked:
            if len(own.options) > 1:  # (one check option alone repeats or replaces none)
                yield from self._same_section(ctx, proxy)
            if bool(own.httpchk) == bool(own.http_rules):
                continue  # (neither, or its whole check itself: nothing of its defaults is lost)
            if proxy.section.kind != "defaults":
                yield from self._over_defaults(ctx, proxy)

    def _same_section(self, ctx: Context, proxy: Proxy) -> Iterable[Diagnostic]:
        section = proxy.section
        options = check_lines(proxy).options
        found: list[Diagnostic] = []
        by_kind: dict[str, list[Line]] = {}
        for line in options:
            by_kind.setdefault(line.words[1].value, []).append(line)
        # The same check type twice: the later line repeats or replaces the earlier one.
        for lines in by_kind.values():
            for prev, cur in pairwise(lines):
                between = _between(section, prev, cur)
                if _other_branch(between):
                    continue
                if prev.values == cur.values:
                    message = f"`{_option_text(cur)}` repeats line {prev.line}; remove one of them"
                elif any(_action(line) == "send" for line in between if line.keyword == "http-check"):
                    message = (
                        f"`option httpchk` appears twice in {section.label} (first at line {prev.line}); this one "
                        "overrides the parts of the request it sets; keep one `option httpchk` line"
                    )
                elif cur.words[1].value == "httpchk":
                    message = (
                        f"this `option httpchk` replaces the request of `{_option_text(prev)}` at line {prev.line}, "
                        "whose method, URI and headers are lost; keep one `option httpchk` line"
                    )
                else:
                    message = f"`{_option_text(cur)}` replaces `{_option_text(prev)}` at line {prev.line}; keep one of them"
                found.append(ctx.report(self, cur.words[1], message))
        # Other check types before the last one: only the last counts, once for all of them.
        if options:
            last = options[-1]
            kind = last.words[1].value
            replaced = [
                line
                for line in options[:-1]
                if line.words[1].value != kind and not _other_branch(_between(section, line, last))
            ]
            if replaced:
                names = _and([f"`option {line.words[1].value}` at line {line.line}" for line in replaced])
                which = "the one" if len(replaced) == 1 else "those"
                message = (
                    f"`option {kind}` replaces {names}: only the last health-check option of a section counts; "
                    f"remove {which} you do not want"
                )
                found.append(ctx.report(self, last.words[1], message))
        yield from sorted(found, key=lambda d: d.start)

    def _over_defaults(self, ctx: Context, proxy: Proxy) -> Iterable[Diagnostic]:
        defaults = proxy.defaults
        if defaults is None or check_type(proxy).name != "httpchk" or check_type(defaults).name != "httpchk":
            return
        owner = http_owner(defaults)
        if owner is None:
            return
        own_options = check_lines(proxy).httpchk
        own_rules = check_lines(proxy).http_rules
        their_options = check_lines(owner).httpchk
        their_option = parse_option(their_options[-1]) if their_options else None
        their_rules = check_lines(owner).http_rules
        where = f"{owner.section.label}"
        if own_options:
            if own_rules:
                return  # the section defines its whole check itself
            line = own_options[-1]
            if their_rules:
                yield ctx.report(
                    self,
                    line.words[1],
                    f"this `option httpchk` starts an empty rule set, so the `http-check` rules of {where} "
                    f"(line {their_rules[0].line}) no longer apply; repeat them here or remove this line",
                )
            elif their_option is not None and their_option.has_args and len(line.words) == 2:
                yield ctx.report(
                    self,
                    line.words[1],
                    f"this bare `option httpchk` resets the check to `OPTIONS /`, replacing "
                    f"`{_option_text(their_option.line)}` of {where} (line {their_option.line.line}); "
                    "remove it or repeat the request",
                )
            return
        if not own_rules or their_option is None:
            return
        first = own_rules[0]
        sends = [parse_send(d) for d in own_rules if _action(d) == "send"]
        option_text = _option_text(their_option.line)
        origin = f"`{option_text}` ({where}, line {their_option.line.line})"
        if not sends:
            expects = any(_action(d) == "expect" for d in own_rules)
            severity = Severity.ERROR if expects else Severity.WARNING
            yield ctx.report(
                self,
                first.words[0],
                f"these `http-check` rules start a new rule set without the request of {origin}: "
                f"no request is sent and every check fails; repeat `{option_text}` in this section",
                severity=severity,
            )
            return
        first_send = sends[0]
        lost = []
        if their_option.meth is not None and "meth" not in first_send.arg_values:
            lost.append("method")
        if their_option.uri is not None and not ({"uri", "uri-lf"} & set(first_send.arg_values)):
            lost.append("URI")
        if their_option.version is not None and "ver" not in first_send.arg_values:
            lost.append("version")
        if their_option.headers and not first_send.header_values:
            lost.append("headers")
        if lost:
            yield ctx.report(
                self,
                first_send.line.words[0],
                f"this section's own `http-check` rules replace those of {where}, so the check loses the "
                f"{_and(lost)} of `{option_text}` at line {their_option.line.line}; repeat it in this section",
            )


# --- HL116 ----------------------------------------------------------------------------------

#: RFC 9110 token characters: what a method may be made of.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: Methods an upper-case rewrite certainly means (RFC 9110 and PATCH).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})


def method_words(line: Line) -> Iterable[Word]:
    """The method words of a check request line: ``option httpchk <meth> <uri> ...`` (two
    arguments or more) and ``http-check send meth <meth>``."""
    words = line.words
    if line.keyword == "option":
        if len(words) >= 4 and words[1].value == "httpchk":
            yield words[2]
    elif line.keyword == "http-check" and _action(line) == "send":
        meth = parse_send(line).args.get("meth")
        if meth is not None:
            yield meth


class InvalidCheckMethod(Rule):
    """Reports a health-check method that is not an upper-case HTTP token: `option httpchk Get
    /health`, `http-check send meth get`, or a URI taken for the method (`option httpchk
    /health HTTP/1.1`).

    ## Why is this bad?
    HAProxy sends the method exactly as written, and HTTP methods are case-sensitive: `Get` is
    not `GET`. nginx, Apache, Python's and Node's servers answer an unknown method with 400,
    405 or 501, so every check fails and healthy servers are marked DOWN (HAProxy says
    nothing). A word that is not a token at all cannot be a method: with two arguments
    `option httpchk` reads `<method> <uri>`, so `option httpchk /health HTTP/1.1` sends the
    request line `/health HTTP/1.1 HTTP/1.0`, which every server refuses.

    ## Example
    ```haproxy
    backend app
        option httpchk Get /health
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk GET /health
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Safe for the standard methods (`get`, `Head`, `options`...): the fix writes them in upper
    case, which is what the line means; only the hazard goes away. No fix for other words.

    ## Exceptions
    A server that reads methods without regard to case (some Go handlers accept any method).
    Lower-case tokens are warnings; words that cannot be a method are errors.

    ## References
    HAProxy configuration manual: `option httpchk`, `http-check send`; RFC 9110, section 9.1
    ("The method token is case-sensitive").
    """

    code = "HL116"
    name = "invalid-check-method"
    severity = Severity.ERROR
    fixable = "safe"
    keywords = frozenset({"option", "http-check"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if section is None or not section.is_proxy:
            return ()
        values = line.plain_values
        if values is not None:
            # no quote, escape or `$`: a method word is its value, judged without cutting the line
            meth = None
            if line.keyword == "option":
                if len(values) >= 4 and values[1] == "httpchk":
                    meth = values[2]
            elif len(values) > 1 and values[1] == "send" and "meth" in values:
                # Most lines: the word after the one `meth`, the method if that is an argument
                # (a word that fails sends the line to the full reading of _findings).
                if values.count("meth") == 1:
                    at = values.index("meth") + 1
                    meth = values[at] if at < len(values) else None
                else:
                    meth = SendRequest(line, values).arg_values.get("meth")
            if meth is None or not meth or (meth == meth.upper() and _TOKEN.fullmatch(meth)):
                return ()
        return self._findings(ctx, line)

    def _findings(self, ctx: Context, line: Line) -> Iterator[Diagnostic]:
        for word in method_words(line):
            value = word.value
            if "$" in word.raw or not value:
                continue
            if not _TOKEN.fullmatch(value):
                if line.keyword == "option" and value.startswith("/"):
                    opt = parse_option(line)
                    sent = f"{value} {opt.uri.value if opt.uri else '/'} {opt.version or 'HTTP/1.0'}"
                    rest = " ".join(w.raw for w in line.words[2:])
                    message = (
                        f"with two or more words `option httpchk` reads `<method> <uri>`: `{value}` is sent as the method, "
                        f"in the request line `{sent}` that every server refuses; name a method first "
                        f"(`option httpchk GET {rest}`)"
                    )
                else:
                    message = f"`{value}` is not an HTTP method (not a token), so every server refuses the check; write the method, such as `GET`"
                yield ctx.report(self, word, message)
                continue
            if value == value.upper():
                continue
            upper = value.upper()
            fix = ctx.fix(f"write `{upper}`", "safe", ctx.replace(word, upper)) if upper in KNOWN_METHODS and word.raw == value else None
            message = (
                f"HTTP methods are case-sensitive: `{value}` is not `{upper}`, and most servers answer it with 400, 405 or 501, "
                f"so every check fails; write `{upper}`"
            )
            yield ctx.report(self, word, message, fix=fix, severity=Severity.WARNING)


# --- HL117 ----------------------------------------------------------------------------------


def replaces_defaults_check(proxy: Proxy) -> bool:
    """Whether the section's own `option httpchk` replaces an HTTP check of its defaults
    (HL111 reports that)."""
    defaults = proxy.defaults
    return (
        bool(check_lines(proxy).httpchk)
        and defaults is not None
        and check_type(defaults).name == "httpchk"
        and http_owner(defaults) is not None
    )


class HttpchkOptionsRequest(Rule):
    """Reports an HTTP health check that names no method, so that it sends `OPTIONS`: a bare
    `option httpchk` (`OPTIONS /`), or `option httpchk /health` (`OPTIONS /health`), with no
    `http-check send meth`.

    ## Why is this bad?
    Without a method HAProxy sends `OPTIONS`, and without a URI, `/`. Many applications and
    API gateways answer `OPTIONS /` with 401 (authentication), 404 (no route for `/`) or 405
    (method not allowed), so their servers are marked DOWN; others answer it without running
    any code, so the check says nothing about the application's health. Naming the request
    (`GET /health`) checks what you mean.

    ## Example
    ```haproxy
    backend app
        option httpchk
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        http-check send meth GET uri /health
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: only you know the health URI and the method it answers.

    ## Exceptions
    Servers built to answer `OPTIONS` checks, such as Patroni's REST API (`OPTIONS /` answers
    200 on the primary). Advice only (info). A section whose bare `option httpchk` replaces
    the request of its `defaults`, or of an earlier `option httpchk` of its own, is reported
    by HL111 instead.

    ## References
    HAProxy configuration manual: `option httpchk` ("By default, requests use the OPTIONS
    method"), `http-check send`.
    """

    code = "HL117"
    name = "httpchk-options-request"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for proxy in rulesets(ctx).owners:
            requests = proxy_requests(proxy)
            if not requests:
                continue
            request = requests[0]
            opt, send = request.option, request.send
            if (opt is not None and opt.meth is not None) or (send is not None and "meth" in send.arg_values):
                continue  # (most requests: the sections below are rare)
            if replaces_defaults_check(proxy):
                continue
            if len(check_lines(proxy).httpchk) > 1:
                continue  # HL111 says which request is lost
            uri = opt.uri if opt is not None and opt.uri is not None else None
            if send is not None and ("uri" in send.arg_values or "uri-lf" in send.arg_values):
                uri = send.args.get("uri") or send.args.get("uri-lf")
            path = uri.value if uri is not None else "/"
            target = opt.line.words[1] if opt is not None else send.line.words[1]  # type: ignore[union-attr]
            if path == "/":
                todo = "name the request, e.g. `http-check send meth GET uri /health`"
            else:
                todo = f"name the method, e.g. `http-check send meth GET uri {uri.raw}`"  # type: ignore[union-attr]
            message = (
                f"this health check names no method, so it sends `OPTIONS {path}`, which many applications answer "
                f"with 401, 404 or 405 (their servers are then marked DOWN); {todo}"
            )
            yield ctx.report(self, target, message)


# --- HL118 ----------------------------------------------------------------------------------


class _Step(NamedTuple):
    """A rule of an HTTP-check ruleset as HAProxy holds it while it reads the section."""

    action: str  # connect, send, expect, or other (comment, set-var...)
    line: Line
    implicit: bool = False  # the request of `option httpchk`


class OrderError:
    __slots__ = ("line", "message", "refused")

    def __init__(self, line: Line, message: str, refused: bool = True) -> None:
        self.line = line
        self.message = message
        #: Whether HAProxy refuses the line (else it accepts it, and the check fails at run time).
        self.refused = refused


def http_check_order_errors(proxy: Proxy, lines: Iterable[Line] | None = None) -> list[OrderError]:
    """The `http-check` lines HAProxy refuses for their place in the ruleset, as it reads them
    (tcpcheck_add_http_rule() and parse_tcpcheck_connect() in ``src/tcpcheck.c``, 2.2 and
    later). ``lines`` may give the section's directives in another order (for a fix).

    HAProxy checks the order of `connect`, `send` and `expect` only while HTTP checks are in
    force, that is after an `option httpchk` of the section or with one inherited from its
    defaults; the first rule must be a `connect` whenever a `connect` comes later, always.
    """
    defaults = proxy.defaults
    in_force = defaults is not None and check_type(defaults).name == "httpchk"
    http_checks = check_type(proxy).name == "httpchk"  # whether the rules run in the end
    steps: list[_Step] = []
    errors: list[OrderError] = []

    def main() -> list[_Step]:
        return [step for step in steps if step.action != "other"]

    if lines is None:  # only these lines count: the others are passed over below
        lines = proxy.section.directives_named("option", "http-check")
    for line in lines:
        if line.keyword == "option" and _action(line) in CHECK_OPTIONS:
            in_force = _action(line) == "httpchk"
            if not in_force:
                continue
            # The implicit request: merged into the first send (after a first connect), or
            # in front of every rule.
            rules = main()
            first = rules[0] if rules else None
            if first is not None and first.action == "connect":
                first = rules[1] if len(rules) > 1 else None
            if first is None or first.action != "send":
                steps.insert(0, _Step("send", line, implicit=True))
            elif first.implicit:
                steps[steps.index(first)] = _Step("send", line, implicit=True)
            continue
        if line.keyword != "http-check":
            continue
        action = _action(line)
        if not action or action in HTTP_CHECK_FLAGS:
            continue
        if action not in ("connect", "send", "expect"):
            steps.append(_Step("other", line))
            continue
        if action == "connect":
            # Checked by the parser itself, whether HTTP checks are in force or not.
            blocker = next((step for step in steps if step.action == "connect" or not (step.action == "other" or step.implicit)), None)
            if blocker is not None and blocker.action != "connect":
                errors.append(OrderError(line, (
                    f"HAProxy refuses this `http-check connect`: a ruleset with a `connect` must start with one, and the "
                    f"`http-check {blocker.action}` at line {blocker.line.line} comes first; add a `connect` before it"
                )))
                steps.clear()  # HAProxy frees the whole ruleset on an error and starts a new one
                continue
        if not in_force:
            rules = main()
            last = rules[-1] if rules else None
            if http_checks and action == "send" and last is not None and last.action in ("send", "expect") and not last.implicit:
                # Not checked while reading, but the request goes out on the connection the
                # first one closed: every check fails ("Socket error", seen with 2.6 and 2.8).
                errors.append(OrderError(line, (
                    f"this `http-check send` follows the `http-check {last.action}` at line {last.line.line} with no "
                    "`http-check connect` between them: HAProxy accepts it only because `option httpchk` comes after "
                    "the rules (it refuses it otherwise), and sends this request on the connection the first one "
                    "closed, so every check fails; add `http-check connect` before it, and write `option httpchk` first"
                ), refused=False))
        else:
            rules = main()
            last = rules[-1] if rules else None
            error = None
            if last is None or (last.action == "send" and last.implicit):
                pass
            elif action == "send" and last.action != "connect":
                error = (
                    f"HAProxy refuses this `http-check send`: it follows the `http-check {last.action}` at line "
                    f"{last.line.line} with no `http-check connect` between them (\"missing connect rule\"); "
                    "add `http-check connect` before it to check a second request, or merge the two requests"
                )
            elif action == "expect" and last.action not in ("send", "expect"):
                error = (
                    f"HAProxy refuses this `http-check expect`: it follows the `http-check connect` at line "
                    f"{last.line.line} with no `http-check send` between them (\"missing send rule\"); add the request first"
                )
            elif action == "connect" and last.action != "expect":
                error = (
                    f"HAProxy refuses this `http-check connect`: the `http-check {last.action}` at line {last.line.line} "
                    "before it is not followed by an `http-check expect` (\"missing expect rule\"); add one"
                )
            if error is not None:
                errors.append(OrderError(line, error))
                steps.clear()
                continue
            if action == "send":
                # The first send merges with the implicit request and takes its place at the end.
                first = rules[0] if rules else None
                if first is not None and first.action == "send" and first.implicit:
                    steps.remove(first)
        steps.append(_Step(action, line))
    return errors


def _one_request(own: CheckLines) -> bool:
    """Whether the section's `http-check` rules hold no `connect`, at most one `send`, and no
    `expect` before it (most sections): :func:`http_check_order_errors` finds nothing then,
    as a `send` may only follow nothing or the implicit request, and only a `send` or a
    `connect` can be out of place without a `connect`."""
    sent = expected = False
    for action in own.rule_actions:
        if action == "connect" or (action == "send" and (sent or expected)):
            return False
        sent = sent or action == "send"
        expected = expected or action == "expect"
    return True


class HttpCheckRuleOrder(Rule):
    """Reports `http-check` rules in an order HAProxy refuses: an `http-check send` after an
    `http-check expect` (or another `send`) with no `http-check connect` between them, an
    `expect` right after a `connect`, a `connect` that does not follow an `expect`, and a
    `connect` that is not the first rule.

    ## Why is this bad?
    HAProxy refuses to start: "unable to add http-check send rule at step 3 (missing connect
    rule)" (2.2 and later, checked with 2.6 and 2.8). Each request of a check needs its own
    connection: a second `send` must come after a `connect` that opens it, and each `send`
    needs its `expect` before the next `connect`. The usual cause is a second request added
    to a check that had one.

    ## Example
    ```haproxy
    backend app
        option httpchk
        http-check send meth GET uri /health
        http-check expect status 200
        http-check send meth GET uri /ready
        http-check expect status 200
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        http-check connect
        http-check send meth GET uri /health
        http-check expect status 200
        http-check connect
        http-check send meth GET uri /ready
        http-check expect status 200
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: whether the second request needs a new connection (`http-check connect`, and one
    before the first request too) or should be merged into the first is for a person to say.

    HAProxy only checks the order while HTTP checks are in force (after `option httpchk`, or
    with one inherited from `defaults`). Rules written before the section's `option httpchk`
    are accepted in any order (except a `connect` that is not first), but a `send` after an
    `expect` then goes out on the connection the first request closed: every check fails
    with "Socket error" (seen with 2.6 and 2.8). That is reported too.

    ## Exceptions
    None: HAProxy does not start, or every check fails. Rules of a section whose check is not
    `option httpchk` in the end are ignored (HL104), and not reported here.

    ## References
    HAProxy configuration manual: `http-check connect`, `http-check send`,
    `http-check expect`; `src/tcpcheck.c`, tcpcheck_add_http_rule().
    """

    code = "HL118"
    name = "http-check-rule-order"
    severity = Severity.ERROR
    versions = ">=2.2"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for proxy, own in rulesets(ctx).checked:
            if not own.http_rules or _one_request(own):
                continue
            for error in http_check_order_errors(proxy):
                yield ctx.report(self, error.line.words[1], error.message)


# --- HL119 ----------------------------------------------------------------------------------


def _overlap(opt: OptionRequest, send: SendRequest) -> list[str]:
    """What both the option and the send set, in words for messages."""
    both = []
    if opt.meth is not None and "meth" in send.arg_values:
        both.append("method")
    if opt.uri is not None and ("uri" in send.arg_values or "uri-lf" in send.arg_values):
        both.append("URI")
    if opt.version is not None and "ver" in send.arg_values:
        both.append("version")
    if (opt.headers or opt.host_arg is not None) and send.header_values:
        both.append("headers")
    if opt.body is not None and ("body" in send.arg_values or "body-lf" in send.arg_values):
        both.append("body")
    return both


class HttpchkAfterSend(Rule):
    """Reports `option httpchk` written after the section's first `http-check send`.

    ## Why is this bad?
    `option httpchk` and the first `http-check send` make one request, and the later line wins
    for what both set: an `option httpchk GET /` below `http-check send meth HEAD uri /health`
    sends `GET /`, not what the send line says (a warning). Even when they set different
    parts, HAProxy releases before the fix of July 2022 (HAProxy issue #1772: fixed in 2.7 and
    backported to the 2.2, 2.4 and 2.6 branches) drop every header of the send in this order,
    the `Host` header included, so an HTTP/1.1 check gets 400 after a downgrade or on an old
    distribution package (advice, info). Written first, as the documentation does, the option
    loses nothing in any release.

    ## Example
    ```haproxy
    backend app
        http-check send meth GET uri /health ver HTTP/1.1 hdr Host app.example.com
        option httpchk
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        option httpchk
        http-check send meth GET uri /health ver HTTP/1.1 hdr Host app.example.com
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    Safe when the two lines set different parts of the request: the fix moves `option
    httpchk` (with its comment) before the first `http-check` rule, where the request is the
    same in releases with the fix and the headers are kept in those without it. No fix when
    both lines set the same part (which one was meant is for a person to say), when the move
    would cross an `.if` block, or when it would make HAProxy check the order of rules it
    does not check today (HL118).

    ## Exceptions
    None known. Sections with several `option httpchk` lines are reported by HL111.

    ## References
    HAProxy configuration manual: `option httpchk`, `http-check send`; HAProxy issue #1772
    and commit "BUG/MINOR: http-check: Preserve headers if not redefined by an implicit rule".
    """

    code = "HL119"
    name = "httpchk-after-send"
    severity = Severity.WARNING
    versions = ">=2.2"
    fixable = "safe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for proxy, own in rulesets(ctx).checked:
            options = own.httpchk
            if len(options) != 1:
                continue  # several: HL111
            sends = own.sends
            option = options[0]
            if not sends or sends[0].start > option.start:
                continue
            opt, send = parse_option(option), parse_send(sends[0])
            overlap = _overlap(opt, send)
            where = f"the `http-check send` at line {send.line.line}"
            if overlap:
                message = (
                    f"this `option httpchk` comes after {where} and overrides its {_and(overlap)}: the check does not "
                    "send what that line says; write the request in one place, `option httpchk` first"
                )
                yield ctx.report(self, option.words[1], message)
            elif send.header_values:
                message = (
                    f"write `option httpchk` before {where}: in this order HAProxy releases without the July 2022 fix "
                    "(issue #1772) drop the headers of the send line"
                )
                yield ctx.report(self, option.words[1], message, fix=self._fix(ctx, proxy, option), severity=Severity.INFO)

    def _fix(self, ctx: Context, proxy: Proxy, option: Line):
        section = proxy.section
        rules = [line for line in section.directives_named("http-check") if _action(line) not in HTTP_CHECK_FLAGS]
        first = rules[0]
        if not option.eol or option.depth != first.depth or not _same_block(section, first, option):
            return None
        moved = [line for line in section.directives if line is not option]
        moved.insert(moved.index(first), option)
        def refused(errors: list[OrderError]) -> int:
            return sum(error.refused for error in errors)

        if refused(http_check_order_errors(proxy, moved)) > refused(http_check_order_errors(proxy)):
            return None
        return ctx.fix(
            f"move `option httpchk` before line {first.line}",
            "safe",
            Edit(start=option.start, end=option.end, text=""),
            Edit(start=first.start, end=first.start, text=option.text + option.eol),
        )
