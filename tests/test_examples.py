"""The library's worked examples (examples/*.py, shown in docs/library.md) run and say true things.

Each script runs as a user would run it (a child process, from the repository), and its output
is checked against the library itself: the timings against rules HL204/HL205, the JSON
against lint(), the diff by applying it with patch. (tests/test_typing.py type-checks them.)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import haproxy_lint
from haproxy_lint import Settings, Thresholds

from .conftest import FIXTURES, ROOT

EXAMPLES = ROOT / "examples"
BUNDLED = "fixtures/examples/haproxy.cfg"

TIMING = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    default-server inter 3s fall 4

backend app
    default-server fastinter 1s downinter 10s
    server a1 10.0.0.1:80 check
    server a2 10.0.0.2:80 check rise 3 inter 500ms
    server a3 10.0.0.3:80

listen stats
    bind :8404
    server s1 10.0.0.9:80 check inter 1m fall 2 rise 1
"""


def example(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_every_example_is_tested_here():
    tested = set(re.findall(r'example\("([a-z_]+\.py)"', Path(__file__).read_text(encoding="utf-8")))
    assert tested == {p.name for p in EXAMPLES.glob("*.py")}


def test_server_timing_on_the_bundled_example():
    result = example("server_timing.py", BUNDLED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "backend `web`",
        "  web1: inter 5s (line 26), fall 3 (line 26), rise 2 (line 26); detection 15s, recovery 10s",
        "  web2: inter 5s (line 27), fall 3 (line 27), rise 2 (line 27); detection 15s, recovery 10s",
        "  web3: not checked (HAProxy always considers it up)",
        "  legacy: inter 2s (default), fall 3 (default), rise 2 (default); detection 6s, recovery 4s",
    ]


def test_server_timing_agrees_with_the_detection_and_recovery_rules(tmp_path):
    """Inherited values, fastinter and downinter: the times are those HL205 and HL204 compute."""
    path = tmp_path / "timing.cfg"
    path.write_text(TIMING)
    result = example("server_timing.py", str(path))
    assert result.returncode == 0, result.stderr
    shown = {m["server"]: (m["detection"], m["recovery"]) for m in re.finditer(
        r"^  (?P<server>\w+): .*; detection (?P<detection>\S+), recovery (?P<recovery>\S+)$", result.stdout, re.M)}
    assert shown == {"a1": ("6s", "11s"), "a2": ("3.5s", "12s"), "s1": ("2m", "1m")}
    assert "  a1: inter 3s (line 6, default-server), fall 4 (line 6, default-server), rise 2 (default);" in result.stdout
    assert "  a3: not checked" in result.stdout
    everything = Settings(select=["HL204", "HL205"], thresholds=Thresholds(recovery_ms=1, detection_ms=1))
    by_rule: dict[tuple[str, str], str] = {}
    for d in haproxy_lint.lint(TIMING, everything):
        m = re.match(r"server `(\w+)` may .* for up to (\S+) after", d.message)
        assert m, d.message
        by_rule[m.group(1), d.code] = m.group(2)
    assert {name: (by_rule[name, "HL205"], by_rule[name, "HL204"]) for name in shown} == shown


def test_lint_with_settings():
    result = example("lint_with_settings.py", BUNDLED)
    assert result.returncode == 1, result.stderr
    first, second = result.stdout.split("\n\n")
    found = [re.findall(r"^\S+:(\d+):\d+: (HL\d+) \[(\w+)\]", block, re.M) for block in (first, second)]
    expected = [("25", "HL106", "error"), ("26", "HL204", "warning"), ("27", "HL204", "warning"), ("28", "HL103", "error")]
    # HL102: deprecated in 2.6 (a warning), refused by 2.8 (an error); HL203 is ignored,
    # HL103 raised to an error, HL204 fires at the 5s recovery limit (10s here)
    assert found[0] == [("24", "HL102", "warning"), *expected]
    assert found[1] == [("24", "HL102", "error"), *expected]
    assert first.rstrip().endswith("5 finding(s) for HAProxy 2.6")
    assert second.rstrip().endswith("5 finding(s) for HAProxy 2.8")


@pytest.mark.parametrize("unsafe", [False, True])
def test_fix_and_diff_prints_a_diff_that_patch_applies(tmp_path, unsafe):
    if shutil.which("patch") is None:
        pytest.skip("needs patch(1)")
    copy = tmp_path / "haproxy.cfg"
    shutil.copy(FIXTURES / "examples" / "haproxy.cfg", copy)
    before = copy.read_bytes()
    result = example("fix_and_diff.py", *(["--unsafe"] if unsafe else []), str(copy))
    assert copy.read_bytes() == before  # nothing written
    expected = haproxy_lint.fix(before.decode(), unsafe=unsafe)
    diff = result.stdout[: result.stdout.index("\nfixed ") + 1]
    subprocess.run(["patch", "--quiet", str(copy)], input=diff, text=True, check=True, cwd=tmp_path)
    assert copy.read_text() == expected.text
    fixed = re.findall(r"^fixed (HL\d+) \(line \d+, (safe|unsafe)\)", result.stdout, re.M)
    assert [code for code, _ in fixed] == [d.code for d in expected.applied]
    assert ("unsafe" in {kind for _, kind in fixed}) == unsafe
    left = re.findall(r"^left (HL\d+) at ", result.stdout, re.M)
    assert left == [d.code for d in expected.remaining] and left
    assert result.returncode == 1  # a warning remains either way (HL305: no fix)


def test_json_report(tmp_path):
    missing = str(tmp_path / "missing.cfg")
    result = example("json_report.py", BUNDLED, missing)
    assert result.returncode == 2  # a file could not be read
    report = json.loads(result.stdout)
    found = haproxy_lint.lint(haproxy_lint.read_text(ROOT / BUNDLED), Settings(target_version="2.8"), path=BUNDLED)
    assert report["diagnostics"] == [json.loads(d.model_dump_json()) for d in found]
    assert {"code", "severity", "line", "column", "end_line", "end_column", "message", "fix"} <= set(report["diagnostics"][0])
    assert "start" not in report["diagnostics"][0]
    assert report["counts"] == {"info": 3, "error": 3, "warning": 3}  # HL701 and HL703 are opt-in
    assert report["errors"] == [{"path": missing, "line": None, "column": None, "message": "no such file"}]
    clean = example("json_report.py", "fixtures/examples/clean.cfg")
    assert clean.returncode == 0 and json.loads(clean.stdout)["diagnostics"] == []


def test_third_party_rule(tmp_path):
    result = example("third_party_rule.py", BUNDLED)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ACME002 server-without-maxconn: Reports servers without a `maxconn` limit (theirs or from `default-server`)."
    assert lines[1:] == [
        f"{BUNDLED}:{n}:12: ACME002 [warning] server `{name}` has no `maxconn` (fix, unsafe: add `maxconn 100`)"
        for n, name in ((26, "web1"), (27, "web2"), (28, "web3"), (29, "legacy"))
    ]
    # a limit from default-server counts (the rule asks ctx.server, which knows them)
    path = tmp_path / "limited.cfg"
    path.write_text("defaults\n    default-server maxconn 50\n\nbackend app\n    server a 10.0.0.1:80\n    server b 10.0.0.2:80 maxconn 10\n")
    quiet = example("third_party_rule.py", str(path))
    assert quiet.returncode == 0 and quiet.stdout.splitlines()[1:] == []


@pytest.mark.parametrize("name", ["server_timing.py", "lint_with_settings.py", "fix_and_diff.py", "json_report.py", "third_party_rule.py"])
def test_examples_report_a_parse_error_on_one_line(tmp_path, name):
    path = tmp_path / "bad.cfg"
    path.write_text('global\n    log "/dev/log\n')
    result = example(name, str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    if name == "json_report.py":
        (error,) = json.loads(result.stdout)["errors"]
        assert (error["path"], error["line"], error["column"]) == (str(path), 2, 9)
    else:
        assert result.stderr.startswith(f"{path}:2:9: unterminated double quote")
