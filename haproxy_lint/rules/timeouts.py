"""HL2xx: timeouts and check thresholds."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..effective import LEGACY_TIMEOUTS
from ..model import Line, Section, Word
from ..rule import Context, Rule
from ..views import SERVER_FLAGS

# Server parameters whose value is a duration.
SERVER_DURATIONS = frozenset({"inter", "fastinter", "downinter", "slowstart", "agent-inter"})


def with_unit(ms: int) -> str:
    """A duration in the shortest exact form with a unit: 5000 -> ``5s``, 1500 -> ``1500ms``."""
    if ms % 1000 == 0:
        return f"{ms // 1000}s"
    return f"{ms}ms"


def duration_words(line: Line) -> Iterable[Word]:
    """The words of a line that hold a duration: ``timeout <name> <value>``, the 1.x aliases
    (``contimeout 5000``), ``hold <status> <value>`` in resolvers, server duration parameters."""
    words = line.words
    keyword = line.keyword
    if keyword == "timeout" and len(words) > 2:
        yield words[2]
    elif keyword in LEGACY_TIMEOUTS and len(words) > 1:
        yield words[1]
    elif keyword == "hold" and len(words) > 2:
        yield words[2]
    elif keyword in ("server", "default-server", "server-template"):
        start = {"server": 3, "default-server": 1, "server-template": 4}[keyword]
        i = start
        while i < len(words):
            name = words[i].value
            if name in SERVER_FLAGS:
                i += 1
                continue
            if name in SERVER_DURATIONS and i + 1 < len(words):
                yield words[i + 1]
            i += 2


class UnitlessDuration(Rule):
    """Reports durations written without a unit, such as `timeout server 30`.

    ## Why is this bad?
    HAProxy reads a bare number as milliseconds. `timeout connect 5000` is five seconds and
    reads fine to someone who knows that, but `timeout server 30` is 30 milliseconds, not 30
    seconds: every slow response is cut off, a classic outage. Writing the unit removes the
    doubt for the next reader.

    ## Example
    ```haproxy
    defaults
        timeout connect 5000
        timeout server 30
    backend app
        server app1 10.0.0.1:80 check inter 2000
    ```

    ## Use instead
    ```haproxy
    defaults
        timeout connect 5s
        timeout server 30ms
    backend app
        server app1 10.0.0.1:80 check inter 2s
    ```

    ## Fix safety
    Safe: the fix writes the same duration with a unit (`5000` becomes `5s`, `1500` becomes
    `1500ms`), so HAProxy reads exactly the same value. If `30` was meant as seconds, fix the
    value by hand: the fix keeps what HAProxy does today.

    ## Exceptions
    `0` is left alone: it means the same in every unit.
    """

    code = "HL203"
    name = "unitless-duration"
    severity = Severity.WARNING
    fixable = "safe"
    keywords = frozenset({"timeout", "hold", "server", "default-server", "server-template", *LEGACY_TIMEOUTS})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        if line.keyword == "hold" and (section is None or section.kind != "resolvers"):
            return
        for word in duration_words(line):
            if not word.value.isdigit() or int(word.value) == 0:
                continue
            ms = int(word.value)
            fixed = with_unit(ms)
            fix = ctx.fix(f"write `{fixed}`", "safe", ctx.replace(word, fixed))
            if ms < 1000:
                message = f"`{word.value}` has no unit and means {ms} milliseconds; write `{fixed}` (or `{ms}s` if seconds were meant)"
            else:
                message = f"`{word.value}` has no unit (milliseconds are implied); write `{fixed}`"
            yield ctx.report(self, word, message, fix=fix)
