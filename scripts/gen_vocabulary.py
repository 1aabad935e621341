#!/usr/bin/env python3
"""Regenerate ``haproxy_lint/data/vocabulary/<X.Y>.json`` from HAProxy's own C sources.

For every supported version the script reads the sources at the release tag (``git cat-file``
in a local clone of HAProxy, ``v<X.Y>.0``; no network) and extracts the words HAProxy accepts
inside configuration lines, from the keyword *registration arrays* and the registration calls
that follow them (``INITCALL1(STG_REGISTER, <register function>, &<list>)``):

* ``server`` / ``bind``: ``struct srv_kw_list`` / ``struct bind_kw_list`` entries
  (``{ "backup", srv_parse_backup, 0, 1, 1 }``); ``args`` is the entry's ``skip`` field, the
  number of words the option consumes after itself. HAProxy registers ``source`` with -1 (a
  variable number): the table gives its mandatory words in ``args`` (1, the address) and, in
  ``options``, the words its own parser accepts after them with their value counts
  (``{"usesrc": 1, "interface": 1}``). ``rejected`` holds the error message of an option whose
  parser accepts nothing (``bind ... process`` from 2.8 on, a ``usesrc`` without ``source``);
* ``actions``: ``struct action_kw_list`` entries, filed under the ruleset(s) of the register
  function(s) the list is handed to (``http_req_keywords_register`` -> ``http-request``, ...;
  ``tcp_check_keywords_register`` -> ``tcp-check`` and ``http-check``;
  ``quic_init_actions_register`` -> ``quic-initial``, 3.2+); ``prefix`` when the entry has the
  match-prefix flag (``set-var(txn.x)``, ``sc-inc-gpc0``, ``track-sc1``), ``experimental`` when
  it needs ``expose-experimental-directives`` (``KWF_EXPERIMENTAL``);
* ``fetches`` / ``converters``: ``struct sample_fetch_kw_list`` / ``struct
  sample_conv_kw_list`` entries, with the argument counts of their ``ARGn(min, ...)`` mask;
* ``acl_keywords``: ``struct acl_kw_list`` entries (the ACL names such as ``hdr_beg``, with
  the sample fetch they use and their default match method);
* ``services``: ``service_keywords_register`` lists (``use-service <name>``);
* ``filters``: ``flt_register_keywords`` lists (``filter <name>``);
* ``predefined_acls`` (``default_acl_list`` in acl.c), ``match_methods`` (``pat_match_names``
  in pattern.c), ``logformat`` aliases (``logformat_keywords[]`` / ``logformat_aliases[]`` in
  log.c; ``deprecated``: the old spellings 2.0-2.4 still accept, with their replacement) and
  flags (``var_args_list[]`` / ``node_args_list[]``).

Fetches have no prefix matching: HAProxy looks them up by their exact name (``capture.req.hdr``
is a name, its ``(0)`` an argument).

Older versions parse some words with ``strcmp()`` chains instead of registration arrays: the
server options of ``parse_server()`` (2.0, 2.2), the HTTP actions of ``parse_http_req_cond()``
/ ``parse_http_res_cond()`` (2.0), the TCP actions of ``tcp_parse_request_rule()`` /
``tcp_parse_response_rule()`` (``accept``, ``reject``, ``capture``, ``track-sc``, ... every
version), and the ``http-check`` / ``tcp-check`` sub-keywords (every version). ``CHAINS`` below
locates those chains (function, compared argument, one literal known to be in the chain); the
script collects every literal compared at the chain's level (``strncmp`` marks a prefix), and
for ``tcp-request`` reads which rulesets each branch accepts (``where & SMP_VAL_FE_CON_ACC``).

Build options. A keyword is listed when a mainstream Linux build has it (OpenSSL, Lua,
namespaces, TFO, ... as Debian's package); a keyword that only an optional module brings is
listed with ``"module": NAME``: QUIC (``quic``), OpenTracing (``ot``), 51Degrees (``51d``),
DeviceAtlas (``da``), WURFL (``wurfl``), the Prometheus exporter (``promex``), Encrypted
Client Hello (``ech``, 3.4), and SPOE (``spoe``: always built, marked as its own module). Which source file a build option compiles comes from the Makefile at the tag;
``#if`` conditions around entries are evaluated against the two build profiles below
(``MAINSTREAM`` and the module flags). A condition the script does not know stops it, so that
a new guard is classified by a person, not guessed. Lua registers ``lua.*`` actions, fetches
and converters at run time: they are described by ``module_prefixes`` instead.

``summary`` (server and bind options) is the first sentence of the option's description in
doc/configuration.txt at the tag (read with the heading parser of gen_keywords.py).

``--cross-check VERSION BINARY`` prints the differences between a version's table and a binary's
``haproxy -dKall`` keyword dump (it writes nothing). The output is deterministic: ``--check``
regenerates the tables in memory and exits 1 when a committed file differs.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_keywords  # noqa: E402  (the documentation heading parser, for the summaries)

VERSIONS = ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")
DEFAULT_REPO = "/work/.mirror/haproxy+haproxy/repo"
OUT_DIR = Path(__file__).resolve().parent.parent / "haproxy_lint" / "data" / "vocabulary"

SUMMARY_LENGTH = 120

# Register function -> (table, rulesets). Lists handed to several register functions land in
# every ruleset they are registered for.
REGISTER_FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "srv_register_keywords": ("server", ()),
    "bind_register_keywords": ("bind", ()),
    "http_req_keywords_register": ("actions", ("http-request",)),
    "http_res_keywords_register": ("actions", ("http-response",)),
    "http_after_res_keywords_register": ("actions", ("http-after-response",)),
    "tcp_req_conn_keywords_register": ("actions", ("tcp-request connection",)),
    "tcp_req_sess_keywords_register": ("actions", ("tcp-request session",)),
    "tcp_req_cont_keywords_register": ("actions", ("tcp-request content",)),
    "tcp_res_cont_keywords_register": ("actions", ("tcp-response content",)),
    # action_kw_tcp_check_lookup() serves both tcp-check and http-check rules
    "tcp_check_keywords_register": ("actions", ("http-check", "tcp-check")),
    "quic_init_actions_register": ("actions", ("quic-initial",)),
    "sample_register_fetches": ("fetches", ()),
    "sample_register_convs": ("converters", ()),
    "acl_register_keywords": ("acl_keywords", ()),
    "service_keywords_register": ("services", ()),
    "flt_register_keywords": ("filters", ()),
}
# Registrations whose skip count is not what the parser reads: srv_parse_set_proxy_v2_tlv_fmt()
# reads its format from args[*cur_arg + 1] although it registers a skip of 0 (the 3.2 reg-test
# proxy_protocol_send_generic writes `set-proxy-v2-tlv-fmt(0xE1) %[str("bar")]`).
ARGS_OVERRIDES = {("server", "set-proxy-v2-tlv-fmt"): 1}

LIST_TYPES = ("srv_kw_list", "bind_kw_list", "action_kw_list", "sample_fetch_kw_list",
              "sample_conv_kw_list", "acl_kw_list", "flt_kw_list")

# Rulesets that every version has (the others appear with their register function).
BASE_RULESETS = ("http-request", "http-response", "tcp-request connection", "tcp-request session",
                 "tcp-request content", "tcp-response content", "http-check", "tcp-check")

# --------------------------------------------------------------------------------------------
# Build profiles
# --------------------------------------------------------------------------------------------

# Build options whose keywords are marked with a module name: a mainstream build lacks them.
MODULE_OPTIONS: dict[str, str] = {
    "USE_QUIC": "quic",
    "USE_OT": "ot",
    "USE_51DEGREES": "51d",
    "USE_DEVICEATLAS": "da",
    "USE_WURFL": "wurfl",
    "USE_PROMEX": "promex",
    # Encrypted Client Hello (3.4): needs an SSL library with ECH support
    "USE_ECH": "ech",
}
# Source files that are optional features without a build option of their own.
PATH_MODULES: dict[str, str] = {
    "src/flt_spoe.c": "spoe",
}
# Add-on directories (compiled only with their build option).
ADDON_OPTIONS: dict[str, str] = {
    "addons/51degrees/": "USE_51DEGREES",
    "addons/deviceatlas/": "USE_DEVICEATLAS",
    "addons/ot/": "USE_OT",
    "addons/promex/": "USE_PROMEX",
    "addons/wurfl/": "USE_WURFL",
    "contrib/prometheus-exporter/": "USE_PROMEX",
}

# Macros of a mainstream Linux build (target linux-glibc, OpenSSL 3, Lua, PCRE2, zlib/slz,
# namespaces, TFO, threads, systemd): value of each defined macro. Build options not listed
# here are off (USE_* that a linux-glibc build does not enable: kqueue, evports, wolfSSL, ...).
MAINSTREAM: dict[str, int] = {
    # build options
    "USE_OPENSSL": 1, "USE_LUA": 1, "USE_ZLIB": 1, "USE_SLZ": 1, "USE_PCRE2": 1,
    "USE_PCRE2_JIT": 1, "USE_NS": 1, "USE_TFO": 1, "USE_THREAD": 1, "USE_CPU_AFFINITY": 1,
    "USE_LINUX_TPROXY": 1, "USE_LINUX_SPLICE": 1, "USE_TPROXY": 1, "USE_NETFILTER": 1,
    "USE_GETADDRINFO": 1, "USE_ACCEPT4": 1, "USE_PRCTL": 1, "USE_EPOLL": 1, "USE_POLL": 1,
    "USE_RT": 1, "USE_DL": 1, "USE_LIBCRYPT": 1, "USE_CRYPT_H": 1, "USE_SYSTEMD": 1,
    "USE_BACKTRACE": 1, "USE_LINUX_CAP": 1, "USE_MATH": 1, "USE_SHM_OPEN": 1,
    "USE_THREAD_DUMP": 1,
    # the operating system and its headers
    "__linux__": 1, "TCP_FASTOPEN": 1, "IPV6_V6ONLY": 1, "TCP_MAXSEG": 1, "TCP_DEFER_ACCEPT": 1,
    "TCP_USER_TIMEOUT": 1, "SO_BINDTODEVICE": 1, "IP_FREEBIND": 1, "IP_TRANSPARENT": 1,
    "IPV6_TRANSPARENT": 1, "SO_MARK": 1, "IP_TOS": 1, "IPV6_TCLASS": 1, "TCP_KEEPCNT": 1,
    "TCP_KEEPIDLE": 1, "TCP_KEEPINTVL": 1, "TCP_QUICKACK": 1, "SO_REUSEPORT": 1,
    "TCP_INFO": 1, "IPPROTO_MPTCP": 262, "CONFIG_HAP_TRANSPARENT": 1, "TCP_CONGESTION": 13,
    "TCP_MD5SIG": 14, "TCP_SAVED_SYN": 28, "TCP_SAVE_SYN": 27, "CONFIG_HAP_LINUX_SPLICE": 1, "SOL_TCP": 6,
    # OpenSSL 3.0
    "HA_OPENSSL_VERSION_NUMBER": 0x300000f0, "OPENSSL_VERSION_NUMBER": 0x300000f0,
    "OPENSSL_NPN_NEGOTIATED": 1, "TLSEXT_TYPE_application_layer_protocol_negotiation": 16,
    "SSL_CTRL_SET_TLSEXT_HOSTNAME": 55, "SSL_OP_NO_TICKET": 1, "SSL_MODE_ASYNC": 1,
    "SSL_OP_CIPHER_SERVER_PREFERENCE": 1, "SSL_OP_NO_TLSv1_3": 1, "TLS1_3_VERSION": 0x0304,
    "SSL_CTRL_SET_CURVES_LIST": 92, "SSL_CTRL_SET_ECDH_AUTO": 94, "SSL_OP_NO_RENEGOTIATION": 1,
    "HAVE_SSL_CTX_SET_CIPHERSUITES": 1, "HAVE_SSL_KEYLOG": 1, "HAVE_SSL_SCTL": 1,
    "HAVE_SSL_EXTRACT_RANDOM": 1, "HAVE_SSL_CTX_ADD_SERVER_CUSTOM_EXT": 1,
    "HAVE_SSL_CLIENT_HELLO_CB": 1, "HAVE_SSL_RAND_KEEP_RANDOM_DEVICES_OPEN": 1,
    "HAVE_CRYPTO_memcmp": 1, "HAVE_ASN1_TIME_TO_TM": 1, "HAVE_SSL_CTX_SET_SECURITY_LEVEL": 1,
    "HAVE_SSL_0RTT": 1, "HAVE_SSL_0RTT_QUIC": 0, "HAVE_SSL_SET_SECURITY_LEVEL": 1,
    "HAVE_JWS": 1, "HAVE_ACME": 1, "HAVE_SSL_OCSP": 1, "HAVE_SSL_CTX_GET0_SECURITY_EX_DATA": 1,
    "HAVE_OPENSSL_KTLS": 1, "HAVE_OPENSSL_KEYLOG": 1, "EVP_CIPH_CBC_MODE": 2,
    "SSL_OP_NO_ANTI_REPLAY": 1, "SSL_READ_EARLY_DATA_SUCCESS": 1, "SSL_ERROR_EARLY_DATA_REJECTED": 0,
    "EVP_CTRL_AEAD_SET_IVLEN": 9, "EVP_CTRL_AEAD_SET_TAG": 17, "EVP_CIPH_GCM_MODE": 6,
    "X509_V_FLAG_PARTIAL_CHAIN": 1, "SSL_CTRL_SET_SIGALGS_LIST": 98,
    "SSL_CTRL_SET_CLIENT_SIGALGS_LIST": 102, "SSL_get0_group_name": 1,
    "HAVE_SSL_get0_verified_chain": 1, "NID_X9_62_prime_field": 406,
}
# Macros known to be undefined in the mainstream build (other SSL libraries, other systems,
# debugging and development switches).
UNDEFINED: frozenset[str] = frozenset({
    "OPENSSL_IS_BORINGSSL", "OPENSSL_IS_AWSLC", "AWSLC_API_VERSION", "SO_ACCEPTFILTER", "LIBRESSL_VERSION_NUMBER", "OPENSSL_NO_DH",
    "OPENSSL_NO_OCSP", "OPENSSL_NO_NEXTPROTONEG", "OPENSSL_NO_ENGINE", "OPENSSL_NO_EC",
    "OPENSSL_NO_ECDH", "OPENSSL_NO_TLSEXT", "OPENSSL_NO_SSL3", "OPENSSL_NO_DEPRECATED",
    "USE_OPENSSL_WOLFSSL", "USE_OPENSSL_AWSLC", "USE_QUIC_OPENSSL_COMPAT", "USE_ENGINE",
    "USE_KQUEUE", "USE_EVPORTS", "USE_PCRE", "USE_PCRE_JIT", "USE_STATIC_PCRE",
    "USE_STATIC_PCRE2", "USE_PROCCTL", "USE_CLOSEFROM", "USE_MEMORY_PROFILING",
    "USE_OBSOLETE_LINKER", "USE_PTHREAD_EMULATION", "USE_LIBATOMIC", "USE_KTLS",
    "__FreeBSD__", "__APPLE__", "__NetBSD__", "__OpenBSD__", "__DragonFly__", "__sun",
    "__CYGWIN__", "__HAIKU__", "_AIX", "SO_USER_COOKIE", "SO_RTABLE", "IP_BINDANY",
    "IPV6_BINDANY", "SO_BINDANY", "SO_USER_COOKIE",
    "DEBUG_DEV", "DEBUG_STRICT", "DEBUG_FULL", "DEBUG_MEMORY_POOLS", "DEBUG_UAF",
    "DEBUG_THREAD", "DEBUG_FD", "DEBUG_TASK", "DEBUG_EXPR", "DEBUG_AUTH", "DEBUG_H1",
    "DEBUG_QPACK", "DEBUG_HPACK", "DEBUG_SSL", "DEBUG_LIST", "DEBUG_COUNTERS",
    "ENABLE_DEVICEATLAS_DUMMY", "USE_51DEGREES_V2", "USE_51DEGREES_V3", "USE_51DEGREES_V4",
    "FIFTYONEDEGREES_H_PATTERN_INCLUDED", "FIFTYONEDEGREES_H_TRIE_INCLUDED",
    "FIFTYONE_DEGREES_HASH_INCLUDED", "FIFTYONEDEGREES_NO_THREADING",
    "HAVE_SSL_0RTT_QUIC",
})


# --------------------------------------------------------------------------------------------
# Reading the tree at a tag
# --------------------------------------------------------------------------------------------


class Tree:
    """The files of one tag, read in bulk (``git cat-file --batch``)."""

    def __init__(self, repo: str, tag: str):
        self.repo, self.tag = repo, tag
        names = subprocess.run(
            ["git", "-C", repo, "ls-tree", "-r", "--name-only", tag, "--", "src", "addons",
             "contrib", "include", "Makefile", "doc/configuration.txt"],
            check=True, capture_output=True, text=True).stdout.split("\n")
        self.names = sorted(n for n in names if n)
        wanted = [n for n in self.names if n.endswith((".c", ".h")) or n == "Makefile"
                  or n.endswith("/Makefile") or n.endswith(".mk")
                  or n == "doc/configuration.txt"]
        self.files = self._read(wanted)

    def _read(self, paths: list[str]) -> dict[str, str]:
        data = subprocess.run(["git", "-C", self.repo, "cat-file", "--batch"],
                              input="".join(f"{self.tag}:{p}\n" for p in paths).encode(),
                              check=True, capture_output=True).stdout
        files, pos = {}, 0
        for path in paths:
            nl = data.index(b"\n", pos)
            size = int(data[pos:nl].split()[2])
            files[path] = data[nl + 1:nl + 1 + size].decode("utf-8", errors="replace")
            pos = nl + 1 + size + 1
        return files

    def string_macros(self) -> dict[str, str]:
        """``#define NAME "literal"`` of every header and source file (keyword names that
        registration arrays spell with a macro, as the OpenTracing add-on does)."""
        macros: dict[str, str] = {}
        for path in sorted(self.files):
            if path.endswith((".c", ".h")):
                for m in re.finditer(r'^\s*#\s*define\s+(\w+)\s+("(?:[^"\\\n]|\\.)*")\s*$',
                                     self.files[path], re.M):
                    macros.setdefault(m.group(1), c_string(m.group(2)))
        return macros

    def c_sources(self) -> list[str]:
        return [p for p in self.files if p.endswith(".c")
                and (p.startswith("src/") or p.startswith("addons/")
                     or p.startswith("contrib/prometheus-exporter/"))]


# --------------------------------------------------------------------------------------------
# C sources: comments, preprocessor conditions, blocks
# --------------------------------------------------------------------------------------------


_COMMENT_OR_STRING = re.compile(r'/\*.*?(?:\*/|\Z)|//[^\n]*|"(?:\\.|[^"\\\n])*"?|\'(?:\\.|[^\'\\\n])*\'?', re.S)


def strip_comments(src: str) -> str:
    """Blank out comments (keeping newlines and offsets); strings are kept as they are."""
    def blank(m: re.Match) -> str:
        text = m.group(0)
        if text[0] in "\"'":
            return text
        return re.sub(r"[^\n]", " ", text)
    return _COMMENT_OR_STRING.sub(blank, src)


def skip_string(text: str, i: int) -> int:
    """Index just past the string or character literal starting at ``text[i]``."""
    quote, j = text[i], i + 1
    while j < len(text) and text[j] != quote and text[j] != "\n":
        j += 2 if text[j] == "\\" else 1
    return j + 1


def match_brace(text: str, i: int) -> int:
    """Index of the brace closing the one at ``text[i]`` (strings skipped)."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = skip_string(text, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces")


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split at the separators outside parentheses, brackets, braces and strings."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = skip_string(text, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    parts.append(text[start:].strip())
    return parts


