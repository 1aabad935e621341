"""HL6xx: deprecated and removed syntax, by target version.

The facts come from the keyword tables (``haproxy_lint/data/keywords/<X.Y>.json``, generated
from HAProxy's documentation): which keywords a version marks deprecated, which later versions
dropped, and the replacement the documentation names. Each rule reports its keywords as an
ERROR when the target version refuses them and as a WARNING when the target's documentation
marks them deprecated; nothing otherwise (``nbproc`` is fine for a 2.2 target).

The tables exist for the even branches only, so ``since`` in them is the first *even* release
without a keyword. :data:`REMOVED_IN` corrects that to the release whose parser first refuses
it, as read in ``src/cfgparse*.c``/``src/proxy.c``/``src/listener.c`` at the release tags
(``v2.1.0`` ... ``v2.7.0``) and confirmed with Debian's 2.6.12 and a 2.8.25: both print an
ALERT for every keyword of HL601-HL607 (2.6 only a WARNING for ``bind-process``, ``stats
bind-process`` and ``process`` on ``bind`` lines, which 2.7 removed).

Ordering matters for the rewrites: in 2.0, ``block`` rules ran before every ``http-request``
rule of the section, ``reqadd``/``rspadd`` after every ``http-request``/``http-response`` rule
("http-request rules are processed ... just after block rules and before ... reqadd",
configuration.txt 2.0, 4.2), and ``monitor-net`` answered before any of them. A rewrite that
stays in place where that would change the order is moved instead (all lines of a section in
one fix, so their relative order holds).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence

from ..diagnostics import Diagnostic, Edit, Fix, Severity
from ..effective import Proxy
from ..keywords import PROXY_SECTIONS, VERSIONS, KeywordTable, nearest_version, table
from ..model import Line, Section, Word
from ..rule import Context, Rule
from ..settings import parse_version

_NEWEST = VERSIONS[-1]
_OLDEST = VERSIONS[0]


def _gone(kind: str) -> frozenset[str]:
    """Keywords of a section kind that the oldest table knows and the newest does not."""
    return table(_OLDEST).keywords(kind) - table(_NEWEST).keywords(kind)


_GONE_PROXY = _gone("backend")

#: HL601: the regex-based header rules of HAProxy 1.x (``reqadd`` ... ``rspideny``).
REQ_RSP = frozenset(k for k in _GONE_PROXY if re.fullmatch(r"(?:req|rsp)i?(?:add|rep|del|allow|deny|pass|tarpit)", k))
BLOCK = frozenset({"block"})
REDISPATCH = frozenset({"redispatch", "redisp"})
TIMEOUT_ALIASES = frozenset(k for k in _GONE_PROXY if k.endswith(("clitimeout", "srvtimeout", "contimeout")))
#: HL605: every ``option`` some version dropped ("others the docs list").
OPTIONS = frozenset(k for k in _GONE_PROXY if k.startswith("option "))
NBPROC = frozenset({"nbproc", "bind-process", "stats bind-process", "process"})  # "process": the bind option
MONITOR_NET = frozenset({"monitor-net"})
#: Everything HL601-HL607 report; HL608 reports the other deprecated keywords.
COVERED = REQ_RSP | BLOCK | REDISPATCH | TIMEOUT_ALIASES | OPTIONS | NBPROC | MONITOR_NET

#: The release whose parser first refuses a keyword, where it is not the even release the
#: tables name (they only know even branches). Read in the parsers at the release tags: the
#: 1.x syntax ALERTs "not supported anymore since HAProxy 2.1" (``option independant-streams``
#: is simply gone from 2.1's option list); ``monitor-net`` ALERTs from 2.3; 2.5 refuses
#: ``nbproc``, ``option forceclose``/``http-tunnel``/``http_proxy`` and drops
#: ``option http-use-htx``; 2.7 refuses ``bind-process``, ``stats bind-process`` and
#: ``process`` on ``bind`` lines (2.6 only warns about them). For HL608's messages: 2.3 drops
#: the global ``debug``, 2.5 refuses ``grace`` in proxies and ``tune.chksize``.
REMOVED_IN: dict[str, str] = {
    **dict.fromkeys(REQ_RSP | BLOCK | REDISPATCH | TIMEOUT_ALIASES | {"option independant-streams"}, "2.1"),
    "monitor-net": "2.3",
    **dict.fromkeys(OPTIONS - {"option independant-streams"}, "2.5"),
    "nbproc": "2.5",
    **dict.fromkeys({"bind-process", "stats bind-process", "process"}, "2.7"),
    "debug": "2.3",
    "grace": "2.5",
    "tune.chksize": "2.5",
}

#: Deprecated spellings the documentation describes as plain aliases of their replacement
#: (same setting, same parser code), so that renaming them changes nothing: HL608's safe fixes.
ALIASES = frozenset(
    {
        "transparent",  # "use option transparent instead"; both set PR_O_TRANSP
        "tune.ssl.capture-cipherlist-size",  # stacked under tune.ssl.capture-buffer-size, one variable
        "tune.ssl.ocsp-update.maxdelay",  # stacked under ocsp-update.maxdelay, one parser
        "tune.ssl.ocsp-update.mindelay",
        "option accept-invalid-http-request",  # same PR_O2_REQBUG_OK flag as the new name
        "option accept-invalid-http-response",
    }
)


# --- what the target version says about a keyword ---------------------------------------


@functools.cache
def _table_for(version: tuple[int, int]) -> KeywordTable:
    if version < parse_version(_OLDEST):
        return table(_OLDEST)
    return table(nearest_version(f"{version[0]}.{version[1]}", clamp=True))


def target_table(ctx: Context) -> KeywordTable:
    """The keyword table of the target version (the oldest one for older targets)."""
    return _table_for(ctx.version)


# A plain slotted class, not a dataclass or a NamedTuple: defining one of those costs every
# run 0.15-0.4 ms at import.
class Verdict:
    """A keyword the target refuses (``refused``) or its documentation marks deprecated."""

    __slots__ = ("keyword", "refused", "removed_in", "replacement", "first")

    def __init__(
        self,
        keyword: str,
        refused: bool,
        removed_in: str | None,
        replacement: str | None,
        first: int,
    ) -> None:
        self.keyword = keyword  # as the tables spell it: "option forceclose", "timeout clitimeout"
        self.refused = refused
        self.removed_in = removed_in  # the release that refuses it, when one does
        self.replacement = replacement  # what the documentation names instead, if anything
        self.first = first  # index of the keyword's first word (1 after a "no"/"default" prefix)

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.refused else Severity.WARNING

    def words(self, line: Line) -> tuple[Word, ...]:
        """The words of ``line`` that spell the keyword (prefix excluded)."""
        return line.words[self.first : self.first + len(self.keyword.split())]

    def status(self, ctx: Context) -> str:
        """`X` was removed in HAProxy 2.1 (HAProxy 3.2 refuses it) / is deprecated in 2.0."""
        target = ctx.settings.target_version
        if self.refused:
            return f"`{self.keyword}` was removed in HAProxy {self.removed_in} (HAProxy {target} refuses it)"
        later = f" and HAProxy {self.removed_in} refuses it" if self.removed_in else ""
        return f"`{self.keyword}` is deprecated in HAProxy {target}{later}"


def _removal(info_keyword: str, since: str) -> str:
    return REMOVED_IN.get(info_keyword, since)


# A keyword spans at most 3 words, 4 with a "no"/"default" prefix: the verdict depends on no
# more, so it is cached on them (most directives repeat: "option", "timeout", "server").
_KEY_WORDS = 4


def verdict(ctx: Context, section_kind: str, values: Sequence[str]) -> Verdict | None:
    """What the target version makes of a directive (``values``: its words), if anything."""
    # (the version as written, not ctx.version: parsing it costs more than the lookup)
    return _verdict(ctx.settings.target_version, section_kind, tuple(values[:_KEY_WORDS]))


@functools.lru_cache(maxsize=4096)
def _verdict(target: str, section_kind: str, values: tuple[str, ...]) -> Verdict | None:
    version = parse_version(target)
    gone = table(_NEWEST).removed(section_kind, values)
    removed_in = _removal(gone.keyword, gone.since) if gone is not None else None
    if gone is not None and version >= parse_version(removed_in):  # type: ignore[arg-type]
        return Verdict(gone.keyword, True, removed_in, gone.replacement or None, 1 if gone.prefix else 0)
    info = _table_for(version).lookup(section_kind, values)
    if info is None or not info.deprecated:
        return None
    removed_in = removed_in if gone is not None and gone.keyword == info.keyword else None
    return Verdict(info.keyword, False, removed_in, info.replacement or None, 1 if info.prefix else 0)


def option_verdict(ctx: Context, kind: str, name: str) -> Verdict | None:
    """Like :func:`verdict`, for a ``bind`` or ``server`` option."""
    return _option_verdict(ctx.version, kind, name)


@functools.lru_cache(maxsize=1024)
def _option_verdict(version: tuple[int, int], kind: str, name: str) -> Verdict | None:
    gone = table(_NEWEST).removed(kind, [name])
    if gone is not None:
        removed_in = _removal(name, gone.since)
        if version >= parse_version(removed_in):
            return Verdict(name, True, removed_in, gone.replacement or None, 0)
    info = _table_for(version).option_info(kind, name)
    if info is None or not info.deprecated:
        return None
    return Verdict(name, False, _removal(name, gone.since) if gone else None, info.replacement or None, 0)


def _options_of(t: KeywordTable, kind: str) -> frozenset[str]:
    return t.bind_options() if kind == "bind" else t.server_options()


@functools.cache
def watched_options(version: tuple[int, int], kind: str) -> frozenset[str]:
    """The ``bind``/``server`` options the target deprecates or some version dropped: the
    only ones worth cutting a line into words for."""
    deprecated = _table_for(version).deprecated_keywords(kind)
    every = frozenset().union(*(_options_of(table(v), kind) for v in VERSIONS))
    return frozenset(deprecated | (every - _options_of(table(_NEWEST), kind)))


@functools.cache
def _takes_arg(kind: str, name: str) -> bool:
    for version in reversed(VERSIONS):
        info = table(version).option_info(kind, name)
        if info is not None:
            return info.takes_arg
    return False


_OPTIONS_START = {"bind": 2, "server": 3, "default-server": 1, "server-template": 4}


def options_kind(line: Line) -> str | None:
    """``bind`` for lines taking bind options (``bind``, ``stats socket``), ``server`` for
    server lines, None for the others."""
    if line.keyword == "bind" or (line.keyword == "stats" and line.find("socket") == 1):
        return "bind"
    return "server" if line.keyword in _OPTIONS_START else None


def line_options(ctx: Context, line: Line, names: frozenset[str]) -> Iterator[tuple[Word, Word | None]]:
    """The options named in ``names`` on a ``bind``/``stats socket``/``server`` line: (option
    word, its value word or None). Lines that cannot hold one are not cut into words."""
    if not names or not any(name in line.text for name in names):
        return
    kind = options_kind(line)
    words = line.words
    i = 3 if line.keyword == "stats" else _OPTIONS_START.get(line.keyword, len(words))
    while i < len(words):
        takes_arg = _takes_arg(kind, words[i].value)  # type: ignore[arg-type]
        if words[i].value in names:
            yield words[i], (words[i + 1] if takes_arg and i + 1 < len(words) else None)
        i += 2 if takes_arg else 1


def _proxy_of(ctx: Context, section: Section) -> Proxy | None:
    for proxy in ctx.proxies:
        if proxy.section is section:
            return proxy
    return None


def _tail(ctx: Context, line: Line, after: Word) -> str:
    """The line's text after ``after``: the condition and the comment, as written."""
    return ctx.text[after.end : line.content_end]


