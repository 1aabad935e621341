"""Fuzzing (issue 7): HAProxy-like text, real configurations with generated lines in them,
mutated text and random text, through parse, lint, fix, every output format and the command
line. The strategies and the properties are in tests/fuzz_strategies.py, shared with the longer
run of benchmarks/fuzz.py (``python3 benchmarks/fuzz.py --seconds 600``).

Bounded: a few hundred inputs, well under 30 s on two cores. The bugs the fuzzing found are
pinned below, each by the smallest input that showed it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haproxy_lint import Settings, fix, lint, parse
from haproxy_lint.cli import run
from haproxy_lint.fix import apply_edits
from haproxy_lint.linter import lint_configs

from .fuzz_strategies import (
    CLI_MODES,
    CODES,
    FORMATS,
    VERSIONS,
    check_cli,
    check_split,
    check_text,
    haproxy_texts,
)

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
# derandomize: the same inputs on every run, so that CI never fails on an input no run before
# it saw; benchmarks/fuzz.py explores new ones (random seeds, as long as asked).


@settings(max_examples=220, deadline=None, suppress_health_check=SLOW, derandomize=True)
@given(haproxy_texts(), st.sampled_from(VERSIONS), st.integers(0, 100), st.sampled_from(CODES))
def test_parse_lint_fix_and_formats_hold_on_any_text(text, version, split, code):
    check_text(text, version, split=split, code=code)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW, derandomize=True)
@given(haproxy_texts(), st.sampled_from(FORMATS), st.sampled_from(CLI_MODES))
def test_command_line_never_crashes(text, fmt, mode):
    check_cli(text, fmt, mode)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\ufeff",
        "global\n",
        "backend b\r\n    server s1 10.0.0.1:80 check inter 2000\r\n",
        "backend b\n    timeout server 30",
        'backend b\n    server s "unterminated\n',
        ".if defined(X)\nbackend b\n",
        "frontend fe\n\tbind :443 ssl crt x.pem force-tlsv11 # haproxy-lint: disable=HL302\n",
        "defaults d from d\nbackend b from d\n    option httpchk GET / HTTP/1.1\\r\\nHost:\\ x\n",
        "backend b\n    server s 10.0.0.1:99999999999999999999 check inter 10xs fall -1 rise 99999999999999999999\n",
    ],
)
def test_properties_hold_on_edge_cases(text):
    for version in ("2.0", "2.6", "3.2"):
        check_text(text, version, split=50)
    for mode in CLI_MODES:
        check_cli(text, "text", mode)


# --- what the fuzzing found ----------------------------------------------------------------


# Found by fuzzing: --diff cuts lines with str.splitlines(), at a form feed too.
def test_diff_applies_to_a_file_with_a_form_feed():
    # `--diff` splits at the \x0c as well as at the \n: the hunk counts a line too many, and
    # the removed and added lines run together, so the diff does not apply (patch: malformed).
    check_cli("backend b\n    timeout server 30\x0c\n", "text", "diff")


# Found by fuzzing: --diff joins the -/+ lines when the last line has no newline.
def test_diff_applies_to_a_file_without_a_final_newline():
    # difflib leaves "-    timeout server 30" without its line break: the "+" line is glued
    # to it, and the "\ No newline at end of file" marker comes only once, at the very end.
    check_cli("backend b\n    timeout server 30", "text", "diff")


# Found by fuzzing: HL202/HL703 report on a later file at an earlier file's defaults.
def test_cross_file_diagnostics_lie_in_their_own_file():
    # a.cfg then b.cfg, as `haproxy -f a.cfg -f b.cfg` (and `haproxy-lint --together`) read
    # them: backend app inherits a.cfg's defaults. HL703's span and the fix edits of HL202 and
    # HL703 are offsets in a.cfg (its defaults section), reported with the path b.cfg: past
    # the end of b.cfg's 46 characters, or at the wrong place in it.
    a = "global\n    log stdout format raw local0\n\ndefaults\n    mode http\n    log global\n    timeout connect 5s\n    timeout client 5s\n"
    b = "backend app\n    server app1 10.0.0.1:80 check\n"
    check_split(a + b, 100 * a.count("\n") // (a + b).count("\n"), "3.2")


# Found by fuzzing: HL702 reports on a later file at an earlier file's `log global`.
def test_cross_file_log_global_is_reported_where_it_is():
    # HL702 blames a.cfg's `log global` (offsets 13-23 of a.cfg) with the path b.cfg, where
    # offsets 13-23 are "   bind :8": the text output underlines that, at 2:2.
    a = "defaults\n    log global\n"
    b = "frontend fe\n    bind :80\n"
    found = lint_configs([parse(a, "a.cfg"), parse(b, "b.cfg")], Settings(select=["HL702"]))
    assert found
    for d in found:
        assert (a if d.path == "a.cfg" else b)[d.start : d.end] == "log global"


# Found by fuzzing: HL201's fix edits an earlier file's `timeout check` in the later file.
def test_cross_file_timeout_check_fix_edits_its_own_file():
    # The fix replaces a.cfg's "10s" (offsets 27-30 of a.cfg) but is reported on b.cfg, where
    # offsets 27-30 are "0.1" of the server's address: applied there (a json or sarif
    # consumer would), it turns 10.0.0.1:80 into 10.0.2s:80.
    a = "defaults\n    timeout check 10s\n"
    b = "backend be\n    server s 10.0.0.1:80 check inter 2s\n"
    found = lint_configs([parse(a, "a.cfg"), parse(b, "b.cfg")], Settings(select=["HL201"]))
    assert found
    for d in found:
        if d.path == "b.cfg" and d.fix is not None:
            assert "10.0.0.1:80" in apply_edits(b, d.fix.edits)


# Found by fuzzing: fix() lints the file it fixes before its context files.
def test_cross_file_fix_keeps_the_defaults_of_an_earlier_file(tmp_path):
    # `haproxy-lint --together --fix --unsafe-fixes a.cfg b.cfg`: fix() lints [b.cfg, a.cfg],
    # so backend app seems to have no defaults; HL202 says it lacks `timeout connect` (a.cfg
    # sets it) and adds a `defaults` section to b.cfg, which replaces a.cfg's for backend app:
    # it loses `mode http`, `log global` and `timeout client`.
    (tmp_path / "a.cfg").write_text("defaults\n    mode http\n    log global\n    timeout connect 5s\n    timeout client 5s\n")
    (tmp_path / "b.cfg").write_text("backend app\n    server app1 10.0.0.1:80 check\n")
    run(["--together", "--fix", "--unsafe-fixes", "--select", "HL202", str(tmp_path / "a.cfg"), str(tmp_path / "b.cfg")])
    assert "defaults" not in (tmp_path / "b.cfg").read_text()


# Found by fuzzing: json/sarif count the BOM as a column of line 1 in fix edits.
def test_bom_fix_edit_columns_match_the_diagnostics():
    # HL202's fix inserts a defaults section before `backend b`, at offset 1 (after the BOM):
    # the diagnostics say column 1 there (HL202 itself is at 1:9, the `b`), the json and sarif
    # edits say column 2, so a tool applying them writes "bdefaults ... ackend b".
    text = "\ufeffbackend b\n    server s 10.0.0.1:80 check\n"
    check_text(text)


# Found by fuzzing: HL307's fix appended `check-sni` at the end of the line, where a stray word
# before it took `check-sni` as its value; the rule fired again on every round.
def test_check_sni_fix_settles_beside_sni_whatever_follows():
    text = "backend\nserver 0 0 check ssl sni str(0) 0"
    result = fix(text, Settings(select=["HL307"], target_version="2.0"), unsafe=True)
    assert result.text == "backend\nserver 0 0 check ssl sni str(0) check-sni 0 0"


# The same for `check` (HL103) and `backup` (HL501): a stray word at the end of a server line
# took the appended flag as its value, and the second round added it again.
def test_server_flags_are_added_after_the_address_not_after_a_stray_word():
    text = "backend b\n    option httpchk GET /\n    server s 10.0.0.1:80 foo\n"
    assert fix(text, Settings(select=["HL103"]), unsafe=True).text.endswith("server s 10.0.0.1:80 check foo\n")
    text = "backend b\n    server web1 10.0.0.1:80 check\n    server web-backup 10.0.0.9:80 check foo\n"
    assert fix(text, Settings(select=["HL501"]), unsafe=True).text.endswith("server web-backup 10.0.0.9:80 backup check foo\n")


# Found by benchmarks/fuzz.py: HL401 stepped aside for HL402 only when HL402 ran, so HL401
# alone found more than among all the rules. Rules must not depend on which others run.
def test_hostname_rule_finds_the_same_alone_and_among_all():
    text = "backend api\n    server api1 api1.internal.example:80 check init-addr none\n    server api2 api2.internal.example:80 check\n"
    alone = [d for d in lint(text, Settings(select=["HL401"]))]
    among = [d for d in lint(text, Settings(select=["ALL"])) if d.code == "HL401"]
    assert alone == among and [d.line for d in alone] == [3]