def c_string(token: str) -> str | None:
    """The value of a (possibly concatenated) C string literal, or None."""
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', token)
    if not pieces or re.sub(r'"(?:[^"\\]|\\.)*"', "", token).strip():
        return None
    return "".join(pieces)


_DIRECTIVE = re.compile(r"^\s*#\s*(\w+)(.*)$")
_FUNCTION_START = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(([^;{}]*?)\)\s*\{", re.M | re.S)


@dataclass
class CFile:
    path: str
    text: str                     # comments blanked out
    line_starts: list[int]
    conditions: list[tuple[str, ...]]   # per line: the #if conditions in force (conjunction)

    @classmethod
    def parse(cls, path: str, source: str) -> "CFile":
        text = strip_comments(source)
        lines = text.split("\n")
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        conditions: list[tuple[str, ...]] = []
        stack: list[tuple[list[str], str]] = []   # (earlier branch conditions, current)
        k = 0
        while k < len(lines):
            line = lines[k]
            m = _DIRECTIVE.match(line)
            span = 1
            if m:
                full = line
                while full.endswith("\\") and k + span < len(lines):
                    full = full[:-1] + " " + lines[k + span]
                    span += 1
                m = _DIRECTIVE.match(full)
                name, rest = m.group(1), " ".join(m.group(2).split())
                if name == "if":
                    stack.append(([], rest))
                elif name == "ifdef":
                    stack.append(([], f"defined({rest})"))
                elif name == "ifndef":
                    stack.append(([], f"!defined({rest})"))
                elif name == "elif":
                    earlier, cur = stack.pop()
                    stack.append((earlier + [cur], rest))
                elif name == "else":
                    earlier, cur = stack.pop()
                    stack.append((earlier + [cur], "1"))
                elif name == "endif":
                    stack.pop()
            current = tuple(c for earlier, cur in stack
                            for c in [f"!({e})" for e in earlier] + [cur] if c != "1")
            conditions.extend([current] * span)
            k += span
        return cls(path, text, starts, conditions)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def conditions_at(self, offset: int) -> tuple[str, ...]:
        return self.conditions[self.line_of(offset)]

    def functions(self) -> dict[str, int]:
        """Function name -> offset of the opening brace of its body."""
        return {m.group(1): m.end() - 1 for m in _FUNCTION_START.finditer(self.text)}

    def function_body(self, name_pattern: str) -> list[tuple[str, int, int]]:
        """(name, start, end) of the bodies of the functions whose name matches."""
        return [(name, brace, match_brace(self.text, brace))
                for name, brace in self.functions().items() if re.fullmatch(name_pattern, name)]


# --------------------------------------------------------------------------------------------
# Preprocessor conditions
# --------------------------------------------------------------------------------------------


class UnknownMacro(Exception):
    pass


_TOKEN = re.compile(r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(&&|\|\||==|!=|>=|<=|<<|>>|[-+*/%()!<>&|~^]))")


def eval_condition(expr: str, defined: dict[str, int]) -> bool:
    """Evaluate a #if expression; ``defined`` maps the defined macros to their values. An
    identifier neither defined there nor in UNDEFINED raises UnknownMacro."""
    tokens: list[tuple[str, object]] = []
    pos = 0
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = _TOKEN.match(expr, pos)
        if not m:
            raise UnknownMacro(f"cannot read #if expression {expr!r}")
        if m.group(1):
            tokens.append(("num", int(m.group(1), 0)))
        elif m.group(2):
            tokens.append(("id", m.group(2)))
        else:
            tokens.append(("op", m.group(3)))
        pos = m.end()
    tokens.append(("end", None))
    i = 0

    def peek():
        return tokens[i]

    def take():
        nonlocal i
        i += 1
        return tokens[i - 1]

    def value_of(name: str) -> int:
        if name in defined:
            return defined[name]
        if name in UNDEFINED or name in MODULE_OPTIONS or name.startswith("DEBUG_"):
            return 0
        raise UnknownMacro(name)

    def primary() -> int:
        kind, val = take()
        if kind == "num":
            return val
        if kind == "op" and val == "(":
            v = binary(0)
            take()
            return v
        if kind == "op" and val == "!":
            return int(not primary())
        if kind == "op" and val == "-":
            return -primary()
        if kind == "op" and val == "~":
            return ~primary()
        if kind == "id" and val == "defined":
            paren = peek() == ("op", "(")
            if paren:
                take()
            _, name = take()
            if paren:
                take()
            if name in defined:
                return 1
            if name in UNDEFINED or name in MODULE_OPTIONS or name.startswith("DEBUG_"):
                return 0
            raise UnknownMacro(name)
        if kind == "id":
            if peek() == ("op", "("):   # function-like macro (OPENSSL_VERSION_NUMBER checks...)
                raise UnknownMacro(f"{val}(...)")
            return value_of(val)
        raise UnknownMacro(f"cannot read #if expression {expr!r}")

    precedence = {"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, ">": 7,
                  "<=": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10}

    def binary(min_prec: int) -> int:
        left = primary()
        while True:
            kind, op = peek()
            if kind != "op" or op not in precedence or precedence[op] < min_prec:
                return left
            take()
            right = binary(precedence[op] + 1)
            left = {
                "||": lambda a, b: int(bool(a) or bool(b)), "&&": lambda a, b: int(bool(a) and bool(b)),
                "|": lambda a, b: a | b, "^": lambda a, b: a ^ b, "&": lambda a, b: a & b,
                "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
                "<": lambda a, b: int(a < b), ">": lambda a, b: int(a > b),
                "<=": lambda a, b: int(a <= b), ">=": lambda a, b: int(a >= b),
                "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b,
                "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                "/": lambda a, b: a // b if b else 0, "%": lambda a, b: a % b if b else 0,
            }[op](left, right)

    result = binary(0)
    if peek()[0] != "end":
        raise UnknownMacro(f"cannot read #if expression {expr!r}")
    return bool(result)


def availability(conditions: tuple[str, ...], where: str) -> tuple[bool, str | None]:
    """(present in some build, module name or None) for a conjunction of #if conditions. A
    keyword a mainstream build has gets no module; one that needs a module option gets its
    name; one that no considered build has is absent."""
    def holds(env: dict[str, int]) -> bool:
        try:
            return all(eval_condition(c, env) for c in conditions)
        except UnknownMacro as exc:
            raise SystemExit(f"{where}: unknown macro {exc} in #if {' && '.join(conditions)}; "
                             "classify it in MAINSTREAM or UNDEFINED") from None

    if holds(MAINSTREAM):
        return True, None
    for option, module in sorted(MODULE_OPTIONS.items()):
        if holds({**MAINSTREAM, option: 1}):
            return True, module
    return False, None


def makefile_options(tree: Tree) -> dict[str, str]:
    """Source file -> the USE_* option of the Makefile block that compiles it."""
    options: dict[str, str] = {}
    for path in sorted(p for p in tree.files if p == "Makefile" or p.endswith(".mk")):
        stack: list[str | None] = []
        lines = tree.files[path].split("\n")
        k = 0
        while k < len(lines):
            line = lines[k]
            while line.endswith("\\") and k + 1 < len(lines):
                k += 1
                line = line[:-1] + " " + lines[k]
            k += 1
            stripped = line.strip()
            if re.match(r"^(ifneq|ifeq|ifdef|ifndef)\b", stripped):
                m = re.search(r"\$\((USE_\w+)", stripped) if stripped.startswith("ifneq") else None
                stack.append(m.group(1) if m else None)
                continue
            if stripped.startswith("endif"):
                if stack:
                    stack.pop()
                continue
            if stripped.startswith("else"):
                if stack:
                    stack[-1] = None
                continue
            option = next((o for o in reversed(stack) if o), None)
            if option and "OBJS" in stripped:
                for obj in re.findall(r"((?:src|addons|contrib)/[\w/.-]+)\.o\b", stripped):
                    options.setdefault(obj + ".c", option)
    return options


def file_conditions(path: str, options: dict[str, str]) -> tuple[str, ...]:
    for prefix, option in ADDON_OPTIONS.items():
        if path.startswith(prefix):
            return (f"defined({option})",)
    if path in options:
        return (f"defined({options[path]})",)
    return ()


# --------------------------------------------------------------------------------------------
# Registration arrays
# --------------------------------------------------------------------------------------------


@dataclass
class Entry:
    fields: list[str]
    conditions: tuple[str, ...]
    offset: int


@dataclass
class KwList:
    kind: str          # the struct type
    name: str
    entries: list[Entry]
    conditions: tuple[str, ...]


_LIST_DEF = re.compile(r"\bstruct\s+(" + "|".join(LIST_TYPES) + r")\s+(\w+)\s*=\s*\{")
_INITCALL = re.compile(r"\bINITCALL1\s*\(\s*STG_REGISTER\s*,\s*(\w+)\s*,\s*&\s*(\w+)\s*\)")


def entries_of(cf: CFile, start: int, end: int, macros: dict[str, str] | None = None) -> list[Entry]:
    """The innermost brace groups of an initializer that start with a string (the keyword),
    or with a macro standing for a string (replaced by the string)."""
    text = cf.text
    entries: list[Entry] = []
    stack: list[list] = []   # [start offset, has child group]
    i = start
    while i <= end:
        c = text[i]
        if c in "\"'":
            i = skip_string(text, i)
            continue
        if c == "{":
            if stack:
                stack[-1][1] = True
            stack.append([i, False])
        elif c == "}":
            open_at, has_child = stack.pop()
            if not has_child:
                body = text[open_at + 1:i]
                fields = split_top(body)
                if fields and fields[-1] == "":
                    fields.pop()
                if fields and fields[0].startswith(".") and "=" in fields[0]:
                    fields = designated(fields)
                if fields and macros and fields[0] in macros:
                    fields[0] = json.dumps(macros[fields[0]])
                if fields and c_string(fields[0]) is not None:
                    entries.append(Entry(fields, cf.conditions_at(open_at), open_at))
        i += 1
    return entries


def designated(fields: list[str]) -> list[str]:
    """Designated initializers (``.kw = "x", .parse = f``) in declaration order."""
    order = ["kw", "name", "parse", "process", "fn", "arg_mask", "val_args", "in_type",
             "out_type", "use", "flags", "match_pfx", "private"]
    named = {}
    for f in fields:
        m = re.match(r"\.(\w+)\s*=\s*(.*)$", f, re.S)
        if m:
            named[m.group(1)] = m.group(2).strip()
    return [named[k] for k in order if k in named]


def kw_lists(cf: CFile, macros: dict[str, str]) -> dict[str, KwList]:
    lists = {}
    for m in _LIST_DEF.finditer(cf.text):
        start = m.end() - 1
        end = match_brace(cf.text, start)
        lists[m.group(2)] = KwList(m.group(1), m.group(2), entries_of(cf, start, end, macros),
                                   cf.conditions_at(m.start()))
    return lists


def registrations(cf: CFile) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(m.group(1), m.group(2), cf.conditions_at(m.start()))
            for m in _INITCALL.finditer(cf.text) if m.group(1) in REGISTER_FUNCTIONS]


