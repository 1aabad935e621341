#!/usr/bin/env python3
"""Regenerate ``haproxy_lint/data/keywords/<X.Y>.json`` from HAProxy's own documentation.

For every supported version the script reads ``doc/configuration.txt`` at the release tag
(``git show v<X.Y>.0:doc/configuration.txt`` in a local clone of HAProxy; no network) and
extracts the configuration keywords per section kind:

* ``global``: the keyword list at the top of chapter 3 plus the keyword headings of the
  "Process management and security", "Performance tuning", "Debugging" and "HTTPClient tuning"
  chapters (``stats socket`` and friends are kept multi-word);
* ``proxy``: the "Proxy keywords matrix" (4.1: which of defaults/frontend/listen/backend accept
  a keyword, the ``(*)`` "no"-prefix mark, the ``(!)`` named-defaults mark, ``(deprecated)``)
  completed by the headings of 4.2 that the matrix leaves out (their "May be used in sections"
  table gives where they are accepted);
* ``bind`` / ``server``: the option headings of 5.1 / 5.2 (whether each takes an argument);
* one kind per other section (``userlist``, ``peers``, ``resolvers``, ``cache``, ``ring``,
  ``crt-store``, ``acme``, ...), found by chapter title;
* ``deprecated``: keywords marked deprecated, with the replacement the text names;
* ``removed``: computed across versions (present in an earlier table, absent from this one).

The documentation is the source. Small curated tables below correct it where it is provably
wrong or silent, each entry with its reason: ``UNDOCUMENTED`` (keywords the parsers accept but no
chapter describes, flagged ``"undocumented": true`` in the output), ``DOC_ERRATA`` (misspelt
names), ``MISFILED`` (keywords described in the wrong chapter), ``ACCEPTANCE_HINTS`` and
``REPLACEMENT_HINTS``. They were found by comparing the tables with the keyword dumps of real
binaries (``haproxy -dKcfg -q -c -f /dev/null``: Debian's 2.6.12 and a 2.8.25), with those
binaries' verdict on one-line test configurations, and with the parsers' sources at the release
tags. ``--cross-check VERSION BINARY`` repeats the dump comparison (it prints, never writes).

The output is deterministic: running the script again must reproduce the committed files byte
for byte (``--check`` verifies that without writing).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

VERSIONS = ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")
DEFAULT_REPO = "/work/.mirror/haproxy+haproxy/repo"
OUT_DIR = Path(__file__).resolve().parent.parent / "haproxy_lint" / "data" / "keywords"

PROXY_KINDS = ("defaults", "frontend", "listen", "backend")
PROXY_SECTION_KEYWORDS = ("global", "defaults", "frontend", "listen", "backend")

# Chapters that describe one kind of configuration section, by exact chapter title.
SECTION_CHAPTERS: dict[str, str] = {
    "Userlists": "userlist",
    "Peers": "peers",
    "Peers declaration": "peers",
    "Mailers": "mailers",
    "Programs": "program",
    "Programs (deprecated)": "program",
    "HTTP-errors": "http-errors",
    "Rings": "ring",
    "Log forwarding": "log-forward",
    "The resolvers section": "resolvers",
    "Cache section": "cache",
    "Fcgi-app section": "fcgi-app",
    "Certificate Storage": "crt-store",
    "Traces": "traces",
    "ACME": "acme",
    "Log profiles": "log-profile",
    "Healthchecks": "healthcheck",
}
GLOBAL_CHAPTERS = (
    "Process management and security",
    "Performance tuning",
    "Debugging",
    "HTTPClient tuning",
)
BIND_CHAPTER = "Bind options"
SERVER_CHAPTER = "Server and default-server options"
CRT_LOAD_CHAPTER = "Load options"

# Outside proxies, a heading whose first word is one of these is a two-word keyword ("stats
# socket" in global, "timeout mail", "option start-on-reload"); otherwise the first word alone is
# the keyword and what follows is an argument ("log global", "expose-fd listeners"). Exception:
# in resolvers sections "timeout" itself takes the event name ("timeout resolve 1s").
TWO_WORD_FAMILIES = {"global": {"stats"}, "*": {"option", "timeout"}}

# Keywords the binaries register (or the parser accepts) that no heading documents. Each entry:
# kind -> {keyword: (first version, last version or None, extra attributes)}. Sources: keyword
# dumps of HAProxy 2.6.12 / 2.8.25 (-dKcfg) and reading the parsers at the release tags.
UNDOCUMENTED: dict[str, dict[str, tuple[str, str | None, dict]]] = {
    "global": {
        # registered by the parsers of every version, never documented
        "tune.vars.check-max-size": ("2.2", None, {}),
        "wurfl-engine-mode": ("2.0", None, {}),          # kept as a no-op for old files
        "wurfl-useragent-priority": ("2.0", None, {}),   # kept as a no-op for old files
        "deviceatlas-cache-size": ("3.0", None, {}),
        # registered by the 2.6.12 binary (backported after 2.6.0, documented from 2.8)
        "tune.peers.max-updates-at-once": ("2.6", "2.6", {}),
        # registered by the 2.8.25 binary (backported after 2.8.0, documented from 3.0)
        "harden.reject-privileged-ports.quic": ("2.8", "2.8", {}),
        "harden.reject-privileged-ports.tcp": ("2.8", "2.8", {}),
        "httpclient.retries": ("2.8", "2.8", {}),
        "httpclient.timeout.connect": ("2.8", "2.8", {}),
        "setcap": ("2.8", "2.8", {}),
        "tune.h2.be.glitches-threshold": ("2.8", "2.8", {}),
        "tune.h2.fe.glitches-threshold": ("2.8", "2.8", {}),
        "tune.h2.fe.max-total-streams": ("2.8", "2.8", {}),
        "tune.lua.log.loggers": ("2.8", "2.8", {}),
        "tune.lua.log.stderr": ("2.8", "2.8", {}),
        # added in 3.4-dev and backported to the stable branches (the 2.8.25 binary has it;
        # 3.0.0 and 3.2.0 predate it but their later maintenance releases may well have it)
        "tune.ssl.certificate-compression": ("2.8", None, {}),
        # no longer documented in 3.2; accepted with a warning that it has no effect
        "tune.quic.frontend.conn-tx-buffers.limit": ("3.2", "3.2", {
            "deprecated": "tune.quic.frontend.default-max-window-size"}),
    },
    "proxy": {
        # 2.0 still accepts the old misspelling (its description says so)
        "option independant-streams": ("2.0", "2.0", {
            "accepted_in": ["defaults", "frontend", "listen", "backend"], "negatable": True,
            "deprecated": "option independent-streams"}),
        # accepted with a deprecation warning until 2.4, rejected from 2.6 on
        "option forceclose": ("2.0", "2.4", {
            "accepted_in": ["defaults", "frontend", "listen", "backend"], "negatable": True,
            "deprecated": "option httpclose"}),
        # dropped from the documentation in 2.2 but still accepted (warning, ignored) until 2.4
        "option http-tunnel": ("2.2", "2.4", {
            "accepted_in": ["defaults", "frontend", "listen"], "negatable": True, "deprecated": ""}),
        "option http-use-htx": ("2.2", "2.4", {
            "accepted_in": ["defaults", "frontend", "listen", "backend"], "negatable": True,
            "deprecated": ""}),
    },
    "server": {
        "no-check-send-proxy": ("2.0", None, {}),
    },
    # the "namespace_list" section (Linux network namespaces, USE_NS builds) is registered by
    # every version and never documented
    "namespace_list": {
        "namespace": ("2.0", None, {}),
    },
}
UNDOCUMENTED_SECTIONS: dict[str, tuple[str, str | None]] = {
    "namespace_list": ("2.0", None),
}

# Where the documentation is wrong about a keyword's name: (kind, documented) -> real name.
DOC_ERRATA: dict[tuple[str, str], str] = {
    # peers sections: 2.0-2.4 document "enable", the parser only knows "enabled"
    ("peers", "enable"): "enabled",
    # the DeviceAtlas module registers "deviceatlas-property-separator" (which the converter
    # description names), the global section chapters call it "deviceatlas-separator"
    ("global", "deviceatlas-separator"): "deviceatlas-property-separator",
}

# Keywords documented in the wrong chapter: (kind documented in, keyword) -> real kind, or
# None when the keyword belongs to no section kind of these tables.
MISFILED: dict[tuple[str, str], str | None] = {
    # 3.0 lists the server option "hash-key" among the proxy keywords (3.2 fixed it)
    ("proxy", "hash-key"): "server",
    # 2.8 describes "ocsp-update" with the bind options but it is only valid in crt-list
    # lines (the 2.8 binary registers it for crt-list only); 3.0 moved it
    ("bind", "ocsp-update"): None,
    # documented among the server options since 1.x, but no version implements it (both
    # binaries answer "unknown keyword")
    ("server", "no-verifyhost"): None,
    # 3.2's matrix lists "crt" for frontends: it is an option of "bind" and "ssl-f-use" lines,
    # the proxy parser has no such keyword
    ("proxy", "crt"): None,
}

# Where a 4.2 entry has no "May be used in sections" table, the sections its parser accepts it
# in (read from the parser's capability check).
ACCEPTANCE_HINTS: dict[str, list[str]] = {
    "max-session-srv-conns": ["defaults", "frontend", "listen"],
}

# Replacement hints for keywords the documentation marks deprecated without naming the
# replacement in the keyword's own description. The hints are the keywords that HAProxy's parser
# names when it rejects them in the following release.
REPLACEMENT_HINTS: dict[str, dict[str, str]] = {
    "proxy": {
        "block": "http-request deny",
        "reqadd": "http-request add-header",
        "reqallow": "http-request allow",
        "reqiallow": "http-request allow",
        "reqdel": "http-request del-header",
        "reqidel": "http-request del-header",
        "reqdeny": "http-request deny",
        "reqideny": "http-request deny",
        "reqpass": "",
        "reqipass": "",
        "reqrep": "http-request replace-header",
        "reqirep": "http-request replace-header",
        "reqtarpit": "http-request tarpit",
        "reqitarpit": "http-request tarpit",
        "rspadd": "http-response add-header",
        "rspdel": "http-response del-header",
        "rspidel": "http-response del-header",
        "rspdeny": "http-response deny",
        "rspideny": "http-response deny",
        "rsprep": "http-response replace-header",
        "rspirep": "http-response replace-header",
        "redisp": "option redispatch",
        "monitor-net": "http-request return",
        "option http-tunnel": "",
        "option http_proxy": "http-request set-dst",
        "timeout clitimeout": "timeout client",
        "timeout contimeout": "timeout connect",
        "timeout srvtimeout": "timeout server",
    },
    "global": {
        "debug": "",
        "nbproc": "nbthread",
        "trace": "trace (in a traces section)",
    },
}

KEYWORD_TOKEN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CHAPTER_TITLE = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(\S.*?)\s*$")
UNDERLINE = re.compile(r"^-{3,}\s*$")
DEPRECATED_MARK = re.compile(r"\(deprecated\)", re.I)


# --------------------------------------------------------------------------------------------
# Reading the document
# --------------------------------------------------------------------------------------------


@dataclass
class Chapter:
    number: str
    title: str
    body: list[str]


@dataclass
class Heading:
    """One keyword heading (possibly several stacked lines) and the description under it."""

    lines: list[str]
    body: list[str]

    @property
    def text(self) -> str:
        """The description as sentences: one paragraph per line, blanks collapsed."""
        paragraphs, current = [], []
        for line in self.body + [""]:
            if line.strip():
                current.append(line.strip())
            elif current:
                paragraphs.append(" ".join(" ".join(current).split()))
                current = []
        return "\n".join(paragraphs)


def read_doc(repo: str, version: str, path: str = "doc/configuration.txt") -> str:
    out = subprocess.run(
        ["git", "-C", repo, "show", f"v{version}.0:{path}"],
        check=True, capture_output=True,
    )
    return out.stdout.decode("utf-8", errors="replace")


def split_chapters(text: str) -> list[Chapter]:
    """Cut the document at its numbered, underlined chapter titles."""
    lines = text.split("\n")
    starts: list[tuple[int, str, str]] = []
    for i in range(len(lines) - 1):
        m = CHAPTER_TITLE.match(lines[i])
        if m and UNDERLINE.match(lines[i + 1]):
            starts.append((i, m.group(1), m.group(2)))
    chapters = []
    for j, (i, number, title) in enumerate(starts):
        end = starts[j + 1][0] if j + 1 < len(starts) else len(lines)
        chapters.append(Chapter(number, title, lines[i + 2:end]))
    return chapters


def chapters_titled(chapters: list[Chapter], *titles: str) -> list[Chapter]:
    return [c for c in chapters if c.title in titles]


def _first_token(line: str) -> str:
    return line.split()[0].split("(")[0]


def _is_heading_candidate(line: str) -> bool:
    return bool(line) and not line[0].isspace() and bool(KEYWORD_TOKEN.match(_first_token(line)))


def find_headings(body: list[str]) -> list[Heading]:
    """Keyword headings: unindented lines starting with a lowercase keyword, preceded by a blank
    line, possibly stacked (several such lines in a row), and followed by an indented
    description. Unindented prose (paragraphs) never has an indented block right under it."""
    found: list[Heading] = []
    k = 0
    n = len(body)
    while k < n:
        line = body[k]
        if _is_heading_candidate(line) and (k == 0 or not body[k - 1].strip()):
            j = k
            while j + 1 < n and body[j + 1] and not body[j + 1][0].isspace():
                j += 1
            stack = body[k:j + 1]
            nxt = next((x for x in body[j + 1:] if x.strip()), "")
            if nxt[:1].isspace() and all(_is_heading_candidate(x) for x in stack):
                end = j + 1
                while end < n and not (
                    _is_heading_candidate(body[end]) and not body[end - 1].strip()
                ):
                    end += 1
                found.append(Heading(stack, body[j + 1:end]))
                k = end
                continue
            k = j + 1
            continue
        k += 1
    return found


def keyword_tokens(line: str) -> list[str]:
    """The leading words of a heading that look like keyword words (stops at the first
    argument placeholder such as <name>, [opt] or {a|b}, and after a word carrying '(')."""
    tokens = []
    for word in line.split():
        base = word.split("(")[0]
        if not KEYWORD_TOKEN.match(base):
            break
        tokens.append(base)
        if base != word:
            break
    return tokens


def heading_has_args(line: str, keyword: str) -> bool:
    rest = DEPRECATED_MARK.sub("", line).split()[len(keyword.split()):]
    return bool(rest)


# --------------------------------------------------------------------------------------------
# Deprecation
# --------------------------------------------------------------------------------------------

_REPLACEMENT = re.compile(
    r"""(?:\buse|\busing|in favou?r of|replaced by|superseded by)\s+"""
    r"""(?:[a-z]+\s+){0,3}?"""                       # "the new", "the more suited", ...
    r"""["']([a-z][a-z0-9 ._-]*?)["']""",
    re.I,
)


