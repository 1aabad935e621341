"""Strategies and properties shared by the fuzz test (tests/test_fuzz.py) and the long fuzz
run (benchmarks/fuzz.py).

The strategies write HAProxy-like text that gets past the parser and into the rules: real
section headers (with names that refer to each other: ``from``, ``use_backend``,
``resolvers``...), real keywords from the keyword tables and the rules' ``keywords``, lines
taken from the rule fixtures, server and bind lines with random parameters, durations and
numbers (garbage included), quotes, backslashes, comments, suppression comments,
``.if``/``.elif``/``.else``/``.endif`` blocks, mixed line endings, BOM, tabs and odd unicode;
then random mutations of that text, and fully random text.

The properties (:func:`check_text`) are what must hold for any input: ``parse`` round-trips or
raises ``ParseError``; ``lint`` returns well-placed diagnostics with well-formed fixes or raises
``ParseError``; ``fix`` produces text that parses and is a fixed point; the output formats
render every report into valid output.
"""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from haproxy_lint import (
    Config,
    Diagnostic,
    ParseError,
    Settings,
    all_rules,
    fix,
    lint,
    parse,
)
from haproxy_lint.linter import lint_configs
from haproxy_lint.model import SECTION_KINDS
from haproxy_lint.output import FORMATS, Report, render

ROOT = Path(__file__).resolve().parent.parent
KEYWORD_DATA = ROOT / "haproxy_lint" / "data" / "keywords"
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"

#: Target versions the properties are checked with (table versions, in-between ones, and
#: versions outside the tables).
VERSIONS = ("2.0", "2.2", "2.4", "2.6", "2.7", "2.8", "3.0", "3.1", "3.2", "1.8", "3.4")
#: The name reported for the text, in diagnostics and outputs.
PATH = "conf.d/fuzz.cfg"


# --- vocabularies -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tables() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(KEYWORD_DATA.glob("*.json"))]


@lru_cache(maxsize=1)
def keyword_pools() -> dict[str, list[str]]:
    """Keywords by kind ("directive", "server", "bind", "server_arg", "bind_arg", "section")
    from every version's table (removed and deprecated ones included) and from the rules."""
    directive: set[str] = set()
    server: set[str] = set()
    server_arg: set[str] = set()
    bind: set[str] = set()
    bind_arg: set[str] = set()
    sections: set[str] = set(SECTION_KINDS)
    for data in _tables():
        sections.update(data.get("section_keywords", ()))
        for kind, names in data["keywords"].items():
            for name, entry in names.items():
                if kind == "server":
                    (server_arg if entry.get("takes_arg") else server).add(name)
                elif kind == "bind":
                    (bind_arg if entry.get("takes_arg") else bind).add(name)
                elif kind != "crt-store-load":
                    directive.add(name)
        for group in ("removed", "deprecated"):
            for kind, names in data.get(group, {}).items():
                if kind == "server":
                    server.update(names)
                elif kind == "bind":
                    bind.update(names)
                elif kind != "sections":
                    directive.update(names)
    for rule in all_rules():
        directive.update(rule.keywords)
    return {
        "directive": sorted(directive),
        "server": sorted(server),
        "server_arg": sorted(server_arg),
        "bind": sorted(bind),
        "bind_arg": sorted(bind_arg),
        "section": sorted(sections),
    }


@lru_cache(maxsize=1)
def keywords_by_kind() -> dict[str, list[str]]:
    """Directive keywords by section kind (the four proxy kinds share theirs), every version."""
    found: dict[str, set[str]] = {}
    for data in _tables():
        for kind, names in data["keywords"].items():
            if kind in ("server", "bind", "crt-store-load"):
                continue
            kinds = ("defaults", "frontend", "backend", "listen") if kind == "proxy" else (kind,)
            for name in names:
                for k in kinds:
                    found.setdefault(k, set()).add(name)
    rule_keywords = {k for rule in all_rules() for k in rule.keywords}
    for kind in ("global", "defaults", "frontend", "backend", "listen"):
        found.setdefault(kind, set()).update(rule_keywords)
    return {kind: sorted(names) for kind, names in found.items()}


