"""Write a rule of your own, and run it on a configuration.

A rule is a :class:`haproxy_lint.Rule` subclass: a ``code`` (letters, then three digits; not
``HL``, which is haproxy-lint's), a kebab-case ``name``, a default ``severity``, and a
docstring that is its documentation page (``haproxy-lint rule CODE`` prints it). It looks at
the typed model and yields diagnostics made by ``ctx.report``; it never reads files or prints.

This script runs the rule by hand, the way a plugin's own tests can: a :class:`Context` over
a parsed configuration, ``check_line`` for each directive whose keyword the rule asks for.
To have ``haproxy-lint`` and :func:`haproxy_lint.lint` run it (with suppression comments,
``--select``, severities from settings files), put it in a package that registers it under
the ``haproxy_lint.rules`` entry point: see ``examples/plugin``.

Usage: python examples/third_party_rule.py [haproxy.cfg]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import haproxy_lint
from haproxy_lint import Context, Diagnostic, Line, Rule, Section, Severity

BUNDLED = Path(__file__).resolve().parent.parent / "fixtures" / "examples" / "haproxy.cfg"


class ServerWithoutMaxconn(Rule):
    """Reports servers without a `maxconn` limit (theirs or from `default-server`).

    ## Why is this bad?
    Without `maxconn`, HAProxy sends a server every connection it gets: a traffic spike
    reaches the application instead of waiting in HAProxy's queue.

    ## Example
    ```haproxy
    backend web
        server web1 10.0.0.1:80 check
    ```

    ## Use instead
    ```haproxy
    backend web
        default-server maxconn 100
        server web1 10.0.0.1:80 check
    ```

    ## Fix safety
    Unsafe: the right limit depends on the application; the fix writes `maxconn 100`.
    """

    code = "ACME002"
    name = "server-without-maxconn"
    severity = Severity.WARNING
    fixable = "unsafe"
    keywords = frozenset({"server"})  # check_line sees only these directives

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        server = ctx.server(line)  # with what default-server lines give it
        if server.get("maxconn") is None and server.name_word is not None:
            fix = ctx.fix("add `maxconn 100`", "unsafe", ctx.append_words(line, "maxconn 100"))
            yield ctx.report(self, server.name_word, f"server `{server.name}` has no `maxconn`", fix=fix)


def run(rule: Rule, config: haproxy_lint.Config) -> list[Diagnostic]:
    """What the engine does for one rule, without suppression comments or settings."""
    ctx = Context(config, haproxy_lint.Settings())
    found = list(rule.check(ctx))
    for section in config.sections:
        for line in section.directives:
            if line.keyword in rule.keywords:
                found += rule.check_line(ctx, line, section)
    return sorted(found, key=lambda d: d.sort_key)


def main(path: str) -> int:
    try:
        config = haproxy_lint.parse_file(path)
    except haproxy_lint.ParseError as error:
        print(error, file=sys.stderr)
        return 2
    rule = ServerWithoutMaxconn()
    print(f"{rule.code} {rule.name}: {rule.summary()}")
    found = run(rule, config)
    for d in found:
        fix = f" (fix, {d.fix.applicability}: {d.fix.title})" if d.fix is not None else ""
        print(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.message}{fix}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(BUNDLED)))