def arg_counts(mask: str, where: str) -> tuple[int, int]:
    mask = " ".join(mask.split())
    if mask == "0":
        return 0, 0
    m = re.fullmatch(r"ARG(\d+)\(\s*(\d+)\s*,(.*)\)", mask)
    if m:
        n, mandatory = int(m.group(1)), int(m.group(2))
        types = [t.strip() for t in m.group(3).split(",")]
        if len(types) != n:
            raise SystemExit(f"{where}: {mask}: {len(types)} types for ARG{n}")
        return mandatory, n
    raise SystemExit(f"{where}: unknown argument mask {mask!r}")


# --------------------------------------------------------------------------------------------
# strcmp() chains
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    """A strcmp() chain: in the functions of ``files`` named like ``function``, the literal
    ``marker`` compared with one of ``args``; every literal compared with the same expression
    at the same level of the same block belongs to the chain."""

    table: str
    rulesets: tuple[str, ...]
    files: tuple[str, ...]
    function: str
    args: tuple[str, ...]
    marker: str
    versions: tuple[str, ...]     # the versions where the chain must be found


TCP_REQ = ("tcp-request connection", "tcp-request session", "tcp-request content")
CHAINS: tuple[Chain, ...] = (
    Chain("server", (), ("src/server.c",), "parse_server", ("args[cur_arg]",), "weight",
          ("2.0", "2.2")),
    Chain("actions", ("http-request",), ("src/http_rules.c", "src/proto_http.c"),
          "parse_http_req_cond", ("args[0]",), "allow", ("2.0",)),
    Chain("actions", ("http-response",), ("src/http_rules.c", "src/proto_http.c"),
          "parse_http_res_cond", ("args[0]",), "allow", ("2.0",)),
    Chain("actions", TCP_REQ, ("src/tcp_rules.c",), "tcp_parse_request_rule", ("args[arg]",),
          "accept", VERSIONS),
    Chain("actions", ("tcp-response content",), ("src/tcp_rules.c",), "tcp_parse_response_rule",
          ("args[arg]",), "accept", VERSIONS),
    # 2.0: inside cfg_parse_listen(), in the "http-check" / "tcp-check" branches
    Chain("actions", ("http-check",), ("src/cfgparse-listen.c",), "cfg_parse_listen",
          ("args[1]",), "disable-on-404", ("2.0",)),
    Chain("actions", ("tcp-check",), ("src/cfgparse-listen.c",), "cfg_parse_listen",
          ("args[1]",), "send-binary", ("2.0",)),
    # 2.2 and later: the proxy keyword parsers of checks
    Chain("actions", ("http-check",), ("src/check.c", "src/tcpcheck.c"),
          "proxy_parse_httpcheck|do_parse_httpcheck", ("args[cur_arg]",), "disable-on-404",
          VERSIONS[1:]),
    Chain("actions", ("http-check",), ("src/check.c", "src/tcpcheck.c"),
          "proxy_parse_httpcheck|do_parse_httpcheck", ("args[cur_arg]",), "connect",
          VERSIONS[1:]),
    Chain("actions", ("tcp-check",), ("src/tcpcheck.c",),
          "proxy_parse_tcpcheck|do_parse_tcpcheck", ("args[cur_arg]",), "connect",
          VERSIONS[1:]),
)
# Words compared in the chains that are not keywords of the chain (the rule condition).
NOT_KEYWORDS = {"if", "unless"}


