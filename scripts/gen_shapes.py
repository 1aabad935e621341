#!/usr/bin/env python3
"""Regenerate ``haproxy_lint/data/vocabulary/shapes.json``: how many arguments each directive
takes, per HAProxy version, read from HAProxy's parsers at the release tags.

For every supported version the script reads the C sources at the tag (``git show
v<X.Y>.0:src/<file>.c`` in a local clone of HAProxy; no network) and finds, for every
directive keyword, the checks its parser makes before anything else:

* a *minimum*: an ``if`` at the top level of the keyword's parser whose condition is true
  when an argument is empty (``!*args[1]``, ``*(args[1]) == 0``, ``*args[2] == '\\0'``...,
  alone or or-ed with other conditions) and whose body refuses the file: ``ERR_FATAL`` or
  ``ERR_ABORT`` in a section parser (which returns error flags), ``return -1`` (directly or
  after a ``goto`` to a label that returns -1) in a registered keyword function (a positive
  return is only a warning there: 2.6 lets ``mworker-max-reloads`` go without a value);
* a *maximum*: ``alertif_too_many_args(N, ...)``, ``alertif_too_many_args_idx(N, I, ...)``,
  ``too_many_args(N, ...)`` or ``too_many_args_idx(N, I, ...)`` at the top level of the
  parser, when it refuses the file as above (HAProxy refuses a word after the N-th argument:
  "cannot handle unexpected argument").

Parsers are found two ways: the ``if (strcmp(args[0], "kw") == 0) {...} else if ...`` chains
of the section parsers (``cfg_parse_listen``, ``cfg_parse_global``, ``cfg_parse_peers``, ...),
with nested chains on ``args[1]`` giving multi-word keywords (``stats socket``, ``option
httplog``, ``capture request header``), and the keyword registrations (``{ CFG_GLOBAL,
"maxconn", cfg_parse_global_maxconn }``), whose function is read the same way (checks made
around a chain on ``args[0]`` that only picks a target apply to each of its keywords). A
branch that goes on in a function taking the same ``args`` (``err_code |=
proxy_parse_httpchk_opt(args, 0, ...)``) is followed into it.

Only keywords that the keyword tables (``haproxy_lint/data/keywords/<X.Y>.json``) list for the
section are kept, so the data never names a keyword the linter does not know (regenerate
after the tables change). Whatever the extractor cannot read with confidence (a parser that
shifts ``args``, a check inside a condition, a value parser that fails on an empty word) is
left out: no entry means no finding. ``VALUE_REQUIRED`` adds the keywords whose value parser
refuses an empty value (``mode``, ``timeout client``, ``server``...), each seen refused by the
real binaries (Debian's 2.6.12, a 2.8.25); ``OVERRIDES`` would correct the extraction where
those binaries disagree with it (none does). ``tests/test_rules_shapes.py`` checks every 2.6
and 2.8 entry against the binaries.

The file also records, per version, what ``str2sa_range()`` (``src/tools.c``, the address
parser of ``bind``, ``server``, ``log``...) accepts: its prefixes, whether it checks ports
against what each directive permits, and whether it refuses characters after a port's digits.

The output is deterministic: running the script again must reproduce the committed file byte
for byte (``--check`` verifies that without writing).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VERSIONS = ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")
DEFAULT_REPO = "/work/.mirror/haproxy+haproxy/repo"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "haproxy_lint" / "data" / "vocabulary" / "shapes.json"
KEYWORDS = ROOT / "haproxy_lint" / "data" / "keywords"

#: Section parsers written as if/else chains on args[0], and the section kind they read.
SECTION_PARSERS: dict[str, str] = {
    "cfg_parse_listen": "proxy",
    "cfg_parse_global": "global",
    "cfg_parse_peers": "peers",
    "cfg_parse_resolvers": "resolvers",
    "cfg_parse_users": "userlist",
    "cfg_parse_mailers": "mailers",
    "cfg_parse_netns": "namespace_list",
    "cfg_parse_ring": "ring",
    "cfg_parse_cache": "cache",
    "cfg_parse_fcgi_app": "fcgi-app",
    "cfg_parse_log_forward": "log-forward",
    "cfg_parse_program": "program",
    "cfg_parse_http_errors": "http-errors",
    "cfg_parse_crtstore": "crt-store",
    "cfg_parse_traces": "traces",
    "cfg_parse_acme": "acme",
    "cfg_parse_log_profile": "log-profile",
}
#: Keyword registrations: the CFG_* section of a cfg_kw_list entry, as a table kind.
REGISTERED: dict[str, str] = {
    "CFG_GLOBAL": "global",
    "CFG_LISTEN": "proxy",
    "CFG_USERLIST": "userlist",
    "CFG_PEERS": "peers",
    "CFG_CRTLIST": "crt-list",
    "CFG_CRTSTORE": "crt-store",
    "CFG_TRACES": "traces",
}

#: Keywords whose value parser refuses an empty value, which the extractor cannot see (the
#: check is a failed lookup, not an emptiness test): ``mode`` ("unknown proxy mode ''"),
#: ``timeout client`` ("expects an integer value"), ``server`` ("expects <name> and
#: <addr>[:<port>]"), ``user`` in global ("cannot find user id for ''"), ``acl NAME`` ("missing
#: fetch method")... The number is how many arguments the keyword needs at least. Each was
#: seen refused by Debian's 2.6.12 and by a 2.8.25 (``tests/test_rules_shapes.py`` checks it
#: again), and applies to every version whose keyword table lists the keyword: an empty
#: mode, duration, address, name or rule is no more valid in 2.0 or 3.4 than in 2.6.
VALUE_REQUIRED: dict[str, dict[str, int]] = {
    "proxy": {
        "acl": 2, "capture request header": 3, "capture response header": 3, "compression": 1,
        "declare capture": 1, "description": 1, "dispatch": 1, "email-alert level": 1,
        "errorfile": 2, "errorfiles": 1, "errorloc": 2, "errorloc302": 2, "errorloc303": 2,
        "external-check command": 1, "external-check path": 1, "filter": 1, "force-persist": 1,
        "hash-type": 1, "http-after-response": 1, "http-check comment": 1, "http-check expect": 1,
        "http-error": 1, "http-request": 1, "http-response": 1, "http-reuse": 1,
        "ignore-persist": 1, "load-server-state-from-file": 1, "log": 1, "mode": 1,
        "monitor fail": 1, "option http-restrict-req-hdr-names": 1, "rate-limit sessions": 1,
        "redirect": 1, "retry-on": 1, "server": 2, "server-template": 3, "stats admin": 1,
        "stats auth": 1, "stats http-request": 1, "stats realm": 1, "stats refresh": 1,
        "stats scope": 1, "stats uri": 1, "stick match": 1, "stick on": 1,
        "stick store-request": 1, "stick store-response": 1, "stick-table": 1,
        "tcp-check comment": 1, "tcp-check expect": 1, "tcp-check send": 1,
        "tcp-check send-binary": 1, "tcp-check send-binary-lf": 1, "tcp-check send-lf": 1,
        "tcp-request connection": 1, "tcp-request content": 1, "tcp-request session": 1,
        "tcp-response content": 1, "use-fcgi-app": 1, "clitcpka-cnt": 1, "clitcpka-idle": 1,
        "clitcpka-intvl": 1, "srvtcpka-cnt": 1, "srvtcpka-idle": 1, "srvtcpka-intvl": 1,
    },
    "global": {
        "close-spread-time": 1, "default-path": 1, "group": 1, "issuers-chain-path": 1,
        "log": 1, "lua-prepend-path": 1, "node": 1, "profiling.tasks": 1, "set-var": 1,
        "set-var-fmt": 1, "ssl-default-bind-options": 1, "ssl-default-server-options": 1,
        "ssl-propquery": 1, "ssl-provider": 1, "ssl-server-verify": 1, "stats maxconn": 1,
        "stats timeout": 1, "tune.comp.maxlevel": 1, "tune.h2.header-table-size": 1,
        "tune.h2.max-frame-size": 1, "tune.idle-pool.shared": 1, "tune.listener.multi-queue": 1,
        "tune.lua.service-timeout": 1, "tune.lua.session-timeout": 1, "tune.lua.task-timeout": 1,
        "tune.pattern.cache-size": 1, "tune.peers.max-updates-at-once": 1,
        "tune.pool-high-fd-ratio": 1, "tune.pool-low-fd-ratio": 1, "tune.sched.low-latency": 1,
        "tune.ssl.capture-buffer-size": 1, "tune.ssl.capture-cipherlist-size": 1,
        "tune.ssl.keylog": 1, "user": 1, "httpclient.resolvers.prefer": 1,
        "httpclient.ssl.verify": 1,
    },
    "cache": {"max-object-size": 1, "max-secondary-entries": 1, "total-max-size": 1},
    "fcgi-app": {"acl": 2, "log-stderr": 1, "option max-reqs": 1},
    "log-forward": {"log": 1, "timeout client": 1},
    "mailers": {"timeout mail": 1},
    "peers": {"bind": 1, "log": 1, "table": 1},
    "resolvers": {"hold": 2, "timeout": 2},
    "ring": {"backing-file": 1, "format": 1, "maxlen": 1, "server": 2, "size": 1},
    "userlist": {"group": 1, "user": 1},
}
#: Every ``timeout X`` of the proxy sections takes a duration (refused when empty).
VALUE_REQUIRED_PREFIXES: dict[str, tuple[str, ...]] = {"proxy": ("timeout ",)}

#: Corrections to the extraction: ``(version or "*", kind, keyword) -> {"min": .., "max": ..}``,
#: a value of None drops that bound, a whole entry of None drops the keyword. None needed so
#: far: every 2.6 and 2.8 entry matched the binaries.
OVERRIDES: dict[tuple[str, str, str], dict[str, int | None] | None] = {}


# --- reading C ---------------------------------------------------------------------------------


def strip_comments(src: str) -> str:
    """The source with comments blanked (lengths and newlines kept), strings untouched."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "/" and src.startswith("/*", i):
            end = src.find("*/", i + 2)
            end = n if end == -1 else end + 2
            out.append(re.sub(r"[^\n]", " ", src[i:end]))
            i = end
        elif c == "/" and src.startswith("//", i):
            end = src.find("\n", i)
            end = n if end == -1 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i : j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank_strings(code: str) -> str:
    """The code with the inside of string and char literals blanked (for brace matching)."""
    return re.sub(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], code)


