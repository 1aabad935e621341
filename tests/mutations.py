"""The mutation oracle: one-word mutations of configurations real HAProxy accepts, judged by
real HAProxy, and how many of those it refuses the linter catches.

Three parts:

* :func:`candidates` / :func:`generate` -- a deterministic generator. From a clean text and a
  seed it derives one-word mutations in eight classes (see :data:`CLASSES`): misspelt
  keywords and values, out-of-range numbers, bad units, undefined names, removed or extra
  arguments, bad log-format aliases, bad flags, a removed final newline... Words are found
  with :func:`haproxy_lint.parse` and only the span of the mutated word changes: the rest of
  the file stays byte-identical. A misspelling is never a word HAProxy knows elsewhere (the
  keyword tables, the vocabulary files when present, the built-in lists below and, when the
  caller passes them, the words real HAProxy dumps with ``-dKall``).
* :func:`load_bases` -- the configurations to mutate: the shared corpus files both HAProxy
  versions accept (checked again here, from a scratch folder) and the guide's examples once
  ``fix(unsafe=True)`` made them acceptable, if it does.
* :func:`run_oracle` / :func:`summarize` -- each mutated text is checked by ``haproxy -c`` of
  every version asked for; a refusal counts, with the line HAProxy's first new ALERT names (or
  the mutated line when it names none), and is CAUGHT when ``lint`` at that target version
  reports an error-severity diagnostic on that line that the unmutated file did not have.
  When HAProxy names another line than the mutated one (an undefined ACL is reported where it
  is used; a bad log-format of a ``defaults`` section where the proxy inheriting it ends), an
  error on the mutated line counts too, unless ``strict_line``. A mutation HAProxy accepts
  never counts; when the linter reports a new error on it, that is a FALSE ERROR (a
  precision failure).

``benchmarks/mutation_catch.py`` prints the tables; ``tests/test_mutation_oracle.py`` holds the
linter to them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import haproxy_lint
from haproxy_lint import keywords as kw

from .conftest import CORPUS, GUIDE, haproxy_binaries, haproxy_check, manifest, read_corpus

__all__ = [
    "CLASSES",
    "Mutation",
    "Result",
    "candidates",
    "generate",
    "haproxy_words",
    "known_words",
    "load_bases",
    "run_oracle",
    "summarize",
    "format_table",
    "top_misses",
]

#: The classes of words HAProxy refuses, and the rule codes meant to report them.
CLASSES: dict[int, str] = {
    1: "server/bind params (HL909)",
    2: "actions (HL910)",
    3: "fetches/converters (HL911)",
    4: "ACLs (HL912)",
    5: "enumerated values (HL913)",
    6: "log-format (HL914)",
    7: "shapes (HL915)",
    8: "file-level (HL916)",
}

PROXY_KINDS = ("defaults", "frontend", "listen", "backend")

# --- words HAProxy knows (a misspelling must be none of them) --------------------------------

#: Enumerated values and sub-keywords, for 2.6 and 2.8 (configuration.txt). Only used so a
#: misspelling never lands on another valid word.
ENUMS: dict[str, tuple[str, ...]] = {
    "mode": ("tcp", "http", "health", "log", "spop"),
    "balance": ("roundrobin", "static-rr", "leastconn", "first", "source", "uri", "url_param",
                "hdr", "random", "rdp-cookie", "hash", "len", "depth", "whole", "path-only",
                "check_post", "max_wait", "use_domain_only"),
    "hash-type": ("map-based", "consistent", "sdbm", "djb2", "wt6", "crc32", "none", "avalanche"),
    "http-reuse": ("never", "safe", "aggressive", "always"),
    "retry-on": ("none", "conn-failure", "empty-response", "junk-response", "response-timeout",
                 "0rtt-rejected", "404", "408", "425", "500", "501", "502", "503", "504",
                 "all-retryable-errors"),
    "cookie": ("rewrite", "insert", "prefix", "indirect", "nocache", "postonly", "preserve",
               "httponly", "secure", "domain", "maxidle", "maxlife", "dynamic", "attr"),
    "stick-table": ("type", "ip", "ipv6", "integer", "string", "binary", "len", "size", "expire",
                    "nopurge", "peers", "srvkey", "addr", "name", "write-to", "store", "recv-only",
                    "server_id", "server_key", "server_name", "gpt", "gpt0", "gpc", "gpc0", "gpc1",
                    "gpc_rate", "gpc0_rate", "gpc1_rate", "conn_cnt", "conn_cur", "conn_rate",
                    "sess_cnt", "sess_rate", "http_req_cnt", "http_req_rate", "http_err_cnt",
                    "http_err_rate", "http_fail_cnt", "http_fail_rate", "bytes_in_cnt",
                    "bytes_in_rate", "bytes_out_cnt", "bytes_out_rate", "glitch_cnt", "glitch_rate"),
    "compression": ("algo", "type", "offload", "direction", "algo-req", "algo-res", "type-req",
                    "type-res", "minsize-req", "minsize-res", "identity", "gzip", "deflate",
                    "raw-deflate", "request", "response", "both"),
    "facility": ("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
                 "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1",
                 "local2", "local3", "local4", "local5", "local6", "local7"),
    "level": ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "silent"),
    "log-format-name": ("local", "rfc3164", "rfc5424", "short", "priority", "timed", "iso", "raw"),
    "stats-level": ("user", "operator", "admin"),
    "timeout": ("client", "server", "connect", "check", "queue", "http-keep-alive",
                "http-request", "tunnel", "tarpit", "client-fin", "server-fin", "client-hs",
                "resolve", "retry", "hold", "other", "refused", "nx", "timeout", "valid",
                "obsolete", "mail", "peers"),
    "capture": ("request", "response", "header", "cookie", "len"),
    "errorfile": ("200", "400", "401", "403", "404", "405", "407", "408", "410", "413", "425",
                  "429", "500", "501", "502", "503", "504"),
    "redirect-code": ("301", "302", "303", "307", "308"),
    "ssl-version": ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),
    "verify": ("none", "optional", "required"),
    "init-addr": ("last", "libc", "none"),
    "resolve-prefer": ("ipv4", "ipv6"),
    "observe": ("none", "layer4", "layer7"),
    "on-error": ("fastinter", "fail-check", "sudden-death", "mark-down"),
    "on-marked": ("shutdown-sessions", "shutdown-backup-sessions"),
    "proto": ("h1", "h2", "fcgi", "quic", "none", "legacy", "octet-count"),
    "option-args": ("except", "header", "if-none", "clf", "HELO", "EHLO"),
    "acl-flags": ("-i", "-f", "-m", "-n", "-M", "-u", "--"),
    "match": ("found", "bool", "int", "ip", "bin", "len", "str", "sub", "reg", "beg", "end",
              "dir", "dom"),
    "predefined-acls": ("FALSE", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_2.0", "HTTP_3.0",
                        "HTTP_CONTENT", "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR",
                        "LOCALHOST", "METH_CONNECT", "METH_DELETE", "METH_GET", "METH_HEAD",
                        "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE", "RDP_COOKIE",
                        "REQ_CONTENT", "TRUE", "WAIT_END"),
    "var-scope": ("proc", "sess", "txn", "req", "res", "check"),
    "set-timeout": ("server", "tunnel", "client"),
    "action-args": ("deny_status", "status", "content-type", "string", "lf-string", "file",
                    "lf-file", "errorfile", "errorfiles", "default-errorfiles", "hdr", "location",
                    "prefix", "scheme", "code", "drop-query", "append-slash", "set-cookie",
                    "clear-cookie", "ignore-empty", "keep-query", "set-cookie-fmt", "table", "len",
                    "id", "if", "unless", "meth", "uri", "uri-lf", "ver", "body", "body-lf",
                    "comment", "port", "addr", "ssl", "sni", "alpn", "linger", "send-proxy",
                    "via-socks4", "proto", "default", "rstatus", "rstring", "fhdr", "binary",
                    "rbinary", "string-lf", "binary-lf", "min-recv", "ok-status", "error-status",
                    "tout-status", "on-success", "on-error", "status-code", "name", "value",
                    "match", "ifnone", "ifset", "ifnotset", "ifexists", "ifnotexists", "ifempty",
                    "ifnotempty", "ifgt", "ifge", "iflt", "ifle", "ifeq", "ifne", "ifnexists",
                    "expect", "send", "send-lf", "send-binary", "send-binary-lf", "connect",
                    "set-var", "set-var-fmt", "unset-var", "disable-on-404", "send-state",
                    "connection", "session", "content", "inspect-delay", "accept", "reject"),
    "services": ("prometheus-exporter",),
    "load-server-state": ("global", "local", "none"),
}

#: Log-format aliases of 2.6 to 3.x (``%ci``, ``%Tr``...).
LOG_ALIASES: tuple[str, ...] = tuple(
    """o B CC CS H HM HP HPO HQ HU HV ID ST T Ta Tc Td Th Ti Tl Tq Tr Ts Tt Tu Tw U ac b bc bi bp bq
    ci cp f fc fi fp ft hr hrl hs hsl lc ms pid r rc rt s sc si sp sq sslc sslv t tr trg trl ts tsc
    ID""".split()
)

_VOCABULARY = Path(haproxy_lint.__file__).parent / "data" / "vocabulary"


def vocabulary() -> dict[str, object]:
    """Every ``haproxy_lint/data/vocabulary/*.json`` by file stem (empty when absent)."""
    found: dict[str, object] = {}
    if _VOCABULARY.is_dir():
        for path in sorted(_VOCABULARY.glob("*.json")):
            try:
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
    return found


def _flatten(obj: object, out: set[str]) -> None:
    """Keys and one-word strings of a JSON document (descriptions have spaces: left out)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            _add_token(str(key), out)
            _flatten(value, out)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            _flatten(value, out)
    elif isinstance(obj, str) and obj and " " not in obj.strip():
        _add_token(obj.strip(), out)


def _add_token(token: str, out: set[str]) -> None:
    for part in token.split():
        out.add(part)
        base = part.split("(", 1)[0].rstrip("*")
        if base:
            out.add(base)
        if part.startswith("%") and len(part) > 1:
            out.add(part[1:])


def known_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """Every word some table says HAProxy knows (keywords of every section and version,
    bind/server options, the vocabulary files, the built-in lists), plus ``extra``."""
    words: set[str] = set()
    for version in kw.VERSIONS:
        table = kw.table(version)
        for kind in sorted(table.section_keywords() | {"proxy", "bind", "server", "crt-store-load"}):
            section_kind = "defaults" if kind == "proxy" else kind
            for name in table.keywords(section_kind):
                _add_token(name, words)
        for name in table.section_keywords():
            words.add(name)
    _flatten(vocabulary(), words)
    for values in ENUMS.values():
        words.update(values)
    words.update(LOG_ALIASES)
    for word in extra:
        _add_token(word, words)
    return frozenset(words)


_DK_SMP = re.compile(r"^\[[ .YN]*\]\s+([A-Za-z0-9_.+-]+)")
_DK_CNV = re.compile(r"^([A-Za-z0-9_.+-]+)[(:]")
_DK_ACL = re.compile(r"^([A-Za-z0-9_.+-]+) = ")


def haproxy_words(binary: str) -> frozenset[str]:
    """The keywords, fetches, converters, ACL keywords, filters and services a HAProxy binary
    registered (``haproxy -dKall``), as single words."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.cfg"
        path.write_text("global\n")
        out = subprocess.run([binary, "-dKall", "-q", "-c", "-f", str(path)], capture_output=True,
                             text=True, timeout=60).stdout
    words: set[str] = set()
    section = ""
    for raw in out.splitlines():
        if raw.startswith("# List of registered"):
            section = raw
            continue
        if raw.startswith("#") or not raw.strip():
            continue
        line = raw.strip()
        if "sample fetch" in section:
            m = _DK_SMP.match(line)
            if m:
                words.add(m.group(1))
        elif "converter" in section:
            m = _DK_CNV.match(line)
            if m:
                words.add(m.group(1))
        elif "ACL" in section:
            m = _DK_ACL.match(line)
            if m:
                words.add(m.group(1))
        elif "CLI" in section:
            continue
        else:  # configuration keywords, filters, services
            line = re.sub(r"\[.*?\]", " ", line)
            for token in line.split():
                if token.startswith("<") or token.startswith("+") or token.startswith("-1"):
                    continue
                token = token.rstrip("*")
                if token:
                    words.add(token)
    return frozenset(words)


# --- the mutations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """One mutation of one base text: replace ``[start, end)`` with ``replacement``.

    ``original``/``new`` are the word as written before and after (for an inserted word,
    ``original`` is the word it follows; for a removed one, ``new`` is empty).
    """

    klass: int
    kind: str
    base: str
    line: int
    original: str
    new: str
    start: int
    end: int
    replacement: str
    variant: int = 0
    text: str = field(default="", repr=False, compare=False)     # the mutated text
    removed: str = field(default="", repr=False, compare=False)  # the base's text[start:end]

    @property
    def base_text(self) -> str:
        """The unmutated text, rebuilt from the mutated one."""
        return self.text[: self.start] + self.removed + self.text[self.start + len(self.replacement):]

    @property
    def key(self) -> tuple:
        return (self.klass, self.kind, self.base, self.line, self.start, self.end, self.replacement)

    def describe(self) -> str:
        return f"{self.base}:{self.line} [{self.kind}] {self.original!r} -> {self.new!r}"


_LETTERS_LOWER = "abcdefghijklmnopqrstuvwxyz"
_LETTERS_UPPER = _LETTERS_LOWER.upper()
_DURATION = re.compile(r"^(\d+)(us|ms|s|m|h|d)?$")
_HOSTPORT = re.compile(r"^(?P<host>(?:[^:\[\]@$]*|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*::?[0-9A-Fa-f:.]*?)):(?P<port>\d{1,5})(?P<range>-\d{1,5})?$")
_BAD_UNITS = ("x", "sec", "mins", "q", "hrs", "sx", "k")
_BAD_FLAGS = ("-j", "-x", "-I", "-k", "-y", "-q", "-e", "-N")
_BAD_STATUS = ("418", "999", "306", "600", "499")
_BAD_REDIRECT = ("305", "300", "304", "309", "200")
_BAD_ERRORFILE = ("418", "599", "302", "600", "406")

#: Server parameters whose value is a duration, a number in a range, an enumerated value, or
#: a name that must exist.
_SERVER_DURATIONS = frozenset({"inter", "fastinter", "downinter", "slowstart", "agent-inter",
                               "pool-purge-delay", "tcp-ut"})
_SERVER_ENUMS = {
    "ssl-min-ver": "ssl-version", "ssl-max-ver": "ssl-version", "verify": "verify",
    "init-addr": "init-addr", "resolve-prefer": "resolve-prefer", "observe": "observe",
    "on-error": "on-error", "on-marked-down": "on-marked", "on-marked-up": "on-marked",
    "log-proto": "proto", "proto": "proto", "check-proto": "proto",
}
_BIND_ENUMS = {"ssl-min-ver": "ssl-version", "ssl-max-ver": "ssl-version", "verify": "verify",
               "level": "stats-level", "severity-output": "severity", "proto": "proto"}
_BIND_DURATIONS = frozenset({"tcp-ut"})

_RULESETS = ("http-request", "http-response", "http-after-response", "tcp-request", "tcp-response")
_CHECKS = ("http-check", "tcp-check")
_COND_DIRECTIVES = frozenset(
    {"use_backend", "use-server", "redirect", "http-request", "http-response",
     "http-after-response", "tcp-request", "tcp-response", "stick", "force-persist",
     "ignore-persist", "monitor", "stats", "http-error", "filter"}
)
#: Actions whose next word is a sample expression.
_EXPR_ACTIONS = frozenset({"set-var", "set-src", "set-src-port", "set-dst", "set-dst-port",
                           "track-sc0", "track-sc1", "track-sc2", "capture",
                           "set-priority-class", "set-priority-offset", "do-resolve"})
#: Directives whose every argument is a log-format string.
_LF_DIRECTIVES = frozenset({"log-format", "log-format-sd", "error-log-format", "unique-id-format"})
#: Actions whose arguments are log-format strings.
_LF_ACTIONS = frozenset({"add-header", "set-header", "set-path", "set-pathq", "set-uri",
                         "set-query", "set-var-fmt", "redirect", "return", "early-hint",
                         "set-method", "set-map", "add-acl", "del-acl", "del-map", "auth",
                         "send", "send-lf", "string-lf", "uri-lf", "body-lf"})
_SINGLE_ARG_SKIP = frozenset({"option", "no", "acl", "server", "bind", "default-server",
                              "http-request", "http-response", "http-after-response",
                              "tcp-request", "tcp-response", "http-check", "tcp-check",
                              "errorfile", "capture", "stick", "cookie", "stick-table",
                              "description", "use-server", "use_backend", "redirect"})


class _Generator:
    """Walks one configuration and emits every candidate mutation in a fixed order."""

    def __init__(self, base: str, text: str, seed: int | str, valid: frozenset[str],
                 versions: Sequence[str] = ("2.6", "2.8")) -> None:
        self.base = base
        self.text = text
        self.seed = seed
        self.rng = self.line_rng(0)
        self.config = haproxy_lint.parse(text, base)
        self.tables = [kw.table(v) for v in versions]
        own: set[str] = set()
        for line in self.config.lines:
            for word in line.words:
                for token in re.split(r"[^A-Za-z0-9_.+-]+", word.value):
                    if token:
                        own.add(token)
        self.forbidden = valid | own
        self.forbidden_lower = frozenset(w.lower() for w in self.forbidden)
        self.out: list[Mutation] = []
        self.sections_named = {s.name for s in self.config.sections if s.name}

    def line_rng(self, number: int) -> random.Random:
        """The random choices for one line come from their own stream: a change elsewhere
        (another line, a longer list of known words) leaves this line's mutations alone."""
        return random.Random(f"mutations:{self.seed}:{self.base}:{number}")

    # -- emitting ---------------------------------------------------------------------------

    def emit(self, klass: int, kind: str, line: int, start: int, end: int, replacement: str,
             original: str, new: str, variant: int = 0) -> None:
        self.out.append(Mutation(klass, kind, self.base, line, original, new, start, end,
                                 replacement, variant))

    def replace_word(self, klass: int, kind: str, line, word, new_raw: str, variant: int = 0) -> None:
        if new_raw == word.raw:
            return
        self.emit(klass, kind, line.line, word.start, word.end, new_raw, word.raw, new_raw, variant)

    def replace_part(self, klass: int, kind: str, line, word, a: int, b: int, repl: str,
                     variant: int = 0) -> None:
        """Replace ``word.raw[a:b]`` with ``repl``."""
        new_raw = word.raw[:a] + repl + word.raw[b:]
        self.replace_word(klass, kind, line, word, new_raw, variant)

    def drop_word(self, klass: int, kind: str, line, index: int) -> None:
        """Remove a word and the blanks before it."""
        words = line.words
        word = words[index]
        start = words[index - 1].end if index > 0 else word.start
        self.emit(klass, kind, line.line, start, word.end, "", word.raw, "")

    def insert_after(self, klass: int, kind: str, line, word, new: str) -> None:
        self.emit(klass, kind, line.line, word.end, word.end, " " + new, word.raw, f"{word.raw} {new}")

    # -- misspellings -----------------------------------------------------------------------

    def is_known(self, candidate: str) -> bool:
        return candidate in self.forbidden or candidate.lower() in self.forbidden_lower

    def typos(self, s: str, n: int = 2, extra_forbidden: Iterable[str] = ()) -> list[str]:
        """Up to ``n`` distinct misspellings of ``s`` (a letter dropped, swapped, doubled or
        replaced), none of them a word HAProxy knows."""
        letters = [i for i, c in enumerate(s) if c.isalpha()]
        if not letters:
            return []
        extra = set(extra_forbidden)
        found: list[str] = []
        rng = self.rng
        for _ in range(12 * n):
            op = rng.choice(("drop", "swap", "dup", "replace", "replace"))
            i = rng.choice(letters)
            if op == "drop":
                if len(s) < 3:
                    continue
                cand = s[:i] + s[i + 1:]
            elif op == "dup":
                cand = s[:i] + s[i] + s[i:]
            elif op == "swap":
                if i + 1 >= len(s) or not s[i + 1].isalpha() or s[i] == s[i + 1]:
                    continue
                cand = s[:i] + s[i + 1] + s[i] + s[i + 2:]
            else:
                pool = _LETTERS_UPPER if s[i].isupper() else _LETTERS_LOWER
                c = rng.choice(pool)
                if c.lower() == s[i].lower():
                    continue
                cand = s[:i] + c + s[i + 1:]
            if cand == s or cand in found or cand in extra or self.is_known(cand):
                continue
            found.append(cand)
            if len(found) >= n:
                break
        return found

    def typo_word(self, klass: int, kind: str, line, word, n: int = 2, part: tuple[int, int] | None = None,
                  extra_forbidden: Iterable[str] = ()) -> None:
        """Misspell a word, or the part ``word.raw[a:b]`` of it."""
        if "$" in word.raw:
            return
        a, b = part if part is not None else (0, len(word.raw))
        for variant, typo in enumerate(self.typos(word.raw[a:b], n, extra_forbidden)):
            self.replace_part(klass, kind, line, word, a, b, typo, variant)

    # -- the walk ---------------------------------------------------------------------------

    def run(self) -> list[Mutation]:
        self.rng = self.line_rng(0)
        self.file_level()
        for section in self.config.sections:
            if section.header.depth:
                continue
            self.rng = self.line_rng(section.header.line)
            self.section_header(section)
            acls = self.defined_acls(section)
            for line in section.directives:
                if line.depth or not line.words or line.kind != "directive":
                    continue
                if any("$" in w.raw for w in line.words[:1]):
                    continue
                self.rng = self.line_rng(line.line)
                self.directive(section, line, acls)
        return self.out

    def defined_acls(self, section) -> set[str]:
        return {line.words[1].value for line in section.directives
                if line.keyword == "acl" and len(line.words) > 1}

    def directive(self, section, line, acls: set[str]) -> None:
        words = line.words
        k = words[0].value
        kind = section.kind
        proxy = kind in PROXY_KINDS
        if proxy and k in ("server", "default-server", "server-template") and kind != "frontend":
            self.server(line)
        elif proxy and k == "bind" and kind in ("frontend", "listen"):
            self.bind(line)
        if proxy and (k in _RULESETS or k in _CHECKS):
            self.action(section, line)
        if proxy and k == "redirect":
            self.redirect_args(line, 1)
        if proxy and k == "use-server" and len(words) > 1:
            self.typo_word(2, "undefined-server", line, words[1], 2)
        if proxy and k == "acl" and len(words) > 2:
            self.acl_line(section, line)
        if proxy and k in _COND_DIRECTIVES:
            self.condition(section, line, acls)
        if proxy and k == "stick" and len(words) > 2 and words[1].value in (
                "on", "match", "store-request", "store-response"):
            self.expression(line, words[2], "stick")
            table_i = line.find("table", 3)
            if table_i > 0 and table_i + 1 < len(words):
                self.typo_word(2, "undefined-table", line, words[table_i + 1], 1)
        self.percent_expressions(line)
        self.log_format(section, line)
        self.enums(section, line)
        self.shapes(section, line)

    # -- class 1: server and bind parameters --------------------------------------------------

    def server(self, line) -> None:
        words = line.words
        k = words[0].value
        first = {"server": 3, "default-server": 1, "server-template": 4}[k]
        if k == "server" and len(words) > 2:
            self.address(line, 2, "server")
        self.params(line, first, "server")

    def bind(self, line) -> None:
        if len(line.words) > 1:
            self.address(line, 1, "bind")
        self.params(line, 2, "bind")

    def option_info(self, kind: str, name: str):
        infos = [t.option_info(kind, name) for t in self.tables]
        if any(i is None for i in infos):
            return None
        return infos[0]

    def params(self, line, first: int, kind: str) -> None:
        words = line.words
        i = first
        durations = _SERVER_DURATIONS if kind == "server" else _BIND_DURATIONS
        enums = _SERVER_ENUMS if kind == "server" else _BIND_ENUMS
        while i < len(words):
            word = words[i]
            name = word.value
            info = self.option_info(kind, name)
            if info is None or "$" in word.raw:
                return
            self.typo_word(1, f"{kind}-param-typo", line, word, 1)
            if not info.takes_arg:
                i += 1
                continue
            if i + 1 >= len(words):
                return
            value = words[i + 1]
            if "$" not in value.raw:
                self.param_value(line, kind, name, value, durations, enums)
                if i + 2 == len(words) or self.option_info(kind, words[i + 2].value) is not None:
                    self.drop_word(1, f"{kind}-param-no-value", line, i + 1)
            i += 2

    def param_value(self, line, kind: str, name: str, value, durations, enums) -> None:
        v = value.value
        rng = self.rng
        if name in durations:
            m = _DURATION.match(v)
            if m:
                self.replace_word(1, "bad-duration", line, value, m.group(1) + rng.choice(_BAD_UNITS))
        elif name == "weight" and v.isdigit():
            self.replace_word(1, "out-of-range", line, value, str(rng.randint(257, 999)))
        elif name in ("rise", "fall") and v.isdigit():
            self.replace_word(1, "out-of-range", line, value, "0")
        elif name in ("port", "agent-port") and v.isdigit():
            self.replace_word(1, "out-of-range", line, value, str(rng.randint(65536, 99999)))
        elif name in enums:
            if name.startswith("ssl-m"):
                self.replace_word(1, "bad-enum", line, value, rng.choice(("TLSv1.4", "TLSv2", "SSLv2", "TLSv12", "TLS1.2")))
            else:
                parts = v.split(",")
                if len(parts) > 1:  # init-addr last,libc,none: misspell one of them
                    j = rng.randrange(len(parts))
                    a = sum(len(p) + 1 for p in parts[:j])
                    self.typo_word(1, "bad-enum", line, value, 1, (a, a + len(parts[j])))
                else:
                    self.typo_word(1, "bad-enum", line, value, 1)
        elif name == "resolvers":
            self.typo_word(1, "undefined-name", line, value, 1, extra_forbidden=self.sections_named)
        elif name == "track":
            raw = value.raw
            a = raw.find("/") + 1
            self.typo_word(1, "undefined-name", line, value, 1, (a, len(raw)))
        elif name == "sni":
            self.expression(line, value, "sni")

    def address(self, line, index: int, kind: str) -> None:
        """Class 7: a bad port, or a keyword standing where the address goes."""
        words = line.words
        word = words[index]
        raw = word.raw
        if "$" in raw or '"' in raw or "'" in raw or "\\" in raw:
            return
        first = raw.split(",", 1)[0]
        m = _HOSTPORT.match(first)
        if m:
            port = m.group("port")
            a = m.start("port")
            self.replace_part(7, "port-out-of-range", line, word, a, a + len(port),
                              str(self.rng.randint(65536, 99999)))
            j = self.rng.randrange(len(port) + 1)
            letter = self.rng.choice("iolx")
            self.replace_part(7, "port-not-a-number", line, word, a + j, a + j, letter)
        nxt = words[index + 1].value if index + 1 < len(words) else None
        if nxt is not None and self.option_info(kind, nxt) is not None and kind == "server":
            self.drop_word(7, "keyword-as-address", line, index)

    # -- class 2: actions ---------------------------------------------------------------------

    def action(self, section, line) -> None:
        words = line.words
        k = words[0].value
        if len(words) < 2:
            return
        if k in ("tcp-request", "tcp-response"):
            sub = words[1].value
            if sub == "inspect-delay":
                if len(words) > 2:
                    self.duration_value(line, words[2])
                return
            if sub not in ("connection", "session", "content") or len(words) < 3:
                return
            self.typo_word(2, "ruleset-typo", line, words[1], 1)
            ai = 2
        else:
            ai = 1
        aword = words[ai]
        raw = aword.raw
        name = raw.split("(", 1)[0]
        if "$" in raw:
            return
        kind = "check-typo" if k in _CHECKS else "action-typo"
        self.typo_word(2, kind, line, aword, 2, (0, len(name)))
        base_name = re.sub(r"\d+$", "", name)
        if name in ("set-var", "set-var-fmt", "unset-var") and "(" in raw and "." in raw:
            a = raw.index("(") + 1
            b = raw.index(".", a)
            self.typo_word(2, "var-scope", line, aword, 1, (a, b), extra_forbidden=ENUMS["var-scope"])
        rest = ai + 1
        if k in _CHECKS:
            if name == "set-var" and rest < len(words):
                self.expression(line, words[rest], "set-var")
            self.check_args(line, name, rest)
            return
        if (name in _EXPR_ACTIONS or base_name in ("track-sc", "sc-set-gpt")) and rest < len(words):
            self.expression(line, words[rest], name)
        if name in ("deny", "tarpit", "return", "auth"):
            for i in range(rest, len(words) - 1):
                if words[i].value in ("deny_status", "status"):
                    self.typo_word(2, "action-arg-typo", line, words[i], 1)
                    if words[i + 1].value.isdigit():
                        self.replace_word(2, "bad-status", line, words[i + 1], self.rng.choice(_BAD_STATUS))
        elif name == "redirect":
            self.redirect_args(line, rest)
        elif base_name == "track-sc" or name.startswith("sc-"):
            t = line.find("table", rest)
            if t > 0 and t + 1 < len(words):
                self.typo_word(2, "action-arg-typo", line, words[t], 1)
                self.typo_word(2, "undefined-table", line, words[t + 1], 1,
                               extra_forbidden=self.sections_named)
        elif name == "set-timeout" and rest < len(words):
            self.typo_word(2, "action-arg-typo", line, words[rest], 1, extra_forbidden=ENUMS["set-timeout"])
        elif name == "set-log-level" and rest < len(words):
            self.typo_word(2, "action-arg-typo", line, words[rest], 1)
        elif name == "use-service" and rest < len(words):
            self.typo_word(2, "action-arg-typo", line, words[rest], 1)
        elif name == "capture":
            for i in range(rest + 1, len(words) - 1):
                if words[i].value in ("len", "id"):
                    self.typo_word(2, "action-arg-typo", line, words[i], 1)

    def redirect_args(self, line, rest: int) -> None:
        words = line.words
        if rest >= len(words):
            return
        if words[rest].value in ("location", "prefix", "scheme"):
            self.typo_word(2, "redirect-typo", line, words[rest], 1)
        for i in range(rest + 2, len(words)):
            value = words[i].value
            if value in ("if", "unless"):
                break
            if value == "code" and i + 1 < len(words):
                self.typo_word(2, "redirect-typo", line, words[i], 1)
                self.replace_word(2, "bad-status", line, words[i + 1], self.rng.choice(_BAD_REDIRECT))
            elif value in ("drop-query", "append-slash", "set-cookie", "clear-cookie", "ignore-empty", "keep-query"):
                self.typo_word(2, "redirect-typo", line, words[i], 1)

    _CHECK_ARGS = {
        "send": {"meth", "uri", "uri-lf", "ver", "hdr", "body", "body-lf", "comment"},
        "connect": {"default", "port", "addr", "send-proxy", "via-socks4", "sni", "alpn", "linger",
                    "ssl", "proto", "comment"},
        "expect": {"status", "rstatus", "string", "rstring", "hdr", "fhdr", "binary", "rbinary",
                   "string-lf", "binary-lf", "min-recv", "ok-status", "error-status",
                   "tout-status", "on-success", "on-error", "status-code", "comment", "custom"},
    }

    def check_args(self, line, name: str, rest: int) -> None:
        words = line.words
        allowed = self._CHECK_ARGS.get(name, set())
        for i in range(rest, len(words)):
            value = words[i].value
            if value in allowed and (name != "expect" or i <= rest + 1 or value in ("min-recv", "comment", "on-success", "on-error", "status-code", "ok-status", "error-status", "tout-status")):
                self.typo_word(2, "check-arg-typo", line, words[i], 1)
        if name == "send-binary" and rest < len(words) and re.fullmatch(r"[0-9A-Fa-f]+", words[rest].value):
            w = words[rest]
            j = self.rng.randrange(len(w.raw))
            self.replace_part(2, "bad-hex", line, w, j, j + 1, self.rng.choice("zgxq"))

    # -- class 3: fetches and converters ----------------------------------------------------------

    def expression(self, line, word, where: str) -> None:
        """Misspell the fetch, or one converter, of the sample expression that is ``word``."""
        raw = word.raw
        if "$" in raw or raw.startswith("{") or not raw:
            return
        self.expr_text(line, word, 0, len(raw), where)

    def expr_text(self, line, word, a: int, b: int, where: str) -> None:
        raw = word.raw
        segments = _split_commas(raw, a, b)
        if not segments:
            return
        s0, e0 = segments[0]
        fname_end = s0
        while fname_end < e0 and raw[fname_end] not in "(":
            fname_end += 1
        fetch = raw[s0:fname_end]
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.+-]*", fetch) and not fetch.isdigit():
            for variant, typo in enumerate(self.typos(fetch, 2)):
                self.replace_part(3, f"fetch-typo-{where}", line, word, s0, fname_end, typo, variant)
        if len(segments) > 1:
            s, e = segments[1 + self.rng.randrange(len(segments) - 1)]
            cend = s
            while cend < e and raw[cend] != "(":
                cend += 1
            conv = raw[s:cend]
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", conv):
                for variant, typo in enumerate(self.typos(conv, 2)):
                    self.replace_part(3, f"converter-typo-{where}", line, word, s, cend, typo, variant)

    def percent_expressions(self, line) -> None:
        """Every ``%[...]`` of the line: misspell its fetch or a converter (class 3)."""
        for word in line.words[1:]:
            raw = word.raw
            if "%[" not in raw or "$" in raw:
                continue
            for a, b in _percent_brackets(raw):
                self.expr_text(line, word, a, b, "lf")

    # -- class 4: ACLs ----------------------------------------------------------------------------

    def acl_line(self, section, line) -> None:
        words = line.words
        self.expression(line, words[2], "acl")
        self.acl_flags(line, 3, kind_prefix="acl")
        # Rename the definition: every reference names an undefined ACL (HAProxy names the
        # line of the first reference, not this one).
        name = words[1]
        others = [l for l in section.directives if l.keyword == "acl" and len(l.words) > 1
                  and l.words[1].value == name.value]
        if len(others) == 1 and self.referenced(section, name.value):
            self.typo_word(4, "acl-definition-renamed", line, name, 1)

    def referenced(self, section, name: str) -> bool:
        for line in section.directives:
            if line.keyword in _COND_DIRECTIVES:
                values = [w.value.lstrip("!") for w in line.words]
                if name in values:
                    return True
        return False

    def acl_flags(self, line, first: int, kind_prefix: str, end: int | None = None) -> None:
        words = line.words
        end = len(words) if end is None else end
        i = first
        flagged = False
        while i < end:
            value = words[i].value
            if not value.startswith("-") or value == "--" or len(value) < 2:
                break
            if value in ENUMS["acl-flags"]:
                flagged = True
                self.replace_word(4, "flag-typo", line, words[i], self.rng.choice(_BAD_FLAGS))
                if value in ("-m", "-f", "-u") and i + 1 < end:
                    if value == "-m":
                        self.typo_word(4, "match-method-typo", line, words[i + 1], 1)
                    i += 2
                    continue
            i += 1
        if not flagged and first < end and not words[first].value.startswith("-"):
            # A flag-like word where a pattern stands.
            flag = self.rng.choice(_BAD_FLAGS)
            self.emit(4, "flag-insert", line.line, words[first].start, words[first].start,
                      flag + " ", words[first].raw, f"{flag} {words[first].raw}")

    def condition(self, section, line, acls: set[str]) -> None:
        words = line.words
        start = None
        for i in range(1, len(words)):
            if words[i].value in ("if", "unless"):
                start = i
                break
        if start is None:
            return
        self.typo_word(4, "condition-keyword", line, words[start], 1)
        i = start + 1
        predefined = set(ENUMS["predefined-acls"])
        while i < len(words):
            word = words[i]
            value = word.value
            if value == "{":
                close = i + 1
                while close < len(words) and words[close].value != "}":
                    close += 1
                if i + 1 < close:
                    self.expression(line, words[i + 1], "anon")
                    self.acl_flags(line, i + 2, "anon", close)
                i = close + 1
                continue
            if value in ("||", "or", "!") or "$" in word.raw:
                i += 1
                continue
            name = value.lstrip("!")
            offset = len(word.raw) - len(word.raw.lstrip("!"))
            if name in acls:
                self.typo_word(4, "undefined-acl", line, word, 2, (offset, len(word.raw)),
                               extra_forbidden=acls | predefined)
            elif name in predefined:
                self.typo_word(4, "predefined-acl-typo", line, word, 1, (offset, len(word.raw)),
                               extra_forbidden=acls | predefined)
            i += 1

    # -- class 5: enumerated values -----------------------------------------------------------

    def enums(self, section, line) -> None:
        words = line.words
        k = words[0].value
        n = len(words)
        kind = section.kind
        proxy = kind in PROXY_KINDS
        if proxy and k == "mode" and n > 1:
            self.typo_word(5, "mode", line, words[1], 2)
        elif proxy and k == "balance" and n > 1:
            raw = words[1].raw
            self.typo_word(5, "balance", line, words[1], 2, (0, len(raw.split("(", 1)[0])))
        elif proxy and k in ("hash-type", "http-reuse", "load-server-state-from-file") and n > 1:
            for w in words[1:]:
                self.typo_word(5, k, line, w, 1)
        elif proxy and k == "retry-on":
            for w in words[1:]:
                if w.value.isdigit():
                    self.replace_word(5, "retry-on", line, w, self.rng.choice(("405", "406", "499", "600")))
                else:
                    self.typo_word(5, "retry-on", line, w, 1)
        elif proxy and k == "cookie" and n > 2:
            skip = False
            for w in words[2:]:
                if skip:
                    skip = False
                    continue
                if w.value in ENUMS["cookie"]:
                    self.typo_word(5, "cookie-option", line, w, 1)
                    skip = w.value in ("domain", "maxidle", "maxlife", "attr")
        elif k == "stick-table":
            self.stick_table(line)
        elif proxy and k == "compression" and n > 1:
            self.typo_word(5, "compression", line, words[1], 1)
            if words[1].value.startswith("algo"):
                for w in words[2:]:
                    self.typo_word(5, "compression", line, w, 1)
        elif k == "log" and n > 2:
            self.log_line(line)
        elif k == "stats" and n > 1:
            if words[1].value == "socket":
                i = line.find("level", 3)
                if i > 0 and i + 1 < n:
                    self.typo_word(5, "stats-socket-level", line, words[i + 1], 1)
            elif proxy:
                self.typo_word(5, "stats-keyword", line, words[1], 1)
        elif proxy and (k == "option" or (k == "no" and n > 2 and words[1].value == "option")):
            oi = 1 if k == "option" else 2
            if oi < n:
                self.typo_word(5, "option-name", line, words[oi], 1)
                name = words[oi].value
                for w in words[oi + 1:]:
                    if w.value in ("except", "header", "if-none", "clf") and name in ("forwardfor", "originalto", "httplog"):
                        self.typo_word(5, "option-arg", line, w, 1)
                if name in ("tcplog", "dontlognull", "redispatch", "http-server-close", "httpclose",
                            "forceclose", "abortonclose", "allbackups", "tcp-check", "log-health-checks",
                            "dontlog-normal", "http-keep-alive", "contstats", "socket-stats") and oi + 1 == n:
                    self.insert_after(5, "option-arg", line, words[oi], self.rng.choice(("clf", "all", "yes", "on")))
        elif k == "timeout" and n > 1:
            self.typo_word(5, "timeout-kind", line, words[1], 1)
        elif proxy and k == "capture" and n > 2:
            for w in words[1:]:
                if w.value in ENUMS["capture"]:
                    self.typo_word(5, "capture-form", line, w, 1)
        elif k == "errorfile" and n > 2 and words[1].value.isdigit():
            self.replace_word(5, "errorfile-code", line, words[1], self.rng.choice(_BAD_ERRORFILE))
        elif k in ("ssl-default-bind-options", "ssl-default-server-options") and n > 1:
            for w in words[1:]:
                if not re.match(r"^(TLS|SSL)v", w.value):
                    self.typo_word(5, "ssl-options", line, w, 1)
        elif kind == "ring" and k == "format" and n > 1:
            self.typo_word(5, "ring-format", line, words[1], 1)
        elif kind == "resolvers" and k == "hold" and n > 1:
            self.typo_word(5, "resolvers-hold", line, words[1], 1)

    def stick_table(self, line) -> None:
        words = line.words
        i = 1
        while i < len(words):
            value = words[i].value
            if value == "type" and i + 1 < len(words):
                self.typo_word(5, "stick-table", line, words[i], 1)
                self.typo_word(5, "stick-table-type", line, words[i + 1], 1)
                i += 2
                if i < len(words) and words[i].value == "len":
                    i += 2
                continue
            if value in ("size", "expire", "peers", "srvkey", "write-to"):
                self.typo_word(5, "stick-table", line, words[i], 1)
                i += 2
                continue
            if value == "store" and i + 1 < len(words):
                self.typo_word(5, "stick-table", line, words[i], 1)
                store = words[i + 1]
                parts = _split_commas(store.raw, 0, len(store.raw))
                if parts:
                    s, e = parts[self.rng.randrange(len(parts))]
                    name_end = s
                    while name_end < e and store.raw[name_end] != "(":
                        name_end += 1
                    self.typo_word(5, "stick-table-store", line, store, 1, (s, name_end))
                i += 2
                continue
            if value == "nopurge":
                self.typo_word(5, "stick-table", line, words[i], 1)
            i += 1

    def log_line(self, line) -> None:
        """``log <addr> [len N] [format F] [sample R:S] [profile P] <facility> [<level> [<minlevel>]]``."""
        words = line.words
        if words[1].value in ("global", "stdout", "stderr") and len(words) == 2:
            return
        i = 2
        while i + 1 < len(words) and words[i].value in ("len", "format", "sample", "profile"):
            if words[i].value == "format":
                self.typo_word(5, "log-format-name", line, words[i + 1], 1)
            i += 2
        if i < len(words) and words[i].value in ENUMS["facility"]:
            w = words[i]
            if w.value.startswith("local"):
                self.replace_word(5, "log-facility", line, w, "local" + self.rng.choice("89"))
            else:
                self.typo_word(5, "log-facility", line, w, 1)
            for j in (i + 1, i + 2):
                if j < len(words) and words[j].value in ENUMS["level"]:
                    self.typo_word(5, "log-level", line, words[j], 1)

    # -- class 6: log-format strings ----------------------------------------------------------

    def log_format(self, section, line) -> None:
        words = line.words
        k = words[0].value
        if section.kind not in PROXY_KINDS:
            return
        targets: list = []
        if k in _LF_DIRECTIVES:
            targets = list(words[1:])
        elif k in _RULESETS and len(words) > 2:
            ai = 2 if k in ("tcp-request", "tcp-response") else 1
            if ai < len(words) and words[ai].value.split("(", 1)[0] in _LF_ACTIONS:
                targets = list(words[ai + 1:])
        elif k == "redirect":
            targets = list(words[2:3])
        elif k in _CHECKS and len(words) > 1 and words[1].value in ("send", "send-lf", "expect"):
            targets = list(words[2:])
        for word in targets:
            if word.value in ("if", "unless"):
                break
            if "%" in word.raw and "$" not in word.raw:
                self.log_format_word(line, word)

    def log_format_word(self, line, word) -> None:
        raw = word.raw
        aliases = set(LOG_ALIASES)
        i = 0
        while i < len(raw):
            if raw[i] != "%":
                i += 1
                continue
            if raw.startswith("%%", i):
                i += 2
                continue
            j = i + 1
            if j < len(raw) and raw[j] == "{":
                close = raw.find("}", j)
                if close < 0:
                    return
                flags = raw[j + 1:close]
                m = re.search(r"[+-]([A-Za-z]+)", flags)
                if m:
                    self.replace_part(6, "flag-typo", line, word, j + 1 + m.start(1), j + 1 + m.end(1),
                                      self.rng.choice(("q", "Qq", "Y", "Z", "quote")))
                self.replace_part(6, "unclosed-brace", line, word, close, close + 1, "")
                j = close + 1
            if j < len(raw) and raw[j] == "[":
                depth, k = 0, j
                while k < len(raw):
                    if raw[k] == "[":
                        depth += 1
                    elif raw[k] == "]":
                        depth -= 1
                        if depth == 0:
                            break
                    k += 1
                if k < len(raw) and raw[k] == "]" and k + 1 == len(raw.rstrip('"')):
                    self.replace_part(6, "unclosed-bracket", line, word, k, k + 1, "")
                i = k + 1
                continue
            k = j
            while k < len(raw) and raw[k].isalpha():
                k += 1
            alias = raw[j:k]
            if alias in aliases:
                for variant, typo in enumerate(self.typos(alias, 3, extra_forbidden=aliases)):
                    self.replace_part(6, "alias-typo", line, word, j, k, typo, variant)
            i = max(k, i + 1)

    # -- class 7: shapes ----------------------------------------------------------------------

    def duration_value(self, line, word) -> None:
        m = _DURATION.match(word.value)
        if m and "$" not in word.raw:
            self.replace_word(7, "bad-duration", line, word, m.group(1) + self.rng.choice(_BAD_UNITS))

    def shapes(self, section, line) -> None:
        words = line.words
        k = words[0].value
        n = len(words)
        if k == "timeout" and n == 3:
            self.duration_value(line, words[2])
        elif k == "stats" and n == 3 and words[1].value in ("timeout", "refresh"):
            self.duration_value(line, words[2])
        elif section.kind == "global" and k in ("hard-stop-after", "grace") and n == 2:
            self.duration_value(line, words[1])
        if k in _SINGLE_ARG_SKIP or k.startswith("tune.") or "$" in line.text:
            return
        info = self.tables[0].lookup(section.kind, [w.value for w in words])
        if info is None or info.prefix:
            return
        span = len(info.keyword.split())
        if n == span + 1 and span <= 2:
            self.drop_word(7, "missing-argument", line, span)
            self.insert_after(7, "extra-argument", line, words[span], words[span].raw)
        if section.kind == "peers" and k in ("peer", "server") and n > 2:
            self.address(line, 2, "peer")
        elif section.kind == "resolvers" and k == "nameserver" and n > 2:
            self.address(line, 2, "nameserver")

    # -- class 8: file-level ------------------------------------------------------------------

    def file_level(self) -> None:
        text = self.text
        lines = self.config.lines
        last = None
        for line in reversed(lines):
            if line.text.strip():
                last = line
                break
        if last is not None and last.eol:
            # Remove the last content line's line ending and everything after it.
            end = len(text)
            self.emit(8, "no-final-newline", last.line, last.end - len(last.eol), end, "",
                      last.text.strip()[-20:] + "\\n", last.text.strip()[-20:])

    def section_header(self, section) -> None:
        header = section.header
        words = header.words
        if not words or any("$" in w.raw for w in words):
            return
        kind = section.kind
        if kind in ("frontend", "listen") and len(words) >= 2:
            addr = self.rng.choice((":80", "*:8080", "0.0.0.0:443", "127.0.0.1:8000", ":::80"))
            self.insert_after(8, "address-on-header", header, words[1], addr)
        # A named defaults section used both through "from" and implicitly (or no longer
        # found by name): drop the name of a named one, or add "from NAME" to a proxy.
        if kind == "defaults" and len(words) == 2:
            self.drop_word(8, "named-defaults", header, 1)
        if kind in PROXY_KINDS and len(words) >= 4 and words[2].value == "from":
            self.typo_word(8, "named-defaults", header, words[3], 1, extra_forbidden=self.sections_named)
        if kind in ("frontend", "listen", "backend") and len(words) == 2:
            named = [s for s in self.config.sections if s.kind == "defaults" and s.name
                     and s.header.start < header.start]
            if named:
                target = named[-1].name
                self.insert_after(8, "named-defaults", header, words[1], f"from {target}")


def _split_commas(raw: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of ``raw[a:b]`` between commas outside parentheses (fetch, converters)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = a
    quote = None
    for i in range(a, b):
        c = raw[i]
        if quote:
            if c == quote:
                quote = None
            continue
        if c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif c == "," and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, b))
    return [(s, e) for s, e in spans if e > s]


def _percent_brackets(raw: str) -> list[tuple[int, int]]:
    """Spans inside ``%[...]`` (after an optional ``%{flags}``) of a raw word."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(raw):
        if raw.startswith("%%", i):
            i += 2
            continue
        if raw[i] == "%":
            j = i + 1
            if j < len(raw) and raw[j] == "{":
                close = raw.find("}", j)
                if close < 0:
                    break
                j = close + 1
            if j < len(raw) and raw[j] == "[":
                depth = 0
                k = j
                while k < len(raw):
                    if raw[k] == "[":
                        depth += 1
                    elif raw[k] == "]":
                        depth -= 1
                        if depth == 0:
                            break
                    k += 1
                if k < len(raw):
                    spans.append((j + 1, k))
                i = k + 1
                continue
        i += 1
    return spans


def candidates(base: str, text: str, seed: int | str, valid: frozenset[str] | None = None) -> list[Mutation]:
    """Every candidate mutation of one text, in a fixed order (deterministic for a seed)."""
    valid = known_words() if valid is None else valid
    found = _Generator(base, text, seed, valid).run()
    out: list[Mutation] = []
    seen: set[tuple] = set()
    for m in found:
        if m.key in seen:
            continue
        seen.add(m.key)
        mutated = text[: m.start] + m.replacement + text[m.end:]
        if mutated == text:
            continue
        out.append(_with_text(m, mutated, text[m.start:m.end]))
    return out


def _with_text(m: Mutation, text: str, removed: str) -> Mutation:
    return Mutation(m.klass, m.kind, m.base, m.line, m.original, m.new, m.start, m.end,
                    m.replacement, m.variant, text, removed)


def generate(bases: dict[str, str], seed: int | str, per_class: int | None = None,
             valid: frozenset[str] | None = None, classes: Iterable[int] = CLASSES) -> list[Mutation]:
    """The mutations of every base, ``per_class`` of each class (all when None).

    The choice is spread evenly: round robin over the class's kinds, and within a kind over
    the bases, first variants before second ones, each level in a seeded shuffled order.
    """
    valid = known_words() if valid is None else valid
    pool: dict[int, dict[str, dict[str, list[Mutation]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for base in sorted(bases):
        for m in candidates(base, bases[base], seed, valid):
            pool[m.klass][m.kind][m.base].append(m)
    chosen: list[Mutation] = []
    for klass in sorted(classes):
        rng = random.Random(f"select:{seed}:{klass}")
        queues: list[list[Mutation]] = []
        for kind in sorted(pool[klass]):
            by_base = pool[klass][kind]
            names = sorted(by_base)
            rng.shuffle(names)
            lists = []
            for name in names:
                items = list(by_base[name])
                rng.shuffle(items)
                items.sort(key=lambda m: m.variant)  # stable: shuffled within each variant rank
                lists.append(items)
            merged: list[Mutation] = []
            depth = 0
            while any(depth < len(l) for l in lists):
                merged.extend(l[depth] for l in lists if depth < len(l))
                depth += 1
            merged.sort(key=lambda m: m.variant)
            queues.append(merged)
        rng.shuffle(queues)
        picked: list[Mutation] = []
        depth = 0
        while any(depth < len(q) for q in queues) and (per_class is None or len(picked) < per_class):
            for q in queues:
                if depth < len(q):
                    picked.append(q[depth])
                    if per_class is not None and len(picked) >= per_class:
                        break
            depth += 1
        chosen.extend(picked)
    return chosen


# --- the bases ---------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_verdicts: dict[tuple[str, str], "Check"] = {}


@dataclass(frozen=True)
class Check:
    """What ``haproxy -c`` said of one text."""

    accepted: bool
    alerts: tuple[str, ...]   # normalized ALERT lines, in order
    raw_alerts: tuple[str, ...]


_PID = re.compile(r"\(\d+\)")
_LINE = re.compile(r"\[<file>:(\d+)\]")
_SUMMARY = ("Error(s) found in configuration file", "Fatal errors found in configuration")


def _normalize(alert: str, path: Path) -> str:
    alert = _PID.sub("", alert)
    alert = alert.replace(str(path), "<file>").replace(path.name, "<file>")
    return " ".join(alert.split())


def check_text(binary: str, text: str, folder: Path, name: str, cache: bool = False) -> Check:
    """``haproxy -c`` on ``text`` written to ``folder/name`` (cached by binary and text when
    ``cache``: the bases are checked once a session)."""
    key = (binary, hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest())
    if cache:
        with _cache_lock:
            if key in _verdicts:
                return _verdicts[key]
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    result = haproxy_check(binary, path)
    output = (result.stdout or "") + (result.stderr or "")
    raw = tuple(line for line in output.splitlines() if "[ALERT]" in line)
    verdict = Check(result.returncode == 0, tuple(_normalize(a, path) for a in raw), raw)
    if cache:
        with _cache_lock:
            _verdicts[key] = verdict
    try:
        path.unlink()
    except OSError:
        pass
    return verdict


def load_bases(binaries: dict[str, str], versions: Sequence[str] = ("2.6", "2.8"),
               workers: int | None = None) -> dict[str, str]:
    """The texts to mutate, by name: corpus files the manifest says both versions accept,
    checked again here, and the guide's examples after ``fix(unsafe=True)`` if HAProxy
    accepts them."""
    rows = manifest()
    texts: dict[str, str] = {}
    for name, row in sorted(rows.items()):
        if all(row.get(f"haproxy{v.replace('.', '')}", "").split(":")[0] in ("ok", "warn") for v in versions):
            path = CORPUS / name
            if path.is_file():
                texts[name] = read_corpus(path)
    if GUIDE.is_dir():
        for path in sorted(GUIDE.glob("*.cfg")):
            text = path.read_text(encoding="utf-8")
            try:
                texts[f"guide/{path.name}"] = haproxy_lint.fix(text, unsafe=True).text
            except Exception:  # noqa: BLE001 - a fixer crash is the fixer's tests' business
                continue
    accepted: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mutation-bases-") as folder:
        jobs = []
        with ThreadPoolExecutor(max_workers=workers or max(2, os.cpu_count() or 2)) as pool:
            for i, (name, text) in enumerate(sorted(texts.items())):
                for v in versions:
                    jobs.append((name, v, pool.submit(check_text, binaries[v], text, Path(folder),
                                                      f"base{i}-{v}.cfg", True)))
            ok: dict[str, bool] = defaultdict(lambda: True)
            for name, v, job in jobs:
                ok[name] = ok[name] and job.result().accepted
        for name, text in sorted(texts.items()):
            if ok[name]:
                accepted[name] = text
    return accepted


# --- judging -----------------------------------------------------------------------------------


@dataclass
class Result:
    """One mutation judged at one version."""

    mutation: Mutation
    version: str
    refused: bool
    alert: str | None = None          # HAProxy's first new ALERT
    alert_line: int | None = None     # the line it names, when it names one
    expected_line: int = 0            # alert_line, else the mutated line
    caught: bool | None = None        # only for refusals
    findings: list[str] = field(default_factory=list)    # the linter's findings on that line
    new_errors: list[str] = field(default_factory=list)  # errors the unmutated file did not have
    caught_on: str | None = None      # "haproxy-line", or "mutated-line" when HAProxy names another

    @property
    def line_differs(self) -> bool:
        return self.alert_line is not None and self.alert_line != self.mutation.line


def _first_new_alert(check: Check, base: Check) -> tuple[str | None, int | None]:
    known = set(base.alerts)
    for normalized in check.alerts:
        if normalized in known or any(s in normalized for s in _SUMMARY):
            continue
        m = _LINE.search(normalized)  # a line of this file, not of another one
        line = int(m.group(1)) if m else None
        text = normalized.split(" : config : ", 1)[-1] if " : config : " in normalized else normalized
        return text, line
    return None, None


def _diag_key(d) -> tuple:
    return (d.code, d.line, d.column, d.message)


class LintCrash(Exception):
    """The linter raised something other than a ParseError (recorded, never caught)."""

    line = None


def _lint(text: str, version: str, name: str):
    try:
        return haproxy_lint.lint(text, haproxy_lint.Settings(target_version=version), path=name), None
    except haproxy_lint.ParseError as error:
        return [], error
    except Exception as error:  # noqa: BLE001 - the oracle reports it, it must not stop
        return [], LintCrash(f"{type(error).__name__}: {error}")


def run_oracle(bases: dict[str, str], mutations: Sequence[Mutation], binaries: dict[str, str],
               versions: Sequence[str] = ("2.6", "2.8"), workers: int | None = None,
               strict_line: bool = False) -> list[Result]:
    """Check every mutation with every version's HAProxy, and lint it at that version.

    ``strict_line``: a refusal counts as caught only with an error on the line HAProxy names
    (by default an error on the mutated line counts too when HAProxy names another one)."""
    workers = workers or max(2, os.cpu_count() or 2)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mutations-") as folder:
        base_checks: dict[tuple[str, str], Check] = {}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            base_jobs = {}
            for i, name in enumerate(sorted(bases)):
                for v in versions:
                    base_jobs[name, v] = pool.submit(check_text, binaries[v], bases[name], Path(folder),
                                                     f"base{i}-{v}.cfg", True)
            jobs = []
            for i, m in enumerate(mutations):
                for v in versions:
                    jobs.append((m, v, pool.submit(check_text, binaries[v], m.text, Path(folder),
                                                   f"m{i}-{v}.cfg")))
            for key, job in base_jobs.items():
                base_checks[key] = job.result()
            base_errors: dict[tuple[str, str], set[tuple]] = {}
            for m, v, job in jobs:
                check = job.result()
                if (m.base, v) not in base_errors:
                    diags, _ = _lint(bases[m.base], v, m.base)
                    base_errors[m.base, v] = {_diag_key(d) for d in diags
                                              if d.severity == haproxy_lint.Severity.ERROR}
                results.append(_judge(m, v, check, base_checks[m.base, v], base_errors[m.base, v], strict_line))
    return results


def _judge(m: Mutation, version: str, check: Check, base: Check, base_errors: set[tuple],
           strict_line: bool = False) -> Result:
    diags, parse_error = _lint(m.text, version, m.base)
    errors = [d for d in diags if d.severity == haproxy_lint.Severity.ERROR and _diag_key(d) not in base_errors]
    if not check.accepted:
        alert, alert_line = _first_new_alert(check, base)
        expected = alert_line if alert_line is not None else m.line
        # HAProxy's line is the one to flag. When it names another line than the mutated one
        # (an undefined ACL is reported where it is used; a log-format of a defaults section
        # where the proxy inheriting it ends), an error on the mutated line, where the
        # mistake is, counts too -- unless strict_line.
        lines = {expected} if strict_line else {expected, m.line}
        caught_on = None
        if any(d.line == expected for d in errors) or (parse_error is not None and getattr(parse_error, "line", None) == expected):
            caught_on = "haproxy-line"
        elif any(d.line in lines for d in errors) or (parse_error is not None and getattr(parse_error, "line", None) in lines):
            caught_on = "mutated-line"
        findings = [f"{d.code}[{d.severity.value}] line {d.line}: {d.message}" for d in diags if d.line in {expected, m.line}]
        if parse_error is not None:
            findings.append(f"{type(parse_error).__name__} {parse_error}")
        return Result(m, version, True, alert, alert_line, expected, caught_on is not None, findings,
                      caught_on=caught_on)
    new = [f"{d.code}[error] line {d.line}: {d.message}" for d in errors]
    if parse_error is not None:
        new.append(f"{type(parse_error).__name__} {parse_error}")
    return Result(m, version, False, None, None, m.line, None, [], new)


# --- reporting ---------------------------------------------------------------------------------


@dataclass
class Row:
    klass: int
    version: str
    generated: int = 0
    refused: int = 0
    caught: int = 0

    @property
    def rate(self) -> float | None:
        return self.caught / self.refused if self.refused else None


def summarize(results: Iterable[Result], versions: Sequence[str]) -> dict[tuple[int, str], Row]:
    rows = {(k, v): Row(k, v) for k in CLASSES for v in versions}
    for r in results:
        row = rows[r.mutation.klass, r.version]
        row.generated += 1
        if r.refused:
            row.refused += 1
            row.caught += bool(r.caught)
    return rows


def format_table(rows: dict[tuple[int, str], Row], versions: Sequence[str]) -> str:
    head = f"{'class':<32}" + "".join(f" | {v + ': gen refused caught  rate':>33}" for v in versions)
    lines = [head, "-" * len(head)]
    for k, label in CLASSES.items():
        cells = []
        for v in versions:
            row = rows[k, v]
            rate = "   n/a" if row.rate is None else f"{100 * row.rate:5.1f}%"
            cells.append(f" | {row.generated:>12} {row.refused:>7} {row.caught:>6} {rate:>6}")
        lines.append(f"{k} {label:<30}" + "".join(cells))
    return "\n".join(lines)


_TWO_WORDS = frozenset({"http-request", "http-response", "http-after-response", "tcp-request",
                        "tcp-response", "http-check", "tcp-check", "option", "no", "timeout", "stats"})


def directive_of(m: Mutation) -> str:
    """The directive of the mutated line as rules see it: ``server``, ``tcp-check connect``,
    ``http-request deny``, ``option httplog``, ``frontend`` (a section line)."""
    lines = m.base_text.splitlines()
    words = lines[m.line - 1].split() if 0 < m.line <= len(lines) else []
    if not words:
        return "(end of file)"
    if words[0] in _TWO_WORDS and len(words) > 1:
        second = words[1].split("(", 1)[0]
        if words[0] in ("tcp-request", "tcp-response") and second in ("connection", "session", "content") and len(words) > 2:
            second += " " + words[2].split("(", 1)[0]
        return f"{words[0]} {second}"
    return words[0]


def top_misses(results: Iterable[Result], klass: int, n: int = 10) -> list[tuple[int, str, str, str]]:
    """The ``n`` most common (kind, directive) among one class's misses, both versions pooled,
    with one example each: ``(count, "kind @ directive", "base:line 'old' -> 'new'", alert)``."""
    groups: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for r in results:
        if r.mutation.klass == klass and r.refused and not r.caught:
            groups[r.mutation.kind, directive_of(r.mutation)].append(r)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:n]
    out = []
    for (kind, directive), rs in ranked:
        m = rs[0].mutation
        out.append((len(rs), f"{kind} @ {directive}", f"{m.base}:{m.line} {m.original!r} -> {m.new!r}",
                    rs[0].alert or "(no alert text)"))
    return out


def oracle_binaries(versions: Sequence[str]) -> dict[str, str]:
    found = haproxy_binaries()
    missing = [v for v in versions if v not in found]
    if missing:
        raise RuntimeError(f"HAProxy {', '.join(missing)} not installed (.ci/run installs 2.6; the test extras the 2.8 wheel)")
    return {v: found[v] for v in versions}


def all_haproxy_words(binaries: dict[str, str]) -> frozenset[str]:
    words: set[str] = set()
    for binary in sorted(set(binaries.values())):
        words |= haproxy_words(binary)
    return frozenset(words)
