"""HL0xx: the linter's own comments."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..registry import all_rules
from ..rule import Context, Rule
from ..suppressions import collect


class InvalidSuppression(Rule):
    """Reports `# haproxy-lint:` comments that suppress nothing: an unknown rule code, an
    unknown kind, or a comment where its kind cannot apply.

    ## Why is this bad?
    A suppression that names a code no rule has (a typo, a rule that was renumbered in a
    plugin) silences nothing, so the finding it was written for is still reported, or worse,
    a later real finding is not silenced where someone believed it was. A `disable=` on a line
    of its own covers no directive.

    ## Example
    ```haproxy
    backend app
        # haproxy-lint: disable-next-line=HL1O3
        server app1 10.0.0.1:80
    ```

    ## Use instead
    ```haproxy
    backend app
        # haproxy-lint: disable-next-line=HL103
        server app1 10.0.0.1:80
    ```

    ## Fix safety
    No fix: only a person knows which code was meant.

    ## Exceptions
    Codes of a plugin that is not installed where the linter runs are reported too: install
    the plugin in every place the linter runs (pre-commit, CI), or drop the suppression.
    """

    code = "HL001"
    name = "invalid-suppression"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        known = [rule.code for rule in all_rules()]
        for item in ctx.memo("suppressions", lambda: collect(ctx.config)).comments:
            if item.problem:
                yield ctx.report(self, (item.start, item.end), item.problem)
                continue
            for code, start, end in item.codes:
                upper = code.upper()
                if upper != "ALL" and not any(k.startswith(upper) for k in known):
                    yield ctx.report(self, (start, end), f"no rule has the code `{code}`; this suppression silences nothing")