def find_replacement(text: str) -> str | None:
    """The keyword a deprecation notice points to, e.g. 'is deprecated, use "option
    transparent" instead' (looked for in the notice's sentence and the one after it)."""
    sentences = [s for paragraph in text.split("\n") for s in re.split(r"(?<=[.!])\s+", paragraph)]
    for i, sentence in enumerate(sentences):
        if re.search(r"deprecat|not supported any ?more|obsolete", sentence, re.I):
            for candidate in sentences[i:i + 2]:
                m = _REPLACEMENT.search(candidate)
                if m:
                    return " ".join(m.group(1).split())
    return None


_BODY_DEPRECATION = re.compile(
    r"^(?:Deprecated\.|This (?:directive|keyword|option|parameter|setting) is (?:now )?deprecated\b)"
)


def stacked_replacement(head: "Heading", name: str, kind: str) -> str | None:
    """A deprecated spelling stacked under the current one ("tune.ssl.capture-buffer-size"
    over "tune.ssl.capture-cipherlist-size (deprecated)"): the first non-deprecated heading
    line of the stack, when it names another keyword."""
    for line in head.lines:
        if DEPRECATED_MARK.search(line):
            continue
        tokens = keyword_tokens(line)
        if tokens[:1] == ["no"]:
            tokens = tokens[1:]
        other = heading_keyword(tokens, kind) if tokens else None
        if other and other != name:
            return other
    return None