@dataclass
class ChainItem:
    word: str
    prefix: bool
    body: str          # the source of the branch, up to the next item of the chain
    conditions: tuple[str, ...]


def chain_items(cf: CFile, chain: Chain) -> list[ChainItem]:
    text = cf.text
    arg_re = "|".join(re.escape(a).replace(r"\ ", r"\s*") for a in chain.args)
    cmp_re = re.compile(rf'\b(strn?cmp)\s*\(\s*(?:{arg_re})\s*,\s*"([^"]*)"')
    for _, start, end in cf.function_body(chain.function):
        # brace depth and enclosing block of every comparison in the function
        found = []   # (offset, depth, block start, strncmp, word)
        blocks: list[int] = []
        i = start
        hits = {m.start(): m for m in cmp_re.finditer(text, start, end)}
        while i < end:
            c = text[i]
            if c in "\"'":
                i = skip_string(text, i)
                continue
            if c == "{":
                blocks.append(i)
            elif c == "}":
                blocks.pop()
            elif i in hits:
                m = hits[i]
                found.append((i, len(blocks), blocks[-1], m.group(1) == "strncmp", m.group(2)))
            i += 1
        marker = next((f for f in found if f[4] == chain.marker), None)
        if marker is None:
            continue
        same = [f for f in found if f[1] == marker[1] and f[2] == marker[2]]
        block_end = match_brace(text, marker[2])
        items = []
        for k, (offset, _, _, prefix, word) in enumerate(same):
            if word in NOT_KEYWORDS:
                continue
            nxt = same[k + 1][0] if k + 1 < len(same) else block_end
            items.append(ChainItem(word, prefix, branch(text, offset, nxt),
                                   cf.conditions_at(offset)))
        return items
    return []