@lru_cache(maxsize=1)
def seed_files() -> list[str]:
    """Real configurations to start from: the rule fixtures and examples, and (when the
    shared corpus sits beside the repository) the corpus files and guide examples up to 20 kB."""
    paths = sorted(FIXTURES.glob("**/*.cfg"))
    for folder in (SHARED / "corpus" / "files", SHARED / "guide-examples"):
        if folder.is_dir():
            paths += sorted(p for p in folder.iterdir() if p.suffix == ".cfg" or folder.name == "files")
    texts = []
    for path in paths:
        try:
            if path.stat().st_size <= 20_000:
                texts.append(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return texts


@lru_cache(maxsize=1)
def fixture_lines() -> tuple[dict[str, list[str]], list[str]]:
    """The directive lines of :func:`seed_files`, unindented, by the kind of section they are
    in (``""`` before any section), and their section header lines."""
    directives: dict[str, set[str]] = {}
    headers: set[str] = set()
    sections = set(keyword_pools()["section"])
    for text in seed_files():
        kind = ""
        for raw in text.splitlines():
            line = raw.strip(" \t")
            if not line or line.startswith(("#", ".")):  # conditional blocks come from _conditional
                continue
            first = line.split()[0]
            if first in sections and raw[:1] not in " \t":
                headers.add(line)
                kind = first
            else:
                directives.setdefault(kind, set()).add(line)
    every = set().union(*directives.values()) if directives else set()
    by_kind = {kind: sorted(lines) for kind, lines in directives.items() if len(lines) >= 5}
    by_kind["*"] = sorted(every)
    return by_kind, sorted(headers)


NAMES = [
    "fe", "be", "app", "web", "api", "be_app", "static", "d1", "base", "defaults", "dns",
    "mydns", "mypeers", "stats", "cache1", "ring1", "users", "mymailers", "errs", "prog",
    "s1", "s2", "srv", "spare", "x", "1", "-", "a.b", "${NAME}", '"quoted name"', "é",
]
DURATIONS = [
    "2s", "100ms", "1m", "1h", "1d", "5000", "0", "1", "30", "-1", "10xs", "1.5s", "2s5", "s",
    "ms", "10us", "0x10", "1e3", "99999999999999999999", "2147483648", "4294967296ms",
    "1000000d", "  ", "２s", "10S", "10MS", "+5s", "5 s", "3000000000", "9" * 40, "2h30m",
]
NUMBERS = [
    "0", "1", "2", "3", "10", "-1", "-0", "00", "+3", "1.0", "2147483647", "2147483648",
    "99999999999999999999", "0x1F", "NaN", "inf", "1e9", "٣", "",
]
ADDRESSES = [
    "10.0.0.1:80", "127.0.0.1", ":443", "*:80", "0.0.0.0:0", "[::1]:80", "::1", "ipv6@::1",
    "ipv4@10.0.0.2:8080", "unix@/run/x.sock", "abns@foo", "fd@1", "/run/haproxy.sock",
    "app.example.com:8080", "app.example.com", "localhost:80", "${IP}:${PORT}", "10.0.0.1:80-90",
    "10.0.0.1:+1", "10.0.0.1:99999", "10.0.0.1:-1", "10.0.0.1:", ":", "300.1.1.1:80",
    "_http._tcp.app.local", "quic4@:443", "sockpair@3", "10.0.0.0/8", "[fe80::1%eth0]:80",
]
WORDS = [
    "if", "unless", "{", "}", "!", "||", "or", "!is_local", "{ src 10.0.0.0/8 }", "TRUE",
    "path_beg", "/api", "hdr(host)", "-i", "-m", "str", "example.com", "http", "tcp", "health",
    "none", "required", "optional", "last,libc,none", "libc", "TLSv1.0", "TLSv1.2", "TLSv1.3",
    "SSLv3", "h2,http/1.1", "level", "admin", "user", "mode", "666", "600", "0660", "expose-fd",
    "listeners", "GET", "OPTIONS", "/health", "HTTP/1.0", "HTTP/1.1", "HTTP/1.1\\r\\nHost:\\ x",
    "Host:\\ app", "status", "200", "200,201", "200-399", "rstatus", "^2", "string", "OK",
    "send", "expect", "connect", "hdr", "Host", "meth", "uri", "ver", "comment", "set-var(txn.x)",
    "local0", "global", "global,", "stdout", "format", "raw", "len", "1024", "@1", "@2",
    "httplog", "tcplog", "httpchk", "redispatch", "forwardfor", "log-health-checks",
    "http-server-close", "forceclose", "httpclose", "ssl-hello-chk", "tcp-check", "mysql-check",
    "ldap-check", "smtpchk", "pgsql-check", "redis-check", "prefer-client-ciphers",
    "no-sslv3", "no-tlsv10", "no-tlsv11", "force-tlsv12", "ssl-min-ver", "ssl-max-ver",
    "insecure-password", "password", "$6$abc$def", "groups", "nameserver", "hold", "valid",
    "errorfile", "503", "/etc/haproxy/errors/503.http", "be", "app", "dns", "d1",
]
QUOTED = [
    '"a b"', "'x y'", '""', "''", '"\\"x\\""', "'\\'",
    '"${VAR-default}"', "'${VAR}'", '"#not a comment"', "'a\"b'", '"a\'b"', 'a"b"c', "a'b'c",
    '"\\x41\\r\\n"', "\\\\", "\\ ", "a\\ b", "\\#", "\\x", "\\x4", "\\xZZ", "\\u00e9",
    "\\r\\n", "${", "$", "${VAR", "${VAR}", "$VAR", "{}", "{ }", "\\\"",
]
#: What breaks a line: HAProxy refuses the file, or the line (an unterminated quote).
BREAKERS = ['"unterminated', "'unterminated", '"\\', "\\", "\x00", "\ufeff", ".endif\n", ".if 1\n", ".else\n"]
ODD_TEXT = [
    "é", "日本", "🙂", "\u00a0", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1b[31m",
    "\u200b", "\r", "\t", "<", ">", "&", "]]>", "&amp;", "%", "::", "::error::",
    "\\n", "'", '"', "#", ";", ",", "%0A", "İ", "ß", "\U0010ffff",
]
COMMENTS = [
    "#", "# comment", "#no space", "# haproxy-lint: disable=HL103", "# haproxy-lint: disable=HL1,HL2",
    "# haproxy-lint: disable=ALL", "# haproxy-lint: disable-next-line=HL101",
    "# haproxy-lint: disable-file=HL7", "# haproxy-lint: disable=HL2O3", "# haproxy-lint: disable=",
    "# haproxy-lint: bogus=HL1", "# haproxy-lint:disable=HL9 # again", "# haproxy-lint: disable-next-line",
    "# haproxy-lint: disable=XX999", "# café 🙂 haproxy-lint: disable=HL203", "#\\", "# \"unterminated",
]
CONDITIONS = [
    ".if defined(X)", ".if !defined(X)", ".if version_atleast(2.4)", ".if version_before(3.0)",
    ".if feature(OPENSSL)", ".if streq(a,b)", ".if strneq(\"$X\",\"\")", ".if 1", ".if 0", ".if",
    ".if defined(X) && version_atleast(3.1)", ".if (", ".if \"unterminated",
]
ELIFS = [".elif defined(Y)", ".elif version_atleast(2.8)", ".elif 0", ".elif"]
MESSAGES = [".diag \"x\"", ".notice message", ".warning w", ".alert \"a b\"", ".diag", ".notice \"unterminated"]
TIMEOUTS = [
    "client", "server", "connect", "check", "queue", "tunnel", "http-request", "http-keep-alive",
    "client-fin", "server-fin", "tarpit", "clitimeout", "bogus", "",
]
INIT_ADDR = ["none", "last", "libc", "last,libc,none", "10.0.0.9", "none,libc", "", "bogus"]

FLAG_LINES = [
    "option httpchk", "option httpchk GET /health", "option httpchk GET /health HTTP/1.1",
    "option httpchk GET /health HTTP/1.1\\r\\nHost:\\ app.example.com",
    "option httpchk OPTIONS / HTTP/1.1\\r\\nHost:\\ a\\r\\nX-A:\\ b", "option httpchk GET / HTTP/1.1 app.example.com",
    "http-check send meth GET uri /health ver HTTP/1.1 hdr Host app.example.com", "http-check send meth GET",
    "http-check expect status 200", "http-check expect status 200 201 202", "http-check expect rstatus ^2",
    "http-check expect ! string error", "http-check connect port 8080 ssl", "http-check disable-on-404",
    "http-check send-state", "tcp-check connect", "tcp-check send PING\\r\\n", "tcp-check expect string +PONG",
    "option tcp-check", "option ssl-hello-chk", "option log-health-checks", "no option log-health-checks",
    "stats socket /run/haproxy.sock mode 666 level admin", "stats socket ipv4@127.0.0.1:9999 level admin",
    "stats enable", "stats uri /stats", "stats auth admin:admin", "stats admin if TRUE", "stats realm x",
    "stats timeout 30", "log global", "log /dev/log local0", "log stdout format raw local0", "no log",
    "mode http", "mode tcp", "mode health", "mode bogus", "default_backend be", "use_backend be if { path_beg /api }",
    "use_backend %[req.hdr(host)]", "use_backend missing", "acl is_api path_beg /api", "balance roundrobin",
    "nameserver dns1 8.8.8.8:53", "nameserver dns2 [::1]:53", "hold valid 10s", "hold nx 5", "resolve_retries 3",
    "timeout resolve 1s", "timeout retry 1s", "peer p1 10.0.0.1:10000", "user admin password $6$x insecure-password",
    "user admin insecure-password secret", "group admins users admin", "total-max-size 4", "max-age 60",
    "errorfile 503 /etc/haproxy/errors/503.http", "mailer m1 10.0.0.1:25", "command /usr/bin/true", "size 32768",
    "nbproc 4", "nbthread 4", "bind-process 1", "cpu-map 1 0", "monitor-net 10.0.0.0/8", "redispatch", "redisp",
    "option redispatch", "option forceclose", "option httpclose", "no option httpclose", "default option httplog",
    "reqadd X-Proto:\\ https", "rspadd X-Frame-Options:\\ DENY", "reqirep ^Host:\\ (.*) Host:\\ \\1",
    "block if { src 10.0.0.1 }", "clitimeout 50000", "contimeout 4000", "srvtimeout 50000",
    "ssl-default-bind-options no-sslv3 force-tlsv12", "ssl-default-server-options ssl-min-ver TLSv1.0",
    "ssl-default-bind-ciphers ECDHE", "ca-base /etc/ssl/certs", "crt-base /etc/ssl/private", "daemon",
    "maxconn 4096", "tune.ssl.default-dh-param 2048", "tune.chksize 1024", "option allbackups",
    "transparent", "grace 10s", "debug", "http-request deny if { src 10.0.0.1 }", "http-request set-var(txn.x) str(a)",
    "email-alert mailers mymailers", "dynamic-cookie-key x", "cookie SRV insert", "stick-table type ip size 1m",
]


# --- strategies ---------------------------------------------------------------------------
#
# Built once, at import: hypothesis validates a strategy the first time it is drawn from, so
# strategies made afresh inside every draw would cost more than the linting they feed. The
# composite strategies below draw through plain helpers (``_join``, ``_server_params``...).

_POOLS = keyword_pools()
_FIXTURE_DIRECTIVES, _FIXTURE_HEADERS = fixture_lines()
_SEEDS = seed_files()

BLANK = st.sampled_from([" "] * 12 + ["  ", "\t", " \t", "\x0b", "\x0c", "\u00a0"])
INDENT = st.sampled_from(["", "    ", "    ", "    ", "  ", "\t", "\t\t", " \t", "        "])
TRAILING = st.sampled_from(["", "", "", "", "", " ", "\t", "  ", "\r"])
DICE = st.integers(0, 99)  # percentages
ODD_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",))
SMALL_TEXT = st.text(alphabet=st.one_of(st.sampled_from(" \t\"'\\#{}$()!,:;/@.-_=%[]"), ODD_CHAR), max_size=6)
_UNITS = ["", "", "", "us", "ms", "s", "m", "h", "d", "xs", "S", "MS", "k", ".5", ".5s", "e3"]
GARBAGE_NUMBER = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.builds(lambda n, unit: f"{n}{unit}", st.integers(-100, 10**12), st.sampled_from(_UNITS)),
)
DURATION = st.one_of(st.sampled_from(DURATIONS), GARBAGE_NUMBER)
NUMBER = st.one_of(st.sampled_from(NUMBERS), GARBAGE_NUMBER)
_HOST = st.sampled_from(["app", "db.local", "a-b.example.com", "x", "1host", "srv1.example.org", "UPPER.example"])
ADDRESS = st.one_of(
    st.sampled_from(ADDRESSES),
    st.builds(lambda a, b, c, d, p: f"{a}.{b}.{c}.{d}:{p}", *[st.integers(0, 300)] * 4, st.integers(-1, 70000)),
    st.builds(lambda host, port: f"{host}:{port}", _HOST, NUMBER),
)
SECTION_NAMES = st.sampled_from(NAMES)
VALUE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    SECTION_NAMES,
    SECTION_NAMES,
    DURATION,
    DURATION,
    NUMBER,
    ADDRESS,
    ADDRESS,
    st.sampled_from(QUOTED),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(QUOTED + ODD_TEXT + BREAKERS[:5]),
    st.sampled_from(_POOLS["directive"]),
    st.sampled_from(_POOLS["server"] + _POOLS["bind"]),
    SMALL_TEXT.map(lambda t: t.replace("\n", " ")),
)
VALUES = st.lists(VALUE, max_size=5)
_FLAGS = st.sampled_from([
    "check", "check", "check", "backup", "ssl", "no-check", "disabled", "check-ssl", "no-check-ssl",
    "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "force-sslv3", "force-tlsv10", "force-tlsv11",
    "force-tlsv12", "send-proxy", "agent-check", "no-backup", "allow-0rtt", "no-verifyhost",
])
_NAMED = st.sampled_from([
    "inter", "inter", "fastinter", "downinter", "fall", "rise", "port", "addr", "weight", "maxconn",
    "resolvers", "resolvers", "init-addr", "init-addr", "verify", "verify", "ca-file", "crt", "sni",
    "check-sni", "ssl-min-ver", "ssl-max-ver", "slowstart", "agent-port", "agent-inter", "on-error",
    "observe", "error-limit", "cookie", "track", "resolve-prefer", "alpn", "ciphers", "timeout",
])
_ARGS = {
    **dict.fromkeys(("inter", "fastinter", "downinter", "slowstart", "agent-inter"), DURATION),
    **dict.fromkeys(("fall", "rise", "port", "weight", "maxconn", "agent-port", "error-limit"), NUMBER),
    "resolvers": SECTION_NAMES,
    "init-addr": st.sampled_from(INIT_ADDR),
    "verify": st.sampled_from(["none", "required", "optional", "bogus"]),
    "ssl-min-ver": st.sampled_from(["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "TLSv9"]),
    "ssl-max-ver": st.sampled_from(["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "TLSv9"]),
    "track": st.sampled_from(["be/s1", "s1", "app/srv", "/", "a/b/c", "be_app/s2"]),
}
_OPTION_POOLS = {
    kind: (st.sampled_from(_POOLS[kind]), st.sampled_from(_POOLS[kind + "_arg"])) for kind in ("server", "bind")
}
_SERVER_KEYWORD = st.sampled_from(["server", "server", "server", "server", "default-server", "server-template"])
_TEMPLATE_RANGE = st.sampled_from(["1-3", "5", "0", "3-1", "x", "1-99999"])
_KEYWORD = st.sampled_from(_POOLS["directive"])
_KIND_KEYWORD = {kind: st.sampled_from(names) for kind, names in keywords_by_kind().items()}
_PREFIX = st.sampled_from(["", "", "", "", "", "", "no ", "default "])
_TIMEOUT_KIND = st.sampled_from(TIMEOUTS)
_FLAG_LINE = st.sampled_from(FLAG_LINES)
_FIXTURE_LINE = {kind: st.sampled_from(lines) for kind, lines in _FIXTURE_DIRECTIVES.items()}
_FIXTURE_HEADER = st.sampled_from(_FIXTURE_HEADERS)
_COMMENT = st.sampled_from(COMMENTS)
_COMMENT_GAP = st.sampled_from(["", " ", " ", "\t", "  "])
_MESSAGE = st.sampled_from(MESSAGES)
_CONDITION = st.sampled_from(CONDITIONS)
_ELIF = st.sampled_from(ELIFS)
_ENDIF = st.sampled_from([".endif", ".endif", ".endif", ".endif # done", ".endif  "])
_COND_INDENT = st.sampled_from(["", "", "  ", "\t"])
_BLANK_LINE = st.sampled_from(["", "", " ", "\t", "  \t"])
_KIND = st.one_of(
    st.sampled_from(["global", "defaults", "defaults", "frontend", "frontend", "backend", "backend", "backend", "listen"]),
    st.sampled_from(["resolvers", "peers", "userlist", "cache", "ring", "program", "http-errors", "mailers"]),
    st.sampled_from(_POOLS["section"]),
)
_HEADER_INDENT = st.sampled_from(["", "", "", "", "", "", " ", "\t"])
_STRAY = st.sampled_from([".else", ".endif", ".elif x", ".if x"])
_EOL_STYLE = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r\n", "mixed"])
_MIXED_EOL = st.sampled_from(["\n", "\n", "\r\n", "\r", "\n\n", "\r\r\n"])
_INSERT = st.one_of(st.sampled_from(ODD_TEXT + QUOTED + BREAKERS + ["\n", "\r\n", " ", "#"]), SMALL_TEXT)
_OVERWRITE = st.sampled_from(["\n", "\r\n", "\\", '"', "'", "\t", "\ufeff", " ", "#"])


def _chance(draw, percent: int) -> bool:
    # hypothesis draws 0 (and small numbers) more often than the rest: high numbers are the
    # rare outcome, so that "rare" stays rare
    return draw(DICE) >= 100 - percent


def _join(draw, words: list[str]) -> str:
    """Words joined by random blanks."""
    out = words[0] if words else ""
    for word in words[1:]:
        out += draw(BLANK) + word
    return out


def _server_params(draw, kind: str) -> list[str]:
    flags, with_arg = _OPTION_POOLS[kind]
    params: list[str] = []
    for _ in range(draw(st.integers(0, 7))):
        choice = draw(DICE)
        if choice < 30:
            params.append(draw(_FLAGS))
        elif choice < 75:
            name = draw(_NAMED)
            params.append(name)
            if not _chance(draw, 8):  # sometimes the value is missing
                params.append(draw(_ARGS.get(name, VALUE)))
        elif choice < 88:
            params.append(draw(flags))
        else:
            params += [draw(with_arg), draw(VALUE)]
    return params


def _server_line(draw) -> str:
    keyword = draw(_SERVER_KEYWORD)
    words = [keyword]
    if keyword == "server":
        words += [draw(SECTION_NAMES), draw(ADDRESS)]
    elif keyword == "server-template":
        words += [draw(SECTION_NAMES), draw(_TEMPLATE_RANGE), draw(ADDRESS)]
    words += _server_params(draw, "server")
    if _chance(draw, 5):
        words = words[: draw(st.integers(1, len(words)))]  # truncated
    return _join(draw, words)


def _directive(draw, section: str) -> str:
    """A line of a section of kind ``section``: mostly what that kind holds, sometimes anything."""
    proxy = section in ("defaults", "frontend", "backend", "listen")
    own = not _chance(draw, 25)  # this kind's own keywords and lines
    kind = draw(DICE)
    if kind < (24 if proxy or not own else 4):
        text = _server_line(draw)
    elif kind < 30:
        text = _join(draw, ["bind", draw(ADDRESS)] + _server_params(draw, "bind"))
    elif kind < 38:
        timeout = draw(_TIMEOUT_KIND)
        words = ["timeout", timeout] if timeout else ["timeout"]
        text = _join(draw, words + ([] if _chance(draw, 10) else [draw(DURATION)]))
    elif kind < 52:
        text = draw(_FLAG_LINE)
    elif kind < 74:
        text = draw(_FIXTURE_LINE.get(section if own else "*", _FIXTURE_LINE["*"]))
    elif kind < 90:
        keywords = _KIND_KEYWORD.get(section, _KEYWORD) if own else _KEYWORD
        text = _join(draw, [draw(_PREFIX) + draw(keywords)] + draw(VALUES))
    elif kind < 96:
        text = _join(draw, [draw(VALUE)] + draw(VALUES))
    else:
        text = draw(SMALL_TEXT)
    if _chance(draw, 15):  # a trailing comment, sometimes glued to the last word
        text += draw(_COMMENT_GAP) + draw(_COMMENT)
    return draw(INDENT) + text + draw(TRAILING)


def _header(draw) -> tuple[str, str]:
    if _chance(draw, 12):
        text = draw(_FIXTURE_HEADER)
        return text.split()[0], text
    kind = draw(_KIND)
    words = [kind]
    if kind != "global" and not _chance(draw, 15):
        words.append(draw(SECTION_NAMES))
    if kind in ("defaults", "frontend", "backend", "listen") and _chance(draw, 20):
        words += ["from"] if _chance(draw, 15) else ["from", draw(SECTION_NAMES)]
    if _chance(draw, 8):
        words.append(draw(VALUE))
    text = draw(_HEADER_INDENT) + _join(draw, words)
    if _chance(draw, 12):
        text += " " + draw(_COMMENT)
    return kind, text


def _body(draw, section: str, depth: int = 0) -> list[str]:
    """The lines of a section: directives, comments, blanks, messages, conditional blocks."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8 if depth == 0 else 3))):
        kind = draw(DICE)
        if kind < 74:
            lines.append(_directive(draw, section))
        elif kind < 82:
            lines.append(draw(INDENT) + draw(_COMMENT))
        elif kind < 89:
            lines.append(draw(_BLANK_LINE))
        elif kind < 93:
            lines.append(draw(INDENT) + draw(_MESSAGE))
        elif depth < 2:
            lines.extend(_conditional(draw, section, depth + 1))
    return lines


def _conditional(draw, section: str, depth: int) -> list[str]:
    indent = draw(_COND_INDENT)
    lines = [indent + draw(_CONDITION)] + _body(draw, section, depth)
    while _chance(draw, 25):
        lines += [indent + draw(_ELIF)] + _body(draw, section, depth)
    if _chance(draw, 40):
        lines += [indent + ".else"] + _body(draw, section, depth)
    if not _chance(draw, 4):  # sometimes left open: a ParseError
        lines.append(indent + draw(_ENDIF))
    return lines


@st.composite
def config_text(draw) -> str:
    """A whole configuration: optional BOM, preamble, sections, random line endings."""
    lines: list[str] = []
    if _chance(draw, 20):
        lines += _body(draw, "")  # lines before any section
    for _ in range(draw(st.integers(0, 5))):
        kind, header = _header(draw)
        lines.append(header)
        lines += _body(draw, kind)
    if _chance(draw, 4):  # a stray conditional line
        lines.insert(draw(st.integers(0, len(lines))), draw(_STRAY))
    style = draw(_EOL_STYLE)
    text = ""
    for index, line in enumerate(lines):
        eol = style if style != "mixed" else draw(_MIXED_EOL)
        text += line + (eol if index < len(lines) - 1 else "")
    if lines and not _chance(draw, 25):
        text += style if style != "mixed" else "\n"
    if _chance(draw, 15):
        text = "\ufeff" + text
    return text


@st.composite
def mutated(draw, base: st.SearchStrategy[str]) -> str:
    """A text with a few random edits: characters inserted, overwritten, spans deleted or copied."""
    text = draw(base)
    for _ in range(draw(st.integers(1, 4))):
        size = len(text)
        at = draw(st.integers(0, size))
        op = draw(st.integers(0, 3))
        if op == 0:
            text = text[:at] + draw(_INSERT) + text[at:]
        elif op == 1 and size:
            end = draw(st.integers(at, min(size, at + 20)))
            text = text[:at] + text[end:]
        elif op == 2 and size:
            end = draw(st.integers(at, min(size, at + 40)))
            dest = draw(st.integers(0, size))
            text = text[:dest] + text[at:end] + text[dest:]
        elif size:
            text = text[:at] + draw(_OVERWRITE) + text[at + 1 :]
    return text


RANDOM_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list(" \t\n\r\"'\\#{}$.:abcdefghilmnoprstuvx0123456789") + ["\ufeff", "é"]), max_size=80),
    st.lists(st.sampled_from(["global", "defaults", "backend b", "server s 1:1 check", "\n", " ", "\r\n",
                              ".if 1", ".endif", ".else", '"', "'", "\\", "#", "timeout", "server", "inter",
                              "2s", "10xs", "x"]), max_size=30).map("".join),
)

SEED = st.sampled_from(_SEEDS)
_SECTIONS = frozenset(_POOLS["section"])


@st.composite
def spliced(draw) -> str:
    """A real configuration (a rule fixture, a corpus file) with generated lines put in it, in
    the style of the section they land in; sometimes with CRLF line endings, a BOM, or no
    final newline."""
    lines = draw(SEED).split("\n")
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(lines)))
        section = ""
        for previous in reversed(lines[:at]):
            first = previous.split(None, 1)[:1]
            if first and first[0] in _SECTIONS and previous[:1] not in " \t":
                section = first[0]
                break
        lines.insert(at, _directive(draw, section) if not _chance(draw, 5) else _header(draw)[1])
    eol = "\r\n" if _chance(draw, 15) else "\n"
    text = eol.join(line.removesuffix("\r") if eol == "\r\n" else line for line in lines)
    if _chance(draw, 15):
        text = text.rstrip("\r\n")
    if _chance(draw, 10):
        text = "\ufeff" + text
    return text


_CONFIG = config_text()
_SPLICED = spliced()
#: Everything the fuzzing feeds: generated configurations, real ones with generated lines in
#: them, either with random edits, and random text.
HAPROXY_TEXTS = st.one_of(_CONFIG, _CONFIG, _SPLICED, _SPLICED, mutated(st.one_of(_CONFIG, SEED)), RANDOM_TEXT)


def haproxy_texts() -> st.SearchStrategy[str]:
    return HAPROXY_TEXTS


# --- properties ---------------------------------------------------------------------------


class PropertyFailure(AssertionError):
    """A property that does not hold, with what was being checked."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise PropertyFailure(message)


def check_parse(text: str) -> Config | None:
    """``parse(strict=False)`` round-trips or raises ``ParseError`` (with a sane position);
    ``None`` then. ``parse()`` (strict) raises the first of :attr:`Config.errors` if there are
    any, and returns the same text otherwise."""
    try:
        config = parse(text, PATH, strict=False)
    except ParseError as exc:
        _check_parse_error(exc, text)
        return None
    _expect(config.to_text() == text, "parse(text).to_text() != text")
    try:
        strict = parse(text, PATH)
    except ParseError as exc:
        _expect(bool(config.errors), f"parse() raised on a text without Config.errors: {exc}")
        _expect(str(exc) == str(config.errors[0]), f"parse() raised {exc}, not the first of Config.errors {config.errors[0]}")
        _check_parse_error(exc, text)
    else:
        _expect(not config.errors, "parse() accepted a text with Config.errors")
        _expect(strict.to_text() == text, "parse(text).to_text() != text")
    return config


def _check_parse_error(exc: ParseError, text: str) -> None:
    lines = text.count("\n") + 1
    _expect(exc.line is None or 1 <= exc.line <= lines, f"ParseError line {exc.line} outside 1..{lines}: {exc}")
    _expect(exc.column is None or exc.column >= 1, f"ParseError column {exc.column} < 1: {exc}")
    str(exc)


def _position(text: str, offset: int, bom: int) -> tuple[int, int]:
    """1-based (line, column) of an offset, computed from the text alone (the BOM is not a
    column of the first line)."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    if line == 1:
        start = min(bom, offset)
    return line, offset - start + 1


def check_diagnostics(diagnostics: list[Diagnostic], text: str, config: Config) -> None:
    """Every diagnostic points inside the text, at the line and column its offsets say, and
    carries fix edits inside the text that do not overlap."""
    size = len(text)
    bom = len(config.bom)
    codes = {rule.code for rule in all_rules()}
    lines = len(config.lines) if config.lines else 1
    for d in diagnostics:
        where = f"{d.code} at {d.line}:{d.column}-{d.end_line}:{d.end_column} [{d.start}:{d.end}]"
        _expect(d.code in codes, f"unknown code {where}")
        _expect(isinstance(d.message, str) and d.message.strip() != "", f"empty message {where}")
        _expect(1 <= d.line <= d.end_line <= lines, f"bad lines {where} (file has {lines})")
        _expect(0 <= d.start <= d.end <= size, f"span outside the text (size {size}) {where}")
        _expect(d.column >= 1 and d.end_column >= 1, f"bad columns {where}")
        _expect(d.line != d.end_line or d.column <= d.end_column, f"end column before start {where}")
        _expect((d.line, d.column) == _position(text, d.start, bom), f"start position != offsets {where}: {_position(text, d.start, bom)}")
        _expect((d.end_line, d.end_column) == _position(text, d.end, bom), f"end position != offsets {where}: {_position(text, d.end, bom)}")
        if d.fix is not None:
            edits = sorted(d.fix.edits, key=lambda e: (e.start, e.end))
            _expect(bool(edits), f"fix without edits {where}")
            for e in edits:
                _expect(0 <= e.start <= e.end <= size, f"edit [{e.start}:{e.end}] outside the text (size {size}) {where}")
            for a, b in itertools.pairwise(edits):
                _expect(a.end <= b.start, f"overlapping edits [{a.start}:{a.end}] [{b.start}:{b.end}] {where}")
    keys = [d.sort_key for d in diagnostics]
    _expect(keys == sorted(keys), "diagnostics not sorted by position")


def check_lint(text: str, config: Config, settings: Settings) -> list[Diagnostic] | None:
    """``lint`` returns well-formed diagnostics, or raises ``ParseError`` exactly when the text
    has a line HAProxy cannot read."""
    try:
        diagnostics = lint(text, settings, PATH)
    except ParseError as exc:
        _expect(bool(config.errors), f"lint raised ParseError on a text parse() accepted without errors: {exc}")
        _check_parse_error(exc, text)
        return None
    _expect(not config.errors, "lint accepted a text with Config.errors")
    check_diagnostics(diagnostics, text, config)
    return diagnostics


def check_fix(text: str, config: Config, settings: Settings) -> int:
    """``fix`` (unsafe fixes included) leaves text that parses, drops no broken fix, and is a
    fixed point; the safe-only fix leaves text that parses too. Returns how many fixes the
    unsafe run applied."""
    if config.errors:
        try:
            fix(config, settings, unsafe=True)
        except ParseError:
            return 0
        raise PropertyFailure("fix accepted a text with Config.errors")
    applied = 0
    for unsafe in (True, False):
        result = fix(config, settings, unsafe=unsafe)
        label = "unsafe" if unsafe else "safe"
        applied = applied or len(result.applied)
        _expect(not result.broken, f"{label} fix dropped broken fixes: " + ", ".join(sorted({d.code for d in result.broken})))
        try:
            fixed = parse(result.text, PATH)
        except ParseError as exc:
            raise PropertyFailure(f"{label} fixed text does not parse: {exc}\n--- fixed text:\n{result.text!r}") from None
        _expect(not fixed.errors, f"{label} fixed text has unreadable lines: {fixed.errors[0] if fixed.errors else ''}")
        _expect(fixed.to_text() == result.text, "fixed text does not round-trip")
        check_diagnostics(list(result.remaining), result.text, fixed)
        if result.changed:
            again = fix(result.text, settings, unsafe=unsafe)
            _expect(
                again.text == result.text,
                f"{label} fix is not a fixed point: a second run applied "
                + ", ".join(d.code for d in again.applied)
                + f"\n--- first result:\n{result.text!r}\n--- second:\n{again.text!r}",
            )
    return applied


def check_formats(text: str, diagnostics: list[Diagnostic] | None, error: ParseError | None) -> None:
    """Every output format renders the report, and the machine formats are valid."""
    report = Report(
        diagnostics=list(diagnostics or []),
        errors=[error] if error is not None else [],
        files=1,
        sources={PATH: text},
    )
    for fmt in FORMATS:
        for unsafe in (False, True) if fmt == "text" else (False,):
            report.unsafe = unsafe
            out = render(report, fmt, color=unsafe)
            _expect(isinstance(out, str), f"{fmt} returned {type(out)}")
            if fmt in ("json", "sarif", "gitlab"):
                try:
                    data = json.loads(out)
                except ValueError as exc:
                    raise PropertyFailure(f"{fmt} output is not JSON: {exc}") from None
                if fmt == "json":
                    _check_json_positions(data, report.diagnostics, text)
            elif fmt == "junit":
                try:
                    ET.fromstring(out)
                except ET.ParseError as exc:
                    raise PropertyFailure(f"junit output is not XML: {exc}") from None
            elif fmt == "github":
                # one workflow command per finding, then the summary: a newline in a message
                # would let the text after it pass for a command of its own
                lines = out.split("\n")
                commands = len(report.diagnostics) + len(report.errors)
                _expect(len(lines) == commands + 2 and lines[-1] == "", f"github output has {len(lines) - 2} lines for {commands} commands")
                bad = [line for line in lines[:commands] if not line.startswith("::")]
                _expect(not bad, f"github output has a line that is not a workflow command: {bad[0]!r}" if bad else "")
                _expect(not lines[commands].startswith("::"), "github summary line reads as a command")


CLI_MODES = ("lint", "fix", "diff")



def _check_json_positions(data: dict, diagnostics: list[Diagnostic], text: str) -> None:
    """The json output's positions are the diagnostics' own, and its fix edits are placed
    the same way (lines and columns of the same text)."""
    bom = 1 if text.startswith("\ufeff") else 0
    _expect(len(data["diagnostics"]) == len(diagnostics), "json output lost diagnostics")
    for item, diag in zip(data["diagnostics"], diagnostics):
        where = (item["line"], item["column"], item["end_line"], item["end_column"])
        _expect(where == (diag.line, diag.column, diag.end_line, diag.end_column), f"json places {diag.code} at {where}")
        if diag.fix is None:
            continue
        for edit, out in zip(diag.fix.edits, item["fix"]["edits"]):
            for offset, key in ((edit.start, ""), (edit.end, "end_")):
                expected = _position(text, offset, bom)
                got = (out[key + "line"], out[key + "column"])
                if got != expected:
                    raise PropertyFailure(f"json places a fix edit of {diag.code} at {got}, offset {offset} is {expected}")


def check_cli(text: str, fmt: str = "text", mode: str = "lint") -> None:
    """The command line, in process, on standard input, with ``--exit-zero``: exits 0, or 2
    when the text cannot be read, and never crashes. ``--fix`` prints what :func:`fix` gives;
    ``--diff`` prints a well-formed unified diff."""
    from click.testing import CliRunner

    from haproxy_lint.cli import main

    try:
        readable = not parse(text, PATH).errors
    except ParseError:
        readable = False
    args = ["check", "-", "--stdin-filename", "/nonexistent-fuzz-dir/fuzz.cfg", "--format", fmt, "--exit-zero"]
    if mode == "fix":
        args += ["--fix", "--unsafe-fixes"]
    elif mode == "diff":
        args += ["--diff", "--unsafe-fixes"]
    result = CliRunner().invoke(main, args, input=text.encode("utf-8"))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    command = " ".join(args)
    if mode == "diff":  # --diff exits 1 when there is something to fix, whatever --exit-zero says
        _expect(result.exit_code in ((0, 1) if readable else (2,)), f"CLI {command} exited {result.exit_code}: {result.output[-300:]!r}")
    else:
        _expect(result.exit_code == (0 if readable else 2), f"CLI {command} exited {result.exit_code}: {result.output[-300:]!r}")
    if not readable:
        return
    stdout = result.stdout_bytes.decode("utf-8")  # result.stdout turns CRLF into LF
    if mode == "fix":
        expected = fix(text, Settings(), unsafe=True).text
        _expect(stdout == expected, f"CLI --fix printed {stdout!r}, fix() gives {expected!r}")
    elif mode == "diff":
        expected = fix(text, Settings(), unsafe=True).text
        if expected == text:
            _expect(stdout == "", f"CLI --diff printed a diff for a text fix() leaves alone: {stdout!r}")
        else:
            patched = apply_unified_diff(text, stdout)
            _expect(patched == expected, f"CLI --diff output, applied to the text, gives {patched!r}, fix() gives {expected!r}\n--- diff:\n{stdout!r}")


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` reads them: cut after each LF only."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


def apply_unified_diff(text: str, diff: str) -> str:
    """``text`` patched with a one-file unified diff, as ``patch`` would (lines end at LF);
    ``PropertyFailure`` when the diff is malformed or does not match the text."""
    original = _lines(text)
    body: list[tuple[str, str]] = []  # (tag, line with its LF)
    hunks: list[tuple[int, int, int, list[tuple[str, str]]]] = []
    for raw in diff.split("\n")[:-1] if diff.endswith("\n") else diff.split("\n"):
        if raw.startswith(("--- ", "+++ ")) and not hunks:
            continue
        m = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@.*", raw)
        if m:
            body = []
            old_count = int(m.group(2)) if m.group(2) is not None else 1
            hunks.append((int(m.group(1)), old_count, int(m.group(4)) if m.group(4) is not None else 1, body))
            continue
        _expect(bool(hunks) and raw[:1] in (" ", "+", "-", "\\"), f"malformed diff line {raw!r}")
        if raw.startswith("\\"):
            _expect(bool(body) and body[-1][1].endswith("\n"), f"misplaced {raw!r}")
            body[-1] = (body[-1][0], body[-1][1][:-1])
        else:
            body.append((raw[0], raw[1:] + "\n"))
    out: list[str] = []
    position = 0
    for start, old_count, new_count, lines in hunks:
        _expect(sum(tag != "+" for tag, _ in lines) == old_count, f"hunk -{start},{old_count}: wrong number of old lines")
        _expect(sum(tag != "-" for tag, _ in lines) == new_count, f"hunk -{start},{old_count}: wrong number of new lines")
        begin = start - 1 if old_count else start
        _expect(begin >= position, "hunks out of order")
        out += original[position:begin]
        position = begin
        for tag, line in lines:
            if tag != "+":
                _expect(position < len(original) and original[position] == line, f"diff line {line!r} does not match line {position + 1} {original[position] if position < len(original) else None!r}")
                position += 1
            if tag != "-":
                out.append(line)
    return "".join(out + original[position:])


def check_isolation(text: str, diagnostics: list[Diagnostic], codes: list[str]) -> None:
    """A rule run alone (``select=[code]``) finds what it finds among all the others: rules
    share caches (``Context.memo``), and none may depend on another having run first."""
    for code in codes:
        alone = lint(text, Settings(select=[code]), PATH)
        expected = [d for d in diagnostics if d.code == code]
        _expect(alone == expected, f"{code} alone finds {len(alone)}, among all the rules {len(expected)}")


def check_split(text: str, percent: int, version: str) -> None:
    """The text cut in two files at a line boundary, linted and fixed as one configuration
    (``haproxy -f a -f b``): every diagnostic lies in its own file, fixes stay in theirs."""
    lines = re.split(r"(?<=\n)", text)
    cut = len(lines) * percent // 100
    first, second = "".join(lines[:cut]), "".join(lines[cut:])
    try:
        configs = [parse(first, "a.cfg"), parse(second, "b.cfg")]
    except ParseError:
        return  # a .if block cut in two
    if any(c.errors for c in configs):
        return
    settings = Settings(target_version=version)
    diagnostics = lint_configs(configs, settings)
    for index, (config, part) in enumerate(zip(configs, (first, second))):
        mine = [d for d in diagnostics if d.path == config.path]
        check_diagnostics(mine, part, config)
    _expect(all(d.path in ("a.cfg", "b.cfg") for d in diagnostics), "a diagnostic of no file")
    result = fix(configs[0], settings, unsafe=True, context=[configs[1]])
    _expect(not result.broken, "fix with context dropped broken fixes: " + ", ".join(sorted({d.code for d in result.broken})))
    fixed = parse(result.text, "a.cfg")
    _expect(not fixed.errors, "fix with context gives unreadable lines")
    check_diagnostics([d for d in result.remaining if d.path == "a.cfg"], result.text, fixed)


class Outcome:
    """What one input reached: whether it parsed and linted, the codes found, fixes applied."""

    __slots__ = ("codes", "fixes", "linted", "parsed")

    def __init__(self) -> None:
        self.parsed = self.linted = False
        self.codes: set[str] = set()
        self.fixes = 0


def check_text(
    text: str,
    version: str = "3.2",
    fmt: str | None = None,
    cli_mode: str = "lint",
    split: int | None = None,
    code: str | None = None,
) -> Outcome:
    """Every property, on one text: parse; lint with the default settings and with
    ``version``; fix with ``version``; each rule found (and ``code``) run alone; every output
    format; the text cut in two files at ``split`` percent of its lines; and the command
    line when ``fmt`` is given (in ``cli_mode``)."""
    outcome = Outcome()
    error: ParseError | None = None
    config = check_parse(text)
    if config is None:
        try:
            parse(text, PATH)
        except ParseError as exc:
            error = exc
        check_formats(text, None, error)
        if fmt is not None:
            check_cli(text, fmt, cli_mode)
        return outcome
    outcome.parsed = True
    # Every rule, the opt-in ones too: the isolation check below compares each with the rest.
    diagnostics = check_lint(text, config, Settings(select=["ALL"]))
    if config.errors:
        error = config.errors[0]
    settings = Settings(target_version=version, select=["ALL"])
    if version != "3.2":
        more = check_lint(text, config, settings)
        outcome.codes.update(d.code for d in more or ())
    outcome.linted = diagnostics is not None
    outcome.codes.update(d.code for d in diagnostics or ())
    outcome.fixes = check_fix(text, config, settings)
    if diagnostics is not None:
        # the same Config, linted again after the runs above, finds the same: nothing the
        # earlier runs (other settings, the fixer) cached on it leaks into this one
        again = lint(config, Settings(select=["ALL"]))
        _expect(again == diagnostics, "linting the same Config again gives different diagnostics")
        found = sorted({d.code for d in diagnostics})[:3]
        check_isolation(text, diagnostics, found + ([code] if code is not None and code not in found else []))
        if split is not None:
            check_split(text, split, version)
    check_formats(text, diagnostics, error)
    if fmt is not None:
        check_cli(text, fmt, cli_mode)
    return outcome


def reproducer(case: dict) -> str:
    """Python code that reproduces a failure of :func:`check_text` with these arguments."""
    arguments = ", ".join(f"{key}={value!r}" for key, value in case.items())
    return f"from tests.fuzz_strategies import check_text\ncheck_text({arguments})\n"


#: Every rule code, for the ``code`` argument of :func:`check_text`.
CODES = tuple(sorted(rule.code for rule in all_rules()))