def deprecation_replacement(head: "Heading", name: str, kind: str) -> str | None:
    replacement = find_replacement(head.text) or stacked_replacement(head, name, kind)
    return None if replacement == name else replacement


def says_deprecated(text: str) -> bool:
    """True when a keyword's description opens a sentence by declaring the keyword deprecated
    (not a form of it, not a value): "Deprecated." or "This directive is deprecated ..."."""
    return any(_BODY_DEPRECATION.match(s) for paragraph in text.split("\n")
               for s in re.split(r"(?<=[.!])\s+", paragraph))


# --------------------------------------------------------------------------------------------
# Tables of one section kind
# --------------------------------------------------------------------------------------------


@dataclass
class KindTable:
    """The keywords of one section kind: name -> attributes, and deprecations."""

    keywords: dict[str, dict] = field(default_factory=dict)
    deprecated: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, **attrs) -> dict:
        entry = self.keywords.setdefault(name, {})
        for key, value in attrs.items():
            if value:
                entry[key] = value
        return entry

    def deprecate(self, name: str, replacement: str | None) -> None:
        if replacement or name not in self.deprecated:
            self.deprecated[name] = replacement or ""


def heading_keyword(tokens: list[str], kind: str) -> str:
    families = TWO_WORD_FAMILIES.get(kind, set()) | TWO_WORD_FAMILIES["*"]
    if kind == "resolvers":
        families = families - {"timeout"}
    if len(tokens) >= 2 and tokens[0] in families:
        return " ".join(tokens[:2])
    return tokens[0]