class _Family(Rule):
    """Shared by HL601-HL605 and HL607: the directives of ``family`` the target refuses or
    deprecates. Subclasses give the advice and the fix."""

    family: frozenset[str] = frozenset()

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        # Not a generator: most lines (every `option`) find nothing, and return before making one.
        if section is None:
            return ()
        plain = line.plain_values  # (most lines: not cut into words unless reported)
        found = verdict(ctx, section.kind, line.values if plain is None else plain)
        if found is None or found.keyword not in self.family:
            return ()
        advice, fix = self.advise(ctx, line, section, found)
        target = found.words(line)
        return (ctx.report(
            self, (target[0].start, target[-1].end), f"{found.status(ctx)}; {advice}", fix=fix, severity=found.severity
        ),)

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        raise NotImplementedError

    def rename(self, ctx: Context, line: Line, found: Verdict) -> Fix:
        """The fix that writes the documented replacement over the keyword's words."""
        words = found.words(line)
        return ctx.fix(
            f"replace `{found.keyword}` with `{found.replacement}`",
            "safe",
            ctx.replace((words[0].start, words[-1].end), found.replacement or ""),
        )


# --- HL601 -----------------------------------------------------------------------------------

_HEADER_NAME = re.compile(r"[A-Za-z0-9!&*+.^_`|~-]+")
# A plain `reqadd` string: no quotes, no '%' (log-format), no '$' (environment), no escape but
# the escaped blank of `Name:\ value`.
_PLAIN_STRING = re.compile(r"""(?:[^\s\\"'%$#]|\\ )+""")


