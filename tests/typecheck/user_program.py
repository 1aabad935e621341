"""A program that uses every public name of haproxy_lint, as a tool that imports it would.

tests/test_typing.py type-checks it with ``mypy --strict --disallow-any-expr`` (so a public
name that loses its types, or returns ``Any``, fails the check), checks that it names every
entry of ``haproxy_lint.__all__``, and runs it: it must print ``ok``.

The ``assert_type`` calls are the contract: ``assert_type(server.inter, int)`` fails the check
if ``Server.inter`` becomes ``int | None`` or ``Any``. (An annotated assignment would not do:
``--disallow-any-expr`` lets ``Any`` through into a variable with a declared type.)
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import assert_type

import haproxy_lint
from haproxy_lint import (
    Acl,
    Address,
    Bind,
    Config,
    Context,
    Diagnostic,
    Edit,
    Fix,
    FixLoopError,
    FixResult,
    Line,
    Param,
    ParseError,
    Proxy,
    Route,
    Rule,
    RuleError,
    Section,
    Server,
    Setting,
    Settings,
    Severity,
    Thresholds,
    Word,
    all_rules,
    fix,
    get_rule,
    lint,
    lint_configs,
    parse,
    parse_address,
    parse_duration,
    parse_file,
    read_text,
)

TEXT = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    default-server inter 3s

frontend www
    bind :80,:8080 ssl crt /etc/site.pem
    acl is_api path_beg /api
    use_backend api if is_api
    default_backend web

backend web
    option httpchk
    http-check send meth GET uri /health ver HTTP/1.1 hdr Host www.example.com
    server web1 10.0.0.1:80 check fall 2 rise 4
    server web2 [::1]:8080 check inter 10s fastinter 1s

backend api
    timeout server 30
    server api1 api.internal:8000 check
"""


class NoMaxconn(Rule):
    """Reports servers without `maxconn`.

    ## Why is this bad?
    A server without `maxconn` takes every connection HAProxy sends it.
    """

    code = "TYPED001"
    name = "no-maxconn"
    severity = Severity.INFO
    keywords = frozenset({"server"})

    def check_line(self, ctx: Context, line: Line, section: Section | None) -> Iterable[Diagnostic]:
        server = assert_type(ctx.server(line), Server)
        if server.get("maxconn") is None:
            edit = assert_type(ctx.append_words(line, "maxconn 100"), Edit)
            fixed = assert_type(ctx.fix("add `maxconn 100`", "unsafe", edit), Fix)
            yield ctx.report(self, line, f"server `{server.name}` has no maxconn", fix=fixed)

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()


def servers(config: Config) -> list[tuple[str, str, int, int, int, int, int]]:
    """Every checked server: proxy, server, inter, fastinter, downinter, fall, rise."""
    rows: list[tuple[str, str, int, int, int, int, int]] = []
    for proxy in config.proxies:
        p = assert_type(proxy, Proxy)
        for server in p.servers:
            if server.check:
                inter = assert_type(server.inter, int)
                fastinter = assert_type(server.fastinter, int)
                downinter = assert_type(server.downinter, int)
                fall = assert_type(server.fall, int)
                rise = assert_type(server.rise, int)
                rows.append((p.label, server.name or "", inter, fastinter, downinter, fall, rise))
    return rows


def views(config: Config) -> None:
    """The typed views: settings, binds, routes, ACLs, parameters, addresses, words."""
    frontend = config.proxy("www", ("frontend",))
    assert frontend is not None
    binds = assert_type(frontend.binds, list[Bind])
    addresses = assert_type(binds[0].addresses, list[Address])
    assert [a.port_number for a in addresses] == [80, 8080] and binds[0].ssl
    crt = assert_type(binds[0].params.get("crt"), Param | None)
    assert crt is not None and crt.value == "/etc/site.pem"
    routes = assert_type(frontend.routes, list[Route])
    assert [(r.backend, r.dynamic) for r in routes] == [("api", False), ("web", False)]
    acls = assert_type(frontend.acls, list[Acl])
    assert [(a.name, a.criterion) for a in acls] == [("is_api", "path_beg")]
    timeout = assert_type(frontend.timeout("client"), Setting | None)
    assert timeout is not None and timeout.inherited and timeout.duration == 30_000
    mode = assert_type(frontend.effective_mode, str)
    assert mode == "http"

    backend = config.proxy("api")
    assert backend is not None
    server = assert_type(backend.servers[0], Server)
    address = assert_type(server.address, Address | None)
    assert address is not None and address.is_hostname and address.port == "8000"
    inherited = assert_type(server.get("inter"), Param | None)
    assert inherited is not None and inherited.duration == 3000 and server.inter == 3000
    word = assert_type(server.name_word, Word | None)
    assert word is not None and config.position(word.start) == (22, 12)

    section = assert_type(config.sections_of("backend")[0], Section)
    line = assert_type(section.directives_named("server")[0], Line)
    assert line.keyword == "server" and line.args[0].value == "web1" and line.line == 17
    assert parse_address("unix@/run/app.sock").kind == "unix"
    duration = assert_type(parse_duration("1m"), int | None)
    assert duration == 60_000