def add_headings(table: KindTable, headings: list[Heading], kind: str,
                 skip: set[str] = frozenset()) -> None:
    """Add every heading of a section chapter to ``table`` (``no X`` marks X negatable)."""
    for head in headings:
        parsed = []
        for line in head.lines:
            tokens = keyword_tokens(line)
            negated = tokens[:1] == ["no"] and len(tokens) > 1
            if negated:
                tokens = tokens[1:]
            name = DOC_ERRATA.get((kind, heading_keyword(tokens, kind)), heading_keyword(tokens, kind))
            if name not in skip:
                parsed.append((line, name, negated))
        # a description declaring "Deprecated." speaks for its keyword only when the heading
        # stack does not stack several keywords
        body_says = says_deprecated(head.text) and len({name for _, name, _ in parsed}) == 1
        deprecated = []
        for line, name, negated in parsed:
            entry = table.add(name, negatable=negated)
            if kind in ("bind", "server") and heading_has_args(line, name):
                entry["takes_arg"] = True
            if DEPRECATED_MARK.search(line) or body_says:
                deprecated.append(name)
        for name in deprecated:
            table.deprecate(name, deprecation_replacement(head, name, kind))


# --------------------------------------------------------------------------------------------
# Section 3: global
# --------------------------------------------------------------------------------------------