def branch(text: str, offset: int, limit: int) -> str:
    """The source of the branch whose condition holds the comparison at ``offset``: up to
    the end of its braced body, or of its single statement (never past ``limit``)."""
    brace, semicolon = text.find("{", offset, limit), text.find(";", offset, limit)
    if brace >= 0 and (semicolon < 0 or brace < semicolon):
        return text[offset:match_brace(text, brace) + 1]
    return text[offset:semicolon + 1 if semicolon >= 0 else limit]


def tcp_rulesets(item: ChainItem, rulesets: tuple[str, ...]) -> tuple[str, ...]:
    """The tcp-request rulesets a branch of tcp_parse_request_rule() accepts."""
    if re.search(r"!\s*\(\s*where\s*&\s*SMP_VAL_FE_REQ_CNT\s*\)", item.body):
        return tuple(r for r in rulesets if r == "tcp-request content")
    if re.search(r"!\s*\(\s*where\s*&\s*SMP_VAL_FE_CON_ACC\s*\)", item.body):
        return tuple(r for r in rulesets if r == "tcp-request connection")
    if re.search(r"!\s*\(\s*where\s*&\s*SMP_VAL_FE_SES_ACC\s*\)", item.body):
        return tuple(r for r in rulesets if r == "tcp-request session")
    return rulesets


