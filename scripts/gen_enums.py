#!/usr/bin/env python3
"""Regenerate ``haproxy_lint/data/vocabulary/enums.json``: the closed lists of values that HAProxy
accepts for configuration words that are enumerations, with the versions that accept each value.

HAProxy's parsers are the source, not its documentation. For every enumeration the table
``ENUMS`` below names where HAProxy parses it (a function, a branch of a function found by its
``strcmp(args[0], "keyword")`` marker, or a table array) and either the candidate values to look
for there or the array to read them from. At every release tag (``git show vX.Y.0:path`` in a
local clone of HAProxy; no network) the script reads those places and decides, per value:

* a curated candidate is accepted when the parser compares the argument with it (the probe
  regular expression, by default the exact string literal ``"value"``) in a branch that does not
  refuse it: a branch whose first statement is an alert such as "'mode health' doesn't exist
  anymore" or "option 'forceclose' is not supported any more" refuses the value although the
  literal is still there, and a few enumerations add their own refusal test (the health-check
  ``expect`` parser shared by tcp-check and http-check);
* a table value is accepted when it is an entry of the array (``log_facilities[]``,
  ``cfg_opts[]``, ``stktable_data_types[]``, ``http_err_codes[]``, ...).

The result per value is a version range: ``{"since": "2.0"}`` or ``{"since": "2.2", "until":
"3.0"}`` (``until`` is the first version that no longer accepts it). The versions are the
release tags 2.0, 2.2, ..., 3.4 (``VERSIONS``; odd releases are not read, so ``"since": "3.2"``
means "after 3.0.0, by 3.2.0").

The ``meta`` map tells for each enumeration:

* ``source``: where it was read at the newest version (``file:function``, ``file:array[]``);
* ``nocase``: whether HAProxy compares case-insensitively, read from the comparison function
  (``strcasecmp`` versus ``strcmp``) in every version;
* ``bad_value``: what real binaries do with a misspelt value, ``refused`` (``haproxy -c``
  fails), ``warned`` (it passes with a warning) or ``ignored`` (silently), with the verdict per
  binary in ``bad_value_by_version``: curated here from runs of Debian's 2.6.12 and a 2.8.25, and
  re-checked by ``tests/test_enums_oracle.py``;
* where relevant: ``args`` (how many words follow a value), ``value_args`` (the parenthesised
  argument of stick-table data types, from their table entries), ``build_dependent`` (values
  that depend on build options or on the SSL library), ``also`` (free-form alternatives) and a
  ``note``.

Run it again and it must reproduce the committed file byte for byte; ``--check`` verifies that
without writing (exit 1 on a difference). ``--audit`` prints string literals compared in the same
places that are not candidates, to spot values a newer HAProxy added.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

VERSIONS = ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")
DEFAULT_REPO = "/work/.mirror/haproxy+haproxy/repo"
OUT = Path(__file__).resolve().parent.parent / "haproxy_lint" / "data" / "vocabulary" / "enums.json"


# --------------------------------------------------------------------------------------------
# Reading C source
# --------------------------------------------------------------------------------------------


class Source:
    """Files of one HAProxy tag, comments blanked out (string literals and offsets kept)."""

    def __init__(self, repo: str, version: str) -> None:
        self.repo = repo
        self.tag = f"v{version}.0"
        self._cache: dict[str, str | None] = {}

    def read(self, path: str) -> str | None:
        if path not in self._cache:
            proc = subprocess.run(
                ["git", "-C", self.repo, "show", f"{self.tag}:{path}"],
                capture_output=True,
            )
            if proc.returncode != 0:
                self._cache[path] = None
            else:
                self._cache[path] = strip_comments(proc.stdout.decode("utf-8", "replace"))
        return self._cache[path]


def strip_comments(text: str) -> str:
    """Replace C comments by spaces (newlines kept), leaving string and char literals intact."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            i = _skip_literal(text, i)
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            for k in range(i, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                out[k] = " "
            i = end
            continue
        i += 1
    return "".join(out)


def _skip_literal(text: str, i: int) -> int:
    """Index just past the string or char literal starting at ``text[i]``."""
    quote = text[i]
    i += 1
    n = len(text)
    while i < n and text[i] != quote:
        if text[i] == "\\":
            i += 1
        elif text[i] == "\n":  # unterminated (e.g. an apostrophe in a #error line): stop here
            return i
        i += 1
    return i + 1


OPENERS = {"(": ")", "{": "}", "[": "]"}


def match_brackets(text: str) -> dict[int, int]:
    """Position of every bracket's partner, string and char literals skipped."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            i = _skip_literal(text, i)
            continue
        if c in OPENERS:
            stack.append(i)
        elif c in ")}]":
            # Preprocessor branches can leave brackets unbalanced: pop to the matching kind.
            want = {")": "(", "}": "{", "]": "["}[c]
            while stack and text[stack[-1]] != want:
                stack.pop()
            if stack:
                pairs[stack.pop()] = i
        i += 1
    return pairs


def close_of(text: str, open_pos: int) -> int:
    """Position of the bracket closing the one at ``open_pos`` (scan limited to what follows)."""
    depth = 0
    i, n = open_pos, len(text)
    kind = text[open_pos]
    close = OPENERS[kind]
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            i = _skip_literal(text, i)
            continue
        if c == kind:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced {kind!r} at {open_pos}")


FUNC_LINE = re.compile(r"(?m)^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(")


def function_body(text: str, name: str) -> tuple[int, int] | None:
    """Span of the body of function ``name`` (a definition, not a prototype)."""
    for m in re.finditer(rf"(?m)^[A-Za-z_][\w \t\*]*?\b{re.escape(name)}\s*\(|^{re.escape(name)}\s*\(", text):
        paren = text.index("(", m.start() + len(m.group(0)) - 1)
        end = close_of(text, paren)
        rest = text[end + 1:]
        stripped = rest.lstrip()
        if stripped.startswith("{"):
            brace = end + 1 + (len(rest) - len(stripped))
            return brace, close_of(text, brace) + 1
    return None


def enclosing_function(text: str, pos: int) -> str:
    """Name of the function whose definition starts last before ``pos`` (column-0 ``name(``)."""
    name = "?"
    for m in FUNC_LINE.finditer(text, 0, pos):
        if m.group(1) not in ("if", "while", "for", "switch", "return", "sizeof"):
            name = m.group(1)
    return name


# --------------------------------------------------------------------------------------------
# Where an enumeration is parsed
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    path: str
    function: str
    text: str


@dataclass(frozen=True)
class Func:
    """A whole function."""

    path: str
    name: str

    def resolve(self, src: Source) -> Region | None:
        text = src.read(self.path)
        if text is None:
            return None
        span = function_body(text, self.name)
        if span is None:
            return None
        return Region(self.path, self.name, text[span[0]:span[1]])


@dataclass(frozen=True)
class Block:
    """The braces following a chain of markers: the first marker is searched in the file (or in
    ``within``, a function), each next one inside the braces that follow the previous."""

    path: str
    markers: tuple[str, ...]
    within: str | None = None

    def resolve(self, src: Source) -> Region | None:
        text = src.read(self.path)
        if text is None:
            return None
        lo, hi = 0, len(text)
        if self.within:
            span = function_body(text, self.within)
            if span is None:
                return None
            lo, hi = span
        first = None
        for marker in self.markers:
            pos = text.find(marker, lo, hi)
            if pos < 0:
                return None
            if first is None:
                first = pos
            brace = text.find("{", pos, hi)
            if brace < 0:
                return None
            lo, hi = brace, close_of(text, brace) + 1
        return Region(self.path, enclosing_function(text, first), text[lo:hi])


@dataclass(frozen=True)
class Array:
    """The initialiser of a table: ``name[...] = { ... };``."""

    path: str
    name: str

    def resolve(self, src: Source) -> Region | None:
        text = src.read(self.path)
        if text is None:
            return None
        m = re.search(rf"\b{re.escape(self.name)}\s*\[[^\]]*\]\s*=\s*\{{", text)
        if not m:
            return None
        brace = m.end() - 1
        return Region(self.path, self.name + "[]", text[brace:close_of(text, brace) + 1])


Location = Func | Block | Array


@dataclass(frozen=True)
class Table:
    """Values read from the entries of an array: ``pattern``'s group 1 over the initialiser."""

    where: tuple[Array, ...]
    pattern: str
    exclude: tuple[str, ...] = ()
    lookup: Func | None = None  # the function comparing the argument with the entries


# --------------------------------------------------------------------------------------------
# Branch analysis: does the branch comparing the argument with a literal accept the value?
# --------------------------------------------------------------------------------------------

REFUSAL = re.compile(
    r"doesn't exist any ?more|not supported any ?more|is not supported anymore|no longer supported"
    r"|(?:has been|was) removed|not supported anymore",
    re.I,
)
CALL_BEFORE = re.compile(r"(\w+)\s*$")


class Analysed:
    """A region with its brackets matched, for branch lookups."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.text = region.text
        self.pairs = match_brackets(self.text)
        self.parens = sorted((o, c) for o, c in self.pairs.items() if self.text[o] == "(")

    def enclosing_parens(self, pos: int) -> list[int]:
        """Open parens around ``pos``, innermost first."""
        return [o for o, c in reversed(self.parens) if o < pos < c]

    def branch(self, pos: int) -> tuple[int, int] | None:
        """Span of the body of the ``if``/``while`` whose condition holds ``pos``: braces or one
        statement."""
        for o in self.enclosing_parens(pos):
            if re.search(r"\b(?:if|while)\s*$", self.text[max(0, o - 12):o]):
                after = self.pairs[o] + 1
                rest = self.text[after:]
                stripped = rest.lstrip()
                start = after + len(rest) - len(stripped)
                if stripped.startswith("{"):
                    return start, self.pairs.get(start, len(self.text) - 1) + 1
                end = self.text.find(";", start)
                return start, end + 1 if end >= 0 else len(self.text)
        return None

    def comparator(self, pos: int) -> str | None:
        """Name of the innermost call whose arguments hold ``pos`` (``strcmp``, ...)."""
        for o in self.enclosing_parens(pos):
            m = CALL_BEFORE.search(self.text[max(0, o - 40):o])
            if m and m.group(1) not in ("if", "while", "unlikely", "likely"):
                return m.group(1)
        return None


def refuses(body: str | None) -> bool:
    """A branch whose first statement alerts that the value no longer exists."""
    if not body:
        return False
    inner = body[1:] if body.startswith("{") else body
    inner = inner.lstrip()
    m = re.match(r"(ha_alert|memprintf)\s*\(", inner)
    if not m:
        return False
    call = inner[m.end() - 1:close_of(inner, m.end() - 1) + 1]
    return bool(REFUSAL.search(call))


# --------------------------------------------------------------------------------------------
# The enumerations
# --------------------------------------------------------------------------------------------

Reject = Callable[[str, str], bool]  # (value, branch body) -> True when this branch refuses it


@dataclass
class Enum:
    name: str
    where: tuple[Location, ...] = ()
    values: tuple[str, ...] = ()
    probe: str = '"{v}"'
    probes: dict[str, str] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    custom: Callable[[Source], tuple[set[str], list[Region]]] | None = None
    reject: Reject | None = None
    nocase: bool | None = None  # None: read from the comparison function
    bad_value: dict[str, str] = field(default_factory=dict)  # {"2.6": verdict, "2.8": verdict}
    bad_value_from_source: str | None = None  # for keywords no 2.6/2.8 binary knows
    args: dict[str, int] | None = None
    also: str | None = None
    note: str | None = None
    build_dependent: tuple[str, ...] = ()  # besides the table entries under #if, found by itself


LISTEN = "src/cfgparse-listen.c"
SERVER = "src/server.c"


def kw(word: str) -> str:
    """Marker of the branch parsing proxy keyword ``word`` in cfg_parse_listen()."""
    return f'args[0], "{word}")'


def opt(word: str) -> str:
    """Marker of the branch parsing ``option word``."""
    return f'args[1], "{word}")'


def arg(index: str) -> str:
    """Probe: the argument ``args[index]`` compared with the value."""
    return r"args\[" + index + r'\],\s*"{v}"'


def srv_kw(word: str) -> Block:
    """The branch of parse_server() (2.0, 2.2) parsing server keyword ``word``."""
    return Block(SERVER, (f'args[cur_arg], "{word}")',), within="parse_server")


def check_expect_reject(proto: str) -> Reject:
    """parse_tcpcheck_expect() (2.2+) is shared by tcp-check and http-check; a branch starting
    with ``goto bad_http_kw``/``bad_tcp_kw`` for the other protocol refuses the keyword."""

    def reject(value: str, body: str) -> bool:
        if proto == "http":
            if re.search(r"if \(proto == TCPCHK_RULES_HTTP_CHK\)\s*goto bad_http_kw;", body):
                return True
            m = re.search(r"if \(\*\(args\[cur_arg\]\) != '(.)'\)\s*goto bad_http_kw;", body)
            return bool(m and value[0] != m.group(1))
        return bool(re.search(r"if \(proto != TCPCHK_RULES_HTTP_CHK\)\s*goto bad_tcp_kw;", body))

    return reject


def redirect_codes(src: Source) -> tuple[set[str], list[Region]]:
    """The codes that pass the range test of ``redirect ... code <code>``, evaluated."""
    found: set[str] = set()
    regions = []
    for loc in (Func("src/http_rules.c", "http_parse_redirect_rule"),):
        region = loc.resolve(src)
        if region is None:
            continue
        m = re.search(r"code = atol\([^;]*;\s*if \(((?:[^{])*?)\)\s*\{", region.text)
        if not m:
            raise SystemExit(f"{src.tag}: redirect code test not found")
        cond = m.group(1)
        if not re.fullmatch(r"[code<>=\d\s()|&]+", cond):
            raise SystemExit(f"{src.tag}: unexpected redirect code test {cond!r}")
        expr = cond.replace("||", " or ").replace("&&", " and ")
        for code in range(100, 600):
            if not eval(expr, {"__builtins__": {}}, {"code": code}):  # noqa: S307 - checked above
                found.add(str(code))
        regions.append(region)
    return found, regions


HTTP_ERR_CODES = Table((Array("src/http.c", "http_err_codes"),), r"\]\s*=\s*(\d+)")
TCPCHECK_EXPECT = Func("src/tcpcheck.c", "parse_tcpcheck_expect")
EXPECT_MATCHERS = ("string", "rstring", "binary", "rbinary", "string-lf", "binary-lf",
                   "status", "rstatus", "hdr", "fhdr", "custom")
LOG_PARSERS = (Func("src/log.c", "parse_logsrv"), Func("src/log.c", "parse_logger"))
SSL_VERSIONS = Table(
    (Array("src/ssl_sock.c", "methodVersions"),),
    r'"([^"]+)"\s*\}',
    exclude=("NONE",),  # index 0: parse_tls_method_minmax() starts at CONF_TLSV_MIN
    lookup=Func("src/cfgparse-ssl.c", "parse_tls_method_minmax"),
)

SSL_NOTE = ("an SSL/TLS version the SSL library lacks (SSLv3 with OpenSSL 3) parses, but then "
            "'haproxy -c' fails: all SSL/TLS versions are disabled")

BOTH_REFUSED = {"2.6": "refused", "2.8": "refused"}

ENUMS: list[Enum] = [
    Enum(
        "mode",
        where=(Block(LISTEN, (kw("mode"),)), Func("src/proxy.c", "str_to_proxy_mode")),
        values=("tcp", "http", "health", "log", "spop", "haterm"),
        probe=r'"{v}"\)',
        bad_value=BOTH_REFUSED,
        note="log and spop only in backends/listen, haterm only in frontends/listen",
    ),
    Enum(
        "balance",
        where=(Func("src/backend.c", "backend_parse_balance"),),
        values=("roundrobin", "static-rr", "leastconn", "first", "source", "uri", "url_param",
                "hdr", "random", "rdp-cookie", "hash", "log-hash", "sticky"),
        probe=arg("0"),
        probes={"hdr": r'args\[0\],\s*"hdr\(",', "random": r'args\[0\],\s*"random",',
                "rdp-cookie": r'args\[0\],\s*"rdp-cookie",'},
        args={"url_param": 1, "hash": 1, "log-hash": 1},
        bad_value=BOTH_REFUSED,
        note="hdr is written hdr(<name>); random(<draws>) and rdp-cookie(<name>) take an optional "
             "parenthesised argument",
    ),
    Enum(
        "balance.uri",
        where=(Block("src/backend.c", (kw("uri"),), within="backend_parse_balance"),),
        values=("len", "depth", "whole", "path-only"),
        probe=arg("arg"),
        args={"len": 1, "depth": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "balance.url_param",
        where=(Block("src/backend.c", (kw("url_param"),), within="backend_parse_balance"),),
        values=("check_post",),
        probe=arg("2"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "balance.hdr",
        where=(Block("src/backend.c", ('args[0], "hdr(",',), within="backend_parse_balance"),),
        values=("use_domain_only",),
        probe=arg("1"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "hash-type.method",
        where=(Block(LISTEN, (kw("hash-type"),)),),
        values=("map-based", "consistent"),
        probe=arg("1"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "hash-type.function",
        where=(Block(LISTEN, (kw("hash-type"),)),),
        values=("sdbm", "djb2", "wt6", "crc32", "none"),
        probe=arg("2"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "hash-type.modifier",
        where=(Block(LISTEN, (kw("hash-type"),)),),
        values=("avalanche",),
        probe=arg("3"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "http-reuse",
        where=(Block(LISTEN, (kw("http-reuse"),)),),
        values=("never", "safe", "aggressive", "always"),
        probe=arg("1"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "retry-on",
        where=(Func("src/proxy.c", "proxy_parse_retry_on"),),
        values=("none", "conn-failure", "empty-response", "junk-response", "response-timeout",
                "0rtt-rejected", "401", "403", "404", "408", "421", "425", "429", "500", "501",
                "502", "503", "504", "all-retryable-errors"),
        probe=arg("i"),
        bad_value=BOTH_REFUSED,
        note="'none' must be alone",
    ),
    Enum(
        "cookie",
        where=(Block(LISTEN, (kw("cookie"),)),),
        values=("rewrite", "insert", "prefix", "indirect", "nocache", "postonly", "preserve",
                "httponly", "secure", "domain", "maxidle", "maxlife", "dynamic", "attr"),
        probe=arg("cur_arg"),
        args={"domain": 1, "maxidle": 1, "maxlife": 1, "attr": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "stick-table.type",
        where=(Func("src/stick_table.c", "stktable_parse_type"),),
        values=("ipv4",),
        probe=r'cmp\(kw,\s*"{v}"\)',
        tables=(Table((Array("src/stick_table.c", "stktable_types"),), r'\{\s*"([^"]+)"',
                      lookup=Func("src/stick_table.c", "stktable_parse_type")),),
        bad_value=BOTH_REFUSED,
        note="string and binary take an optional 'len <n>'",
    ),
    Enum(
        "stick-table.options",
        where=(Func("src/stick_table.c", "parse_stick_table"),),
        values=("type", "size", "expire", "nopurge", "peers", "store", "srvkey", "write-to",
                "recv-only", "brates-factor"),
        probe=arg("idx"),
        args={"type": 1, "size": 1, "expire": 1, "peers": 1, "store": 1, "srvkey": 1,
              "write-to": 1, "brates-factor": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "stick-table.srvkey",
        where=(Func("src/stick_table.c", "parse_stick_table"),),
        values=("name", "addr"),
        probe=r'cmp\(keytype,\s*"{v}"\)',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "stick-table.data",
        where=(Func("src/stick_table.c", "stktable_get_data_type"),),
        values=("server_name",),
        probe=r'cmp\(name,\s*"{v}"\)',
        tables=(Table((Array("src/stick_table.c", "stktable_data_types"),), r'\.name\s*=\s*"([^"]+)"',
                      lookup=Func("src/stick_table.c", "stktable_get_data_type")),),
        bad_value=BOTH_REFUSED,
        note="meta.value_args: 'period' = <name>(<period>), 'count' = <name>(<nb>), "
             "'count,period' = <name>(<nb>,<period>)",
    ),
    Enum(
        "compression.algo",
        tables=(Table((Array("src/compression.c", "comp_algos"),), r'\{\s*"([^"]+)"',
                      lookup=Func("src/compression.c", "comp_append_algo")),),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "compression",
        where=(Func("src/flt_http_comp.c", "parse_compression_options"),),
        values=("algo", "algo-req", "algo-res", "type", "type-req", "type-res", "offload",
                "direction", "minsize-req", "minsize-res"),
        probe=arg("1"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "compression.direction",
        where=(Func("src/flt_http_comp.c", "parse_compression_options"),),
        values=("request", "response", "both"),
        probe=arg("2"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "log.facility",
        tables=(Table((Array("src/log.c", "log_facilities"),), r'"([^"]+)"',
                      lookup=Func("src/log.c", "get_log_facility")),),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "log.level",
        tables=(Table((Array("src/log.c", "log_levels"),), r'"([^"]+)"',
                      lookup=Func("src/log.c", "get_log_level")),),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "log.format",
        tables=(Table((Array("src/log.c", "log_formats"),), r'\.name\s*=\s*"([^"]+)"',
                      lookup=Func("src/log.c", "get_log_format")),),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "log.options",
        where=LOG_PARSERS,
        values=("len", "format", "sample", "profile"),
        probe=arg("cur_arg"),
        args={"len": 1, "format": 1, "sample": 1, "profile": 1},
        bad_value=BOTH_REFUSED,
        note="a misspelt option is read as the facility",
    ),
    Enum(
        "stats.level",
        where=(Func("src/cli.c", "bind_parse_level"),),
        values=("user", "operator", "admin"),
        probe=r'args\[cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "stats.severity-output",
        where=(Func("src/cli.c", "bind_parse_severity_output"), Func("src/cli.c", "set_severity_output")),
        values=("none", "number", "string"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option",
        where=(Block(LISTEN, (kw("option"),)),),
        values=("httpclose", "forceclose", "http-server-close", "http-keep-alive", "http-tunnel",
                "forwarded", "redispatch", "http_proxy", "use-small-buffers", "httplog", "tcplog",
                "httpslog", "tcpka", "httpchk", "ssl-hello-chk", "smtpchk", "pgsql-check",
                "redis-check", "mysql-check", "ldap-check", "spop-check", "tcp-check",
                "external-check", "forwardfor", "originalto", "http-restrict-req-hdr-names",
                "accept-invalid-http-request", "accept-invalid-http-response"),
        probe=arg("1"),
        tables=(Table((Array("src/proxy.c", "cfg_opts"), Array("src/proxy.c", "cfg_opts2"),
                       Array("src/proxy.c", "cfg_opts3")), r'\{\s*"([^"]+)"',
                      lookup=Func(LISTEN, "cfg_parse_listen_match_option")),),
        bad_value=BOTH_REFUSED,
        note="redispatch takes an optional integer; the words following httplog, tcplog, "
             "forwardfor, originalto, forwarded, http-restrict-req-hdr-names and use-small-buffers "
             "are the enumerations option.<name>",
    ),
    Enum(
        "option.httplog",
        where=(Block(LISTEN, (kw("option"), opt("httplog"))),),
        values=("clf",),
        probe=arg("2"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option.tcplog",
        where=(Block(LISTEN, (kw("option"), opt("tcplog"))),),
        values=("clf",),
        probe=arg("2"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option.forwardfor",
        where=(Block(LISTEN, (kw("option"), opt("forwardfor"))), Func("src/http_ext.c", "proxy_http_parse_xff")),
        values=("except", "header", "if-none"),
        probe=arg("cur_arg"),
        args={"except": 1, "header": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option.originalto",
        where=(Block(LISTEN, (kw("option"), opt("originalto"))), Func("src/http_ext.c", "proxy_http_parse_xot")),
        values=("except", "header"),
        probe=arg("cur_arg"),
        args={"except": 1, "header": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option.forwarded",
        where=(Func("src/http_ext.c", "proxy_http_parse_7239"),),
        values=("proto", "host", "host-expr", "by", "by-expr", "for", "for-expr", "by_port",
                "by_port-expr", "for_port", "for_port-expr"),
        probe=arg("cur_arg"),
        args={"host-expr": 1, "by-expr": 1, "for-expr": 1, "by_port-expr": 1, "for_port-expr": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option.http-restrict-req-hdr-names",
        where=(Block(LISTEN, (kw("option"), opt("http-restrict-req-hdr-names"))),),
        values=("preserve", "delete", "reject"),
        probe=arg("2"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "option.use-small-buffers",
        where=(Block(LISTEN, (kw("option"), opt("use-small-buffers"))),),
        values=("queue", "l7-retries", "check"),
        probe=arg("cur_arg"),
        bad_value_from_source="refused",
        note="bad_value read from the source (ERR_FATAL): no 2.6/2.8 binary has this option",
    ),
    Enum(
        "timeout",
        where=(Func("src/proxy.c", "proxy_parse_timeout"),),
        values=("client", "client-hs", "client-fin", "server", "server-fin", "connect", "check",
                "queue", "tunnel", "tarpit", "http-request", "http-keep-alive"),
        probe=arg("0"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "capture",
        where=(Block(LISTEN, (kw("capture"),)),),
        values=("cookie", "request header", "response header"),
        probes={"cookie": r'args\[1\],\s*"cookie"\)',
                "request header": r'args\[1\],\s*"request"\)[^{;]*args\[2\],\s*"header"\)',
                "response header": r'args\[1\],\s*"response"\)[^{;]*args\[2\],\s*"header"\)'},
        bad_value=BOTH_REFUSED,
        note="capture cookie <name> len <n>; capture request|response header <name> len <n>",
    ),
    Enum(
        "errorfile",
        where=(Func("src/http_htx.c", "http_parse_errorfile"), Block(LISTEN, (kw("errorfile"),))),
        tables=(HTTP_ERR_CODES,),
        nocase=False,  # numbers
        bad_value=BOTH_REFUSED,
        note="src/http_htx.c:http_parse_errorfile looks the status up in http_err_codes[] "
             "(2.0: cfg_parse_listen, an unknown status was only warned)",
    ),
    Enum(
        "deny_status",
        where=(Func("src/http_act.c", "parse_http_deny"), Func("src/http_htx.c", "http_parse_http_reply"),
               Block("src/http_rules.c", ('"deny_status")',))),
        tables=(HTTP_ERR_CODES,),
        nocase=False,  # numbers
        bad_value=BOTH_REFUSED,
        note="http-request deny|tarpit deny_status <code> alone uses the default errorfiles, so "
             "the code must be in http_err_codes[] (2.0: only warned); with a payload "
             "(content-type/string/file/lf-*/errorfile) any status 200..599 is accepted",
    ),
    Enum(
        "redirect.code",
        custom=redirect_codes,
        nocase=False,  # numbers
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "redirect.type",
        where=(Func("src/http_rules.c", "http_parse_redirect_rule"),),
        values=("location", "prefix", "scheme"),
        probe=r'args\[cur_arg\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "redirect.options",
        where=(Func("src/http_rules.c", "http_parse_redirect_rule"),),
        values=("code", "set-cookie", "set-cookie-fmt", "clear-cookie", "drop-query", "keep-query",
                "append-slash", "ignore-empty"),
        probe=r'args\[cur_arg\],\s*"{v}"',
        args={"code": 1, "set-cookie": 1, "set-cookie-fmt": 1, "clear-cookie": 1},
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "ssl-min-ver",
        tables=(SSL_VERSIONS,),
        build_dependent=("SSLv3",),
        note=SSL_NOTE,
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "ssl-max-ver",
        tables=(SSL_VERSIONS,),
        build_dependent=("SSLv3",),
        note=SSL_NOTE,
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "set-var.scope",
        where=(Func("src/vars.c", "register_name"), Func("src/vars.c", "vars_hash_name"),
               Func("src/vars.c", "vars_fill_desc")),
        values=("proc", "sess", "txn", "req", "res", "check", "psess", "ptxn", "preq", "pres"),
        probe=r'cmp\(name,\s*"{v}\.",',
        bad_value=BOTH_REFUSED,
        note="the scope is the prefix of the variable name: <scope>.<name>",
    ),
    Enum(
        "http-check.expect",
        where=(Block(LISTEN, (kw("http-check"), 'args[1], "expect")')), TCPCHECK_EXPECT),
        values=EXPECT_MATCHERS,
        probe=r'cmp\([^,()]+,\s*"{v}"\)',
        reject=check_expect_reject("http"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "tcp-check.expect",
        where=(Block(LISTEN, (kw("tcp-check"), 'args[1], "expect")')), TCPCHECK_EXPECT),
        values=EXPECT_MATCHERS,
        probe=r'cmp\([^,()]+,\s*"{v}"\)',
        reject=check_expect_reject("tcp"),
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "verify",
        where=(Func("src/cfgparse-ssl.c", "ssl_bind_parse_verify"), Func("src/ssl_sock.c", "ssl_bind_parse_verify")),
        values=("none", "optional", "required"),
        probe=r'args\[cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
        note="bind lines and crt-list entries",
    ),
    Enum(
        "server.verify",
        where=(Func("src/cfgparse-ssl.c", "srv_parse_verify"), Func("src/ssl_sock.c", "srv_parse_verify")),
        values=("none", "required"),
        probe=r'args\[\*cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "init-addr",
        where=(srv_kw("init-addr"), Func(SERVER, "srv_parse_init_addr")),
        values=("last", "libc", "none"),
        probe=r'cmp\(p,\s*"{v}"\)',
        also="an IPv4 or IPv6 address; values are a comma-separated list",
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "init-state",
        where=(Func(SERVER, "srv_parse_init_state"),),
        values=("none", "fully-up", "up", "down", "fully-down"),
        probe=r'args\[\*cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value_from_source="refused",
        note="bad_value read from the source (ERR_FATAL): no 2.6/2.8 binary has this keyword",
    ),
    Enum(
        "resolve-prefer",
        where=(srv_kw("resolve-prefer"), Func(SERVER, "srv_parse_resolve_prefer")),
        values=("ipv4", "ipv6"),
        probe=r'args\[\*?cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "on-error",
        where=(srv_kw("on-error"), Func(SERVER, "srv_parse_on_error")),
        values=("fastinter", "fail-check", "sudden-death", "mark-down"),
        probe=r'args\[\*?cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "on-marked-down",
        where=(srv_kw("on-marked-down"), Func(SERVER, "srv_parse_on_marked_down")),
        values=("shutdown-sessions",),
        probe=r'args\[\*?cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "on-marked-up",
        where=(srv_kw("on-marked-up"), Func(SERVER, "srv_parse_on_marked_up")),
        values=("shutdown-backup-sessions",),
        probe=r'args\[\*?cur_arg ?\+ ?1\],\s*"{v}"',
        bad_value=BOTH_REFUSED,
    ),
    Enum(
        "observe",
        where=(Func(SERVER, "srv_parse_observe"),),
        values=("none", "layer4", "layer7"),
        probe=r'cmp\(arg,\s*"{v}"\)',
        bad_value=BOTH_REFUSED,
        note="layer7 only in mode http",
    ),
    Enum(
        "proxy-v2-options",
        where=(Func(SERVER, "srv_parse_proxy_v2_options"),),
        values=("ssl", "cert-cn", "cert-key", "cert-sig", "ssl-cipher", "authority", "crc32c",
                "unique-id"),
        probe=r'cmp\(p,\s*"{v}"\)',
        bad_value=BOTH_REFUSED,
        note="values are a comma-separated list",
    ),
]


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass
class Found:
    values: set[str]
    regions: list[Region]
    nocase: set[bool]
    build_dependent: set[str]
    value_args: dict[str, str]
    uncovered: set[str]


def conditional_lines(text: str) -> set[int]:
    """Line numbers inside a preprocessor conditional (#if ... #endif) of ``text``."""
    depth = 0
    inside: set[int] = set()
    for number, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if re.match(r"#\s*if", stripped):
            depth += 1
        elif re.match(r"#\s*endif", stripped):
            depth = max(0, depth - 1)
        elif depth:
            inside.add(number)
    return inside


def data_type_args(entry: str) -> str | None:
    """The argument form of a stktable_data_types[] entry."""
    parts = []
    if re.search(r"\.is_array\s*=\s*1", entry):
        parts.append("count")
    if re.search(r"\.arg_type\s*=\s*ARG_T_DELAY", entry):
        parts.append("period")
    return ",".join(parts) or None


def evaluate(enum: Enum, src: Source) -> Found:
    found = Found(set(), [], set(), set(), {}, set())
    # Curated candidates, probed in the parsing functions.
    for loc in enum.where:
        region = loc.resolve(src)
        if region is None:
            continue
        found.regions.append(region)
        analysed = Analysed(region)
        for value in enum.values:
            probe = enum.probes.get(value, enum.probe.replace("{v}", re.escape(value)))
            refused_spans: list[tuple[int, int]] = []
            for m in re.finditer(probe, region.text):
                pos = m.start() + max(0, m.group(0).find('"'))
                if any(lo <= pos < hi for lo, hi in refused_spans):
                    continue  # a nested test inside a branch that already refused the value
                span = analysed.branch(pos)
                body = region.text[span[0]:span[1]] if span else None
                if refuses(body) or (enum.reject and body is not None and enum.reject(value, body)):
                    refused_spans.append(span)
                    continue
                found.values.add(value)
                comparator = analysed.comparator(pos)
                if comparator and "cmp" in comparator:
                    found.nocase.add("case" in comparator)
                break
        if enum.probe != '"{v}"' and "{v}" in enum.probe:
            generic = enum.probe.replace("{v}", '([^"]+)')
            for m in re.finditer(generic, region.text):
                literal = m.group(1)
                if not any(literal.startswith(value) for value in enum.values):
                    found.uncovered.add(literal)
    # Values read from tables.
    conditional_only: set[str] = set()
    unconditional: set[str] = set()
    for table in enum.tables:
        for array in table.where:
            region = array.resolve(src)
            if region is None:
                continue
            found.regions.append(region)
            conditional = conditional_lines(region.text)
            for m in re.finditer(table.pattern, region.text):
                value = m.group(1)
                if value in table.exclude:
                    continue
                found.values.add(value)
                if region.text.count("\n", 0, m.start()) in conditional:
                    conditional_only.add(value)
                else:
                    unconditional.add(value)
                if array.name == "stktable_data_types":
                    end = region.text.find("}", m.end())
                    form = data_type_args(region.text[m.start():end])
                    if form:
                        found.value_args[value] = form
        if table.lookup:
            region = table.lookup.resolve(src)
            if region is not None:
                found.regions.append(region)
                for m in re.finditer(r"\b(str\w*cmp)\s*\(", region.text):
                    found.nocase.add("case" in m.group(1))
    found.build_dependent = conditional_only - unconditional
    if enum.custom:
        values, regions = enum.custom(src)
        found.values |= values
        found.regions.extend(regions)
    return found


def ranges(present: list[str], name: str, value: str) -> dict[str, str]:
    """{"since": first version, "until": first version without it after that}."""
    flags = [v in present for v in VERSIONS]
    first = flags.index(True)
    out = {"since": VERSIONS[first]}
    if False in flags[first:]:
        gone = flags.index(False, first)
        if True in flags[gone:]:
            raise SystemExit(f"{name}: value {value!r} comes back after {VERSIONS[gone]}: {present}")
        out["until"] = VERSIONS[gone]
    return out


def build(repo: str, audit: bool = False) -> dict:
    sources = {v: Source(repo, v) for v in VERSIONS}
    enums: dict[str, dict] = {}
    meta: dict[str, dict] = {}
    for enum in ENUMS:
        per_version = {v: evaluate(enum, sources[v]) for v in VERSIONS}
        values: dict[str, list[str]] = {}
        for version in VERSIONS:
            for value in per_version[version].values:
                values.setdefault(value, []).append(version)
        if not values:
            raise SystemExit(f"{enum.name}: no value found in any version")
        for candidate in enum.values:
            if audit and candidate not in values:
                print(f"note: {enum.name}: candidate {candidate!r} accepted by no version", file=sys.stderr)
        enums[enum.name] = {value: ranges(vs, enum.name, value) for value, vs in values.items()}

        newest = next(per_version[v] for v in reversed(VERSIONS) if per_version[v].values)
        entry: dict = {}
        labels = []
        for region in newest.regions:
            label = f"{region.path}:{region.function}"
            if label not in labels:
                labels.append(label)
        entry["source"] = ", ".join(labels)
        if enum.nocase is not None:
            entry["nocase"] = enum.nocase
        else:
            every = set().union(*(per_version[v].nocase for v in VERSIONS))
            if len(every) != 1:
                raise SystemExit(f"{enum.name}: cannot tell case sensitivity ({every})")
            entry["nocase"] = every.pop()
        verdicts = enum.bad_value
        if enum.bad_value_from_source:
            entry["bad_value"] = enum.bad_value_from_source
        if verdicts:
            distinct = set(verdicts.values())
            entry["bad_value"] = distinct.pop() if len(distinct) == 1 else "refused"
            entry["bad_value_by_version"] = dict(verdicts)
        if enum.args:
            entry["args"] = dict(enum.args)
        value_args: dict[str, str] = {}
        build_dependent: set[str] = set(enum.build_dependent)
        for version in VERSIONS:
            value_args.update(per_version[version].value_args)
            build_dependent |= per_version[version].build_dependent
        if value_args:
            entry["value_args"] = value_args
        if build_dependent:
            entry["build_dependent"] = sorted(build_dependent)
        if enum.also:
            entry["also"] = enum.also
        if enum.note:
            entry["note"] = enum.note
        meta[enum.name] = entry
        if audit:
            for version in VERSIONS:
                extra = per_version[version].uncovered
                if extra:
                    print(f"audit {version} {enum.name}: not candidates: {sorted(extra)}", file=sys.stderr)
    return {"enums": enums, "meta": meta}


def render(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO, help="HAProxy git dir (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="output file (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare with the file, write nothing")
    parser.add_argument("--audit", action="store_true", help="print compared literals that are not candidates")
    args = parser.parse_args(argv)

    if not Path(args.repo).exists():
        print(f"no HAProxy clone at {args.repo} (use --repo)", file=sys.stderr)
        return 2
    text = render(build(args.repo, args.audit))
    if args.check:
        if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out} is out of date: run scripts/gen_enums.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