def keyword_lists(body: list[str]) -> list[tuple[str, str]]:
    """Items of the "The following keywords are supported ..." lists: (keyword, rest)."""
    items = []
    in_list = False
    for line in body:
        if re.search(r"following keywords are (?:supported|usable)", line, re.I):
            in_list = True
            continue
        if not in_list:
            continue
        m = re.match(r"^\s+- ([a-z0-9][a-z0-9._-]*)\s*(.*)$", line)
        if m:
            items.append((m.group(1), m.group(2)))
        elif line.strip() and not line.lstrip().startswith("*"):
            in_list = False
    return items


def parse_global(chapters: list[Chapter]) -> KindTable:
    table = KindTable()
    headings = [h for c in chapters_titled(chapters, *GLOBAL_CHAPTERS) for h in find_headings(c.body)]
    add_headings(table, headings, "global")
    families = {name.split()[0] for name in table.keywords if " " in name}
    intro = next(c for c in chapters if c.number == "3")
    for name, mark in keyword_lists(intro.body):
        name = DOC_ERRATA.get(("global", name), name)
        if name in families:
            continue
        table.add(name)
        if DEPRECATED_MARK.search(mark):
            table.deprecate(name, None)
    return table


# --------------------------------------------------------------------------------------------
# Section 4: proxies
# --------------------------------------------------------------------------------------------

_MATRIX_ROW = re.compile(
    r"^(?P<kw>[a-z][a-z0-9_.-]*(?: [a-z][a-z0-9_.-]*)*)\s+"
    r"(?P<marks>(?:\((?:deprecated|\*)\)\s*)*)"
    r"(?P<d>[X-])\s*(?P<named>\(!\))?\s+(?P<f>[X-])\s+(?P<l>[X-])\s+(?P<b>[X-])\s*$"
)


def parse_proxy_matrix(chapter: Chapter) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for line in chapter.body:
        m = _MATRIX_ROW.match(line)
        if not m:
            continue
        accepted = [k for k, col in zip(PROXY_KINDS, "dflb") if m.group(col) == "X"]
        rows[m.group("kw")] = {
            "accepted_in": accepted,
            "negatable": "(*)" in m.group("marks"),
            "named_defaults_only": bool(m.group("named")),
            "deprecated": "deprecated" in m.group("marks"),
        }
    return rows


_USED_IN = re.compile(r"May be used in sections?\s*:?\s*defaults\s*\|\s*frontend\s*\|\s*listen\s*\|\s*backend")
_USED_IN_VALUES = re.compile(
    r"^\s*(yes|no)\s*(\(!\))?\s*\|\s*(yes|no)\s*\|\s*(yes|no)\s*\|\s*(yes|no)\b"
)


def used_in(head: Heading) -> tuple[list[str], bool] | None:
    """The "May be used in sections" table of a 4.2 entry: (accepted kinds, named-only)."""
    for i, line in enumerate(head.body[:-1]):
        if _USED_IN.search(line):
            m = _USED_IN_VALUES.match(head.body[i + 1])
            if m:
                flags = [m.group(1), m.group(3), m.group(4), m.group(5)]
                return [k for k, f in zip(PROXY_KINDS, flags) if f == "yes"], bool(m.group(2))
    return None