def server_chain_args(item: ChainItem) -> int:
    """Words a parse_server() branch consumes after the keyword (``cur_arg += N``)."""
    steps = re.findall(r"\bcur_arg\s*\+=\s*(\d+)|\bcur_arg\s*\+\+|\+\+\s*cur_arg\b", item.body)
    if not steps:
        return 0   # branches that only report an error ("usesrc" without "source")
    values = {int(s) - 1 if s else 0 for s in steps}
    return max(values)


def variable_arguments(body: str, where: str) -> dict:
    """For an option registered with a variable number of words (skip -1: ``source <addr>
    [usesrc <addr2>] [interface <name>]``): ``args``, the words that always follow it, and
    ``options``, the words its own parser then accepts with the number of values of each
    (read from the parser: ``strcmp(args[*cur_arg], "usesrc")`` ... ``*cur_arg += 2``)."""
    steps = re.findall(r"\*cur_arg\s*\+=\s*(\d+)", body)
    cmp_re = re.compile(r'\bstrcmp\s*\(\s*args\s*\[\s*\*\s*cur_arg\s*\]\s*,\s*"([^"]+)"')
    options = {}
    hits = list(cmp_re.finditer(body))
    for k, m in enumerate(hits):
        limit = hits[k + 1].start() if k + 1 < len(hits) else len(body)
        sub = re.findall(r"\*cur_arg\s*\+=\s*(\d+)", branch(body, m.start(), limit))
        options[m.group(1)] = max(int(n) for n in sub) - 1 if sub else 0
    if not steps or not options:
        raise SystemExit(f"{where}: variable number of arguments, but no sub-options found")
    # the first step is the option itself and its mandatory words
    return {"args": int(steps[0]) - 1, "options": dict(sorted(options.items()))}


def rejection(body: str) -> str | None:
    """The error message of a parser that accepts nothing: a body without any test that
    returns a fatal error (``bind ... process`` from 2.8 on: "not supported anymore", a
    standalone ``usesrc``: "only allowed after a 'source' statement"), or None."""
    if re.search(r"\b(?:if|while|for|switch)\s*\(|\bcur_arg\s*(?:\+=|\+\+)|\+\+\s*cur_arg", body):
        return None
    if not re.search(r"\bERR_FATAL\b|\bACT_RET_PRS_ERR\b", body):
        return None
    m = re.search(r"\b(memprintf|ha_alert)\s*\(", body)
    if not m:
        return None
    close = m.end()
    depth = 1
    while depth and close < len(body):
        if body[close] in "\"'":
            close = skip_string(body, close)
            continue
        depth += {"(": 1, ")": -1}.get(body[close], 0)
        close += 1
    call_args = split_top(body[m.end():close - 1])
    if m.group(1) == "memprintf":
        call_args = call_args[1:]
    fmt = c_string(call_args[0]) if call_args else None
    if fmt is None:
        return None
    values = call_args[1:]
    if fmt.startswith("parsing [%s:%d]"):
        fmt = re.sub(r"^parsing \[%s:%d\]\s*:?\s*", "", fmt)
        values = values[2:]

    def substitute(match: re.Match) -> str:
        if not values:
            return "<arg>"
        value = values.pop(0)
        return c_string(value) if c_string(value) is not None else "<arg>"

    message = re.sub(r"%[-0-9.]*[sdu]", substitute, fmt.replace("\\n", "").strip())
    return " ".join(message.split())


# --------------------------------------------------------------------------------------------
# Tables of one version
# --------------------------------------------------------------------------------------------


@dataclass
class Vocabulary:
    version: str
    tables: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # words only a strcmp() chain accepts (never in a binary's keyword dump): (kind, name)
    parsed_by_hand: set[tuple[str, str]] = field(default_factory=set)

    def add(self, table: str, name: str, attrs: dict, module: str | None,
            ruleset: str | None = None) -> None:
        target = self.tables.setdefault(table, {})
        if ruleset is not None:
            target = target.setdefault(ruleset, {})
        entry = dict(attrs)
        if module:
            entry["module"] = module
        old = target.get(name)
        if old is None:
            target[name] = entry
            return
        # registered twice: keep the build-independent entry, and the widest facts
        if "module" in old and "module" not in entry:
            old.pop("module")
        elif old.get("module") != entry.get("module") and "module" in entry and "module" in old:
            old["module"] = min(old["module"], entry["module"])
        for key, value in entry.items():
            if key == "module":
                continue
            if key not in old:
                old[key] = value
            elif old[key] != value:
                if key in ("max_args", "args"):
                    old[key] = max(old[key], value) if min(old[key], value) >= 0 else -1
                elif key == "min_args":
                    old[key] = min(old[key], value)
                elif key == "prefix":
                    old[key] = True
                else:
                    self.notes.append(f"{table} {name}: {key} {old[key]!r} vs {value!r}")


def pattern_names(files: dict[str, CFile]) -> dict[str, str]:
    """PAT_MATCH_* constant -> match method name (pat_match_names in pattern.c)."""
    cf = files["src/pattern.c"]
    m = re.search(r"pat_match_names\s*\[[^\]]*\]\s*=\s*\{", cf.text)
    body = cf.text[m.end():match_brace(cf.text, m.end() - 1)]
    return dict(re.findall(r"\[\s*(PAT_MATCH_\w+)\s*\]\s*=\s*\"([^\"]+)\"", body))


def string_array(cf: CFile, name_pattern: str, first_only: bool = True) -> list[str]:
    """The first string of each entry of an initialized array (or every string)."""
    m = re.search(rf"\b(?:{name_pattern})\s*\[\s*\]\s*=\s*\{{", cf.text)
    if not m:
        return []
    start = m.end() - 1
    end = match_brace(cf.text, start)
    if not first_only:
        return re.findall(r'"((?:[^"\\]|\\.)*)"', cf.text[start:end])
    return [c_string(e.fields[0]) for e in entries_of(cf, start, end)
            if availability(e.conditions, cf.path)[0]]


def logformat(cf: CFile) -> dict:
    """Log-format aliases (%ci ...), the deprecated ones with their replacement (the
    ``replace_by`` field of 2.0-2.4), and the flags of %{+Q,-X}."""
    m = re.search(r"\b(?:logformat_keywords|logformat_aliases)\s*\[\s*\]\s*=\s*\{", cf.text)
    start = m.end() - 1
    aliases, deprecated = set(), {}
    for entry in entries_of(cf, start, match_brace(cf.text, start)):
        if not availability(entry.conditions, cf.path)[0]:
            continue
        name = c_string(entry.fields[0])
        aliases.add(name)
        replacement = c_string(entry.fields[5]) if len(entry.fields) > 5 else None
        if replacement:
            deprecated[name] = replacement
    out = {"aliases": sorted(aliases),
           "flags": sorted(set(string_array(cf, "var_args_list|node_args_list")))}
    if deprecated:
        out["deprecated"] = dict(sorted(deprecated.items()))
    return out


def predefined_acls(cf: CFile) -> list[str]:
    m = re.search(r"\bdefault_acl_list\s*\[\s*\]\s*=\s*\{", cf.text)
    start = m.end() - 1
    body = cf.text[start:match_brace(cf.text, start)]
    names = re.findall(r'\.name\s*=\s*"([^"]+)"', body)
    if not names:
        names = [c_string(e.fields[0]) for e in entries_of(cf, start, match_brace(cf.text, start))]
    return names