def linting(config: Config) -> None:
    """Lint with settings, look at the findings, serialise them."""
    settings = Settings(select=["HL2"], target_version="2.8", thresholds=Thresholds(recovery_ms=10_000))
    found = assert_type(lint(config, settings), list[Diagnostic])
    assert [(d.code, d.line) for d in found] == [("HL204", 17), ("HL204", 18), ("HL203", 21)]
    first = found[-1]
    severity = assert_type(first.severity, Severity)
    assert severity is Severity.WARNING and severity.rank == 1
    assert (first.line, first.column) == (21, 20) and first.path == "site.cfg"
    json_text = assert_type(first.model_dump_json(), str)
    assert '"code":"HL203"' in json_text
    again = assert_type(lint_configs([config], settings), list[Diagnostic])
    assert again == found
    assert lint(TEXT, settings, path="site.cfg") == found


def fixing() -> None:
    """Apply the safe fixes, then every fix."""
    result = assert_type(fix(TEXT, Settings(select=["HL203"]), path="site.cfg"), FixResult)
    assert result.changed and "timeout server 30ms" in result.text
    applied = assert_type(result.applied, list[Diagnostic])
    remaining = assert_type(result.remaining, list[Diagnostic])
    assert [d.code for d in applied] == ["HL203"] and not remaining and not result.broken
    edits = assert_type(applied[0].fix.edits if applied[0].fix is not None else (), tuple[Edit, ...])
    assert [(e.start, e.end, e.text) for e in edits] == [(505, 507, "30ms")]
    try:
        fix(TEXT, unsafe=True)
    except FixLoopError:  # a bug in a rule: never expected
        raise


def errors(folder: Path) -> None:
    """Where ParseError comes from, and what it says."""
    try:
        parse('global\n    log "/dev/log local0\n', "bad.cfg")
    except ParseError as error:
        where = assert_type((error.path, error.line, error.column), tuple[str | None, int | None, int | None])
        assert where == ("bad.cfg", 2, 9), where
        assert str(error) == "bad.cfg:2:9: unterminated double quote: opened here, never closed on this line"
    else:
        raise AssertionError("parse() accepted an unterminated quote")
    lenient = assert_type(parse('global\n    log "x\n', strict=False), Config)
    refusals = assert_type(lenient.errors, tuple[ParseError, ...])
    assert len(refusals) == 1 and refusals[0].source_line == '    log "x'
    path = folder / "site.cfg"
    path.write_text(TEXT, encoding="utf-8")
    assert read_text(path) == TEXT and parse_file(path).to_text() == TEXT
    try:
        parse_file(folder / "missing.cfg")
    except ParseError as error:
        assert error.line is None and error.message == "no such file"


def rules() -> None:
    """The rule registry, and a rule of one's own run by hand."""
    every = assert_type(all_rules(), tuple[type[Rule], ...])
    assert every[0].code == "HL001" and [r.code for r in every] == sorted(r.code for r in every)
    found = assert_type(get_rule("HL203"), type[Rule] | None)
    assert found is not None and found.name == "unitless-duration"
    assert found.documentation()["Why is this bad?"] and found.summary()
    config = parse(TEXT)
    ctx = Context(config, Settings())
    mine: list[Diagnostic] = []
    for section in config.sections:
        for line in section.directives:
            if line.keyword in NoMaxconn.keywords:
                mine.extend(NoMaxconn().check_line(ctx, line, section))
    assert [d.line for d in mine] == [17, 18, 22]
    try:
        raise RuleError("a plugin that cannot load")
    except RuleError as error:
        assert "plugin" in str(error)


def main() -> int:
    version = assert_type(haproxy_lint.__version__, str)
    assert version.count(".") == 2
    config = parse(TEXT, "site.cfg")
    assert servers(config) == [
        ("backend `web`", "web1", 3000, 3000, 3000, 2, 4),
        ("backend `web`", "web2", 10_000, 1000, 10_000, 3, 2),
        ("backend `api`", "api1", 3000, 3000, 3000, 3, 2),
    ]
    views(config)
    linting(config)
    fixing()
    with tempfile.TemporaryDirectory() as folder:
        errors(Path(folder))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DeprecationWarning from anything used here
        rules()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