def parse_proxy(chapters: list[Chapter]) -> tuple[KindTable, list[str]]:
    """Proxy keywords: the matrix first, then 4.2 headings it lacks. Returns notes on
    disagreements between the two (for --verbose)."""
    notes: list[str] = []
    matrix = parse_proxy_matrix(chapters_titled(chapters, "Proxy keywords matrix")[0])
    reference = chapters_titled(chapters, "Alphabetically sorted keywords reference")[0]
    table = KindTable()
    for name, row in matrix.items():
        table.add(name, accepted_in=row["accepted_in"], negatable=row["negatable"],
                  named_defaults_only=row["named_defaults_only"])
        if row["deprecated"]:
            table.deprecate(name, None)
    families = {name.split()[0] for name in matrix if " " in name}
    no_table: set[str] = set()
    for head in find_headings(reference.body):
        deprecated_names = []
        for line in head.lines:
            tokens = keyword_tokens(line)
            negated = tokens[:1] == ["no"] and len(tokens) > 1
            if negated:
                tokens = tokens[1:]
            name = next((" ".join(tokens[:n]) for n in range(len(tokens), 0, -1)
                         if " ".join(tokens[:n]) in matrix), None)
            if name is None:
                name = " ".join(tokens[:2]) if tokens[0] in families and len(tokens) > 1 else tokens[0]
                where = used_in(head)
                if where is None:
                    notes.append(f"4.2 heading without section table: {line!r}")
                    no_table.add(name)
                    accepted, named = ACCEPTANCE_HINTS.get(name, list(PROXY_KINDS)), False
                else:
                    accepted, named = where
                table.add(name, accepted_in=accepted, named_defaults_only=named)
                notes.append(f"4.2 only: {name}")
            else:
                where = used_in(head)
                entry = table.keywords[name]
                if where and not set(where[0]) <= set(entry["accepted_in"]):
                    # the matrix and the description disagree: keep the union, so that a
                    # keyword is never reported as misplaced where one of them allows it
                    notes.append(f"matrix/4.2 disagree on {name}: {entry['accepted_in']} vs {where[0]}")
                    entry["accepted_in"] = [k for k in PROXY_KINDS
                                            if k in entry["accepted_in"] or k in where[0]]
            if negated:
                table.keywords[name]["negatable"] = True
            if DEPRECATED_MARK.search(line) or (says_deprecated(head.text) and len(head.lines) == 1):
                deprecated_names.append(name)
            elif name in table.deprecated and head.lines[0] == line:
                # the matrix marks it; look for the replacement in its description
                deprecated_names.append(name)
        for name in deprecated_names:
            table.deprecate(name, deprecation_replacement(head, name, "proxy"))
    for name in no_table - set(ACCEPTANCE_HINTS):
        # a deprecated spelling is accepted where its replacement is
        replacement = table.deprecated.get(name)
        if replacement in table.keywords:
            table.keywords[name]["accepted_in"] = list(table.keywords[replacement]["accepted_in"])
    return table, notes


# --------------------------------------------------------------------------------------------
# Section 5: bind and server options
# --------------------------------------------------------------------------------------------


def parse_options(chapters: list[Chapter], title: str, kind: str) -> KindTable:
    table = KindTable()
    for chapter in chapters_titled(chapters, title):
        add_headings(table, find_headings(chapter.body), kind)
    return table


# --------------------------------------------------------------------------------------------
# Other sections (userlist, peers, resolvers, cache, ...)
# --------------------------------------------------------------------------------------------


def parse_sections(chapters: list[Chapter]) -> tuple[dict[str, KindTable], dict[str, str]]:
    """Keywords of every documented non-proxy section kind, plus deprecated section kinds."""
    tables: dict[str, KindTable] = {}
    deprecated_sections: dict[str, str] = {}
    for chapter in chapters:
        kind = SECTION_CHAPTERS.get(chapter.title)
        if kind is None:
            continue
        if not re.search(rf'(?:^|["\s]){re.escape(kind)}(?:["\s]|$)', "\n".join(chapter.body)):
            raise SystemExit(f"chapter {chapter.number} {chapter.title!r} never names {kind!r}")
        table = tables.setdefault(kind, KindTable())
        add_headings(table, find_headings(chapter.body), kind, skip={kind})
        for name, mark in keyword_lists(chapter.body):
            table.add(name)
            if DEPRECATED_MARK.search(mark):
                table.deprecate(name, None)
        if DEPRECATED_MARK.search(chapter.title):
            deprecated_sections[kind] = find_replacement(Heading([], chapter.body).text) or ""
    return tables, deprecated_sections


