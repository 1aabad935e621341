"""Focused tests of the HL1xx rules: version-dependent behaviour, the status regular
expressions, quoting of rewritten words, and how the HL101 and HL102 fixes combine."""

from __future__ import annotations

import random
import re

import pytest

from haproxy_lint import Settings, fix, lint, parse
from haproxy_lint.rules.health_checks import (
    ExpectStatusListBefore22,
    config_word,
    parse_option,
    status_regex,
)
from haproxy_lint.words import unquote

from .conftest import RULE_FIXTURES, haproxy_binaries, haproxy_check

BACKEND = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

backend app
{body}
    server app1 app.example.com:80 check
"""


def config(*lines: str) -> str:
    return BACKEND.format(body="\n".join("    " + line for line in lines))


def run(text: str, code: str, target: str) -> list:
    return lint(text, Settings(select=[code], target_version=target))


# --- status lists as regular expressions ------------------------------------------------------


@pytest.mark.parametrize(
    "tokens",
    [["200-399"], ["200", "201", "202"], ["300-310"], ["0-15"], ["99-101"], ["250-349", "404"], ["100-599"]],
)
def test_status_regex_matches_exactly_the_codes(tokens):
    wanted = set()
    for token in tokens:
        lo, _, hi = token.partition("-")
        wanted |= set(range(int(lo), int(hi or lo) + 1))
    regex = re.compile(status_regex(tokens))
    assert {n for n in range(1000) if regex.fullmatch(str(n))} == wanted


def test_status_regex_random_ranges():
    rng = random.Random(7)
    for _ in range(300):
        lo = rng.randrange(0, 999)
        hi = rng.randrange(lo, 1000)
        regex = re.compile(status_regex([f"{lo}-{hi}"]))
        assert {n for n in range(1000) if regex.fullmatch(str(n))} == set(range(lo, hi + 1))


# --- quoting -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["plain", "lb health check", 'say "hi"', "back\\slash", "tab\tand#hash", "a'b", ""])
def test_config_word_reads_back_as_the_same_value(value):
    written = config_word(value)
    assert written is not None
    assert len(parse(f"backend a\n    x {written}\n").sections[0].directives[0].words) == 2
    assert unquote(written) == value


def test_config_word_refuses_dollar():
    assert config_word("${HOST}") is None


def test_parse_option_body_without_headers():
    line = parse("backend a\n    option httpchk POST /x HTTP/1.1\\r\\n\\r\\nping\n").sections[0].directives[0]
    opt = parse_option(line)
    assert (opt.version, opt.headers, opt.body, opt.smuggled) == ("HTTP/1.1", [], "ping", True)


# --- version-dependent behaviour -------------------------------------------------------------


def test_hl101_before_2_2_has_no_fix_and_points_to_the_old_form():
    [diag] = run(config("option httpchk GET /health HTTP/1.1"), "HL101", "2.0")
    assert diag.fix is None
    assert "\\r\\nHost:\\ <name>" in diag.message


def test_hl101_from_2_2_fixes_with_the_server_host_name():
    [diag] = run(config("option httpchk GET /health HTTP/1.1"), "HL101", "2.2")
    assert diag.fix is not None and diag.fix.applicability == "unsafe"
    assert "http-check send hdr Host app.example.com" in fix(config("option httpchk GET /health HTTP/1.1"), Settings(select=["HL101"], target_version="2.2"), unsafe=True).text


@pytest.mark.parametrize("target, severity", [("2.2", "warning"), ("2.6", "warning"), ("2.8", "error"), ("3.2", "error")])
def test_hl102_severity_follows_the_target(target, severity):
    [diag] = run(config("option httpchk GET / HTTP/1.1\\r\\nHost:\\ a"), "HL102", target)
    assert diag.severity.value == severity


@pytest.mark.parametrize("target", ["2.0", "2.1"])
def test_hl102_does_not_run_before_2_2(target):
    assert run(config("option httpchk GET / HTTP/1.1\\r\\nHost:\\ a"), "HL102", target) == []


@pytest.mark.parametrize(
    "target, severity, fixed",
    [
        ("2.0", "warning", "http-check expect rstatus ^(200|201|202)$"),
        ("2.2", "error", "http-check expect status 200,201,202"),
        ("2.8", "error", "http-check expect status 200,201,202"),
    ],
)
def test_hl106_by_version(target, severity, fixed):
    text = config("option httpchk GET /health", "http-check expect status 200 201 202")
    [diag] = run(text, "HL106", target)
    assert diag.severity.value == severity
    assert fixed in fix(text, Settings(select=["HL106"], target_version=target)).text


def test_hl112_only_before_2_2():
    text = config("option httpchk GET /health", "http-check expect status 200-399")
    assert [d.code for d in run(text, "HL112", "2.0")] == ["HL112"]
    assert run(text, "HL112", "2.2") == []


def test_hl106_and_hl112_do_not_both_report_one_line():
    text = config("option httpchk GET /health", "http-check expect status 200-299 404")
    assert [d.code for d in lint(text, Settings(select=["HL106", "HL112"], target_version="2.0"))] == ["HL106"]


def test_hl112_docstring_examples_at_their_target():
    """The harness lints docstring examples at the default target; HL112 needs 2.0."""
    doc = ExpectStatusListBefore22.documentation()
    blocks = re.findall(r"```haproxy\n(.*?)```", doc["Example"], re.DOTALL)
    good = re.findall(r"```haproxy\n(.*?)```", doc["Use instead"], re.DOTALL)
    for block in blocks:
        assert run(block, "HL112", "2.0")
    for block in good:
        assert run(block, "HL112", "2.0") == []


# --- fixes that combine -------------------------------------------------------------------


def test_hl102_then_hl101_on_the_same_line():
    """A hidden header without Host: HL102 moves it (safe), then HL101 adds the Host to the
    new `http-check send` line (unsafe), each on its own round."""
    text = config("option httpchk GET /health HTTP/1.1\\r\\nUser-Agent:\\ lb", "http-check expect status 200")
    settings = Settings(select=["HL101", "HL102"], target_version="2.8")
    assert {d.code for d in lint(text, settings)} == {"HL101", "HL102"}
    assert next(d for d in lint(text, settings) if d.code == "HL101").fix is None
    result = fix(text, settings, unsafe=True)
    assert "    option httpchk\n    http-check send meth GET uri /health ver HTTP/1.1 hdr User-Agent lb hdr Host app.example.com\n    http-check expect status 200\n" in result.text
    assert result.remaining == []


def test_hl102_safe_fix_alone_leaves_hl101():
    text = config("option httpchk GET /health HTTP/1.1\\r\\nUser-Agent:\\ lb")
    settings = Settings(select=["HL101", "HL102"], target_version="2.8")
    result = fix(text, settings)
    assert [d.code for d in result.remaining] == ["HL101"]


def test_crlf_file_keeps_its_line_endings():
    text = config("option httpchk GET /health HTTP/1.1\\r\\nHost:\\ a.example").replace("\n", "\r\n")
    result = fix(text, Settings(select=["HL102"]))
    assert "    option httpchk\r\n    http-check send meth GET uri /health ver HTTP/1.1 hdr Host a.example\r\n" in result.text


def test_last_line_without_newline():
    text = "backend app\n    server a 10.0.0.1:80 check\n    option httpchk GET / HTTP/1.1\\r\\nHost:\\ x"
    result = fix(text, Settings(select=["HL102"]))
    assert result.text.endswith("    option httpchk\n    http-check send meth GET uri / ver HTTP/1.1 hdr Host x")


def test_conditional_block_gets_no_fix():
    text = config(
        "option httpchk GET / HTTP/1.1\\r\\nHost:\\ x",
        ".if defined(CONNECT_FIRST)",
        "http-check connect",
        ".endif",
    )
    [diag] = run(text, "HL102", "2.8")
    assert diag.fix is None


# --- HL111 (several check types), HL116-HL119 ---------------------------------------------------


def _haproxy(version: str) -> str:
    binaries = haproxy_binaries()
    if version not in binaries:
        pytest.fail(f"HAProxy {version} is not installed (.ci/run installs 2.6; the test extras the 2.8 wheel)")
    return binaries[version]


def _alert_lines(binary: str, path) -> set[int]:
    result = haproxy_check(binary, path)
    return {int(n) for n in re.findall(rf"{re.escape(path.name)}:(\d+)\]", result.stdout + result.stderr)}


@pytest.mark.parametrize("version", ["2.6", "2.8"])
@pytest.mark.parametrize("name", ["bad.cfg", "good.cfg"])
def test_hl118_reports_exactly_the_lines_haproxy_refuses(version, name):
    path = RULE_FIXTURES / "HL118" / name
    diagnostics = lint(path.read_text(), Settings(select=["HL118"]))
    refused = {d.line for d in diagnostics if d.message.startswith("HAProxy refuses")}
    assert refused == _alert_lines(_haproxy(version), path)
    # The one it accepts (rules before the option) fails every check at run time instead.
    accepted = {d.line for d in diagnostics} - refused
    assert accepted == ({49} if name == "bad.cfg" else set())


def test_hl118_resets_after_an_error_as_haproxy_does():
    """HAProxy frees the ruleset on an error: the rules after it start a new one."""
    text = config(
        "option httpchk",
        "http-check send meth GET uri /a",
        "http-check connect",
        "http-check send meth GET uri /b",
    )
    assert [d.line for d in run(text, "HL118", "3.2")] == [10]


def test_hl118_checks_the_rules_of_a_defaults_section():
    text = "defaults\n    mode http\n    option httpchk\n    http-check send uri /a\n    http-check expect status 200\n    http-check send uri /b\n"
    assert [d.line for d in run(text, "HL118", "3.2")] == [6]


def test_hl118_runs_from_2_2():
    text = config("option httpchk", "http-check send uri /a", "http-check expect status 200", "http-check send uri /b")
    assert run(text, "HL118", "2.0") == []
    assert len(run(text, "HL118", "2.2")) == 1


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_hl111_several_check_types_are_silent_for_haproxy(version, tmp_path):
    """HAProxy accepts three check options in one section without a word: only the linter says it."""
    path = tmp_path / "three.cfg"
    path.write_text(
        config("option httpchk GET /health", "option tcp-check", "option ssl-hello-chk").replace("app.example.com", "127.0.0.1")
        + "frontend www\n    bind :8080\n    default_backend app\n"
    )
    result = haproxy_check(_haproxy(version), path)
    assert result.returncode == 0
    assert "option" not in result.stdout + result.stderr
    [diag] = run(path.read_text(), "HL111", version)
    assert "`option ssl-hello-chk` replaces `option httpchk` at line 8 and `option tcp-check` at line 9" in diag.message


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_hl116_lower_case_methods_are_silent_for_haproxy(version, tmp_path):
    path = RULE_FIXTURES / "HL116" / "bad.cfg"
    result = haproxy_check(_haproxy(version), path)
    assert result.returncode == 0 and "WARNING" not in result.stdout + result.stderr


def test_hl116_fix_only_for_standard_methods():
    text = config("option httpchk", "http-check send meth patch uri /x", "http-check send meth brew uri /y")
    fixes = [d.fix for d in run(text, "HL116", "3.2")]
    assert fixes[0] is not None and fixes[1] is None
    assert "meth PATCH uri /x" in fix(text, Settings(select=["HL116"])).text


def test_hl117_leaves_a_reset_of_defaults_to_hl111():
    text = (
        "defaults\n    mode http\n    option httpchk GET /health\n"
        "backend app\n    option httpchk\n    server a 10.0.0.1:80 check\n"
    )
    assert run(text, "HL117", "3.2") == []
    assert [d.code for d in run(text, "HL111", "3.2")] == ["HL111"]


def test_hl119_no_fix_when_moving_the_option_would_make_haproxy_refuse_the_rules():
    text = config(
        "http-check send meth GET uri /a hdr Host a.example",
        "http-check expect status 200",
        "http-check send meth GET uri /b",
        "option httpchk",
    )
    [diag] = run(text, "HL119", "3.2")
    assert diag.fix is None


def test_hl119_fix_is_accepted_and_keeps_the_request(tmp_path):
    path = RULE_FIXTURES / "HL119" / "bad.cfg"
    fixed = fix(path.read_text(), Settings(select=["HL119"])).text
    assert "    option httpchk  # health check\n    http-check send meth GET uri /health" in fixed
    for version in ("2.6", "2.8"):
        out = tmp_path / "fixed.cfg"
        out.write_text(fixed)
        assert haproxy_check(_haproxy(version), out).returncode == 0