def plain_header(word: Word) -> tuple[str, str] | None:
    """``X-Foo:\\ bar`` -> ``("X-Foo", "bar")``; the value quoted when it holds blanks.
    None when the string is not a plain ``Name: value`` line."""
    if not _PLAIN_STRING.fullmatch(word.raw):
        return None
    name, colon, value = word.value.partition(":")
    value = value.strip(" ")
    if not colon or not _HEADER_NAME.fullmatch(name) or not value:
        return None
    return name, f'"{value}"' if " " in value else value


_ADD_HEADER = {"reqadd": ("http-request", ("http-request", "block")), "rspadd": ("http-response", ("http-response",))}


class RemovedReqRsp(_Family):
    """Reports the 1.x header rules `reqadd`, `reqrep`, `reqdel`, `reqallow`, `reqdeny`,
    `reqpass`, `reqtarpit`, `rspadd`, `rsprep`, `rspdel`, `rspdeny` and their `i` variants.

    ## Why is this bad?
    HAProxy 2.1 removed them: from 2.1 on the configuration is refused ("The 'reqadd' directive
    is not supported anymore since HAProxy 2.1"), so an upgrade fails to start. 2.0 documents
    them as deprecated. They worked on raw header lines with regular expressions; their
    replacements are the `http-request` and `http-response` actions (`add-header`,
    `replace-header`, `replace-uri`, `del-header`, `deny`, `allow`, `tarpit`).

    ## Example
    ```haproxy
    frontend www
        bind :80
        mode http
        reqadd X-Forwarded-Proto:\\ http
        rspidel ^Server:.*
        default_backend app
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        mode http
        http-request add-header X-Forwarded-Proto http
        http-response del-header Server
        default_backend app
    ```

    ## Fix safety
    Safe, for `reqadd`/`rspadd` whose string is a plain `Name:\\ value` line (no quotes, `%`,
    `$` or escapes other than `\\ `): it becomes `http-request add-header Name value` (or
    `http-response add-header`), the value quoted when it holds blanks, with the same
    `if`/`unless` condition. HAProxy ran `reqadd` after every `http-request` rule of the
    section (and `rspadd` after every `http-response` rule), so a line that precedes such rules
    is moved after the last of them. The regex rules have no mechanical translation (a
    `reqrep` may touch the request line or any header): rewrite them by hand with the
    `http-request`/`http-response` action the message names.

    ## Exceptions
    None for HAProxy 2.1 and later. With a 2.0 target it is a deprecation warning.

    ## References
    configuration.txt 2.0, 4.2 "reqadd" ... "rspideny", "http-request", "http-response".
    """

    code = "HL601"
    name = "removed-req-rsp"
    severity = Severity.ERROR
    fixable = "safe"
    family = REQ_RSP
    keywords = REQ_RSP

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        keyword = found.keyword
        converted = self.convert(line)
        if converted is not None:
            # HAProxy never read these in defaults, and refuses http-request rules there.
            fix = None if section.kind == "defaults" else self.add_header_fix(ctx, line, section, converted)
            return f"write `{converted}`", fix
        if keyword in ("reqpass", "reqipass"):
            return "it only stopped later `req*` rules and has no replacement: delete it", None
        if keyword in ("reqrep", "reqirep"):
            return "rewrite it with `http-request replace-header`, `replace-uri` or `replace-path`", None
        if found.replacement:
            return f"rewrite it with `{found.replacement}`", None
        return "rewrite it with an `http-request` or `http-response` rule", None

    @staticmethod
    def convert(line: Line) -> str | None:
        """``reqadd X-Foo:\\ bar`` -> ``http-request add-header X-Foo bar`` (no condition)."""
        words = line.words
        if line.keyword not in _ADD_HEADER or len(words) < 2:
            return None
        if len(words) > 2 and (words[2].value not in ("if", "unless") or len(words) == 3):
            return None
        header = plain_header(words[1])
        if header is None:
            return None
        return f"{_ADD_HEADER[line.keyword][0]} add-header {header[0]} {header[1]}"

    def add_header_fix(self, ctx: Context, line: Line, section: Section, converted: str) -> Fix:
        rules = [d for d in section.directives if d.keyword in _ADD_HEADER[line.keyword][1]]
        last = rules[-1] if rules else None
        if last is None or last.start < line.start:
            words = line.words
            return ctx.fix(f"replace with `{converted}`", "safe", ctx.replace((words[0].start, words[1].end), converted))
        # Every convertible line of this keyword before the last rule moves after it, in order.
        moved = [
            (d, text)
            for d in section.directives
            if d.keyword == line.keyword and d.start < last.start and (text := self.convert(d)) is not None
        ]
        edits = [ctx.delete_line(d) for d, _ in moved]
        edits.append(ctx.insert_after(last, section, *(text + _tail(ctx, d, d.words[1]) for d, text in moved)))
        return ctx.fix(f"replace with `{converted}` after line {last.line} (the last `{last.keyword}` rule)", "safe", *edits)