def parse_crt_load_options(chapters: list[Chapter]) -> KindTable:
    table = KindTable()
    for chapter in chapters_titled(chapters, CRT_LOAD_CHAPTER):
        add_headings(table, find_headings(chapter.body), "crt-load")
    return table


# --------------------------------------------------------------------------------------------
# One version, all versions
# --------------------------------------------------------------------------------------------


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def _in_range(version: str, first: str, last: str | None) -> bool:
    key = _version_key(version)
    return _version_key(first) <= key and (last is None or key <= _version_key(last))


def apply_undocumented(version: str, kinds: dict[str, KindTable]) -> None:
    for kind, entries in UNDOCUMENTED.items():
        for name, (first, last, attrs) in entries.items():
            if not _in_range(version, first, last):
                continue
            table = kinds.setdefault(kind, KindTable())
            if name in table.keywords:
                continue
            attrs = dict(attrs)
            replacement = attrs.pop("deprecated", None)
            table.add(name, undocumented=True, **attrs)
            if replacement is not None:
                table.deprecate(name, replacement)


def apply_misfiled(kinds: dict[str, KindTable]) -> None:
    for (kind, name), real in MISFILED.items():
        table = kinds.get(kind)
        if table is None or name not in table.keywords:
            continue
        entry = table.keywords.pop(name)
        if real is None:
            table.deprecated.pop(name, None)
            continue
        kinds[real].add(name, takes_arg=real in ("bind", "server"),
                        **{k: v for k, v in entry.items() if k not in ("accepted_in", "named_defaults_only")})
        if name in table.deprecated:
            kinds[real].deprecate(name, table.deprecated.pop(name))


def apply_hints(kinds: dict[str, KindTable]) -> None:
    for kind, hints in REPLACEMENT_HINTS.items():
        table = kinds.get(kind)
        if table is None:
            continue
        for name, hint in hints.items():
            if name in table.deprecated and not table.deprecated[name]:
                table.deprecated[name] = hint


def build_version(repo: str, version: str, verbose: bool = False) -> dict:
    chapters = split_chapters(read_doc(repo, version))
    kinds: dict[str, KindTable] = {"global": parse_global(chapters)}
    kinds["proxy"], notes = parse_proxy(chapters)
    kinds["bind"] = parse_options(chapters, BIND_CHAPTER, "bind")
    kinds["server"] = parse_options(chapters, SERVER_CHAPTER, "server")
    others, deprecated_sections = parse_sections(chapters)
    kinds.update(others)
    load = parse_crt_load_options(chapters)
    if load.keywords:
        kinds["crt-store-load"] = load
    apply_misfiled(kinds)
    apply_undocumented(version, kinds)
    apply_hints(kinds)
    if verbose:
        for note in notes:
            print(f"[{version}] {note}", file=sys.stderr)
    undocumented_sections = sorted(name for name, (first, last) in UNDOCUMENTED_SECTIONS.items()
                                   if _in_range(version, first, last))
    section_keywords = sorted(set(PROXY_SECTION_KEYWORDS) | set(others) | set(undocumented_sections))
    deprecated = {k: dict(sorted(t.deprecated.items())) for k, t in kinds.items() if t.deprecated}
    if deprecated_sections:
        deprecated["sections"] = deprecated_sections
    return {
        "version": version,
        "section_keywords": section_keywords,
        "keywords": {k: t.keywords for k, t in kinds.items()},
        "deprecated": deprecated,
        "undocumented_sections": undocumented_sections,
    }


def compute_removed(data: dict[str, dict]) -> None:
    """For each version: keywords of an earlier version's table missing from this one, with the
    first version of the current absence, and the replacement hint when one is known."""
    for i, version in enumerate(VERSIONS):
        removed: dict[str, dict[str, dict]] = {}
        current = data[version]["keywords"]
        for j in range(i):
            for kind, table in data[VERSIONS[j]]["keywords"].items():
                for name in table:
                    if name in current.get(kind, {}):
                        continue
                    # first version after the last one that still had it
                    last = max(k for k in range(i) if name in data[VERSIONS[k]]["keywords"].get(kind, {}))
                    since = VERSIONS[last + 1]
                    info: dict = {"since": since}
                    hint = _replacement_for(data, kind, name, upto=i)
                    if hint:
                        info["replacement"] = hint
                    removed.setdefault(kind, {})[name] = info
        sections = set(data[version]["section_keywords"])
        for j in range(i):
            for sec in data[VERSIONS[j]]["section_keywords"]:
                if sec not in sections:
                    last = max(k for k in range(i) if sec in data[VERSIONS[k]]["section_keywords"])
                    removed.setdefault("sections", {})[sec] = {"since": VERSIONS[last + 1]}
        data[version]["removed"] = removed


