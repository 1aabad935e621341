"""HL6xx (deprecated and removed syntax): version boundaries, the fixes' details, and the
real HAProxy as the judge of "refused" and of the fixed configurations."""

from __future__ import annotations

from pathlib import Path

import pytest

from haproxy_lint import Settings, fix, lint, parse
from haproxy_lint.diagnostics import Severity
from haproxy_lint.keywords import VERSIONS, table
from haproxy_lint.rules import deprecated as d
from haproxy_lint.rules.deprecated import COVERED, REMOVED_IN, plain_header

from .conftest import RULE_FIXTURES, haproxy_binaries, haproxy_check
from .test_rules import settings_for

HL6 = [f"HL60{i}" for i in range(1, 9)]

FRONTEND = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend www
    bind :80
{line}
    default_backend app
backend app
    server app1 10.0.0.1:80
"""
GLOBAL = "global\n{line}\n" + FRONTEND.format(line="")


def _lint(text: str, target: str, code: str = "HL6") -> list:
    return lint(text, Settings(select=[code], target_version=target))


def _severity(text: str, target: str, code: str) -> str | None:
    found = [diag for diag in _lint(text, target, code) if diag.code == code]
    assert len(found) <= 1, found
    return found[0].severity.value if found else None


# --- where each keyword turns from fine to deprecated to refused --------------------------
# The odd versions check REMOVED_IN: the tables only know 2.0, 2.2, ... so without it 2.1,
# 2.3, 2.5 and 2.7 would be judged by the older even table.
CASES = [
    ("HL601", FRONTEND, "    reqadd X-Foo:\\ bar", {"2.0": "warning", "2.1": "error", "2.2": "error", "3.2": "error"}),
    ("HL602", FRONTEND, "    block if { path /x }", {"2.0": "warning", "2.1": "error", "3.2": "error"}),
    ("HL603", FRONTEND.replace("\nbackend app\n", "\nbackend app\n    redispatch\n"), "", {"2.0": "warning", "2.1": "error"}),
    ("HL604", FRONTEND, "    clitimeout 30s", {"2.0": "warning", "2.1": "error", "2.8": "error"}),
    ("HL605", FRONTEND, "    option forceclose", {"2.0": "warning", "2.4": "warning", "2.5": "error", "3.0": "error"}),
    ("HL605", FRONTEND, "    option http-use-htx", {"2.0": None, "2.2": "warning", "2.4": "warning", "2.5": "error"}),
    ("HL605", FRONTEND, "    option independant-streams", {"2.0": "warning", "2.1": "error"}),
    ("HL606", GLOBAL, "    nbproc 2", {"2.0": None, "2.2": None, "2.4": "warning", "2.5": "error", "3.2": "error"}),
    ("HL606", FRONTEND, "    bind-process 1", {"2.4": None, "2.6": "warning", "2.7": "error", "2.8": "error"}),
    ("HL606", FRONTEND.replace("bind :80", "bind :80 process 1"), "", {"2.4": None, "2.6": "warning", "2.7": "error"}),
    ("HL606", GLOBAL, "    stats socket /run/haproxy.sock process 1", {"2.4": None, "2.6": "warning", "2.7": "error"}),
    ("HL607", FRONTEND, "    monitor-net 10.0.0.0/8", {"2.0": None, "2.2": None, "2.3": "error", "2.4": "error"}),
    ("HL608", FRONTEND.replace("\nbackend app\n", "\nbackend app\n    transparent\n"), "", {"2.0": "warning", "3.2": "warning"}),
    ("HL608", GLOBAL, "    tune.ssl.capture-cipherlist-size 0", {"2.4": None, "2.6": "warning", "3.2": "warning"}),
    ("HL608", GLOBAL, "    debug", {"2.0": None, "2.2": "warning", "2.3": None, "2.4": None}),
    ("HL608", FRONTEND, "    option accept-invalid-http-request", {"3.0": None, "3.2": "warning"}),
]


@pytest.mark.parametrize(
    "code,template,line,target,expected",
    [
        pytest.param(c, t, line, v, e, id=f"{c}-{n}-{v}")
        for n, (c, t, line, versions) in enumerate(CASES)
        for v, e in versions.items()
    ],
)
def test_version_boundaries(code, template, line, target, expected):
    text = template.format(line=line) if "{line}" in template else template
    assert _severity(text, target, code) == expected


def test_targets_outside_the_tables():
    text = FRONTEND.format(line="    reqadd X-Foo:\\ bar")
    assert _severity(text, "3.3", "HL601") == "error"  # newer than the newest table
    assert _severity(text, "1.8", "HL601") == "warning"  # older: judged by the 2.0 table


# --- the tables hold the facts ------------------------------------------------------------


def test_families_come_from_the_tables():
    newest = table(VERSIONS[-1])
    assert len(d.REQ_RSP) == 20
    assert d.OPTIONS == {
        "option forceclose",
        "option http-tunnel",
        "option http-use-htx",
        "option http_proxy",
        "option independant-streams",
    }
    for keyword, version in REMOVED_IN.items():
        kind = "bind" if keyword == "process" else "global" if keyword in ("nbproc", "stats bind-process", "debug", "tune.chksize") else "backend"
        gone = newest.removed(kind, keyword.split())
        assert gone is not None and gone.keyword == keyword, keyword
        # The correction only ever moves a removal earlier, to the odd release before.
        assert version <= gone.since, (keyword, version, gone.since)


def test_hl608_does_not_repeat_hl601_to_hl607():
    text = (RULE_FIXTURES / "HL608" / "good-target-2.0.cfg").read_text()
    found = _lint(text, "2.0")
    assert {diag.code for diag in found} == {"HL601", "HL602", "HL603", "HL604", "HL605"}
    spans = [(diag.start, diag.end) for diag in found]
    assert len(spans) == len(set(spans))
    assert all(keyword in COVERED for keyword in ("reqadd", "block", "redispatch", "clitimeout", "option forceclose"))


# --- the fixes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("X-Foo:\\ bar", ("X-Foo", "bar")),
        ("X-Foo:bar", ("X-Foo", "bar")),
        ("X-Bar:\\ a\\ b", ("X-Bar", '"a b"')),
        ("Strict-Transport-Security:\\ max-age=1;\\ preload", ("Strict-Transport-Security", '"max-age=1; preload"')),
        ("X-Foo:\\ 50%", None),  # '%' starts a log-format expression in add-header
        ("X-Foo:\\ $HOME", None),
        ('"X-Foo: bar"', None),
        ("X-Foo:\\tbar", None),
        ("X-Foo", None),
        ("X-Foo:", None),
        ("X Foo:\\ bar", None),
    ],
)
def test_plain_header(raw, expected):
    line = parse(f"frontend a\n    reqadd {raw}\n").sections[0].directives[0]
    assert plain_header(line.words[1]) == expected


def _fixed(text: str, target: str = "3.2", code: str = "HL6") -> str:
    return fix(text, Settings(select=[code], target_version=target)).text


def test_block_moves_before_http_request_rules():
    text = FRONTEND.format(line="    http-request set-var(txn.a) str(x)\n    block if { path /a }\n    block if { path /b }")
    out = _fixed(text)
    assert out.index("deny if { path /a }") < out.index("deny if { path /b }") < out.index("set-var")


def test_reqadd_moves_after_http_request_rules_and_block():
    text = FRONTEND.format(line="    reqadd X-A:\\ 1\n    reqadd X-B:\\ 2\n    block if { path /a }\n    http-request set-header X-A 0")
    out = _fixed(text)
    order = [out.index(s) for s in ("deny if { path /a }", "set-header X-A 0", "add-header X-A 1", "add-header X-B 2")]
    assert order == sorted(order)


def test_monitor_net_goes_first_with_block_moves():
    for indent in ("    ", ""):
        body = "    http-request set-header X-A 0\n    block if { path /a }\n    monitor-net 10.0.0.0/8"
        text = FRONTEND.format(line=body).replace("    ", indent)
        out = _fixed(text)
        order = [out.index(s) for s in ("set-log-level silent", "return status 200", "deny if { path /a }", "set-header X-A 0")]
        assert order == sorted(order), (indent, out)
        assert _lint(out, "3.2") == []


def test_removed_options_fix_depends_on_the_target():
    text = FRONTEND.format(line="    option http-tunnel")
    assert "http-tunnel" in _fixed(text, "2.0")  # still acts in 2.0's legacy HTTP mode
    assert "http-tunnel" not in _fixed(text, "2.2")


# --- real HAProxy -----------------------------------------------------------------------
# Fixtures HAProxy 2.6 cannot judge for these rules: keywords it does not know yet, or refuses
# for a reason outside HL601-HL607 (a removed keyword without an HL6 rule: HL907's).
NOT_FOR_REAL_HAPROXY = {
    "HL608/bad-3.2.cfg": "3.2-only keywords",
    "HL608/bad-target-2.4.cfg": "grace and tune.chksize were removed in 2.5: HL907 reports that",
}
# Bad fixtures whose every finding has a fix: the fixed file must load.
FULLY_FIXABLE = [
    "HL601/bad.cfg",
    "HL602/bad.cfg",
    "HL602/bad-target-2.0.cfg",
    "HL603/bad.cfg",
    "HL603/bad-target-2.0.cfg",
    "HL604/bad.cfg",
    "HL604/bad-target-2.0.cfg",
    "HL605/bad.cfg",
    "HL605/bad-target-2.2.cfg",
    "HL607/bad.cfg",
    "HL607/bad-target-2.3.cfg",
    "HL608/bad.cfg",
]
FIXTURES = sorted(
    p.relative_to(RULE_FIXTURES).as_posix()
    for code in HL6
    for p in (RULE_FIXTURES / code).glob("*.cfg")
    if p.relative_to(RULE_FIXTURES).as_posix() not in NOT_FOR_REAL_HAPROXY
)


def _binaries(haproxy26: str) -> dict[str, str]:
    return {"2.6": haproxy26, **{k: v for k, v in haproxy_binaries().items() if k != "2.6"}}


def _check(binary: str, text: str, folder: Path) -> tuple[bool, str]:
    path = folder / "haproxy.cfg"
    path.write_text(text, encoding="utf-8")
    result = haproxy_check(binary, path)
    return result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", FIXTURES)
def test_errors_match_what_haproxy_refuses(name, haproxy26, tmp_path):
    """HL6 says ERROR for target X.Y exactly when HAProxy X.Y refuses the file (2.6 always,
    2.8 where installed), before and after the fixes."""
    path = RULE_FIXTURES / name
    text = path.read_text(encoding="utf-8")
    fixed = fix(text, Settings(select=[path.parent.name], target_version=settings_for(path, text).target_version)).text
    for version, binary in _binaries(haproxy26).items():
        for label, body in (("original", text), ("fixed", fixed)):
            errors = [x for x in _lint(body, version) if x.severity == Severity.ERROR]
            accepted, output = _check(binary, body, tmp_path)
            assert accepted == (not errors), f"{name} ({label}) with HAProxy {version}: lint errors {errors}\n{output}"


@pytest.mark.parametrize("name", FULLY_FIXABLE)
def test_fixed_fixture_loads_and_original_is_refused(name, haproxy26, tmp_path):
    path = RULE_FIXTURES / name
    text = path.read_text(encoding="utf-8")
    settings = settings_for(path, text)
    result = fix(text, settings)
    assert result.applied and not result.remaining, [x.message for x in result.remaining]
    for version, binary in _binaries(haproxy26).items():
        refused_before = not _check(binary, text, tmp_path)[0]
        # HL608's keywords are deprecated, not removed: HAProxy loads them with a warning.
        assert refused_before == (path.parent.name != "HL608"), f"{name}: HAProxy {version}"
        accepted, output = _check(binary, result.text, tmp_path)
        assert accepted, f"{name} fixed, HAProxy {version}:\n{result.text}\n{output}"