def match(code: str, i: int) -> int:
    """Index just past the bracket closing the one at ``code[i]`` (in string-blanked code)."""
    open_, close = code[i], {"(": ")", "{": "}", "[": "]"}[code[i]]
    depth = 0
    for j in range(i, len(code)):
        if code[j] == open_:
            depth += 1
        elif code[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(code)


@dataclass
class Stmt:
    """A statement at the top level of a block: ``if (cond) body [else ...]`` or other."""

    kind: str          # "if" or "other"
    cond: str = ""     # the condition (original text), for "if"
    body: tuple[int, int] = (0, 0)  # span of the body (a block's inside, or one statement)
    text: str = ""     # the statement's whole text
    orelse: "Stmt | None" = None


class Source:
    def __init__(self, text: str) -> None:
        self.code = strip_comments(text)
        self.flat = blank_strings(self.code)

    def statements(self, start: int, end: int) -> list[Stmt]:
        """The statements of the block ``code[start:end]``, at its top level."""
        out: list[Stmt] = []
        i = start
        while i < end:
            stmt, i = self._statement(i, end)
            if stmt is not None:
                out.append(stmt)
        return out

    def _skip(self, i: int, end: int) -> int:
        flat = self.flat
        while i < end:
            if flat[i].isspace():
                i += 1
            elif flat[i] == "#":  # preprocessor line
                j = flat.find("\n", i)
                while j != -1 and flat[j - 1] == "\\":
                    j = flat.find("\n", j + 1)
                i = end if j == -1 else j + 1
            else:
                break
        return i

    def _statement(self, i: int, end: int) -> tuple[Stmt | None, int]:
        flat = self.flat
        i = self._skip(i, end)
        if i >= end:
            return None, end
        m = re.compile(r"(if|while|for|switch)\s*\(").match(flat, i)
        if m:
            paren = flat.index("(", m.start())
            close = match(flat, paren)
            cond = self.code[paren + 1 : close - 1]
            body_start = self._skip(close, end)
            body, after = self._body(body_start, end)
            stmt = Stmt("if" if m.group(1) == "if" else "loop", cond, body, self.code[i:after])
            if m.group(1) == "if":
                j = self._skip(after, end)
                if flat.startswith("else", j) and not (flat[j + 4 : j + 5].isalnum() or flat[j + 4 : j + 5] == "_"):
                    k = self._skip(j + 4, end)
                    if flat.startswith("if", k) and not flat[k + 2].isalnum():
                        stmt.orelse, after = self._statement(k, end)
                    else:
                        body2, after = self._body(k, end)
                        stmt.orelse = Stmt("else", "", body2, self.code[k:after])
            return stmt, after
        if flat[i] == "{":
            close = match(flat, i)
            return Stmt("block", "", (i + 1, close - 1), self.code[i:close]), close
        if re.compile(r"do\b").match(flat, i):
            k = self._skip(i + 2, end)
            body, after = self._body(k, end)
            semi = flat.find(";", after)
            return Stmt("loop", "", body, self.code[i:semi + 1]), semi + 1
        # an ordinary statement: up to the ';' at depth 0 (or a label's ':')
        j = i
        while j < end:
            c = flat[j]
            if c in "({[":
                j = match(flat, j)
                continue
            if c == ";":
                return Stmt("other", text=self.code[i : j + 1]), j + 1
            if c == "}":
                return Stmt("other", text=self.code[i:j]), j + 1
            j += 1
        return Stmt("other", text=self.code[i:end]), end

    def _body(self, i: int, end: int) -> tuple[tuple[int, int], int]:
        if i < end and self.flat[i] == "{":
            close = match(self.flat, i)
            return (i + 1, close - 1), close
        stmt, after = self._statement(i, end)
        return (i, after), after

    def functions(self) -> dict[str, tuple[int, int]]:
        """Function bodies by name (functions whose parameters include ``char **args``)."""
        out: dict[str, tuple[int, int]] = {}
        for m in re.finditer(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(([^;{)]*char\s*\*\*\s*args[^;{]*?)\)\s*\{", self.flat, re.M):
            brace = m.end() - 1
            out[m.group(1)] = (brace + 1, match(self.flat, brace) - 1)
        return out


# --- what a parser checks ------------------------------------------------------------------------

_KW = re.compile(r'(!\s*strcmp|\bstrcmp)\s*\(\s*args\s*\[\s*(\d+)\s*\]\s*,\s*"([^"]+)"\s*\)\s*(==\s*0)?')
_EMPTY = [
    re.compile(r"^!\s*\*\s*\(?\s*args\s*\[\s*(\d+)\s*\]\s*\)?$"),
    re.compile(r"^\*\s*\(?\s*args\s*\[\s*(\d+)\s*\]\s*\)?\s*==\s*(?:0|'\\0')$"),
    re.compile(r"^!\s*args\s*\[\s*(\d+)\s*\]\s*\[\s*0\s*\]$"),
    re.compile(r"^args\s*\[\s*(\d+)\s*\]\s*\[\s*0\s*\]\s*==\s*(?:0|'\\0')$"),
    re.compile(r"^!\s*args\s*\[\s*(\d+)\s*\]$"),
    re.compile(r"^args\s*\[\s*(\d+)\s*\]\s*==\s*NULL$"),
]
_TOO_MANY = re.compile(r"\b(alertif_too_many_args|too_many_args)(_idx)?\s*\(\s*(\d+)\s*,\s*(?:(\d+)\s*,)?")
_GOTO = re.compile(r"\bgoto\s+(\w+)\s*;")
_CALL = re.compile(r"\s*err_code\s*\|=\s*(\w+)\s*\(\s*args\s*,\s*0\s*,[^;]*\)\s*;\s*$")


def split_top(cond: str, op: str) -> list[str]:
    """``cond`` cut at the ``op`` (``||`` or ``&&``) operators outside parentheses."""
    flat = blank_strings(cond)
    parts, depth, last, i = [], 0, 0, 0
    while i < len(flat):
        c = flat[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and flat.startswith(op, i):
            parts.append(cond[last:i])
            last = i + len(op)
            i += len(op)
            continue
        i += 1
    parts.append(cond[last:])
    return [p.strip() for p in parts]


def strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and match(blank_strings(text), 0) == len(text):
        text = text[1:-1].strip()
    return text


def empty_checks(cond: str) -> list[int]:
    """The argument indexes whose emptiness alone makes ``cond`` true."""
    found = []
    for part in split_top(strip_parens(cond), "||"):
        part = strip_parens(part)
        for pattern in _EMPTY:
            m = pattern.match(part)
            if m:
                found.append(int(m.group(1)))
                break
    return found


def keyword_tests(cond: str, level: int) -> list[str] | None:
    """The keywords a condition selects at ``args[level]`` (``strcmp(args[0], "a") == 0 ||
    strcmp(args[0], "b") == 0``), or None if the condition is not such a test."""
    parts = split_top(strip_parens(cond), "||")
    names = []
    for part in parts:
        part = strip_parens(part)
        m = _KW.fullmatch(part)
        if not m or int(m.group(2)) != level:
            return None
        negated, equal = m.group(1).startswith("!"), bool(m.group(4))
        if negated == equal:  # "!strcmp(..) == 0" or "strcmp(..)" alone: not an equality
            return None
        names.append(m.group(3))
    return names


@dataclass
class Shape:
    min: int = 0
    max: int | None = None

    def then(self, later: "Shape") -> "Shape":
        """These checks, then ``later``'s: the first maximum checked wins."""
        return Shape(max(self.min, later.min), self.max if self.max is not None else later.max)

    def as_dict(self) -> dict[str, int]:
        out = {"min": self.min}
        if self.max is not None:
            out["max"] = self.max
        return out


class Extractor:
    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = {name: Source(text) for name, text in sources.items()}
        self.found: dict[str, dict[str, Shape]] = {}
        self.functions: dict[str, tuple[Source, tuple[int, int]]] = {}
        for src in self.sources.values():
            for name, span in src.functions().items():
                self.functions.setdefault(name, (src, span))

    def run(self) -> dict[str, dict[str, Shape]]:
        for name, kind in SECTION_PARSERS.items():
            if name in self.functions:
                src, span = self.functions[name]
                ctx = Parser(src, span, False)
                self.chain(ctx, ctx.src.statements(*span), kind, [], 0, Shape())
        for src in self.sources.values():
            for m in re.finditer(r'\{\s*(CFG_\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*[,}]', src.flat):
                kind = REGISTERED.get(m.group(1))
                # the flat text blanks strings: read the keyword from the code
                keyword = src.code[m.start(2) : m.end(2)]
                if kind is None or m.group(3) not in self.functions:
                    continue
                fsrc, span = self.functions[m.group(3)]
                self.function(Parser(fsrc, span, True), kind, keyword)
        return self.found

    def function(self, ctx: "Parser", kind: str, keyword: str) -> None:
        """A registered keyword's function. It may serve several keywords, told apart by a
        chain on ``args[0]`` (the checks around the chain apply to each of them) or by a
        chain on ``args[1]`` (a family: ``stats socket``...)."""
        stmts = ctx.src.statements(*ctx.span)
        for i, stmt in enumerate(stmts):
            branch = self._branch(stmt, 0, keyword)
            if branch is None:
                continue
            before = self.checks(ctx, stmts[:i], 0)
            own = self.checks(ctx, ctx.src.statements(*branch.body), 0)
            shape = before.then(own)
            body = ctx.src.code[branch.body[0] : branch.body[1]]
            if not re.search(r"\b(return|goto)\b", body):  # it falls through to what follows
                shape = shape.then(self.checks(ctx, stmts[i + 1 :], 0))
            self.store(kind, [keyword], shape)
            return
        self.keyword(ctx, stmts, kind, [keyword], 0, Shape())

    @staticmethod
    def _branch(stmt: Stmt, level: int, name: str) -> Stmt | None:
        branch: Stmt | None = stmt
        while branch is not None and branch.kind == "if":
            if name in (keyword_tests(branch.cond, level) or ()):
                return branch
            branch = branch.orelse
        return None

    def chain(self, ctx: "Parser", stmts: list[Stmt], kind: str, prefix: list[str], level: int,
              inherited: "Shape") -> None:
        """The if/else-if chains on ``args[level]`` among ``stmts``: one keyword per branch."""
        for stmt in stmts:
            branch: Stmt | None = stmt
            while branch is not None and branch.kind == "if":
                for name in keyword_tests(branch.cond, level) or ():
                    body = ctx.src.statements(*branch.body)
                    self.keyword(ctx, body, kind, prefix[:level] + [name], level, inherited)
                branch = branch.orelse

    def keyword(self, ctx: "Parser", stmts: list[Stmt], kind: str, words: list[str], level: int,
                inherited: "Shape") -> None:
        """One keyword's parser: its checks, or the chain of its family's members."""
        for i, stmt in enumerate(stmts):
            if stmt.kind == "if" and keyword_tests(stmt.cond, level + 1):
                # a family (`stats socket`, `option httplog`): the checks made before the
                # members' chain that look past the member's name apply to them too
                # (the chain may as well test the keyword's value: `mode http`, `mode tcp`:
                # the checks before it are the keyword's own)
                before = self.checks(ctx, stmts[:i], level + 1)
                self.chain(ctx, stmts[i:], kind, words, level + 1, inherited.then(before))
                self.store(kind, words, inherited.then(self.checks(ctx, stmts[:i], level)))
                return
        self.store(kind, words, inherited.then(self.checks(ctx, stmts, level)))

    def checks(self, ctx: "Parser", stmts: list[Stmt], level: int) -> "Shape":
        """The argument checks among ``stmts`` for a keyword of ``level + 1`` words."""
        shape = Shape()
        for stmt in stmts:
            call = _CALL.match(stmt.text) if stmt.kind == "other" and not ctx.registered else None
            if call is not None and call.group(1) in self.functions:
                # `err_code |= proxy_parse_httpchk_opt(args, 0, ...)`: the keyword's parser
                # continues in a function that reads the same args and returns error flags
                fsrc, span = self.functions[call.group(1)]
                shape = shape.then(self.checks(Parser(fsrc, span, False), fsrc.statements(*span), level))
                continue
            if stmt.kind != "if":
                continue
            m = _TOO_MANY.search(stmt.cond)
            # alertif_too_many_args() sets ERR_FATAL itself: fatal in a section parser
            if stmt.orelse is not None or not (ctx.fatal(stmt.text) or (m and not ctx.registered)):
                continue
            if m:
                n, index = int(m.group(3)), int(m.group(4) or 0)
                if shape.max is None and n + index - level >= 0:
                    shape.max = n + index - level
                continue
            for index in empty_checks(stmt.cond):
                if index > level:
                    shape.min = max(shape.min, index - level)
        return shape

    def store(self, kind: str, words: list[str], shape: "Shape") -> None:
        if shape.min or shape.max is not None:
            self.found.setdefault(kind, {}).setdefault(" ".join(words), shape)


@dataclass
class Parser:
    """Where a keyword's parser lives: its function, and how that function reports an error.

    A section parser (``cfg_parse_listen``) returns error flags: ``ERR_FATAL``/``ERR_ABORT``
    refuse the file. A registered keyword function returns a number: negative refuses the
    file, positive is only a warning (so ``err_code |= ERR_FATAL; ... return err_code`` in
    such a function is a warning, as HAProxy 2.6 treats ``mworker-max-reloads``)."""

    src: Source
    span: tuple[int, int]
    registered: bool

    def fatal(self, text: str) -> bool:
        if not self.registered:
            return bool(re.search(r"\bERR_(FATAL|ABORT)\b", text))
        if re.search(r"\breturn\s*\(?\s*-\s*1\s*\)?\s*;", text):
            return True
        m = _GOTO.search(text)
        if m is None:
            return False
        body = self.src.code[self.span[0] : self.span[1]]
        label = re.search(r"^\s*" + re.escape(m.group(1)) + r"\s*:(?!:)", body, re.M)
        if label is None:
            return False
        ret = re.compile(r"\breturn\b([^;]*);").search(body, label.end())
        return ret is not None and re.fullmatch(r"\s*\(?\s*-\s*1\s*\)?\s*", ret.group(1)) is not None


# --- the output ------------------------------------------------------------------------------------


def git_sources(repo: str, version: str) -> dict[str, str]:
    tag = f"v{version}.0"
    listing = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", tag, "src/"],
                             capture_output=True, text=True, check=True).stdout.split()
    out = {}
    for path in listing:
        if not path.endswith(".c"):
            continue
        text = subprocess.run(["git", "-C", repo, "show", f"{tag}:{path}"], capture_output=True,
                              check=True).stdout.decode("utf-8", "replace")
        if "args" in text or "str2sa_range" in text:
            out[path] = text
    return out


def table_keywords(version: str) -> dict[str, set[str]]:
    data = json.loads((KEYWORDS / f"{version}.json").read_text(encoding="utf-8"))
    return {kind: set(names) for kind, names in data["keywords"].items()}


def shapes_for(repo: str, version: str, sources: dict[str, str] | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """``{kind: {keyword: {"min": n, "max": m}}}`` for one version (``max`` only when HAProxy
    counts the arguments)."""
    found = Extractor(sources if sources is not None else git_sources(repo, version)).run()
    known = table_keywords(version)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for kind in sorted(known):
        for keyword in sorted(known[kind]):
            shape = found.get(kind, {}).get(keyword, Shape())
            needed = VALUE_REQUIRED.get(kind, {}).get(keyword, 0)
            if keyword.startswith(VALUE_REQUIRED_PREFIXES.get(kind, ("\0",))):
                needed = max(needed, 1)
            entry: dict[str, int | None] | None = {"min": max(shape.min, needed), "max": shape.max}
            for key in ((version, kind, keyword), ("*", kind, keyword)):
                if key in OVERRIDES:
                    fix = OVERRIDES[key]
                    entry = None if fix is None or entry is None else {**entry, **fix}
            if entry is None:
                continue
            clean = {k: v for k, v in entry.items() if v is not None}
            if clean.get("min", 0) == 0 and "max" not in clean:
                continue
            out.setdefault(kind, {})[keyword] = clean
    return out


_PREFIX = re.compile(r'strncmp\s*\(\s*str2\s*,\s*"([a-z0-9]+[@+])"')


def addresses_for(sources: dict[str, str]) -> dict[str, object]:
    """What ``str2sa_range()`` (the address parser of bind, server, log...) accepts: its
    prefixes (``ipv4@``, ``unix@``, ``quic+``...), whether it checks ports against what each
    directive permits (a range on a bind, an offset on a server: 2.3 and later), and whether
    it refuses characters after a port's digits (``:80x``: 2.9 and later; read as 80 before)."""
    for text in sources.values():
        start = text.find("str2sa_range(const char *str")
        if start == -1:
            continue
        end = text.find("\n}\n", start)
        body = text[start:end]
        return {
            "prefixes": sorted(set(_PREFIX.findall(body))),
            "port_options": "port range not permitted here" in body,
            "strict_ports": re.search(r"portl\s*=\s*strtol\s*\(\s*port1\s*,\s*&endptr", body) is not None,
        }
    raise SystemExit("str2sa_range() not found")


def render(repo: str) -> str:
    versions = {}
    for version in VERSIONS:
        sources = git_sources(repo, version)
        versions[version] = {"keywords": shapes_for(repo, version, sources), "addresses": addresses_for(sources)}
    return json.dumps({"versions": versions}, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO, help="HAProxy git dir (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare with the file, write nothing")
    args = parser.parse_args(argv)
    text = render(args.repo)
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run scripts/gen_shapes.py", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)} is up to date")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