def _replacement_for(data: dict[str, dict], kind: str, name: str, upto: int) -> str:
    for k in range(upto - 1, -1, -1):
        hint = data[VERSIONS[k]]["deprecated"].get(kind, {}).get(name)
        if hint:
            return hint
    return REPLACEMENT_HINTS.get(kind, {}).get(name, "")


def render(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


# --------------------------------------------------------------------------------------------
# Cross-check against a binary's keyword dump (prints only)
# --------------------------------------------------------------------------------------------


def dump_keywords(binary: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Parse ``haproxy -dKcfg`` output: kind -> keywords, and kind -> the bind/server options
    the dump shows with an argument ("+1")."""
    out = subprocess.run([binary, "-dKcfg", "-q", "-c", "-f", "/dev/null"],
                         capture_output=True, text=True)
    kinds: dict[str, set[str]] = {}
    with_arg: dict[str, set[str]] = {"bind": set(), "server": set()}
    section = None
    for line in out.stdout.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith("\t"):
            section = line.strip()
            continue
        words = line.strip().split()
        if section == "listen":
            if words[0] == "bind" and words[1] == "<addr>":
                words = words[2:]
                if words[0] == "ssl" and len(words) > 1:  # "bind <addr> ssl alpn": SSL options,
                    kinds.setdefault("bind", set()).add("ssl")  # "ssl" itself is implied
                    words = words[1:]
                kinds.setdefault("bind", set()).add(words[0])
                if "+1" in words:
                    with_arg["bind"].add(words[0])
            elif words[0] == "server":
                kinds.setdefault("server", set()).add(words[3])
                if any(w.startswith("+") for w in words[4:]):
                    with_arg["server"].add(words[3])
            elif words[0] == "option":
                kinds.setdefault("proxy", set()).add("option " + words[1])
            elif words[0] in ("tcp-request", "tcp-response", "http-request", "http-response",
                              "http-after-response"):
                continue  # actions are arguments, not keywords
            else:
                kinds.setdefault("proxy", set()).add(words[0])
        elif section == "global":
            kinds.setdefault("global", set()).add(words[0])
        elif section:
            kinds.setdefault(section, set()).add(words[0])
    return kinds, with_arg


def cross_check(doc: dict, binary: str) -> None:
    dumped, with_arg = dump_keywords(binary)
    for kind, names in sorted(dumped.items()):
        table = doc["keywords"].get(kind, {})
        firsts = {k.split()[0] for k in table} | set(table)
        missing = sorted(n for n in names if n not in table and n not in firsts)
        if missing:
            print(f"[{doc['version']}] {kind}: registered but not in table: {' '.join(missing)}")
        if kind in ("bind", "server"):
            # option lists are complete in the dump (not so for global/proxy keywords, many of
            # which the parsers test by hand): what the binary lacks is build-dependent or wrong
            extra = sorted(set(table) - names)
            if extra:
                print(f"[{doc['version']}] {kind}: in table but not registered: {' '.join(extra)}")
            arg_diff = sorted(n for n in set(table) & names
                              if bool(table[n].get("takes_arg")) != (n in with_arg[kind]))
            if arg_diff:
                print(f"[{doc['version']}] {kind}: argument flag differs from the dump: {' '.join(arg_diff)}")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO, help="HAProxy git dir (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    parser.add_argument("--verbose", action="store_true", help="print parsing notes")
    parser.add_argument("--cross-check", nargs=2, action="append", metavar=("VERSION", "BINARY"),
                        default=[], help="compare a version's table with a binary's -dKcfg dump")
    args = parser.parse_args(argv)

    data = {v: build_version(args.repo, v, args.verbose) for v in VERSIONS}
    compute_removed(data)
    for version, binary in args.cross_check:
        cross_check(data[version], binary)

    status = 0
    if not args.check:
        args.out.mkdir(parents=True, exist_ok=True)
    for version in VERSIONS:
        path = args.out / f"{version}.json"
        text = render(data[version])
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"{path} is out of date", file=sys.stderr)
                status = 1
        else:
            path.write_text(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
