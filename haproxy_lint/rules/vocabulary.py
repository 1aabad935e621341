"""HL909-HL914: every word HAProxy checks against a closed list, for the target version.

One walk over the configuration (``vocabulary_findings``) reads the words after the first:
server and bind parameters and their values, rule actions and their arguments, sample
fetches and converters wherever an expression stands, named and anonymous ACLs, enumerated
values and log-format strings. Each rule below reports its own class of findings. The
tables come from HAProxy's sources at each release tag (``haproxy_lint.vocabulary``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..model import PROXY_KINDS, Line, Section, Word
from ..rule import Context, Rule
from ..views import parse_duration, parse_int
from ..vocabulary import (
    VERSIONS,
    Vocabulary,
    enum_meta,
    enum_values,
    history,
    is_between_tables,
    table_key,
    table_version,
    vocabulary,
)
from ..vocabulary.arguments import ACTION_ARITY, ACTION_OPTIONS, CHECK_OPTIONS
from ..vocabulary.arguments import SINCE as ARGS_SINCE
from ..vocabulary.expressions import Expression, parse_condition, parse_expression
from ..vocabulary.logformat import LogFormatProblem, check_log_format
from .structure import KeywordFinding as Finding
from .structure import closest, config_index, did_you_mean, index_of

__all__ = [
    "InvalidServerOrBindParameter",
    "InvalidAction",
    "UnknownFetchOrConverter",
    "InvalidAcl",
    "InvalidValue",
    "InvalidLogFormat",
    "vocabulary_findings",
]


def vocabulary_findings(ctx: Context) -> list[Finding]:
    """The findings of HL909-HL914 in the file being checked (one walk for all six)."""
    return ctx.memo("vocabulary.findings", lambda: _Walk(ctx).run())


_RULESETS = ("http-request", "http-response", "http-after-response", "tcp-request", "tcp-response",
             "http-check", "tcp-check")
#: Directives whose arguments are log-format strings, from the first argument on.
_LOG_FORMAT_DIRECTIVES = frozenset({"log-format", "log-format-sd", "error-log-format", "unique-id-format"})
#: Rule actions whose arguments after the first (a header name) or from the first are
#: log-format strings: ``%[`` and ``%x`` are read there.
_LF_ACTIONS = {
    "add-header": 2, "set-header": 2, "early-hint": 2, "set-path": 1, "set-pathq": 1,
    "set-query": 1, "set-uri": 1, "set-var-fmt": 1, "set-method": 1, "replace-header": 3,
    "replace-value": 3, "replace-path": 2, "replace-pathq": 2, "replace-uri": 2,
}
#: Actions whose first argument is a sample expression.
_EXPRESSION_ACTIONS = frozenset({
    "capture", "set-src", "set-dst", "set-src-port", "set-dst-port", "set-priority-class",
    "set-priority-offset", "do-resolve",
})
_ACL_FLAGS_WITH_ARG = frozenset({"-f", "-m", "-M", "-u"})
_ACL_FLAGS = frozenset({"-i", "-n", "--"}) | _ACL_FLAGS_WITH_ARG
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
#: Reply options that give a reply its own content: any status code then goes.
_PAYLOADS = frozenset({"string", "lf-string", "file", "lf-file", "errorfile", "errorfiles"})
_PCT_FETCH = re.compile(r"%\{[^}]*\}\[|%\[")

#: Server parameters whose value is a duration that must be above zero, or may be zero.
#: A number and HAProxy's unit letters, as ``parse_time_err()`` reads them.
_DURATION_PREFIX = re.compile(r"([0-9]+)(us|ms|s|m|h|d|)")
#: Parameters HAProxy reads with atol(), so that a missing value is 0 (checked with 2.6 and 2.8).
_VALUE_MAY_BE_MISSING = frozenset({
    ("server", "weight"), ("server", "maxconn"), ("server", "maxqueue"), ("server", "minconn"),
    ("server", "init-addr"), ("server", "resolve-opts"), ("server", "shard"), ("bind", "thread"),
})
_SERVER_DELAYS_POSITIVE = frozenset({"inter", "fastinter", "downinter", "agent-inter"})
_SERVER_DELAYS = frozenset({"slowstart", "pool-purge-delay"}) | _SERVER_DELAYS_POSITIVE
#: Parameters whose value must be a number above zero (HAProxy reads them with atoi).
_POSITIVE = {"server": frozenset({"rise", "fall", "id", "error-limit"}), "bind": frozenset()}
#: Parameters whose value is one of a list, and the enumeration (enums.json) that has it.
_CHOICES = {
    "server": {"observe": "observe", "on-error": "on-error", "on-marked-down": "on-marked-down",
               "on-marked-up": "on-marked-up", "resolve-prefer": "resolve-prefer", "verify": "server.verify",
               "ssl-min-ver": "ssl-min-ver", "ssl-max-ver": "ssl-max-ver"},
    "bind": {"verify": "verify", "ssl-min-ver": "ssl-min-ver", "ssl-max-ver": "ssl-max-ver",
             "level": "stats.level", "severity-output": "stats.severity-output"},
}


_CONDITION = re.compile(r"(?:^|[ \t])(?:if|unless)(?:[ \t]|$)")


class _W:
    """A word as the walk reads it: its value and raw text, and the place to find its span
    (the line's words are cut into models only for the words reported)."""

    __slots__ = ("value", "raw", "line", "index")

    def __init__(self, value: str, raw: str, line: Line, index: int) -> None:
        self.value = value
        self.raw = raw
        self.line = line
        self.index = index

    @property
    def quoted(self) -> bool:
        return self.raw != self.value

    @property
    def word(self) -> Word:
        return self.line.words[self.index]

    @property
    def start(self) -> int:
        return self.word.start

    @property
    def end(self) -> int:
        return self.word.end


def _second_value(line: Line) -> str | None:
    values = line.plain_values
    if values is not None:
        return values[1] if len(values) > 1 else None
    words = line.words
    return words[1].value if len(words) > 1 else None


class _Part:
    """Characters ``start:end`` of a word's value (the whole word when it is quoted)."""

    __slots__ = ("word", "start", "end")

    def __init__(self, word: _W, start: int, end: int) -> None:
        self.word = word
        self.start = start
        self.end = end


def _relative(target: _W | _Part) -> tuple[int, int | None, int | None]:
    if isinstance(target, _Part):
        return target.word.index, target.start, target.end
    return target.index, None, None


def _split(line: Line) -> list[_W]:
    values = line.plain_values
    if values is not None:
        return [_W(v, v, line, i) for i, v in enumerate(values)]
    # (a quoted line: its words are cut into Word objects only if one is reported, _W.word)
    return [_W(value, raw, line, i) for i, (raw, value) in enumerate(line.raw_values())]


#: A condition's anonymous ACLs (the indexes of their ``{`` and ``}`` and their key in the
#: walk's cache of findings) and its named ACLs (word index, name).
_Condition = tuple[tuple[tuple[int, int, Hashable], ...], tuple[tuple[int, str], ...]]
#: What the walk reads in a line, from its text alone (see :func:`_plan`).
_Plan = tuple[str | None, Hashable, str | _Condition | None, Any]
_NOTHING: _Plan = (None, None, None, None)


def _plan(line: Line) -> _Plan:
    """What the walk reads in a line's text: ``(what, key, condition, extra)``, which part of
    the walk reads the line (None: nothing to read), its entry in the walk's cache of
    findings, its condition (None when it has none, the name when it is ``if <name>``, the
    most common, else the condition read by :func:`_condition`), and for a server the index
    of its first parameter, for an ACL the name it defines.

    Read once per distinct text: many lines of a large file repeat others word for word
    (``balance roundrobin``, an ACL, a deny rule). A tuple, not an object: most other lines
    are read once, and a tuple costs them least."""
    plain = line.plain_values
    if plain is not None:
        if not plain:
            return _NOTHING
        values = raws = plain
    else:
        pairs = line.raw_values()
        if not pairs or "$" in pairs[0][0]:  # a keyword HAProxy fills from the environment
            return _NOTHING
        raws = tuple(raw for raw, _ in pairs)
        values = tuple(value for _, value in pairs)
    is_plain = plain is not None
    keyword = values[0]
    if keyword in _SERVER_FIRST:
        return _server_plan(values, is_plain)
    if keyword == "acl":
        # the patterns after the criterion and flags are not judged: not in the key
        key = ("acl", values[2:_patterns_at(values, 3)], is_plain)
        return ("acl", key, None, values[1] if len(values) > 1 else None)
    if keyword == "timeout":
        return ("timeout", ("timeout", values[1:], is_plain), None, None)
    if keyword == "filter" or keyword in _LOG_FORMAT_DIRECTIVES:
        return ("filter" if keyword == "filter" else "log-format", None, None, None)
    at = _condition_at(values)
    condition: str | _Condition | None = None
    if at + 2 == len(values) and raws[at] == values[at]:
        condition = values[at + 1]
    elif at < len(values) and raws[at] == values[at]:  # (a quoted `if` is no condition)
        condition = _condition(values, at, is_plain)
    if keyword in _RULESETS:
        return ("rule", ("rule", _rule_shape(values[:at]), is_plain), condition, None)
    if keyword == "bind":  # (in a frontend or listen; elsewhere only its condition is read)
        return ("bind", ("bind", values[2:], is_plain), condition, None)
    if keyword in _OTHER and not (
            keyword == "use_backend" and is_plain and "%" not in (values[1] if len(values) > 1 else "")
            and (len(values) < 3 or values[2] in ("if", "unless"))):  # (a plain backend name: HL903 checks it)
        return ("other", None, condition, None)
    if keyword in _ENUM_CHECKS:
        return ("enums", ("enums", values) if is_plain else None, condition, None)
    return ("", None, condition, None)


def _server_plan(values: tuple[str, ...], plain: bool) -> _Plan:
    first = _SERVER_FIRST[values[0]]
    tail = values[first:]
    # `track <server>` may name a server of the section: the section's name joins the key
    return ("tracking server" if "track" in tail else "server", ("server", first, tail, plain), None, first)


def _condition(values: tuple[str, ...], at: int, plain: bool) -> _Condition:
    """The parts of the condition starting at ``values[at]`` (``if`` or ``unless``)."""
    cond = parse_condition(list(values), at + 1)
    bodies = tuple((open_, close, ("body", values[open_ + 1:_patterns_at(values, open_ + 2, close)], plain))
                   for open_, close in cond.anonymous if close != open_ + 1)
    return bodies, tuple(cond.named)


def _dynamic(word: _W) -> bool:
    """A word HAProxy fills from the environment: never judged."""
    return "$" in word.raw


class _Walk:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.version = ctx.version
        self.target = ctx.settings.target_version
        self.vocab: Vocabulary = vocabulary(table_version(ctx.version))
        self.between = is_between_tables(ctx.version)
        self.newer = ctx.version > table_key(VERSIONS[-1])  # newer than every table
        self.extra = frozenset(ctx.settings.extra_keywords)
        self.without = frozenset(ctx.settings.build_without)
        self.found: list[tuple[str, _W | _Part, str, Severity]] = []
        self._cache: dict[Hashable, tuple[tuple[str, tuple[int, int | None, int | None], str, Severity], ...]] = {}
        self._plans: dict[str, _Plan] = {}  # line text -> what the walk reads in it
        self.index = index_of(ctx)
        self.here = config_index(ctx)
        self._names: _Names | None = None

    @property
    def names(self) -> _Names:
        """The names the words may refer to, read on first use: most files never need them
        (no `resolvers`, `track`, `use-server` or `table` to check)."""
        if self._names is None:
            self._names = _Names.of(self.ctx)
        return self._names

    # -- reporting --------------------------------------------------------------------------

    def add(self, code: str, target: _W | _Part, message: str, severity: Severity = Severity.ERROR) -> None:
        self.found.append((code, target, message, severity))

    def cached(self, key: Hashable, line: Line, check: Callable[[list[_W]], None]) -> None:
        """``check(words)``, or the findings it gave on a line with the same words: most
        lines of a large file repeat others (server parameters, ACL criteria, rule actions).
        The line is cut into words only when needed."""
        hit = self._cache.get(key)
        if hit is None:
            words = _split(line)
            mark = len(self.found)
            check(words)
            hit = tuple((code, _relative(target), message, severity)
                        for code, target, message, severity in self.found[mark:])
            if len(self._cache) < 65536:
                self._cache[key] = hit
            return
        if hit:
            words = _split(line)
            for code, (index, a, b), message, severity in hit:
                target = words[index] if a is None or b is None else _Part(words[index], a, b)
                self.found.append((code, target, message, severity))

    def materialize(self) -> list[Finding]:
        out = []
        for code, target, message, severity in self.found:
            if isinstance(target, _Part):
                word = target.word
                place: Word | tuple[int, int] = (
                    word.word if word.quoted else (word.start + target.start, word.start + target.end))
            else:
                place = target.word
            out.append(Finding(code, place, message, severity))
        return out

    def unknown(self, code: str, kind: str, word: _W, name: str, what: str,
                part: _Part | None = None) -> None:
        """Report ``name`` (a word or part of one) that the target's table of ``kind`` lacks,
        unless the settings, a build module or a version between tables explains it."""
        if name in self.extra:
            return
        module = self.vocab.module_of(name)
        if module is not None and module not in self.without:
            return
        if self.newer:
            return  # newer than every table: the word may well be new
        came, removed = history(kind, name, self.version)
        target: _W | _Part = part if part is not None else word
        if came is not None:
            if self.between and came == _next_table(self.version):
                return
            self.add(code, target, f"{what} `{name}` is not in HAProxy {self.target} (it came in {came}) and "
                     f"HAProxy {self.target} refuses it; raise the target version or remove it")
            return
        if removed is not None:
            self.add(code, target, f"{what} `{name}` was removed in HAProxy {removed} and HAProxy {self.target} "
                     f"refuses it")
            return
        suggestion = self.vocab.suggest(kind, name, extra=self.extra)
        hint = f"; did you mean `{suggestion}`?" if suggestion and suggestion != name else ""
        self.add(code, target, f"unknown {what} `{name}`: HAProxy {self.target} refuses it{hint}")

    def enum(self, name: str) -> frozenset[str]:
        """The values of an enumeration in the target's table (empty if none describes it)."""
        return enum_values(self.vocab.version, name) or frozenset()

    def known(self, kind: str, name: str) -> bool:
        entry = self.vocab.find(kind, name)
        if entry is not None:
            return entry.module is None or entry.module not in self.without
        return False

    # -- the walk ---------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        for section in self.ctx.config.sections:
            if self.index.skipped(self.here, section.header):
                continue
            if section.kind in PROXY_KINDS:
                self.section(section)
            elif section.kind in ("global", "http-errors", "ring", "log-forward"):
                for line in section.directives:
                    if line.keyword in _ENUM_CHECKS and not self.index.skipped(self.here, line):
                        self.enums(_split(line))
        return self.materialize()

    def section(self, section: Section) -> None:
        acls: set[str] = set()
        conditional = self.index.branches[self.here]  # lines inside .if blocks, if any
        seen = self._cache.get  # (below: a line like one read before without findings is passed over)
        plans = self._plans
        predefined = self.vocab.predefined_acls
        for line in section.directives:
            text = line.text
            keyword = line.keyword
            if keyword not in _WORTH_READING and _CONDITION.search(text) is None:
                continue
            if conditional and line.line in conditional and self.index.skipped(self.here, line):
                continue
            if keyword in _SERVER_FIRST and (values := line.plain_values) and values[0] in _SERVER_FIRST:
                # (read directly: a server line's name and address make its text unique)
                what, key, condition, extra = _server_plan(values, True)
            else:
                plan = plans.get(text)
                if plan is None:
                    plan = _plan(line)
                    if len(plans) < 65536:
                        plans[text] = plan
                what, key, condition, extra = plan
            if what == "server" or what == "tracking server":
                if what == "tracking server":
                    key = (key, section.name)
                if seen(key) != ():
                    self.cached(key, line, lambda w: self.params("server", w, extra, section))
                continue
            if what == "acl":
                if seen(key) != ():
                    self.cached(key, line, self.acl_line)
                if extra is not None:
                    acls.add(extra)
                continue
            if what == "rule":
                if seen(key) != ():
                    self.cached(key, line, self.rule)
            elif what == "bind" and section.kind in ("frontend", "listen"):
                if seen(key) != ():
                    self.cached(key, line, lambda w: self.params("bind", w, 2, section))
                continue
            elif what == "timeout":
                if seen(key) != ():
                    self.cached(key, line, self.timeout)
                continue
            elif what == "filter":
                words = _split(line)
                if len(words) > 1 and not _dynamic(words[1]) and not self.known("filters", words[1].value):
                    self.unknown("HL913", "filters", words[1], words[1].value, "filter")
                continue
            elif what == "log-format":
                for word in _split(line)[1:]:
                    self.log_format(word)
                continue
            elif what == "other":
                self.other(_split(line), section)
            elif what is None:
                continue
            if condition is not None and not (condition.__class__ is str and (condition in acls or condition in predefined)):
                self.condition(line, condition, acls)
            if what == "enums":
                if key is not None:
                    # the values alone decide: once per run for plain lines alike
                    # (`balance roundrobin`, `option httpchk`...)
                    if seen(key) != ():
                        self.cached(key, line, self.enum_line)
                else:
                    self.enum_line(_split(line))

    def enum_line(self, words: list[_W]) -> None:
        """The values of a directive that takes enumerated ones, and the arguments of
        ``option`` and ``stats admin``."""
        keyword = words[0].value
        self.enums(words)
        if keyword == "option" and len(words) > 2:
            self.option_args(words)
        if keyword == "stats" and len(words) > 1 and words[1].value == "admin":
            if len(words) < 3 or words[2].value not in ("if", "unless"):
                target = words[2] if len(words) > 2 else words[1]
                self.add("HL912", target, "`stats admin` requires `if` or `unless` and a condition, and "
                         "HAProxy refuses it without one")

    # -- class 1: server and bind parameters --------------------------------------------------

    def params(self, kind: str, words: list[_W], first: int, section: Section) -> None:
        what = f"{kind} keyword"
        i = first
        while i < len(words):
            word = words[i]
            if _dynamic(word):
                i += 1
                continue
            name = word.value
            if kind == "server" and "(" in name:
                name = name[:name.index("(")]  # set-proxy-v2-tlv-fmt(0xE1): srv_find_kw() stops at '('
            entry = self.vocab.find(kind, name)
            if entry is None or (entry.module is not None and entry.module in self.without):
                self.unknown("HL909", kind, word, name, what)
                return  # HAProxy stops at the first word it does not know
            if entry.rejected:
                self.add("HL909", word, f"`{name}`: HAProxy {self.target} refuses it here ({entry.rejected.rstrip('.')})")
                return
            count = max(entry.args, 0)
            values = words[i + 1:i + 1 + count]
            if len(values) < count:
                if (kind, name) in _VALUE_MAY_BE_MISSING:
                    self.add("HL909", word, f"`{name}` has no value: HAProxy {self.target} reads it as 0 or "
                             f"empty, which is hardly what was meant", Severity.WARNING)
                else:
                    self.add("HL909", word, f"`{name}` expects a value and HAProxy {self.target} refuses it "
                             f"without one")
                return
            if values and not _dynamic(values[0]):
                self.value(kind, name, values[0], section)
            i += 1 + count
            while i < len(words) and words[i].value in entry.options:  # source ... usesrc ...
                i += 1 + entry.options[words[i].value]

    def value(self, kind: str, name: str, word: _W, section: Section) -> None:
        text = word.value
        where = f"`{name} {text}`"
        if kind == "server" and name in _SERVER_DELAYS:
            ms = self.duration("HL909", word, where)
            if ms == 0 and name in _SERVER_DELAYS_POSITIVE:
                self.add("HL909", word, f"{where}: HAProxy refuses a zero delay for `{name}`")
        elif name in _POSITIVE.get(kind, ()):
            number = parse_int(text)
            if number is None or number == 0:
                self.add("HL909", word, f"{where}: `{name}` takes a number above 0 and HAProxy refuses `{text}`")
        elif kind == "server" and name == "weight":
            number = _atol(text)  # "weight check" is weight 0 to HAProxy
            if not 0 <= number <= 256:
                self.add("HL909", word, f"{where}: a server's weight is a number from 0 to 256 and HAProxy "
                         f"refuses `{text}`")
        elif name in _CHOICES[kind]:
            allowed = sorted(self.enum(_CHOICES[kind][name]))
            if allowed and text not in allowed:
                self.add("HL909", word, f"{where}: `{name}` takes {_one_of(allowed)} and HAProxy refuses "
                         f"`{text}`{did_you_mean(text, allowed)}")
        elif kind == "server" and name == "init-addr":
            methods = self.enum("init-addr")
            for method in text.split(","):
                if methods and method not in methods and not _looks_like_ip(method):
                    self.add("HL909", word, f"{where}: unknown init-addr method `{method}`; HAProxy takes "
                             f"{_one_of(sorted(methods))} or an IP address")
                    break
        elif name == "crt" and text.startswith("@") and "/" in text and self.version >= (3, 0):
            store = text[1:text.index("/")]
            if store and store not in self.names.crt_stores:
                self.add("HL909", word, f"{where}: no `crt-store {store}` section exists and HAProxy refuses the "
                         f"certificate{did_you_mean(store, self.names.crt_stores)}")
        elif kind == "server" and name == "resolvers":
            if text not in self.names.resolvers:
                hint = did_you_mean(text, self.names.resolvers)
                self.add("HL909", word, f"{where}: no `resolvers {text}` section exists and HAProxy refuses "
                         f"the server{hint}")
        elif kind == "server" and name == "track":
            self.track(word, section)

    def duration(self, code: str, word: _W, where: str) -> int | None:
        """A duration's milliseconds, after reporting what HAProxy's ``parse_time_err()``
        refuses (no number, an unknown unit, an overflow) or only warns about (characters
        after a valid unit: ``2sec`` is read as ``2s``)."""
        text = word.value
        m = _DURATION_PREFIX.match(text)
        if m is None or (m.end() < len(text) and m.group(2) == ""):
            self.add(code, word, f"{where}: `{text}` is not a duration (a number with an optional unit: us, ms, "
                     f"s, m, h, d) and HAProxy refuses it")
            return None
        ms = parse_duration(m.group(0))
        if ms is not None and ms >= 2 ** 31:
            self.add(code, word, f"{where}: a delay of {text} overflows HAProxy's timers and HAProxy refuses it")
            return None
        if m.end() < len(text):
            self.add(code, word, f"{where}: HAProxy reads `{m.group(0)}` and ignores `{text[m.end():]}` with a "
                     f"warning (units: us, ms, s, m, h, d)", Severity.WARNING)
        return ms

    def timeout(self, words: list[_W]) -> None:
        """``timeout <kind> <duration>`` in a proxy: the duration, and nothing after it."""
        if len(words) < 3 or _dynamic(words[2]) or words[1].value not in (enum_values(self.vocab.version, "timeout") or ()):
            return  # no value: HL915; an unknown kind: HL907
        shown = f"`timeout {words[1].value} {words[2].value}`"
        self.duration("HL913", words[2], shown)
        if len(words) > 3 and not _dynamic(words[3]):
            self.add("HL913", words[3], f"`timeout {words[1].value}` takes one duration and HAProxy refuses the "
                     f"extra argument `{words[3].value}`")

    def option_args(self, words: list[_W]) -> None:
        """``option dontlognull yes``: an option without arguments followed by a word."""
        name = words[1].value
        if (name in _OPTIONS_WITH_FREE_ARGUMENTS or enum_values(self.vocab.version, f"option.{name}") is not None
                or name not in (enum_values(self.vocab.version, "option") or ()) or _dynamic(words[2])):
            return
        self.add("HL913", words[2], f"`option {name}` takes no argument and HAProxy {self.target} refuses "
                 f"`{words[2].value}`")

    def track(self, word: _W, section: Section) -> None:
        proxy, _, server = word.value.rpartition("/")
        proxy = proxy or (section.name or "")
        servers = self.names.servers.get(proxy)
        if servers is None:
            if proxy not in self.names.proxies:
                self.add("HL909", word, f"`track {word.value}`: no backend `{proxy}` exists and HAProxy "
                         f"refuses the server{did_you_mean(proxy, self.names.servers)}")
            return
        if server not in servers:
            self.add("HL909", word, f"`track {word.value}`: backend `{proxy}` has no server `{server}` and "
                     f"HAProxy refuses the server{did_you_mean(server, servers)}")

    # -- class 2: actions ---------------------------------------------------------------------

    def rule(self, words: list[_W]) -> None:
        """A rule's action and its arguments (its condition is read apart: it depends on the
        ACLs defined above it)."""
        keyword = words[0].value
        at = 1
        ruleset = keyword
        if keyword in ("tcp-request", "tcp-response"):
            if len(words) < 2 or words[1].value not in ("connection", "session", "content"):
                return  # inspect-delay, or an unknown word HL907 speaks of
            ruleset = f"{keyword} {words[1].value}"
            at = 2
        if len(words) <= at:
            return
        action_word = words[at]
        if _dynamic(action_word):
            return
        kind = f"actions/{ruleset}"
        if not self.vocab.has(kind):
            return  # a rule set this version does not have: HL907 reports the keyword
        name = action_word.value
        entry = self.vocab.find(kind, name)
        if entry is None:
            if keyword in ("http-check", "tcp-check") and name in ("if", "unless"):
                return
            self.unknown("HL910", kind, action_word, name.split("(", 1)[0] if "(" in name[1:] else name,
                         f"`{ruleset}` action")
            return
        self.action_args(words, at, entry.name)

    def action_args(self, words: list[_W], at: int, action: str) -> None:
        args = _until_condition(words, at + 1)
        name = words[at].value
        if action in ("set-var", "unset-var", "set-var-fmt") or name.startswith(("set-var(", "unset-var(")):
            self.var_name(words[at], name)
        if action.startswith("set-var") and action != "set-var-fmt" and args:
            self.expression_word(args[0])
        if (action.startswith("track-sc") or action in _EXPRESSION_ACTIONS) and args:
            self.expression_word(args[0])
        for i, word in enumerate(args):
            value = word.value
            if value == "table" and i + 1 < len(args) and action.startswith(("track-sc", "sc-", "set-")):
                self.table_ref(args[i + 1], action)
            if action in ("deny", "tarpit", "auth", "return") and value in ("deny_status", "status") and i + 1 < len(args):
                self.status(args[i + 1], value, payload=any(a.value in _PAYLOADS for a in args))
            if action == "redirect" and value == "code" and i + 1 < len(args):
                self.redirect_code(args[i + 1])
            if action in ("send-binary",) and i == 0 and not _dynamic(word):
                bad = next((c for c in value if c not in _HEX_DIGITS), None)
                if bad is not None:
                    self.add("HL910", word, f"`{words[0].value} send-binary {value}`: `{bad}` is not a hex digit "
                             f"and HAProxy refuses the binary string")
        first_lf = _LF_ACTIONS.get(action)
        if self.version >= ARGS_SINCE:
            self.action_shape(words, at, action, args)
        if action == "use-service" and args and not _dynamic(args[0]) and not self.known("services", args[0].value):
            self.unknown("HL910", "services", args[0], args[0].value, "service")
        if first_lf is not None:
            for word in args[first_lf - 1:]:
                self.log_format(word)
        elif action in ("redirect", "return", "do-resolve", "set-log-level", "capture", "send"):
            for word in args:
                if "%" in word.value:
                    self.log_format(word)

    def action_shape(self, words: list[_W], at: int, action: str, args: list[_W]) -> None:
        """Words after an action that its parser does not take (``iff``, ``deny_staus``)."""
        extra = None
        expected = "`if` or `unless`"
        if action == "del-header" and len(args) > 1 and args[1].value != "-m":
            extra = args[1]  # del-header <name> [-m <method>]
        elif action in ACTION_ARITY:
            extra = args[ACTION_ARITY[action][1]] if len(args) > ACTION_ARITY[action][1] else None
        elif action in ACTION_OPTIONS:
            extra = _first_unknown_option(args, 0, ACTION_OPTIONS[action])
            expected = f"one of its options ({', '.join(sorted(ACTION_OPTIONS[action]))}) or a condition"
        elif f"{words[0].value} {action}" in CHECK_OPTIONS:
            options = CHECK_OPTIONS[f"{words[0].value} {action}"]
            extra = _first_unknown_option(args, 0, options)
            expected = f"one of its options ({', '.join(sorted(options))})"
        elif action == "redirect":
            extra, expected = self.redirect_shape(args)
        elif action == "expect":
            extra, expected = self.expect_shape(words[0].value, args)
        if extra is None or _dynamic(extra):
            return
        close = closest(extra.value, ("if", "unless"))
        hint = f"; did you mean `{close}`?" if close else ""
        self.add("HL910", extra, f"`{' '.join(w.value for w in words[:at + 1])}` does not take `{extra.value}` "
                 f"here (HAProxy expects {expected}) and HAProxy refuses it{hint}")

    def redirect_shape(self, args: list[_W]) -> tuple[_W | None, str]:
        types = enum_values(self.vocab.version, "redirect.type") or frozenset()
        options = {name: enum_args("redirect.options").get(name, 0)
                   for name in (enum_values(self.vocab.version, "redirect.options") or ())}
        if not args or not types:
            return None, ""
        # http_parse_redirect_rule() takes the type and the options in any order
        words = {**options, **{name: 1 for name in types}}
        expected = f"a type ({', '.join(sorted(types))}), one of its options ({', '.join(sorted(options))}) or a condition"
        return _first_unknown_option(args, 0, words), expected

    def expect_shape(self, ruleset: str, args: list[_W]) -> tuple[_W | None, str]:
        matchers = enum_values(self.vocab.version, f"{ruleset}.expect")
        if not matchers:
            return None, ""
        i = 0
        while i < len(args) and args[i].value in _EXPECT_OPTIONS:
            i += 2
        if i < len(args) and args[i].value == "!":
            i += 1
        if i < len(args) and args[i].value not in matchers:
            return args[i], f"a match ({_one_of(sorted(matchers))})"
        return None, ""

    def redirect_code(self, code: _W) -> None:
        codes = self.enum("redirect.code")
        if codes and not _dynamic(code) and code.value not in codes:
            self.add("HL910", code, f"`redirect ... code {code.value}`: HAProxy takes {_one_of(sorted(codes))} "
                     f"and refuses `{code.value}`")

    def var_name(self, word: _W, text: str) -> None:
        m = re.search(r"\(([^).,]*)\.", text)
        if m is None:
            return
        scope = m.group(1)
        scopes = self.enum("set-var.scope")
        if scope not in scopes:
            self.add("HL910", word, f"unknown variable scope `{scope}` in `{text}`: HAProxy {self.target} "
                     f"takes {_one_of(sorted(scopes))}{did_you_mean(scope, scopes)}")

    def status(self, word: _W, keyword: str, *, payload: bool) -> None:
        """A reply's status: one with a default error message unless the rule gives its own
        content (then any code from 200 to 599, as http_parse_http_reply() reads it)."""
        if _dynamic(word):
            return
        codes = enum_values(self.vocab.version, "deny_status")
        if codes is None or payload:
            number = parse_int(word.value)
            if number is None or not 200 <= number <= 599:
                self.add("HL910", word, f"`{keyword} {word.value}`: not an HTTP status code HAProxy accepts")
            return
        if word.value not in codes:
            self.add("HL910", word, f"`{keyword} {word.value}`: HAProxy {self.target} has no default error "
                     f"message for status {word.value} and refuses it; use one of {', '.join(sorted(codes))}")

    def table_ref(self, word: _W, action: str) -> None:
        if _dynamic(word) or word.value in self.names.tables:
            return
        self.add("HL910", word, f"`{action} ... table {word.value}`: no proxy or peers section defines a "
                 f"stick-table named `{word.value}` and HAProxy refuses it"
                 f"{did_you_mean(word.value, self.names.tables)}")

    # -- class 3: fetches and converters ------------------------------------------------------

    def expression_word(self, word: _W, *, acl: bool = False) -> None:
        if _dynamic(word):
            return
        self.expression(word, word.value, 0, acl=acl)

    def expression(self, word: _W, text: str, start: int, *, stop: str = "", acl: bool = False) -> Expression:
        expr = parse_expression(text, start, stop=stop)

        def span(a: int, b: int) -> _Part:
            return _Part(word, a, b)

        fetch = expr.fetch
        if fetch is None:
            self.add("HL911", span(start, start + 1), "missing fetch method: a sample expression starts with the "
                     "name of a fetch, and HAProxy refuses it")
            return expr
        if acl and self.known("acl_keywords", fetch.name):
            pass
        elif not self.known("fetches", fetch.name):
            self.unknown("HL911", "fetches", word, fetch.name, "sample fetch", span(fetch.start, fetch.end))
            return expr
        else:
            problem = self.arg_count("fetches", fetch.name, fetch.arg_count, "sample fetch")
            if problem:
                self.add("HL911", span(fetch.start, fetch.args_end), problem)
            if fetch.name in ("var", "var_exists") and fetch.args:
                self.var_scope(word, fetch.args[0])
        for conv in expr.converters:
            if not self.known("converters", conv.name):
                self.unknown("HL911", "converters", word, conv.name, "converter", span(conv.start, conv.end))
                return expr
            problem = self.arg_count("converters", conv.name, conv.arg_count, "converter")
            if problem:
                self.add("HL911", span(conv.start, conv.args_end), problem)
        if expr.error is not None:
            a, b, message = expr.error
            self.add("HL911", span(a, b), f"{message}: HAProxy refuses the expression")
        return expr

    def arg_count(self, kind: str, name: str, count: int, what: str) -> str | None:
        entry = self.vocab.find(kind, name)
        if entry is None or entry.module is not None:
            return None
        high = entry.max_args
        # Too few is not judged: HAProxy fills a missing argument with an empty string, which
        # only some argument types refuse ("expected type 'integer' ... but got nothing").
        if count <= high:
            return None
        if high == 0:
            need = "takes no arguments"
        else:
            need = f"takes at most {high} argument{'s' if high > 1 else ''}"
        return f"{what} `{name}` {need} and HAProxy refuses {count}"

    def var_scope(self, word: _W, arg: str) -> None:
        scope, dot, _ = arg.strip().partition(".")
        if not dot or "$" in arg:
            return
        scopes = self.enum("set-var.scope")
        if scope not in scopes:
            self.add("HL911", word, f"unknown variable scope `{scope}` in `var({arg})`: HAProxy {self.target} "
                     f"takes {_one_of(sorted(scopes))}")

    # -- class 4: ACLs ---------------------------------------------------------------------------

    def acl_line(self, words: list[_W]) -> None:
        if len(words) < 3:
            return  # HL915 reports the missing criterion
        self.acl_body(words[2:])

    def acl_body(self, words: list[_W]) -> None:
        """An ACL's criterion, flags and patterns (``acl`` line or anonymous ``{ }``)."""
        if not words or _dynamic(words[0]):
            return
        self.expression_word(words[0], acl=True)
        i = 1
        while i < len(words):
            flag = words[i].value
            if not flag.startswith("-") or _dynamic(words[i]):
                break
            if flag == "--":
                break
            if flag not in _ACL_FLAGS:
                self.add("HL912", words[i], f"`{flag}` is not an ACL flag and HAProxy refuses it (flags: -i, -f, "
                         f"-m, -n, -M, -u; write `--` before a pattern that starts with `-`)")
                return
            if flag in _ACL_FLAGS_WITH_ARG:
                if i + 1 >= len(words):
                    self.add("HL912", words[i], f"ACL flag `{flag}` expects a value and HAProxy refuses it alone")
                    return
                if flag == "-m":
                    method = words[i + 1]
                    methods = self.vocab.match_methods
                    if methods and method.value not in methods and not _dynamic(method):
                        self.add("HL912", method, f"unknown ACL match method `-m {method.value}`: HAProxy takes "
                                 f"{_one_of(sorted(methods))}{did_you_mean(method.value, methods)}")
                        return
                i += 2
            else:
                i += 1

    def condition(self, line: Line, condition: str | _Condition, acls: set[str]) -> None:
        """The condition of a line (see :func:`_plan`): its words are cut only to report."""
        if isinstance(condition, str):  # "if <name>", the name of no ACL defined above
            values = tuple(w.value for w in _split(line))
            at = _condition_at(values)
            condition = _condition(values, at, line.plain_values is not None)
        bodies, named = condition
        words = None
        for open_, close, key in bodies:
            hit = self._cache.get(key)
            if hit is None:
                words = words if words is not None else _split(line)
                mark = len(self.found)
                self.acl_body(words[open_ + 1:close])
                hit = tuple((code, (index - open_ - 1, a, b), message, severity)
                            for code, (index, a, b), message, severity
                            in ((c, _relative(t), m, v) for c, t, m, v in self.found[mark:]))
                if len(self._cache) < 65536:
                    self._cache[key] = hit
                continue
            if hit:
                words = words if words is not None else _split(line)
                for code, (index, a, b), message, severity in hit:
                    word = words[open_ + 1 + index]
                    self.found.append((code, word if a is None or b is None else _Part(word, a, b), message, severity))
        for i, name in named:
            if name in acls or name in self.vocab.predefined_acls:
                continue
            words = words if words is not None else _split(line)
            word = words[i]
            if _dynamic(word):
                continue
            suggestion = closest(name, list(acls) + sorted(self.vocab.predefined_acls))
            hint = f"; did you mean `{suggestion}`?" if suggestion else ""
            self.add("HL912", word, f"ACL `{name}` is not defined above this line in this section, nor one of "
                     f"HAProxy's predefined ACLs, and HAProxy refuses the condition{hint}")

    # -- directives with expressions, conditions or log-format strings -------------------------

    def other(self, words: list[_W], section: Section) -> None:
        """What ``stick``, ``use_backend``, ``use-server`` and ``redirect`` lines hold before
        their condition."""
        keyword = words[0].value
        if keyword == "stick" and len(words) > 2 and words[1].value in ("on", "match", "store-request",
                                                                       "store-response"):
            self.expression_word(words[2])
            args = _until_condition(words, 3)
            for i, word in enumerate(args):
                if word.value == "table" and i + 1 < len(args):
                    self.table_ref(args[i + 1], f"stick {words[1].value}")
        elif keyword in ("use_backend", "use-server") and len(words) > 1:
            self.log_format(words[1])
            if len(words) > 2 and words[2].value not in ("if", "unless") and not _dynamic(words[2]):
                close = closest(words[2].value, ("if", "unless"))
                hint = f"; did you mean `{close}`?" if close else ""
                self.add("HL912", words[2], f"`{keyword}` takes a name and then only `if` or `unless`, and HAProxy "
                         f"refuses `{words[2].value}`{hint}")
            if keyword == "use-server" and not _dynamic(words[1]) and "%" not in words[1].value:
                servers = self.names.servers.get(section.name or "", set())
                if section.kind in ("backend", "listen") and words[1].value not in servers:
                    self.add("HL910", words[1], f"`use-server {words[1].value}`: no server `{words[1].value}` "
                             f"in {section.kind} `{section.name}` and HAProxy refuses it"
                             f"{did_you_mean(words[1].value, servers)}")
        elif keyword == "redirect":
            args = _until_condition(words, 1)
            for word in args:
                if "%" in word.value:
                    self.log_format(word)
            for i, word in enumerate(args[:-1]):
                if word.value == "code":
                    self.redirect_code(args[i + 1])
            extra, expected = self.redirect_shape(args)
            if extra is not None and not _dynamic(extra):
                close = closest(extra.value, ("if", "unless"))
                hint = f"; did you mean `{close}`?" if close else ""
                self.add("HL910", extra, f"`redirect` does not take `{extra.value}` here (HAProxy expects "
                         f"{expected}) and HAProxy refuses it{hint}")

    def log_format(self, word: _W) -> None:
        if _dynamic(word) or "%" not in word.value:
            return
        for problem in check_log_format(word.value, self.vocab.logformat_aliases, self.vocab.logformat_flags):
            self.log_problem(word, problem)
        for m in _PCT_FETCH.finditer(word.value):
            self.expression(word, word.value, m.end(), stop="]")

    def log_problem(self, word: _W, problem: LogFormatProblem) -> None:
        target = _Part(word, problem.start, problem.end)
        if problem.kind == "alias":
            if self.newer:
                return
            hint = did_you_mean(problem.text, self.vocab.logformat_aliases)
            self.add("HL914", target, f"unknown log-format alias `%{problem.text}`: HAProxy {self.target} "
                     f"refuses it (write `%%` for a literal `%`){hint}")
        elif problem.kind == "flag":
            self.add("HL914", target, f"{problem.message}: the flag does nothing", Severity.WARNING)
        else:
            self.add("HL914", target, f"{problem.message}: HAProxy {self.target} refuses the log-format string")

    # -- class 5: enumerated values ---------------------------------------------------------------

    def enums(self, words: list[_W]) -> None:
        keyword = words[0].value
        check = _ENUM_CHECKS.get(keyword)
        if check is None:
            return
        for name, index in check(words):
            if index >= len(words):
                continue
            word = words[index]
            if _dynamic(word):
                continue
            values = enum_values(self.vocab.version, name)
            if not values:
                continue
            text = word.value
            items = text.split(",") if name in ("stick-table.data", "init-addr") else [text]
            key = next((k for k in (_enum_key(name, item) for item in items) if k not in values), None)
            if key is None:
                continue
            since = None
            for later in _later_tables(self.version):
                later_values = enum_values(later, name)
                if later_values and key in later_values:
                    since = later
                    break
            shown = " ".join(w.value for w in words[:index])
            if since is not None:
                if self.between and since == _next_table(self.version):
                    continue
                self.add("HL913", word, f"`{shown} {text}`: `{key}` came in HAProxy {since} and HAProxy "
                         f"{self.target} refuses it")
                continue
            if self.newer:
                continue
            hint = did_you_mean(key, values)
            self.add("HL913", word, f"`{shown} {text}`: unknown value `{key}`; HAProxy {self.target} takes "
                     f"{_one_of(sorted(values))}{hint}")


def _enum_key(name: str, text: str) -> str:
    if name == "balance" or name == "stick-table.data":
        return text.split("(", 1)[0]  # "hdr(host)", "http_req_rate(10s)"
    return text


def _mode(words: list[_W]) -> Iterable[tuple[str, int]]:
    yield "mode", 1


def _balance(words: list[_W]) -> Iterable[tuple[str, int]]:
    yield "balance", 1


def _hash_type(words: list[_W]) -> Iterable[tuple[str, int]]:
    yield "hash-type.method", 1
    if len(words) > 2:
        yield "hash-type.function", 2
    if len(words) > 3:
        yield "hash-type.modifier", 3


def _http_reuse(words: list[_W]) -> Iterable[tuple[str, int]]:
    yield "http-reuse", 1


def _retry_on(words: list[_W]) -> Iterable[tuple[str, int]]:
    for i in range(1, len(words)):
        yield "retry-on", i


def _cookie(words: list[_W]) -> Iterable[tuple[str, int]]:
    args = enum_args("cookie")
    i = 2
    while i < len(words):
        yield "cookie", i
        i += 1 + args.get(words[i].value, 0)


def _compression(words: list[_W]) -> Iterable[tuple[str, int]]:
    if len(words) > 1:
        yield "compression", 1
    if len(words) > 1 and words[1].value in ("algo", "algo-req", "algo-res"):
        for i in range(2, len(words)):
            yield "compression.algo", i


def _stick_table(words: list[_W]) -> Iterable[tuple[str, int]]:
    args = enum_args("stick-table.options")
    i = 1
    while i < len(words):
        option = words[i].value
        yield "stick-table.options", i
        if option == "type" and i + 1 < len(words):
            yield "stick-table.type", i + 1
            i += 2
            if i + 1 < len(words) and words[i].value == "len":
                i += 2  # "type string len 32"
            continue
        if option == "store" and i + 1 < len(words):
            yield "stick-table.data", i + 1
        i += 1 + args.get(option, 0)


def _log(words: list[_W]) -> Iterable[tuple[str, int]]:
    if len(words) < 3 or words[1].value == "global":
        return
    args = enum_args("log.options")
    i = 2
    while i < len(words) and words[i].value in args:
        if words[i].value == "format" and i + 1 < len(words):
            yield "log.format", i + 1
        i += 1 + args[words[i].value]
    if i < len(words):
        yield "log.facility", i
        for j in (i + 1, i + 2):
            if j < len(words):
                yield "log.level", j


def _stats(words: list[_W]) -> Iterable[tuple[str, int]]:
    if len(words) > 2 and words[1].value == "socket":
        for i in range(3, len(words) - 1):
            if words[i].value == "level":
                yield "stats.level", i + 1


def _errorfile(words: list[_W]) -> Iterable[tuple[str, int]]:
    yield "errorfile", 1


def _option(words: list[_W]) -> Iterable[tuple[str, int]]:
    if len(words) < 3:
        return
    name = words[1].value
    if name in ("forwardfor", "originalto"):
        args = enum_args(f"option.{name}")
        i = 2
        while i < len(words) and words[i].value not in ("if", "unless"):
            yield f"option.{name}", i
            i += 1 + args.get(words[i].value, 0)
    elif name == "httplog":
        yield "option.httplog", 2


def _ring_format(words: list[_W]) -> Iterable[tuple[str, int]]:
    yield "log.format", 1


def enum_args(name: str) -> dict[str, int]:
    """How many words follow each value of an enumeration that takes arguments."""
    return enum_meta(name).get("args", {})


_ENUM_CHECKS: dict[str, Callable[[list[_W]], Iterable[tuple[str, int]]]] = {
    "mode": _mode,
    "balance": _balance,
    "hash-type": _hash_type,
    "http-reuse": _http_reuse,
    "retry-on": _retry_on,
    "cookie": _cookie,
    "compression": _compression,
    "stick-table": _stick_table,
    "log": _log,
    "stats": _stats,
    "errorfile": _errorfile,
    "option": _option,
    "format": _ring_format,
}


_OTHER = frozenset({"stick", "use_backend", "use-server", "redirect", "monitor", "block", "errorloc",
                    "errorloc302", "errorloc303"})
#: Directives the walk reads word by word (others only when they hold a condition).
_WORTH_READING = (frozenset({"server", "default-server", "server-template", "bind", "acl", "filter", "timeout"})
                  | frozenset(_RULESETS) | _LOG_FORMAT_DIRECTIVES | _OTHER | frozenset(_ENUM_CHECKS))


_SERVER_FIRST = {"server": 3, "default-server": 1, "server-template": 4}


def _patterns_at(values: tuple[str, ...], i: int, end: int | None = None) -> int:
    """Where an ACL's patterns start: after its criterion (``values[i - 1]``) and flags."""
    end = len(values) if end is None else end
    while i < end and values[i].startswith("-"):
        if values[i] == "--":
            return i + 1
        i += 2 if values[i] in _ACL_FLAGS_WITH_ARG else 1
    return min(i, end)


def _condition_at(values: tuple[str, ...]) -> int:
    """The index of a rule's ``if``/``unless`` (its length when it has none)."""
    if "if" not in values and "unless" not in values:
        return len(values)
    for i in range(1, len(values)):
        if values[i] == "if" or values[i] == "unless":
            return i
    return len(values)


#: Options whose arguments are free text or read elsewhere (checked with 2.6 and 2.8: every
#: other option refuses a word after its name unless an "option.<name>" table lists it).
_OPTIONS_WITH_FREE_ARGUMENTS = frozenset({"httpchk", "httpslog", "redispatch", "smtpchk", "mysql-check",
                                          "pgsql-check"})
_EXPECT_OPTIONS = frozenset({"min-recv", "comment", "ok-status", "error-status", "tout-status", "on-success",
                             "on-error", "status-code"})


#: The options of check rules, by the rule's first two words (``("http-check", "send")``).
_CHECK_OPTIONS = {tuple(name.split()): options for name, options in CHECK_OPTIONS.items()}


def _rule_shape(head: tuple[str, ...]) -> tuple[str | None, ...]:
    """What :meth:`_Walk.rule` reads of a rule whose words up to its condition are ``head``:
    those words, with the values of a check rule's options (``http-check send ... hdr Host
    <name>``, one per backend) left out unless they hold a log-format (``%``) or a variable
    (``$``): it reads no other."""
    if len(head) < 4:
        return head
    options = _CHECK_OPTIONS.get(head[:2])
    if options is None:
        return head
    shape: list[str | None] = list(head)
    n = len(head)
    i = 2
    while i < n:
        count = options.get(head[i])
        if count is None:
            break
        end = i + 1 + count
        i += 1
        while i < end and i < n:  # (no range(): an option has a value or two)
            value = head[i]
            if "%" not in value and "$" not in value:
                shape[i] = None
            i += 1
    return tuple(shape)


def _first_unknown_option(args: list[_W], start: int, options: dict[str, int]) -> _W | None:
    i = start
    while i < len(args):
        name = args[i].value
        if name not in options:
            return args[i]
        i += 1 + options[name]
    return None


def _until_condition(words: list[_W], start: int) -> list[_W]:
    out = []
    for word in words[start:]:
        if word.value in ("if", "unless") and not word.quoted:
            break
        out.append(word)
    return out


def _atol(text: str) -> int:
    """C's atol(): the leading number, 0 when there is none."""
    m = re.match(r"[ \t]*([-+]?[0-9]+)", text)
    return int(m.group(1)) if m is not None and len(m.group(1)) < 30 else 0


def _one_of(values: Iterable[str]) -> str:
    values = [f"`{v}`" for v in values]
    if len(values) > 12:
        return ", ".join(values[:12]) + ", ..."
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " or " + values[-1]


def _looks_like_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _next_table(version: tuple[int, int]) -> str | None:
    later = _later_tables(version)
    return later[0] if later else None


def _later_tables(version: tuple[int, int]) -> list[str]:
    return [v for v in VERSIONS if table_key(v) > version]


# A plain slotted class, not a dataclass or a NamedTuple: defining one of those costs every
# run 0.15-0.4 ms at import.
class _Names:
    """Names the words refer to, across every file linted together."""

    __slots__ = ("resolvers", "crt_stores", "tables", "proxies", "servers")

    def __init__(
        self,
        resolvers: set[str],
        crt_stores: set[str],
        tables: set[str],
        proxies: set[str],
        servers: dict[str, set[str]],
    ) -> None:
        self.resolvers = resolvers
        self.crt_stores = crt_stores
        self.tables = tables
        self.proxies = proxies
        self.servers = servers

    @staticmethod
    def of(ctx: Context) -> "_Names":
        return ctx.memo("vocabulary.names", lambda: _Names._build(ctx), per_file=False)

    @staticmethod
    def _build(ctx: Context) -> "_Names":
        names = _Names(set(), set(), set(), set(), {})
        for config in ctx.configs:
            for section in config.sections:
                kind = section.kind
                name = section.name
                if kind in PROXY_KINDS:
                    if name:
                        names.proxies.add(name)
                        servers = names.servers.setdefault(name, set())
                        # one pass over the lines, not one lookup per keyword: a proxy has few
                        for line in section.directives:
                            keyword = line.keyword
                            if keyword == "server" or keyword == "server-template":
                                server = _second_value(line)
                                if server is not None:
                                    servers.add(server)
                            elif keyword == "stick-table":
                                names.tables.add(name)
                elif kind == "resolvers" and name:
                    names.resolvers.add(name)
                elif kind == "crt-store" and name:
                    names.crt_stores.add(name)
                elif kind == "peers":
                    for line in section.directives_named("table"):
                        words = _split(line)
                        if len(words) > 1:
                            names.tables.add(words[1].value)
                            if name:
                                names.tables.add(f"{name}/{words[1].value}")
        return names


# --- the rules --------------------------------------------------------------------------------


class _VocabularyRule(Rule):
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for finding in vocabulary_findings(ctx):
            if finding.code == self.code:
                yield ctx.report(self, finding.target, finding.message, severity=finding.severity)


class InvalidServerOrBindParameter(_VocabularyRule):
    """Reports a `server`, `default-server`, `server-template` or `bind` parameter that the
    target HAProxy does not know (`chek`, `ssl-min-ver` on a version without it), a parameter
    missing its value, and values HAProxy refuses: a duration that is not one (`inter 2x`),
    a zero `inter`, a `weight` outside 0-256, `rise 0`, an unknown TLS version
    (`ssl-min-ver TLSv1.4`), a `verify`, `observe`, `on-error` or `init-addr` value outside
    its list, and a `resolvers`, `track` or `crt "@<crt-store>/..."` (3.0 on) target that does
    not exist. Where HAProxy accepts
    the line but reads something else than what is written (`inter 2sec` read as `2s` with a
    warning, `weight` without a value read as 0), the finding is a warning.

    ## Why is this bad?
    HAProxy refuses the whole configuration ("'chek' unknown keyword", "unexpected character
    'x' in 'inter' argument", "unable to find required resolvers"), so a reload fails. Worse,
    a typo in a health-check option reads to a human as if the check were on: `chek` looks
    like `check` in review. The keyword lists are HAProxy's own registrations at each release
    tag, so a parameter that came in a later version is named as such.

    ## Example
    ```haproxy
    backend app
        server app1 10.0.0.1:80 chek inter 2s
    ```

    ## Use instead
    ```haproxy
    backend app
        server app1 10.0.0.1:80 check inter 2s
    ```

    ## Fix safety
    No fix: the suggestion is the closest spelling; check it before applying it.

    ## Exceptions
    Words holding environment variables (`${NAME}`) are not judged. Parameters of modules a
    build may lack (QUIC, 51Degrees...) count as known unless `build-without` names the
    module; `extra-keywords` in the settings adds words a custom build knows.
    """

    code = "HL909"
    name = "invalid-server-or-bind-parameter"


class InvalidAction(_VocabularyRule):
    """Reports an action of `http-request`, `http-response`, `http-after-response`,
    `tcp-request connection|session|content`, `tcp-response content`, `http-check` or
    `tcp-check` that the target HAProxy does not know, and arguments it refuses: a word the
    action's parser does not take (`add-header` with a third word, `deny deny_staus 403`, a
    misspelt `redirect` or `http-check send` option, `iff` for `if`), a `deny_status` without
    a default error message, a `redirect` code other than 301, 302, 303, 307 and 308, an
    unknown variable scope in `set-var(<scope>.<name>)`, a `table` no section defines, a
    `use-server` naming no server of the backend, an unknown `use-service` name, a
    `send-binary` string that is not hex.

    ## Why is this bad?
    HAProxy refuses the configuration ("unknown action 'rediret'", "unsupported HTTP code
    '305'", "invalid variable name 'foo.x'", "unable to find table 'nosuch'"). Actions also
    differ between rule sets and versions (`http-after-response` came in 2.2, `set-bandwidth-limit`
    in 2.7): the lists are HAProxy's registrations per rule set and release.

    ## Example
    ```haproxy
    frontend www
        bind :80
        http-request rediret scheme https
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        http-request redirect scheme https
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: the suggestion is the closest spelling; check it before applying it.

    ## Exceptions
    Lua actions (`lua.<name>`) are registered at run time and always count as known unless
    `build-without` names `lua`; `extra-keywords` adds the actions of a custom build.
    """

    code = "HL910"
    name = "invalid-action"


class UnknownFetchOrConverter(_VocabularyRule):
    """Reports a sample fetch or converter that the target HAProxy does not know, or given a
    number of arguments it refuses, wherever an expression stands: `acl` lines, anonymous
    ACLs `{ ... }` in conditions, `%[ ... ]` in log-format strings and header values,
    `use_backend %[ ... ]`, `stick on|match|store-*`, `track-sc*` and `set-var(...)`
    expressions; also a variable scope HAProxy does not have in `var(<scope>.<name>)`.

    ## Why is this bad?
    HAProxy refuses the configuration ("unknown fetch method 'req.hdrr'", "unknown converter
    'lowerr'", "expected ')' before ',3,4)'"). In a `%[...]` header value the mistake hides in
    a long string that nobody reads closely in review.

    ## Example
    ```haproxy
    frontend www
        bind :80
        http-request set-header X-Host %[req.hdr(host),lowerr]
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        http-request set-header X-Host %[req.hdr(host),lower]
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: the suggestion is the closest spelling; check it before applying it.

    ## Exceptions
    Fetches and converters of optional modules (WURFL, 51Degrees, DeviceAtlas, Lua) count as
    known unless `build-without` names the module.
    """

    code = "HL911"
    name = "unknown-fetch-or-converter"


class InvalidAcl(_VocabularyRule):
    """Reports a named ACL used in a condition that is neither defined above it in the same
    section nor one of HAProxy's predefined ACLs (`TRUE`, `HTTP`, `METH_GET`...), an ACL flag
    HAProxy does not have (flags: `-i -f -m -n -M -u --`), an unknown `-m` match method, and a
    condition keyword that is not `if` or `unless` after `use_backend`, `use-server` or
    `stats admin`.

    ## Why is this bad?
    HAProxy refuses the configuration ("no such ACL : 'is_api'", "'-z' is not a valid ACL
    option", "unknown matching method 'foo'"). ACLs are not shared between sections, nor
    inherited from `defaults`, and must be declared before the rule that uses them: a
    condition that reads well may name an ACL that only exists in another proxy.

    ## Example
    ```haproxy
    frontend www
        bind :80
        http-request deny if is_admin
        acl is_admin path_beg /admin
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        acl is_admin path_beg /admin
        http-request deny if is_admin
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: where the ACL should come from is for the author to decide.
    """

    code = "HL912"
    name = "invalid-acl"


class InvalidValue(_VocabularyRule):
    """Reports a value outside the closed list HAProxy accepts for an enumerated setting:
    `mode`, `balance`, `hash-type`, `http-reuse`, `retry-on`, `cookie` options, `stick-table`
    types, options and data types, `compression` options and algorithms, log formats,
    facilities and levels, `stats socket ... level`, `errorfile` codes, the arguments of
    `option forwardfor`, `option originalto` and `option httplog`, and `filter` names, per
    target version ("came in X" when a later version has it); a `timeout` that is not a
    duration or has a second value, and a word after an `option` that takes none.

    ## Why is this bad?
    HAProxy refuses the configuration ("unknown balancing algorithm 'roundrobn'", "unknown
    mode 'htpp'"), or with a value a later version introduced, refuses it on the older
    HAProxy actually deployed.

    ## Example
    ```haproxy
    backend app
        balance roundrobn
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend app
        balance roundrobin
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: the suggestion is the closest spelling; check it before applying it.
    """

    code = "HL913"
    name = "invalid-value"


class InvalidLogFormat(_VocabularyRule):
    """Reports log-format strings HAProxy refuses: an unknown alias (`%cx`), an unclosed
    `%[` or `%{`, in `log-format`, `log-format-sd`, `error-log-format`, `unique-id-format`
    and the arguments of rules that take log-format strings (`set-header`, `add-header`,
    `set-path`, `redirect location`, `use_backend`...).

    ## Why is this bad?
    HAProxy refuses the configuration ("no such format variable 'cx'. If you wanted to emit
    the '%' character verbatim, you need to use '%%'", "missing ']' after 'src'"). A literal
    percent sign in a header value is the classic trap: `50%off` must be written `50%%off`.

    ## Example
    ```haproxy
    frontend www
        bind :80
        http-request set-header X-Client %cx
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    frontend www
        bind :80
        http-request set-header X-Client %ci
        default_backend app
    backend app
        server app1 10.0.0.1:80 check
    ```

    ## Fix safety
    No fix: whether a `%` was meant literally (`%%`) or as an alias is for the author to say.
    """

    code = "HL914"
    name = "invalid-log-format"
