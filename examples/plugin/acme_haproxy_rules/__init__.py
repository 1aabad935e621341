"""ACME's house rules for HAProxy configurations, as a haproxy-lint plugin."""

from __future__ import annotations

from collections.abc import Iterable

from haproxy_lint import Context, Diagnostic, Line, Rule, Section, Severity


class BackendNamePrefix(Rule):
    """Reports backends whose name does not start with `be_`, ACME's naming convention.

    ## Why is this bad?
    Dashboards and alerts at ACME select backends by the `be_` prefix: a backend named
    otherwise is invisible to them.

    ## Example
    ```haproxy
    backend web
        server web1 10.0.0.1:80
    ```

    ## Use instead
    ```haproxy
    backend be_web
        server web1 10.0.0.1:80
    ```

    ## Fix safety
    No fix: renaming a backend means renaming every reference to it.
    """

    code = "ACME001"
    name = "backend-name-prefix"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for section in ctx.config.sections_of("backend"):
            name_word = section.header.words[1] if len(section.header.words) > 1 else None
            if name_word is not None and not name_word.value.startswith("be_"):
                yield ctx.report(self, name_word, f"backend `{name_word.value}` should be named `be_{name_word.value}` (ACME naming)")