# --- HL602 -----------------------------------------------------------------------------------


class RemovedBlock(_Family):
    """Reports `block` rules.

    ## Why is this bad?
    `block` was removed in HAProxy 2.1 (2.0 documents it as deprecated): from 2.1 on the
    configuration is refused, so an upgrade fails to start. `http-request deny` takes the same
    condition and answers the same 403.

    ## Example
    ```haproxy
    backend app
        mode http
        acl admin path_beg /admin
        block if admin
        server app1 10.0.0.1:80
    ```

    ## Use instead
    ```haproxy
    backend app
        mode http
        acl admin path_beg /admin
        http-request deny if admin
        server app1 10.0.0.1:80
    ```

    ## Fix safety
    Safe: `block` becomes `http-request deny` with the same condition words, as HAProxy's own
    message says ("uses the exact same syntax"). HAProxy 2.0 moved `block` rules in front of
    the section's `http-request` rules, so a `block` that follows an `http-request` rule is
    moved in front of the first one, keeping the order in which the rules ran.

    ## Exceptions
    None for HAProxy 2.1 and later. With a 2.0 target it is a deprecation warning.

    ## References
    configuration.txt 2.0, 4.2 "block", "http-request".
    """

    code = "HL602"
    name = "removed-block"
    severity = Severity.ERROR
    fixable = "safe"
    family = BLOCK
    keywords = BLOCK

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        first = next((d for d in section.directives if d.keyword == "http-request"), None)
        if section.kind == "defaults":  # never read there; http-request is refused there
            return "write `http-request deny` with the same condition in the frontends", None
        if first is None or line.start < first.start:
            return "write `http-request deny` with the same condition", self.rename(ctx, line, found)
        # Blocks ran before every http-request rule: move all such blocks in front of the first
        # one, in order, in one fix. The insertion goes after that line's indent, so that a
        # fix inserting whole lines before it (HL607) lands in front of the moved blocks.
        moved = [d for d in section.directives if d.keyword == "block" and d.start > first.start]
        eol = first.eol or ctx.eol
        text = "".join(f"http-request deny{_tail(ctx, d, d.words[0])}{eol}{first.indent}" for d in moved)
        edits = [Edit(start=first.words[0].start, end=first.words[0].start, text=text)]
        edits += [ctx.delete_line(d) for d in moved]
        fix = ctx.fix(f"replace with `http-request deny` before line {first.line} (the first `http-request` rule)", "safe", *edits)
        return f"write `http-request deny` with the same condition before the first `http-request` rule (line {first.line})", fix