def doc_summaries(tree: Tree) -> dict[str, dict[str, str]]:
    """kind -> option -> first sentence of its description (bind and server options)."""
    doc = tree.files.get("doc/configuration.txt", "")
    chapters = gen_keywords.split_chapters(doc)
    out: dict[str, dict[str, str]] = {}
    for kind, title in (("bind", gen_keywords.BIND_CHAPTER), ("server", gen_keywords.SERVER_CHAPTER)):
        table = out.setdefault(kind, {})
        for chapter in gen_keywords.chapters_titled(chapters, title):
            for head in gen_keywords.find_headings(chapter.body):
                sentence = first_sentence(head.text)
                if not sentence:
                    continue
                for line in head.lines:
                    tokens = gen_keywords.keyword_tokens(line)
                    if tokens:
                        table.setdefault(tokens[0], sentence)
    return out


_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|resp|eg|ie|approx|max|min|ms|sec)|\d)\.$", re.I)
# Sentences that say nothing about the option itself.
_BOILERPLATE = re.compile(r"only (?:available|supported|usable) (?:when|if) (?:the )?support for "
                          r"\S+ (?:was|is|has been) built in|^This (?:setting|option|keyword) is "
                          r"only available|^May be used in (?:the following contexts|sections)", re.I)


def sentences(text: str) -> list[str]:
    out = []
    for paragraph in text.split("\n"):
        paragraph = " ".join(paragraph.split())
        # a sentence announcing a list ("...: - when not set, ...") ends at the colon
        paragraph = re.sub(r":\s+-\s.*$", ".", paragraph)
        start = 0
        for m in re.finditer(r"[.!?](?=\s|$)", paragraph):
            if _ABBREVIATIONS.search(paragraph[:m.end()]):
                continue
            out.append(paragraph[start:m.end()].strip())
            start = m.end()
        if paragraph[start:].strip():
            out.append(paragraph[start:].strip())
    return out


def first_sentence(text: str) -> str:
    sentence = next((s for s in sentences(text or "") if not _BOILERPLATE.search(s)), "")
    if len(sentence) > SUMMARY_LENGTH:
        cut = sentence[:SUMMARY_LENGTH - 3].rsplit(" ", 1)[0]
        sentence = cut.rstrip(",;:") + "..."
    return sentence


def build_version(repo: str, version: str) -> tuple[dict, Vocabulary]:
    tag = f"v{version}.0"
    tree = Tree(repo, tag)
    options = makefile_options(tree)
    # the files that register keywords, the ones with the other tables, and the chains'
    chain_files = {path for chain in CHAINS for path in chain.files}
    files = {p: CFile.parse(p, tree.files[p]) for p in tree.c_sources()
             if any(f in tree.files[p] for f in REGISTER_FUNCTIONS) or p in chain_files
             or p in ("src/pattern.c", "src/acl.c", "src/log.c")}
    macros = tree.string_macros()
    starts = {}
    for path, cf in sorted(files.items()):
        for name, brace in cf.functions().items():
            starts.setdefault(name, (cf, brace))

    def function_bodies(name: str) -> str | None:
        if name not in starts:
            return None
        cf, brace = starts[name]
        return cf.text[brace + 1:match_brace(cf.text, brace)]

    voc = Vocabulary(version)
    for ruleset in BASE_RULESETS:
        voc.tables.setdefault("actions", {}).setdefault(ruleset, {})
    match_names = pattern_names(files)

    # registration arrays
    for path, cf in sorted(files.items()):
        regs = registrations(cf)
        if not regs:
            continue
        lists = kw_lists(cf, macros)
        base = file_conditions(path, options)
        path_module = PATH_MODULES.get(path)
        for func, list_name, reg_conditions in regs:
            table, rulesets = REGISTER_FUNCTIONS[func]
            kwl = lists.get(list_name)
            if kwl is None:
                raise SystemExit(f"{tag} {path}: {func}(&{list_name}): list not found")
            if table in ("actions", "services"):
                if kwl.kind != "action_kw_list":
                    raise SystemExit(f"{tag} {path}: {list_name} is a {kwl.kind}")
            for entry in kwl.entries:
                name = c_string(entry.fields[0])
                where = f"{tag} {path}: {name}"
                present, module = availability(base + kwl.conditions + reg_conditions
                                               + entry.conditions, where)
                if not present:
                    voc.notes.append(f"not in the considered builds: {table} {name} ({path})")
                    continue
                module = module or path_module
                f = entry.fields
                if len(f) > 1 and f[1] == "NULL" and table in ("server", "bind"):
                    voc.notes.append(f"no parser (not implemented in this build): {table} {name}")
                    continue
                if table in ("server", "bind"):
                    attrs = {"args": int(f[2]) if len(f) > 2 else 0}
                    attrs["args"] = ARGS_OVERRIDES.get((table, name), attrs["args"])
                    body = function_bodies(f[1])
                    message = rejection(body) if body else None
                    if message:
                        attrs["rejected"] = message
                    if attrs["args"] < 0:
                        attrs.update(variable_arguments(body or "", where))
                    voc.add(table, name, attrs, module)
                elif table == "actions":
                    flags = f[2] if len(f) > 2 else "0"
                    attrs = {}
                    if "KWF_MATCH_PREFIX" in flags or flags == "1":
                        attrs["prefix"] = True
                    if "KWF_EXPERIMENTAL" in flags:
                        attrs["experimental"] = True
                    for ruleset in rulesets:
                        voc.add(table, name, attrs, module, ruleset)
                elif table in ("services", "filters"):
                    voc.add(table, name, {}, module)
                elif table in ("fetches", "converters"):
                    lo, hi = arg_counts(f[2], where)
                    voc.add(table, name, {"min_args": lo, "max_args": hi}, module)
                elif table == "acl_keywords":
                    fetch = c_string(f[1]) if len(f) > 1 and f[1] != "NULL" else name
                    match = match_names[f[2]] if len(f) > 2 else None
                    attrs = {"fetch": fetch}
                    if match:
                        attrs["match"] = match
                    voc.add(table, name, attrs, module)

    # strcmp() chains
    for chain in CHAINS:
        items: list[ChainItem] = []
        for path in chain.files:
            if path in files:
                items = chain_items(files[path], chain)
                if items:
                    break
        if not items:
            if version in chain.versions:
                raise SystemExit(f"{tag}: chain {chain.function}/{chain.marker} not found")
            continue
        for item in items:
            present, module = availability(file_conditions(path, options) + item.conditions,
                                           f"{tag} {path}: {item.word}")
            if not present:
                continue
            if chain.table == "server":
                if item.word not in voc.tables.get("server", {}):
                    voc.parsed_by_hand.add(("server", item.word))
                attrs = {"args": server_chain_args(item)}
                message = rejection(item.body)
                if message:
                    attrs["rejected"] = message
                voc.add("server", item.word, attrs, module)
                continue
            rulesets = tcp_rulesets(item, chain.rulesets) if chain.rulesets == TCP_REQ \
                else chain.rulesets
            for ruleset in rulesets:
                if item.word not in voc.tables["actions"].get(ruleset, {}):
                    voc.parsed_by_hand.add((f"actions {ruleset}", item.word))
                voc.add("actions", item.word, {"prefix": True} if item.prefix else {}, module,
                        ruleset)

    summaries = doc_summaries(tree)
    for kind in ("server", "bind"):
        for name, entry in voc.tables.get(kind, {}).items():
            if name in summaries.get(kind, {}):
                entry["summary"] = summaries[kind][name]

    log_c = files["src/log.c"]
    doc = {
        "version": version,
        "tag": tag,
        "server": voc.tables.get("server", {}),
        "bind": voc.tables.get("bind", {}),
        "actions": voc.tables.get("actions", {}),
        "fetches": voc.tables.get("fetches", {}),
        "converters": voc.tables.get("converters", {}),
        "acl_keywords": voc.tables.get("acl_keywords", {}),
        "services": voc.tables.get("services", {}),
        "filters": voc.tables.get("filters", {}),
        "predefined_acls": sorted(predefined_acls(files["src/acl.c"])),
        "match_methods": sorted(set(match_names.values())),
        "logformat": logformat(log_c),
        "module_prefixes": {"lua.": "lua"},
    }
    return doc, voc


