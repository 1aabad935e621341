"""The command line: exit codes, one-line errors with locations, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from haproxy_lint.cli import run

from .conftest import FIXTURES

GOOD = """\
global
    log /dev/log local0
    stats socket /run/haproxy/admin.sock mode 660 level admin

defaults
    mode http
    log global
    timeout connect 5s
    timeout client 30s
    timeout server 30s
"""


def cli(capsys, *args: str, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(GOOD)
    return path


def test_clean_file_exits_zero(capsys, good):
    code, out, _ = cli(capsys, str(good))
    assert code == 0
    assert out.strip() == "No problems in 1 file."


def test_findings_exit_one_with_location_code_and_severity(capsys, tmp_path):
    path = tmp_path / "h.cfg"
    path.write_text(GOOD.replace("30s", "30"))
    code, out, _ = cli(capsys, str(path), "--select", "HL203")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:9:20: HL203 [warning] [*] `30` has no unit")
    assert out.splitlines()[1] == "      timeout client 30"
    assert out.splitlines()[2] == "                     ^^"
    assert out.rstrip().endswith("2 fixable with --fix.")


def test_unterminated_quote_is_one_located_error_and_exit_two(capsys, tmp_path):
    path = tmp_path / "q.cfg"
    path.write_text('global\n    log "/dev/log\n')
    code, out, err = cli(capsys, str(path))
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == f"{path}:2:9: error: unterminated double quote: opened here, never closed on this line"
    assert lines[1:3] == ['      log "/dev/log', "          ^"]
    assert "Traceback" not in out + err


def test_every_unterminated_quote_of_a_file_is_reported(capsys, tmp_path):
    """parse() raises the first line HAProxy cannot read; the command line still reports
    them all, as HAProxy does (it reads on)."""
    path = tmp_path / "q.cfg"
    path.write_text('global\n    log "/dev/log\nbackend b\n    server s \'a:80\n')
    code, out, err = cli(capsys, str(path))
    assert code == 2 and "Traceback" not in out + err
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert errors == [
        f"{path}:2:9: error: unterminated double quote: opened here, never closed on this line",
        f"{path}:4:14: error: unterminated single quote: opened here, never closed on this line",
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"global\n.endif\n", ":2:1: error: '.endif' without a matching '.if'"),
        (b"global\n.if defined(X)\n", ":2:1: error: '.if' block is never closed (missing '.endif')"),
        (b"global\n  log \xff\n", ":2:7: error: not UTF-8 text (byte 0xff)"),
    ],
)
def test_malformed_files(capsys, tmp_path, content, message):
    path = tmp_path / "bad.cfg"
    path.write_bytes(content)
    code, out, _ = cli(capsys, str(path))
    assert code == 2
    assert out.splitlines()[0] == f"{path}{message}"


def test_missing_path_and_directory(capsys, tmp_path):
    code, out, _ = cli(capsys, str(tmp_path / "nope.cfg"))
    assert code == 2
    assert out.splitlines()[0] == f"{tmp_path / 'nope.cfg'}: error: no such file"


def test_one_bad_file_does_not_hide_the_others(capsys, tmp_path, good):
    bad = tmp_path / "bad.cfg"
    bad.write_text("global\n.endif\n")
    code, out, _ = cli(capsys, str(bad), str(good))
    assert code == 2
    assert "1 file could not be read" in out.splitlines()[-1]


def test_stdin(capsys, monkeypatch):
    code, out, _ = cli(capsys, "-", "--stdin-filename", "etc/haproxy.cfg", stdin="global\n.endif\n", monkeypatch=monkeypatch)
    assert code == 2
    assert out.startswith("etc/haproxy.cfg:2:1: error:")


def test_json_output_fields(capsys, tmp_path):
    path = tmp_path / "h.cfg"
    path.write_text(GOOD.replace("timeout connect 5s", "timeout connect 50"))
    code, out, _ = cli(capsys, "--format", "json", "--select", "HL203", str(path))
    assert code == 1
    data = json.loads(out)
    (diag,) = data["diagnostics"]
    assert diag == {
        "code": "HL203",
        "name": "unitless-duration",
        "severity": "warning",
        "message": "`50` has no unit and means 50 milliseconds, implausibly short for `connect`; write `50s` if seconds were meant, or `50ms`",
        "path": str(path),
        "line": 8,
        "column": 21,
        "end_line": 8,
        "end_column": 23,
        "fix": {
            "applicability": "safe",
            "title": "write `50ms`",
            "edits": [{"line": 8, "column": 21, "end_line": 8, "end_column": 23, "text": "50ms"}],
        },
    }
    assert data["errors"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--bogus", "x.cfg"], "haproxy-lint: error: No such option"),
        (["--select", "XYZ", "x.cfg"], "haproxy-lint: error: --select: no rule has the code 'XYZ'"),
        (["--ignore", "HL-1", "x.cfg"], "haproxy-lint: error: --ignore: 'HL-1' is not a rule code or prefix"),
        (["--target-version", "nine", "x.cfg"], "haproxy-lint: error: --target-version: not a HAProxy version: 'nine'"),
        (["--format", "yaml", "x.cfg"], "haproxy-lint: error: Invalid value for '--format'"),
        ([], "haproxy-lint: error: Missing argument 'PATHS...'"),
        (["rule", "HL999"], "haproxy-lint: error: no rule 'HL999'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_two(capsys, args, message):
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1


def test_rules_and_rule_commands(capsys):
    code, out, _ = cli(capsys, "rules")
    assert code == 0
    assert out.splitlines()[0].split() == ["CODE", "NAME", "SEVERITY", "FIX", "VERSIONS", "DEFAULT"]
    assert out.splitlines()[1].split()[-1] == "on"
    assert [row.split()[0] for row in out.splitlines() if row.endswith("opt-in")] == ["HL701", "HL703"]
    assert any(line.startswith("HL203  unitless-duration") for line in out.splitlines())
    code, out, _ = cli(capsys, "rule", "HL203")
    assert code == 0
    assert out.startswith("# HL203 `unitless-duration`")
    assert "## Why is this bad?" in out


def test_console_script_runs_the_bundled_example():
    example = FIXTURES / "examples" / "haproxy.cfg"
    result = subprocess.run(["haproxy-lint", str(example)], capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "HL203" in result.stdout and "Traceback" not in result.stderr