# --- HL603 -----------------------------------------------------------------------------------


class RemovedRedispatchKeyword(_Family):
    """Reports the bare `redispatch` (and `redisp`) keyword.

    ## Why is this bad?
    It was an alias of `option redispatch`, removed in HAProxy 2.1 (2.0 documents it as
    deprecated): from 2.1 on the configuration is refused.

    ## Example
    ```haproxy
    defaults
        mode http
        retries 3
        redispatch
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        retries 3
        option redispatch
    ```

    ## Fix safety
    Safe: `option redispatch` is what the alias set.

    ## Exceptions
    None for HAProxy 2.1 and later. With a 2.0 target it is a deprecation warning.

    ## References
    configuration.txt 2.0, 4.1 "redispatch (deprecated)", 4.2 "option redispatch".
    """

    code = "HL603"
    name = "removed-redispatch-keyword"
    severity = Severity.ERROR
    fixable = "safe"
    family = REDISPATCH
    keywords = REDISPATCH

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        return "write `option redispatch`", self.rename(ctx, line, found)


# --- HL604 -----------------------------------------------------------------------------------


class RemovedTimeoutAliases(_Family):
    """Reports `clitimeout`, `srvtimeout` and `contimeout` (and their `timeout clitimeout`
    ... spellings).

    ## Why is this bad?
    They are the 1.x names of `timeout client`, `timeout server` and `timeout connect`,
    removed in HAProxy 2.1 (2.0 documents them as deprecated): from 2.1 on the configuration
    is refused.

    ## Example
    ```haproxy
    defaults
        mode http
        contimeout 5s
        clitimeout 30s
        srvtimeout 30s
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        timeout connect 5s
        timeout client 30s
        timeout server 30s
    ```

    ## Fix safety
    Safe: the keyword is replaced and the value kept, so the timeout is the same (a value
    without a unit stays milliseconds; HL203 offers to write the unit).

    ## Exceptions
    None for HAProxy 2.1 and later. With a 2.0 target it is a deprecation warning.

    ## References
    configuration.txt 2.0, 4.2 "clitimeout", "contimeout", "srvtimeout", "timeout client".
    """

    code = "HL604"
    name = "removed-timeout-aliases"
    severity = Severity.ERROR
    fixable = "safe"
    family = TIMEOUT_ALIASES
    keywords = frozenset({"clitimeout", "srvtimeout", "contimeout", "timeout"})

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        return f"write `{found.replacement}`", self.rename(ctx, line, found)


# --- HL605 -----------------------------------------------------------------------------------

#: Options that had no effect in the last versions that accepted them (2.1-2.4: "deprecated
#: and ignored"), whose removal HAProxy's message asks for ("please just remove it").
_IGNORED_OPTIONS = frozenset({"option http-tunnel", "option http-use-htx"})