def render(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


# --------------------------------------------------------------------------------------------
# Cross-check against a binary's keyword dump (prints only)
# --------------------------------------------------------------------------------------------


def signature_counts(sig: str) -> tuple[int, int]:
    """Argument counts of a dump signature: "(string[,integer])" -> (1, 2)."""
    if not sig:
        return 0, 0
    inner = sig[1:-1]
    mandatory = inner.split("[", 1)[0]
    total = len([t for t in re.split(r"[\[\],]", inner) if t.strip()])
    return len([t for t in mandatory.split(",") if t.strip()]), total


def dump_binary(binary: str) -> dict:
    """Parse ``haproxy -dKall`` output."""
    out = subprocess.run([binary, "-dKall", "-q", "-c", "-f", "/dev/null"],
                         capture_output=True, text=True, cwd="/tmp").stdout
    dump: dict = {"server": {}, "bind": {}, "actions": {}, "fetches": {}, "converters": {},
                  "acl_keywords": {}, "services": set()}
    part = section = None
    rulesets = ("http-request", "http-response", "http-after-response",
                "tcp-request connection", "tcp-request session", "tcp-request content",
                "tcp-response content", "quic-initial")
    for line in out.splitlines():
        if line.startswith("# List of registered "):
            part = line[len("# List of registered "):].split()[0]
            continue
        if not line or line.startswith("#"):
            continue
        if part == "ACL":
            m = re.match(r"^(\S+) = (\S+) -m (\S+)", line)
            if m:
                dump["acl_keywords"][m.group(1)] = {"fetch": m.group(2), "match": m.group(3)}
        elif part == "configuration":
            if not line.startswith("\t"):
                section = line.strip()
                continue
            if section != "listen":
                continue
            words = line.strip().split()
            if words[:2] == ["bind", "<addr>"]:
                words = words[2:]
                if words[0] == "ssl" and len(words) > 1:
                    dump["bind"]["ssl"] = 0   # "ssl" itself is not printed
                    words = words[1:]
                dump["bind"][words[0]] = int(words[1][1:]) if len(words) > 1 else 0
            elif words[:3] == ["server", "<name>", "<addr>"]:
                dump["server"][words[3]] = int(words[4][1:]) if len(words) > 4 else 0
            else:
                text = " ".join(words)
                for ruleset in rulesets:
                    if text.startswith(ruleset + " "):
                        kw = text[len(ruleset) + 1:]
                        prefix = kw.endswith("*")
                        dump["actions"].setdefault(ruleset, {})[kw.rstrip("*")] = prefix
        elif part == "sample":
            if "converter" in line or "fetch" in line:
                continue
            if line.startswith("["):
                m = re.match(r"^\[[^\]]*\]\s+([^\s(:]+)(\([^)]*\))?:", line)
                if m:
                    dump["fetches"][m.group(1)] = signature_counts(m.group(2) or "")
            else:
                m = re.match(r"^([^\s(:]+)(\([^)]*\))?:", line)
                if m:
                    dump["converters"][m.group(1)] = signature_counts(m.group(2) or "")
        elif part == "service":
            dump["services"].add(line.strip())
    return dump


def cross_check(doc: dict, binary: str, by_hand: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Differences between a version's table and a binary's keyword dump. Words of the table
    that the binary cannot list are reported apart: those only a module brings (when the
    binary lacks it) and those a strcmp() chain parses (never registered, never dumped)."""
    dump = dump_binary(binary)
    version = doc["version"]
    lines = []

    def compare(label: str, ours: dict, theirs, attr=None):
        ours_names, theirs_names = set(ours), set(theirs)
        missing = sorted(theirs_names - ours_names)
        extra = sorted(ours_names - theirs_names)
        if missing:
            lines.append(f"[{version}] {label}: in the binary, not in the table: {' '.join(missing)}")
        hand = [n for n in extra if (label, n) in by_hand]
        modules = [f"{n}({ours[n]['module']})" for n in extra if ours[n].get("module")]
        other = [n for n in extra if (label, n) not in by_hand and not ours[n].get("module")]
        if other:
            lines.append(f"[{version}] {label}: in the table, not in the binary: {' '.join(other)}")
        if modules:
            lines.append(f"[{version}] {label}: module words the binary lacks: {' '.join(modules)}")
        if hand:
            lines.append(f"[{version}] {label}: parsed by strcmp(), never dumped: {' '.join(hand)}")
        if attr:
            diff = sorted(n for n in ours_names & theirs_names if attr(ours[n]) != theirs[n])
            if diff:
                lines.append(f"[{version}] {label}: differs: " + " ".join(
                    f"{n}(table {attr(ours[n])}, binary {theirs[n]})" for n in diff))

    def words(entry: dict) -> int:
        return -1 if "options" in entry else entry["args"]   # the dump shows skip -1

    compare("server", doc["server"], dump["server"], words)
    compare("bind", doc["bind"], dump["bind"], words)
    for ruleset in sorted(set(doc["actions"]) | set(dump["actions"])):
        if ruleset in ("http-check", "tcp-check"):
            continue   # not in the dump
        compare(f"actions {ruleset}", doc["actions"].get(ruleset, {}),
                dump["actions"].get(ruleset, {}), lambda e: bool(e.get("prefix")))
    compare("fetches", doc["fetches"], dump["fetches"], lambda e: (e["min_args"], e["max_args"]))
    compare("converters", doc["converters"], dump["converters"],
            lambda e: (e["min_args"], e["max_args"]))
    compare("acl_keywords", doc["acl_keywords"], dump["acl_keywords"],
            lambda e: {"fetch": e["fetch"], "match": e.get("match")})
    compare("services", doc["services"], {s: None for s in dump["services"]})
    return lines


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO, help="HAProxy git dir (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    parser.add_argument("--verbose", action="store_true", help="print extraction notes")
    parser.add_argument("--cross-check", nargs=2, action="append", metavar=("VERSION", "BINARY"),
                        default=[], help="compare a version's table with a binary's -dKall dump "
                                         "(writes nothing)")
    args = parser.parse_args(argv)

    if args.cross_check:
        for version, binary in args.cross_check:
            doc, voc = build_version(args.repo, version)
            for line in cross_check(doc, binary, voc.parsed_by_hand):
                print(line)
        return 0

    status = 0
    if not args.check:
        args.out.mkdir(parents=True, exist_ok=True)
    for version in VERSIONS:
        doc, voc = build_version(args.repo, version)
        if args.verbose:
            for note in voc.notes:
                print(f"[{version}] {note}", file=sys.stderr)
        path = args.out / f"{version}.json"
        text = render(doc)
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"{path} is out of date", file=sys.stderr)
                status = 1
        else:
            path.write_text(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
