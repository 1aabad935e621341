"""HL915/HL916: the shape of directives and of the file, as HAProxy's parsers check them.

HL915 looks at how many words a directive has and at the addresses it names; the counts come
from ``haproxy_lint/data/vocabulary/shapes.json``, which ``scripts/gen_shapes.py`` reads out of
HAProxy's parsers at every release tag (the checks each keyword's parser makes before
anything else: an argument that must not be empty, ``alertif_too_many_args(N)``), completed
with the keywords whose value parser refuses an empty value. Addresses are checked the way
``str2sa_range()`` reads them (``src/tools.c``): prefix, host, port, what each directive
permits (a port range on ``bind``, an offset on ``server``). HL916 reports what HAProxy refuses
about the file as a whole or a section line.

Lines in an ``.if`` branch the target version does not take are skipped (``structure``'s
index); words that come from the environment (``"${PORT}"``) are never judged.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..keywords import PROXY_SECTIONS, VERSIONS, KeywordInfo, KeywordTable
from ..model import Line, Section, Word
from ..rule import Context, Rule
from ..views import SERVER_FLAGS
from .structure import Decl, Index, config_index, index_of, keyword_table

__all__ = ["MalformedDirective", "FileRefused", "check_address", "shapes"]


@functools.cache
def _data() -> dict[str, Any]:
    path = resources.files("haproxy_lint").joinpath("data", "vocabulary", "shapes.json")
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def shapes(table_version: str) -> dict[str, Any]:
    """The shapes of one table version: ``{"keywords": {kind: {keyword: {"min", "max"}}},
    "addresses": {"prefixes", "port_options", "strict_ports"}}``."""
    return _data()[table_version]


def _vkey(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


# --- addresses ---------------------------------------------------------------------------------

#: Prefixes after which there is no host and port to check.
_DATAGRAM_PREFIXES = ("udp@", "udp4@", "udp6@", "uxdg@")
_NO_PORT_PREFIXES = ("unix@", "abns@", "abnsz@", "uxst@", "uxdg@", "fd@", "sockpair@", "rhttp@")
_PREFIX = re.compile(r"([A-Za-z0-9]+)@")
_DOTTED = re.compile(r"[0-9.]+")


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import.
class AddressRules:
    """What a directive permits in its addresses (``str2sa_range()``'s ``PA_O_*`` options)."""

    __slots__ = ("port_mandatory", "port_range", "port_offset", "check_prefix", "stream_only")

    def __init__(
        self,
        port_mandatory: bool = False,
        port_range: bool = False,
        port_offset: bool = False,
        check_prefix: bool = True,
        stream_only: bool = False,
    ) -> None:
        self.port_mandatory = port_mandatory  # bind: PA_O_PORT_MAND (0 is refused too)
        self.port_range = port_range  # bind: PA_O_PORT_RANGE (8080-8090)
        self.port_offset = port_offset  # server: PA_O_PORT_OFS (+1, -1)
        self.check_prefix = check_prefix  # refuse an unknown `xxx@` prefix (not on `log`: ring@...)
        self.stream_only = stream_only  # refuse datagram prefixes (a proxy's bind: PA_O_STREAM only)


BIND = AddressRules(port_mandatory=True, port_range=True, stream_only=True)
DGRAM_BIND = AddressRules(port_mandatory=True, port_range=True)
SERVER = AddressRules(port_offset=True)
LOG = AddressRules(check_prefix=False)


class AddressProblem:
    __slots__ = ("message", "severity")

    def __init__(self, message: str, severity: Severity = Severity.ERROR) -> None:
        self.message = message
        self.severity = severity


def _inet_aton(host: str) -> bool | None:
    """Whether libc's ``inet_aton()`` (what ``getaddrinfo()`` tries first on a numeric name)
    reads a dotted decimal host; None when unsure (octal or empty parts)."""
    parts = host.split(".")
    if len(parts) > 4:
        return False
    if any(p == "" or (len(p) > 1 and p.startswith("0")) or len(p) > 10 for p in parts):
        return None
    values = [int(p) for p in parts]
    limits = [255] * (len(parts) - 1) + [(1 << (8 * (5 - len(parts)))) - 1]
    return all(v <= limit for v, limit in zip(values, limits))


def _ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def _port_value(digits: str) -> int | None:
    """A port's leading digits as a number (None past 9 digits: C's atoi overflows there)."""
    return int(digits) if 0 < len(digits) <= 9 else (0 if digits == "" else None)


@functools.lru_cache(maxsize=16)
def _prefixes(prefixes: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A version's address prefixes, and those ending with ``+`` (``quic+``, ``stream+``)."""
    return frozenset(prefixes), tuple(p for p in prefixes if p.endswith("+"))


def check_address(text: str, rules: AddressRules, data: dict[str, Any], version: tuple[int, int]) -> AddressProblem | None:
    """What HAProxy (of the target version's table, ``data["addresses"]``) refuses in one
    address, as ``str2sa_range()`` reads it; None when it accepts it or cannot be judged
    here (host names are resolved when HAProxy starts)."""
    facts = data["addresses"]
    if not facts["port_options"] or "$" in text or not text:
        return None
    prefixes, plus_prefixes = _prefixes(tuple(facts["prefixes"]))
    rest = text
    for plus in plus_prefixes:
        if rest.startswith(plus):
            rest = rest[len(plus) :]
    m = _PREFIX.match(rest)
    if m is not None:
        prefix = m.group(0)
        if prefix not in prefixes:
            if not rules.check_prefix:
                return None
            newer = next((v for v in VERSIONS if _vkey(v) > version and prefix in shapes(v)["addresses"]["prefixes"]), None)
            hint = f" (HAProxy {newer} knows it)" if newer else ""
            return AddressProblem(f"`{prefix}` is not an address prefix of HAProxy {_text(version)}{hint}")
        if rules.stream_only and prefix in _DATAGRAM_PREFIXES:
            return AddressProblem(f"`{prefix}` is a datagram address, which a TCP `bind` cannot listen on")
        if prefix in _NO_PORT_PREFIXES:
            return None
        rest = rest[len(prefix) :]
    elif rest.startswith("/"):
        return None
    return _check_host_port(rest, rules, facts, version)


def _check_host_port(rest: str, rules: AddressRules, facts: dict[str, Any], version: tuple[int, int]) -> AddressProblem | None:
    # As str2sa_range(): the last ':' not inside brackets separates the port.
    i = len(rest) - 1
    while i > 0 and rest[i] not in ":]":
        i -= 1
    if rest and rest[i] == ":":
        host, port = rest[:i], rest[i + 1 :]
    else:
        host, port = rest, ""
    problem = _check_port(port, rest, rules, facts, version)
    if problem is not None:
        return problem
    if host.startswith("["):
        inner = host[1:-1] if host.endswith("]") else None
        if inner is None:
            return AddressProblem(f"`{host}` has no closing `]`")
        if "%" not in inner and not _ipv6(inner):
            return AddressProblem(f"`{inner}` is not an IPv6 address")
        return None
    if ":" in host:
        if "%" in host or _ipv6(host):
            return None
        whole = f"{host}:{port}"
        if _ipv6(whole):
            return AddressProblem(
                f"HAProxy reads the final `:{port}` as the port, which leaves `{host}` as the host "
                f"(write an IPv6 address in brackets: `[{whole}]:PORT`)")
        return AddressProblem(f"`{host}` is not an IPv6 address")
    if host and _DOTTED.fullmatch(host) and any(c.isdigit() for c in host) and _inet_aton(host) is False:
        return AddressProblem(f"`{host}` is not an IPv4 address (nor a host name)")
    return None


def _check_port(port: str, whole: str, rules: AddressRules, facts: dict[str, Any], version: tuple[int, int]) -> AddressProblem | None:
    strict = facts["strict_ports"]
    if port == "":
        if rules.port_mandatory:
            return AddressProblem(f"`{whole}` has no port, which `bind` requires (`:80`)")
        return None
    first = port[0]
    if first.isdigit():
        low_text, dash, high_text = port.partition("-")
        if dash and not rules.port_range:
            return AddressProblem(f"a port range (`{port}`) is not permitted here")
        lowest = 1 if rules.port_mandatory else 0
        values = []
        for part in (low_text, high_text) if dash else (low_text,):
            # C's atoi() (strtol() from 2.9, which also refuses what follows the digits)
            m = re.match(r"[ \t]*([+-]?)([0-9]*)", part)
            sign, digits = m.group(1), m.group(2)  # type: ignore[union-attr]
            junk = part[m.end():] if digits else part  # type: ignore[union-attr]
            shown = f"`{part}`" if part else "(empty)"
            if junk and digits:
                if strict:
                    return AddressProblem(f"invalid character `{junk[0]}` in port `{part}`")
                return AddressProblem(
                    f"HAProxy {_text(version)} reads port `{part}` as {sign.strip('+')}{digits} and ignores "
                    f"`{junk}`, which 2.9 and later refuse: write `{sign.strip('+')}{digits}`", Severity.WARNING)
            value = _port_value(digits)
            if value is None:
                return None
            if sign == "-":
                value = -value
            if value < lowest or value > 65535:
                return AddressProblem(f"port {shown} is out of range ({lowest}-65535)")
            values.append(value)
        if len(values) == 2 and values[0] > values[1]:
            return AddressProblem(f"port range `{port}` ends before it starts")
        return None
    if first in "+-":
        if not rules.port_offset:
            return AddressProblem(f"a port offset (`{port}`) is not permitted here")
        if strict and not port[1:].isdigit():
            return AddressProblem(f"invalid character in port offset `{port}`")
        return None
    return AddressProblem(f"invalid character `{first}` in port `{port}`")


# --- HL915 ---------------------------------------------------------------------------------------


class Finding:
    __slots__ = ("target", "message", "severity")

    def __init__(
        self,
        target: Word | tuple[int, int],
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.target = target
        self.message = message
        self.severity = severity


#: Directives whose arguments hold addresses: (section kinds, keyword) -> (index of the
#: address among the arguments, rules).
_ADDRESS_SLOTS: dict[str, tuple[int, AddressRules]] = {
    "bind": (0, BIND),
    "dgram-bind": (0, DGRAM_BIND),
    "server": (1, SERVER),
    "server-template": (2, SERVER),
    "log": (0, LOG),
}
_ADDRESS_SECTIONS: dict[str, frozenset[str]] = {
    "bind": frozenset({"frontend", "listen", "log-forward"}),
    "dgram-bind": frozenset({"log-forward"}),
    "server": frozenset({"backend", "listen", "ring"}),
    "server-template": frozenset({"backend", "listen"}),
    "log": frozenset({"global", "defaults", "frontend", "listen", "backend", "peers", "log-forward"}),
}
_LOG_TARGETS_WITHOUT_ADDRESS = frozenset({"global", "stdout", "stderr"})


@functools.lru_cache(maxsize=8192)
def _lookup(table_version: str, kind: str, values: tuple[str, ...]) -> KeywordInfo | None:
    from ..keywords import table

    return table(table_version).lookup(kind, values)


def _shown(words: Iterable[Word]) -> str:
    return " ".join(w.raw for w in words)


def shape_findings(ctx: Context) -> list[Finding]:
    return ctx.memo("shapes.findings", lambda: list(_shape_findings(ctx)))


def _shape_findings(ctx: Context) -> Iterable[Finding]:
    index = index_of(ctx)
    here = config_index(ctx)
    t = keyword_table(ctx.version)
    data = shapes(t.version)
    known_sections = t.section_keywords()
    conditional = index.branches[here]  # lines inside .if blocks, if any
    readers: dict[str, _Suspects] = {}  # by section kind
    for section in ctx.config.sections:
        kind = section.kind
        if kind not in known_sections or index.skipped(here, section.header):
            continue
        suspects = readers.get(kind)
        if suspects is None:
            suspects = readers[kind] = _Suspects(ctx, t, data, kind)
        seen = suspects.verdicts
        for line in section.directives:
            if conditional and line.line in conditional and index.skipped(here, line):
                continue
            suspect: bool | None
            if line.keyword == "server" and (values := line.plain_values):
                suspect = suspects.values(values)  # (its name and address make its text unique)
            else:
                text = line.text
                suspect = seen.get(text, _UNSEEN)
                if suspect is _UNSEEN:
                    suspect = suspects.line(line)
                    if len(seen) < 65536:
                        seen[text] = suspect
            if suspect or (suspect is None and line.words_cut):
                yield from _check_line(ctx, t, data, suspects.counts, kind, line)


_UNSEEN: Any = object()


class _Suspects:
    """Whether a line of a section kind may have a finding, from its words alone: the full
    check (:func:`_check_line`) cuts the line into words, which most lines never need. What
    the verdict takes from a keyword (:func:`_keyword_shape`) is read once per run; the rest
    (counting the words, reading the address) is cheaper than a lookup of the whole line.
    ``verdicts`` keeps the verdict on each text: many lines of a large file repeat others word
    for word (an ACL, a deny rule, `balance roundrobin` in every backend)."""

    __slots__ = ("ctx", "t", "data", "kind", "counts", "starts", "server_words", "shapes", "verdicts")

    def __init__(self, ctx: Context, t: KeywordTable, data: dict[str, Any], kind: str) -> None:
        self.ctx = ctx
        self.t = t
        self.data = data
        self.kind = kind
        self.counts: dict[str, Any] = data["keywords"].get("proxy" if kind in PROXY_SECTIONS else kind, {})
        self.starts = _starts(t.version)
        self.server_words = _server_words(t.version)
        #: by the keyword's first word, or its first four when the first starts longer ones
        self.shapes: dict[str | tuple[str, ...], _Shape | None] = {}
        self.verdicts: dict[str, bool | None] = {}

    def line(self, line: Line) -> bool | None:
        """The verdict on a line; None for a line with quotes that may not have a finding:
        it is checked all the same once its words are cut (the check then costs little)."""
        values = line.plain_values
        if values is None:
            # A line with quotes (an acl's "/with space"): read as the plain ones when no
            # value is empty (a missing argument to _arity) or a variable; else checked word
            # by word.
            pairs = line.raw_values()
            if not pairs or not all(value and "$" not in raw for raw, value in pairs):
                return True
            return self.values(tuple([value for _, value in pairs])) or None
        # most lines: words are blank-separated runs
        return bool(values) and self.values(values)

    def values(self, values: tuple[str, ...]) -> bool:
        """Whether a line of these values (no quote, escape, comment or variable) may have a
        finding."""
        first = values[0]
        if not first:
            return False
        key: str | tuple[str, ...] = values[:4] if first in self.starts else first
        try:
            shape = self.shapes[key]
        except KeyError:
            lookup = key if isinstance(key, tuple) else values[:1]
            shape = self.shapes[key] = _keyword_shape(self.t, self.counts, self.kind, lookup)
        if shape is None:
            return False
        words, least, most, keyword, at = shape
        present = len(values) - words
        if present < least or (most is not None and present > most):
            return True
        if keyword == "log" and present == 1:
            return True
        if at is None or present <= at:
            return False
        value = values[words + at]
        if _PLAIN_IPV4_PORT.fullmatch(value) is not None:
            return False
        if keyword in ("server", "server-template") and value in self.server_words:
            return True
        return _address_problem(self.ctx, self.data, keyword, value)


@functools.cache
def _server_words(table_version: str) -> frozenset[str]:
    """The parameters of a server line (``check``, ``weight``...) in a version."""
    from ..keywords import table

    return table(table_version).server_options() | SERVER_FLAGS


@functools.cache
def _starts(table_version: str) -> frozenset[str]:
    from ..keywords import table

    return table(table_version).phrase_starts()


def _key(values: tuple[str, ...], starts: frozenset[str]) -> tuple[str, ...]:
    """The words a keyword lookup needs: the first alone unless it starts a longer keyword."""
    return values[:4] if values[0] in starts else values[:1]


#: What the verdict on a plain line takes from its keyword: how many words the keyword spans,
#: the least and most arguments (``None``: no bound), the keyword, and the index of its
#: address among the arguments (``None`` when it has none to check).
_Shape = tuple[int, int, "int | None", str, "int | None"]


def _keyword_shape(t: KeywordTable, counts: dict[str, Any], kind: str, key: tuple[str, ...]) -> _Shape | None:
    """What :meth:`_Suspects.values` needs to know of a keyword; ``None`` when its lines are never
    suspect (unknown, prefixed or misplaced: other rules speak)."""
    info = _lookup(t.version, kind, key)
    if info is None or info.prefix or (kind in PROXY_SECTIONS and kind not in info.accepted_in):
        return None
    keyword = info.keyword
    shape = counts.get(keyword)
    least, most = (shape.get("min", 0), shape.get("max")) if shape is not None else (0, None)
    slot = _ADDRESS_SLOTS.get(keyword)
    at = slot[0] if slot is not None and kind in _ADDRESS_SECTIONS[keyword] else None
    return info.words, least, most, keyword, at


#: ``1.2.3.4:80``, the most common address, which every directive's rules accept.
_PLAIN_IPV4_PORT = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
                              r":(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d\d|655[0-2]\d|6553[0-5])")


def _address_problem(ctx: Context, data: dict[str, Any], keyword: str, value: str) -> bool:
    if keyword == "log" and (value in _LOG_TARGETS_WITHOUT_ADDRESS or value.startswith("ring@")):
        return False
    rules = _ADDRESS_SLOTS[keyword][1]
    parts = value.split(",") if keyword in ("bind", "dgram-bind") else [value]
    return any(part and check_address(part, rules, data, ctx.version) is not None for part in parts)


def _check_line(ctx: Context, t: KeywordTable, data: dict[str, Any], counts: dict[str, Any], kind: str, line: Line) -> Iterable[Finding]:
    words = line.words
    if not words or "$" in words[0].raw:
        return
    info = _lookup(t.version, kind, _key(tuple(w.value for w in words[:4]), _starts(t.version)))
    if info is None or info.prefix:
        return  # unknown (HL907), or `no option x` / `default x` (their own shapes)
    if kind in PROXY_SECTIONS and kind not in info.accepted_in:
        return  # misplaced (HL908): HAProxy may ignore the line before reading its arguments
    n = info.words
    head, args = words[:n], words[n:]
    keyword = info.keyword
    dynamic = any("$" in w.raw for w in args)
    shape = counts.get(keyword)
    if shape is not None and not dynamic:
        found = _arity(head, args, keyword, shape, line)
        if found is not None:
            yield found
            return
    if keyword == "log" and not dynamic and len(args) == 1 and args[0].value != "global":
        # `log global` aside, a log target needs a facility ("expects <address> and <facility>")
        yield Finding(args[0], (f"`log {args[0].raw}` has no facility, and HAProxy refuses it; write "
                                f"`log {args[0].raw} local0`" + (" (or `log global`)" if kind != "global" else "")))
        return
    slot = _ADDRESS_SLOTS.get(keyword)
    if slot is None or kind not in _ADDRESS_SECTIONS[keyword]:
        return
    at, rules = slot
    if len(args) <= at:
        return
    word = args[at]
    if "$" in word.raw:
        return
    if keyword in ("server", "server-template"):
        found = _keyword_as_address(t, head, args, at, word)
        if found is not None:
            yield found
            return
    if keyword == "log" and (word.value in _LOG_TARGETS_WITHOUT_ADDRESS or word.value.startswith("ring@")):
        return
    parts = word.value.split(",") if keyword in ("bind", "dgram-bind") else [word.value]
    for part in parts:
        if not part:
            continue
        problem = check_address(part, rules, data, ctx.version)
        if problem is not None:
            where = f"`{part}`" if len(parts) > 1 else f"`{word.raw}`"
            if problem.severity is Severity.ERROR:
                message = f"address {where} of `{keyword}`: {problem.message}, and HAProxy refuses it"
            else:
                message = f"address {where} of `{keyword}`: {problem.message}"
            yield Finding(word, message, problem.severity)
            return


def _arity(head: tuple[Word, ...], args: tuple[Word, ...], keyword: str, shape: dict[str, int], line: Line) -> Finding | None:
    least = shape.get("min", 0)
    most = shape.get("max")
    present = len(args)
    missing = next((i for i in range(least) if i >= present or args[i].value == ""), None)
    name = " ".join(w.raw for w in head)
    if missing is not None:
        target = (head[0].start, (args[-1] if args else head[-1]).end)
        if least == 1:
            what = "a value"
        else:
            what = f"{least} arguments"
        if missing < present:
            detail = f"its argument {missing + 1} is empty"
        elif present == 0:
            detail = "it has none"
        else:
            detail = f"it has {present}"
        return Finding(target, f"`{name}` needs {what} and {detail}; HAProxy refuses it")
    if most is not None and present > most and args[most].value != "":
        extra = args[most:]
        allowed = "no argument" if most == 0 else ("one argument" if most == 1 else f"{most} arguments")
        return Finding(
            (extra[0].start, extra[-1].end),
            f"`{name}` takes {allowed} and HAProxy refuses the rest (`{_shown(extra)}`); remove it "
            f"or split the line",
        )
    return None


def _keyword_as_address(t: KeywordTable, head: tuple[Word, ...], args: tuple[Word, ...], at: int, word: Word) -> Finding | None:
    """``server s1 check 10.0.0.1:80``: a server parameter where the address goes."""
    value = word.value
    if value not in _server_words(t.version):
        return None
    name = f"{head[0].raw} {_shown(args[:at])}"
    return Finding(word, (f"`{name}` has no address: `{value}` stands where the address goes, and HAProxy "
                          f"takes it for a host name and refuses the line; write the address right after "
                          f"the name"))


class MalformedDirective(Rule):
    """Reports a directive whose shape HAProxy refuses: a missing argument (`maxconn` alone,
    `timeout client` without a duration, `server app1` without an address, `acl is_api`
    without a criterion), more arguments than the keyword takes where HAProxy counts them
    (`maxconn 10 20`, `mode http tcp`), and an address HAProxy cannot read: a port out of
    range or with a letter in it, a port range or offset where none is permitted, a malformed
    IPv4 or IPv6 address, an unknown `xxx@` prefix, a server parameter where the address
    goes (`server s1 check 10.0.0.1:80`).

    ## Why is this bad?
    HAProxy refuses the configuration ("'maxconn' expects an integer argument", "'mode'
    cannot handle unexpected argument 'tcp'", "invalid port '80880'", "'server' expects
    <name> and <addr>[:<port>] as arguments"). These are typing slips (a value left out
    during an edit, two lines merged into one, a port with a digit too many) that stop a
    reload; without HAProxy at hand (a pre-commit hook, a CI job) nobody notices until the
    deploy. The argument counts come from HAProxy's own parsers at each release tag
    (`scripts/gen_shapes.py`), so a keyword HAProxy lets run without a value (`balance`,
    `option httpchk`, `peer` in a peers section) is never reported.

    HAProxy 2.3 to 2.8 read a port with trailing characters (`:80x`) as its digits; 2.9 and
    later refuse it: a warning for the older targets, an error for the newer.

    ## Example
    ```haproxy
    defaults
        mode http tcp
        timeout client
    frontend www
        bind :80880
        default_backend web
    backend web
        server web1 check 10.0.0.1:80
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        timeout client 30s
    frontend www
        bind :8080
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: which value was meant (the port, the missing duration) only the author knows.

    ## Exceptions
    Words that come from the environment (`"${PORT}"`, `"$ADDR"`) are never judged: HAProxy
    fills them in at start. Host names are not checked (HAProxy resolves them when it
    starts). A keyword misplaced in its section is left to HL908, an unknown one to HL907;
    `no`/`default` forms are not counted. Address checks apply from HAProxy 2.3 on (older
    versions checked ports in each directive's own parser).
    """

    code = "HL915"
    name = "malformed-directive"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for finding in shape_findings(ctx):
            yield ctx.report(self, finding.target, finding.message, severity=finding.severity)


# --- HL916 ---------------------------------------------------------------------------------------


def _missing_lf(ctx: Context, rule: Rule) -> Diagnostic | None:
    lines = ctx.config.lines
    if not lines or lines[-1].eol or not lines[-1].text:
        return None
    last = lines[-1]
    version = ctx.version
    text = ctx.text
    if version >= (2, 3):
        severity, verdict = Severity.ERROR, "HAProxy refuses the file"
    elif version >= (2, 2):
        severity, verdict = Severity.WARNING, "HAProxy 2.2 warns (2.3 and later refuse the file)"
    else:
        severity, verdict = Severity.INFO, f"HAProxy {_text(version)} reads it, 2.3 and later refuse the file"
    eol = "\n" if text.endswith("\r") else ctx.eol
    fix = ctx.fix("add the final line ending", "safe", ctx.replace((len(text), len(text)), eol))
    message = (f"the last line has no line ending (\"Missing LF on last line, file might have been "
               f"truncated\"); {verdict}: end the file with a newline")
    target = (last.start, last.content_end) if last.text.strip() else (last.start, last.end)
    return ctx.report(rule, target, message, severity=severity, fix=fix)


_HEADER_KINDS = ("frontend", "listen", "backend")
#: A name of the characters HAProxy's ``invalid_char()`` permits.
_GOOD_NAME = re.compile(r"[A-Za-z0-9.:_-]*")


def _plain_header(section: Section) -> bool:
    """Whether a section line is a kind and a name of permitted characters, no more (most
    are): nothing to report."""
    words = section.header.words
    return len(words) == 2 and _GOOD_NAME.fullmatch(words[1].raw) is not None


def _bad_name(ctx: Context, rule: Rule, section: Section) -> Diagnostic | None:
    """A frontend, backend or listen name with a character HAProxy's ``invalid_char()``
    refuses (anything but ASCII letters, digits and ``.:_-``), in every version."""
    words = section.header.words
    if section.kind not in _HEADER_KINDS or len(words) < 2 or "$" in words[1].raw:
        return None
    name = words[1].value
    bad = next((c for c in name if not (c.isascii() and (c.isalnum() or c in ".:_-"))), None)
    if bad is None:
        return None
    shown = repr(bad)[1:-1] if not bad.isprintable() or bad == " " else bad
    return ctx.report(rule, words[1], (
        f"`{shown}` is not permitted in a {section.kind} name, and HAProxy refuses `{name}`; use only "
        f"letters, digits and `.:_-`"))


def _header_words(ctx: Context, rule: Rule, section: Section) -> Diagnostic | None:
    """``frontend www 0.0.0.0:80``: words after the name other than ``from NAME``."""
    words = section.header.words
    if section.kind not in _HEADER_KINDS or len(words) < 3:
        return None
    rest = words[2:]
    if ctx.version >= (2, 4) and len(rest) == 2 and rest[0].value == "from":
        return None
    if any("$" in w.raw for w in rest):
        return None
    name = words[1].raw
    if rest[0].value == "from" and ctx.version < (2, 4):
        return None  # _from_before_2_4
    extra = _shown(rest)
    span = (rest[0].start, rest[-1].end)
    # 2.4 to 2.6 only drop the section (an alert without an error code): with no line in it,
    # nothing else is refused and the file loads; 2.8.x (backported) and 3.3 on refuse it.
    lenient = (2, 4) <= ctx.version < (2, 8) and not section.directives
    severity = Severity.WARNING if lenient else None
    address_like = len(rest) == 1 and re.search(r"[:@/]|^\*$|^[0-9.]+$", rest[0].value) is not None
    if section.kind in ("frontend", "listen") and address_like:
        header = section.header
        insert = ctx.insert_after(header, section, f"bind {rest[0].raw}")
        delete = ctx.replace((words[1].end, rest[0].end), "")
        fix = ctx.fix(f"move `{rest[0].raw}` to a `bind` line", "unsafe", delete, insert)
        return ctx.report(rule, span, (
            f"`{section.kind} {name} {extra}`: HAProxy takes no address on a section line (\"please "
            f"use the 'bind' keyword for listening addresses\"), drops the section and refuses what "
            f"follows; write `bind {rest[0].raw}` inside the section"), fix=fix, severity=severity)
    if ctx.version >= (2, 4):
        allowed = "a name and an optional `from NAME`"
    else:
        allowed = "only a name"
    return ctx.report(rule, span, (
        f"`{section.kind} {name}` is followed by `{extra}`: a section line takes {allowed}, and HAProxy "
        f"drops the section (refusing what follows it); remove `{extra}`"), severity=severity)


def _defaults_uses(index: Index) -> list[tuple[Decl, Decl, bool]]:
    """Which defaults section each section inherits, in HAProxy's reading order, as
    ``(section, defaults, explicit)``: the one ``from NAME`` names (the latest of that name
    before it), else, for a frontend, backend or listen section, the last defaults section
    before it (a defaults section without ``from`` starts from nothing)."""
    last: Decl | None = None
    named: dict[str, list[Decl]] = {}
    out: list[tuple[Decl, Decl, bool]] = []
    for decl in index.decls:
        if decl.active is False:
            continue
        from_name = decl.section.from_name
        if from_name is not None:
            earlier = [d for d in named.get(from_name, ()) if d.order < decl.order]
            if earlier:
                out.append((decl, earlier[-1], True))
        elif decl.kind != "defaults" and last is not None:
            out.append((decl, last, False))
        if decl.kind == "defaults":
            last = decl
            if decl.name:
                named.setdefault(decl.name, []).append(decl)
    return out


def _mixed_defaults(ctx: Context, rule: Rule, index: Index, here: int) -> Iterable[Diagnostic]:
    """A named defaults section used both with ``from NAME`` and as the last defaults section
    before a proxy without ``from``: HAProxy 2.5 and later complain from the section that
    completes the mix on. Reported there, with a safe fix when the name is unique: writing
    ``from NAME`` on the sections that inherit it implicitly (they inherit the same)."""
    if all(section.from_name is None for config in index.configs for section in config.sections):
        return  # (no `from NAME`: every use is implicit, there is no mix)
    uses = _defaults_uses(index)
    by_target: dict[int, list[tuple[Decl, bool]]] = {}
    for decl, target, explicit in uses:
        by_target.setdefault(id(target.section), []).append((decl, explicit))
    seen: dict[int, set[bool]] = {}
    for decl, target, explicit in uses:
        key = id(target.section)
        kinds = seen.setdefault(key, set())
        if kinds == {True, False}:
            continue  # reported already
        kinds.add(explicit)
        if kinds != {True, False} or decl.index != here or not target.name:
            continue
        users = by_target[key]
        ex = next(d for d, e in users if e)
        im = next(d for d, e in users if not e)
        where = index.position(target, target.section.header, ctx.config)
        ex_where = index.position(ex, ex.section.header, ctx.config)
        im_where = index.position(im, im.section.header, ctx.config)
        word = decl.from_word or decl.name_word or decl.section.header.words[0]
        said = "starts but prints an ALERT about it" if ctx.version < (2, 9) else "warns about it"
        implicit_users = [d for d, e in users if not e]
        fix = None
        if len(index.by_name("defaults").get(target.name, ())) == 1 and all(
            d.index == here and d.name_word is not None for d in implicit_users
        ):
            edits = [ctx.replace((d.name_word.end, d.name_word.end), f" from {target.name}") for d in implicit_users]  # type: ignore[union-attr]
            fix = ctx.fix(f"write `from {target.name}` on the sections that inherit it implicitly", "safe", *edits)
        yield ctx.report(rule, word, (
            f"defaults `{target.name}` ({where}) is named by `from {target.name}` ({ex_where}) and "
            f"also inherited without `from` ({im_where}); HAProxy {_text(ctx.version)} {said} "
            f"(\"don't mix both usage\"): write `from {target.name}` on every section using it, or "
            f"end with a defaults section nothing names"), severity=Severity.WARNING, fix=fix)


def _from_before_2_4(ctx: Context, rule: Rule, index: Index, decl: Decl) -> Diagnostic:
    """``from NAME`` for a target older than 2.4, with a safe fix (removing it) when the
    defaults section it names is the one the section inherits anyway (the last before it)."""
    header = decl.section.header
    words = header.words
    at = next(i for i in range(1, len(words)) if words[i].value == "from")
    span = (words[at].start, words[-1].end)
    fix = None
    inherited = next((t for d, t, e in _defaults_uses_implicit(index) if d is decl), None)
    if len(words) == at + 2 and inherited is not None and inherited.name == words[at + 1].value:
        fix = ctx.fix(f"remove `from {inherited.name}` (it is the last defaults section before)", "safe",
                      ctx.replace((words[at - 1].end, words[-1].end), ""))
    return ctx.report(rule, span, (
        f"`from` on a section line came in HAProxy 2.4 and HAProxy {_text(ctx.version)} refuses it; "
        f"put this section after its defaults section instead"), fix=fix)


def _defaults_uses_implicit(index: Index) -> list[tuple[Decl, Decl, bool]]:
    """The defaults section each section inherits when ``from`` is not understood (before
    2.4): the last defaults section before it."""
    last: Decl | None = None
    out: list[tuple[Decl, Decl, bool]] = []
    for decl in index.decls:
        if decl.active is False:
            continue
        if decl.kind != "defaults" and last is not None:
            out.append((decl, last, False))
        if decl.kind == "defaults":
            last = decl
    return out


class FileRefused(Rule):
    """Reports what HAProxy refuses, or complains about, in the file as a whole or on a
    section line: a last line without a line ending, an address on a `frontend`/`listen`
    line (the 1.x syntax) or any other word after a proxy's name except `from NAME`, a
    character HAProxy does not permit in a proxy's name (`frontend www/main`), and a
    named `defaults` section used both with `from NAME` and implicitly (as the last defaults
    section before a proxy without `from`); for targets older than 2.4, `from NAME` itself.

    ## Why is this bad?
    * From 2.3 on, HAProxy refuses a file whose last line has no line ending ("Missing LF on
      last line, file might have been truncated at position N"): a file cut short by a full
      disk or an interrupted copy must not load. 2.2 only warns, 2.0 and 2.1 say nothing
      (reported as a warning and as advice for those targets).
    * `frontend www 0.0.0.0:80` is the syntax of HAProxy 1.x. HAProxy 2.0 and later alert
      ("please use the 'bind' keyword for listening addresses"), ignore the section line and
      then refuse the lines that follow it (there is no section to put them in); a backend
      line with an extra word is dropped the same way, without a word of explanation.
    * A frontend, backend or listen name may hold only letters, digits and `.:_-`; HAProxy
      refuses anything else ("character '/' is not permitted in 'frontend' name").
    * From 2.5 on, a defaults section that a `from` names and that a later proxy also
      inherits implicitly is reported by HAProxy on every start (an ALERT in 2.5 to 2.8, a
      warning from 2.9): "To avoid any ambiguity don't mix both usage". It starts anyway,
      so this one is a warning.

    ## Example
    ```haproxy
    frontend www 0.0.0.0:80
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind 0.0.0.0:80
        default_backend web
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Fix safety
    Safe fixes: adding the missing final line ending (nothing else changes); writing `from
    NAME` on the sections that inherit a named defaults section implicitly (they inherit the
    same section, and HAProxy stops complaining; offered when the name is unique); for a
    target older than 2.4, removing a `from NAME` that names the last defaults section before
    the section anyway. Moving an address from a `frontend`/`listen` line to a `bind` line is
    unsafe: check that the section is meant to listen there (a `bind` line may already
    exist).

    ## Exceptions
    `frontend www from base` is the 2.4 syntax for inheriting a named defaults section and is
    not reported (for older targets it is: `from` came in 2.4). Words from the environment
    are never judged.
    """

    code = "HL916"
    name = "file-refused"
    severity = Severity.ERROR
    fixable = "safe"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        found = _missing_lf(ctx, self)
        if found is not None:
            yield found
        index = index_of(ctx)
        here = config_index(ctx)
        for section in ctx.config.sections:
            if section.kind not in _HEADER_KINDS or _plain_header(section) or index.skipped(here, section.header):
                continue
            for check in (_bad_name, _header_words):
                found = check(ctx, self, section)
                if found is not None:
                    yield found
        if ctx.version < (2, 4):
            for decl in index.decls:
                if decl.index == here and decl.active is not False and decl.from_word is not None:
                    yield _from_before_2_4(ctx, self, index, decl)
        if ctx.version >= (2, 5):
            yield from _mixed_defaults(ctx, self, index, here)