class RemovedOption(_Family):
    """Reports options HAProxy removed: `option forceclose`, `option http-tunnel`,
    `option http-use-htx`, `option http_proxy` and `option independant-streams`.

    ## Why is this bad?
    The target version refuses them (`independant-streams` since 2.1, the others since 2.5),
    so an upgrade fails to start; older versions warn that they are deprecated.
    `forceclose` was an alias of `httpclose` and `independant-streams` a misspelling of
    `independent-streams`; `http-tunnel` and `http-use-htx` were ignored from 2.1 on (HTX is
    the only mode); `http_proxy` stopped working in 1.9. (The hazard catalogue dates
    `forceclose` to 2.0 and `http-tunnel` to 2.1, as HAProxy's messages do: that is when they
    stopped mattering; the parsers accept them, with a warning, until 2.4.)

    ## Example
    ```haproxy
    defaults
        mode http
        option forceclose
        option http-tunnel
    ```

    ## Use instead
    ```haproxy
    defaults
        mode http
        option httpclose
    ```

    ## Fix safety
    Safe where HAProxy names the replacement: `forceclose` becomes `httpclose` and
    `independant-streams` becomes `independent-streams` (2.0 parsed each as the other, a `no`
    prefix is kept); `http-tunnel` and `http-use-htx` lines are deleted, as HAProxy's message
    asks, for targets from 2.1 on where they were ignored (in 2.0's legacy HTTP mode they
    still acted, so no fix there). `option http_proxy` has no fix: rebuild it with
    `http-request set-dst` and `http-request set-uri` (and `do-resolve` for names).

    ## Exceptions
    None for the versions that refuse them.

    ## References
    configuration.txt 2.0, 4.2 "option forceclose", "option http-tunnel", "option http_proxy".
    """

    code = "HL605"
    name = "removed-option"
    severity = Severity.ERROR
    fixable = "safe"
    family = OPTIONS
    keywords = frozenset({"option", "no", "default"})

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        if found.keyword in _IGNORED_OPTIONS:
            if ctx.version < (2, 1):
                return "HTX mode (the default) ignores it and 2.1 has no other mode: delete it", None
            return "it has no effect since HAProxy 2.1: delete it", ctx.fix("delete the line", "safe", ctx.delete_line(line))
        if found.keyword == "option http_proxy":
            return "rebuild it with `http-request set-dst` and `http-request set-uri`", None
        if found.replacement:
            return f"write `{found.replacement}`", self.rename(ctx, line, found)
        return "delete it", None


# --- HL606 -----------------------------------------------------------------------------------


class RemovedNbproc(Rule):
    """Reports the multi-process settings: `nbproc`, `bind-process`, `stats bind-process` and
    `process` on `bind` lines.

    ## Why is this bad?
    HAProxy 2.5 refuses `nbproc` (one process runs several threads instead) and 2.7 refuses
    the process bindings (`bind-process`, `stats bind-process`, `process` on `bind` lines),
    so an upgrade fails to start; 2.4 warns about `nbproc` and 2.6 about the bindings, which
    have no effect there. (The hazard catalogue says all were removed in 2.5; the parsers and
    Debian's 2.6 show that the bindings lasted, with a warning, until 2.6.)

    ## Example
    ```haproxy
    global
        nbproc 4
    frontend www
        bind :80 process 1
        bind-process 1
    ```

    ## Use instead
    ```haproxy
    global
        nbthread 4
    frontend www
        bind :80
    ```

    ## Fix safety
    No fix: going from processes to threads changes how the load, the stick tables and the
    stats are shared. Delete the settings; set `nbthread` only to pin a thread count (HAProxy
    uses every CPU it may by default), and replace `process N/M` with `thread M` where a
    listener was tied to a thread.

    ## Exceptions
    None for the versions that refuse them.

    ## References
    configuration.txt 2.4, 3.1 "nbproc"; 2.6, 4.2 "bind-process", 5.1 "process".
    """

    code = "HL606"
    name = "removed-nbproc"
    severity = Severity.ERROR
    versions = ">=2.4"  # nbproc is first deprecated in 2.4
    keywords = frozenset({"nbproc", "bind-process", "stats", "bind"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if section is None:
            return
        if options_kind(line) == "bind":
            for word, value in line_options(ctx, line, frozenset({"process"})):
                found = option_verdict(ctx, "bind", "process")
                if found is None:
                    continue
                spelled = f"process {value.value}" if value is not None else "process"
                thread = value.value.split("/", 1)[1] if value is not None and "/" in value.value else None
                advice = f"use `thread {thread}` instead" if thread else "delete it (every thread serves the listener)"
                where = "a `bind` line" if line.keyword == "bind" else "a `stats socket` line"
                status = found.status(ctx).replace(f"`{found.keyword}`", f"`{spelled}` on {where}", 1)
                end = (value or word).end
                yield ctx.report(self, (word.start, end), f"{status}; {advice}", severity=found.severity)
            return
        found = verdict(ctx, section.kind, line.values)
        if found is None or found.keyword not in NBPROC:
            return
        if found.keyword == "nbproc":
            advice = "delete it (HAProxy runs threads on every CPU) or use `nbthread`"
        else:
            advice = "delete it" + (" (it has no effect)" if not found.refused else "")
        words = found.words(line)
        yield ctx.report(self, (words[0].start, words[-1].end), f"{found.status(ctx)}; {advice}", severity=found.severity)


# --- HL607 -----------------------------------------------------------------------------------

_NET = re.compile(r"[A-Za-z0-9_.:/-]+")


def monitor_lines(net: str) -> list[str]:
    cond = f"if {{ src {net} }}"
    return [f"http-request set-log-level silent {cond}", f"http-request return status 200 {cond}"]


class RemovedMonitorNet(_Family):
    """Reports `monitor-net`.

    ## Why is this bad?
    HAProxy 2.3 removed it ("'monitor-net' doesn't exist anymore"): the configuration is
    refused from 2.3 on, so an upgrade fails to start (the hazard catalogue says 2.4, the
    first documentation without it; 2.3's parser already refuses it). In HTTP mode it answered
    "200 OK" to probes from a network without logging them; an `http-request return` rule
    does that now.

    ## Example
    ```haproxy
    frontend www
        bind :80
        mode http
        monitor-net 10.0.0.0/24
        default_backend app
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        mode http
        http-request set-log-level silent if { src 10.0.0.0/24 }
        http-request return status 200 if { src 10.0.0.0/24 }
        default_backend app
    ```

    ## Fix safety
    Safe in HTTP frontends and listens, as HAProxy's message proposes: `http-request return
    status 200 if { src NET }`, preceded by `http-request set-log-level silent` with the same
    condition because monitor-net probes were never logged (the documented use of
    `set-log-level silent`; checked with 2.6), and placed before the section's other
    `http-request` rules because monitor-net answered before them. What still differs:
    the answer now waits for the probe's request (a prober that connects without sending one
    gets nothing until `timeout http-request`), `tcp-request content`/`session` rules now run
    first, and on TLS listeners the answer is encrypted (monitor-net wrote it in clear text).
    Only the last `monitor-net` of a section was used, so earlier ones are simply deleted. No
    fix in `defaults` (HAProxy refuses `http-request` rules in anonymous defaults: put the
    rules in each frontend) nor in TCP mode (there `tcp-request connection reject if { src
    NET }` closes the connection without a log, as monitor-net did).

    ## Exceptions
    None for HAProxy 2.3 and later.

    ## References
    configuration.txt 2.2, 4.2 "monitor-net"; 2.4, 4.2 "http-request return".
    """

    code = "HL607"
    name = "removed-monitor-net"
    severity = Severity.ERROR
    versions = ">=2.3"  # not even deprecated before
    fixable = "safe"
    family = MONITOR_NET
    keywords = MONITOR_NET

    def advise(self, ctx: Context, line: Line, section: Section, found: Verdict) -> tuple[str, Fix | None]:
        words = line.words
        net = words[1].value if len(words) == 2 and not words[1].quoted and _NET.fullmatch(words[1].value) else None
        replacement = f"http-request return status 200 if {{ src {net or 'NET'} }}"
        if section.kind == "defaults":
            return f"put `{replacement}` in each HTTP frontend using these defaults", None
        proxy = _proxy_of(ctx, section)
        if proxy is not None and proxy.effective_mode != "http":
            return f"in TCP mode `tcp-request connection reject if {{ src {net or 'NET'} }}` closes such connections", None
        monitors = section.directives_named("monitor-net")
        if line is not monitors[-1]:
            later = monitors[-1].line
            return f"only the last one counts (line {later}): delete it", ctx.fix("delete the line", "safe", ctx.delete_line(line))
        if net is None:
            return f"write `{replacement}`", None
        new = monitor_lines(net)
        first = next((d for d in section.directives if d.keyword in ("http-request", "block")), None)
        silent = "after `http-request set-log-level silent` with the same condition (probes were not logged)"
        title = f"replace with `http-request set-log-level silent` and `{replacement}`"
        if first is None or line.start < first.start:
            eol = line.eol or ctx.eol
            edit = ctx.replace((words[0].start, words[-1].end), f"{new[0]}{eol}{line.indent}{new[1]}")
            return f"write `{replacement}` {silent}", ctx.fix(title, "safe", edit)
        # Insert whole lines before the first rule (HL602 inserts moved blocks after its indent).
        eol = first.eol or ctx.eol
        insert = Edit(start=first.start, end=first.start, text="".join(f"{first.indent}{t}{eol}" for t in new))
        fix = ctx.fix(f"{title} before line {first.line}", "safe", insert, ctx.delete_line(line))
        return f"write `{replacement}` {silent}, before the first `{first.keyword}` rule (line {first.line})", fix


# --- HL608 -----------------------------------------------------------------------------------


#: What the documentation proposes for deprecated sections that name no replacement keyword.
_SECTION_ADVICE = {"program": "run the programs from a process manager (systemd, s6, supervisord) instead"}


#: The lines carrying options of each kind (``stats socket`` lines come with ``stats``).
_OPTION_LINES = {"bind": ("bind",), "server": ("server", "default-server", "server-template")}


def _deprecated_first_words() -> frozenset[str]:
    """The first words of every keyword some table marks deprecated, with the prefixes and
    the lines carrying options some table deprecates or drops (computed from the tables once,
    at import: no table deprecates a server option, and every backend has server lines)."""
    found = {"no", "default"}
    newest = {kind: _options_of(table(_NEWEST), kind) for kind in _OPTION_LINES}
    for kind, first_words in _OPTION_LINES.items():
        # (watched_options() of any target: deprecated by its table, or dropped since)
        if any(table(v).deprecated_keywords(kind) or not _options_of(table(v), kind) <= newest[kind] for v in VERSIONS):
            found.update(first_words)
    for version in VERSIONS:
        t = table(version)
        kinds = {k for k in t.section_keywords() if k not in PROXY_SECTIONS} | {"global", "backend"}
        for kind in kinds:
            found.update(name.split()[0] for name in t.deprecated_keywords(kind))
    return frozenset(found)


@functools.cache
def _deprecated_sections(t: KeywordTable) -> dict[str, str]:
    """The section kinds a table deprecates, with the replacement it names ("" if none)."""
    found = {kind: t.deprecated_section(kind) for kind in t.section_keywords()}
    return {kind: replacement for kind, replacement in found.items() if replacement is not None}


class DeprecatedKeyword(Rule):
    """Reports the other keywords that the target version's documentation marks deprecated
    (`transparent`, `tune.ssl.capture-cipherlist-size`, `option accept-invalid-http-request`,
    the `program` section in 3.2, ...), with the replacement it names.

    ## Why is this bad?
    A deprecated keyword still works but is scheduled for removal: the next upgrade may
    refuse the configuration. Some also behave worse than their replacement.

    ## Example
    ```haproxy
    backend app
        transparent
    ```

    ## Use instead
    ```haproxy
    backend app
        option transparent
    ```

    ## Fix safety
    Safe where the deprecated keyword is a documented alias of its replacement (same setting,
    same parser): `transparent` -> `option transparent`, `tune.ssl.capture-cipherlist-size`
    -> `tune.ssl.capture-buffer-size`, `tune.ssl.ocsp-update.maxdelay`/`mindelay` ->
    `ocsp-update.maxdelay`/`mindelay`, `option accept-invalid-http-request`/`response` ->
    `option accept-unsafe-violations-in-http-request`/`response`. Otherwise no fix: the
    message names what the documentation proposes, if anything.

    ## Exceptions
    When the configuration must still load on an older HAProxy that lacks the replacement,
    set `target-version` to that version. HL601-HL607 report the keywords they cover.

    ## References
    configuration.txt of the target version: the "(deprecated)" marks.
    """

    code = "HL608"
    name = "deprecated-keyword"
    severity = Severity.WARNING
    fixable = "safe"
    keywords = _deprecated_first_words()

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if section is None:
            return ()
        kind = options_kind(line)
        if kind is None:
            return self._keyword(ctx, line, section)  # (most lines, every `option`: no generator made)
        if line.keyword != "stats":
            names = watched_options(ctx.version, kind)
            if not names or not any(name in line.text for name in names):
                return ()  # most bind lines
        return self._findings(ctx, line, section, kind)

    def _findings(self, ctx: Context, line: Line, section: Section, kind: str) -> Iterator[Diagnostic]:
        for word, value in line_options(ctx, line, watched_options(ctx.version, kind)):
            found = option_verdict(ctx, kind, word.value)
            if found is not None and not found.refused and word.value not in COVERED:
                yield ctx.report(self, (word.start, (value or word).end), f"{found.status(ctx)}; {self.advice(found)}")
        if line.keyword == "stats":
            yield from self._keyword(ctx, line, section)

    def _keyword(self, ctx: Context, line: Line, section: Section) -> tuple[Diagnostic, ...]:
        """The finding on the line's keyword, if the target deprecates it."""
        plain = line.plain_values  # (most lines: not cut into words unless reported)
        found = verdict(ctx, section.kind, line.values if plain is None else plain)
        # A keyword the target refuses is HL907's (unknown keyword), or HL601-HL607's.
        if found is None or found.refused or found.keyword in COVERED:
            return ()
        words = found.words(line)
        fix = None
        if found.replacement and found.keyword in ALIASES:
            fix = ctx.fix(
                f"replace `{found.keyword}` with `{found.replacement}`",
                "safe",
                ctx.replace((words[0].start, words[-1].end), found.replacement),
            )
        return (ctx.report(self, (words[0].start, words[-1].end), f"{found.status(ctx)}; {self.advice(found)}", fix=fix),)

    @staticmethod
    def advice(found: Verdict) -> str:
        if found.replacement:
            return f"use `{found.replacement}` instead"
        return "remove it" if found.removed_in else "the documentation names no replacement: remove it when you can"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        t = target_table(ctx)
        deprecated = _deprecated_sections(t)
        if not deprecated:
            return
        for section in ctx.config.sections:
            replacement = deprecated.get(section.kind)
            if replacement is None:
                continue
            word = section.header.words[0]
            advice = f"use `{replacement}` instead" if replacement else _SECTION_ADVICE.get(section.kind, "plan its replacement")
            yield ctx.report(self, word, f"the `{section.kind}` section is deprecated in HAProxy {ctx.settings.target_version}; {advice}")
