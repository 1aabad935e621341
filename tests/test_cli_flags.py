"""Every command-line flag and error path, run in a scratch folder; exit codes and output are
stored as regression files (temporary paths replaced by <tmp>) so any change shows in review."""

from __future__ import annotations

import io
import json
import sys

import pytest

from haproxy_lint.cli import run

CONFIG = """\
global
    log /dev/log local0
    stats socket /run/haproxy/admin.sock mode 660 level admin

defaults
    mode http
    log global
    option log-health-checks
    timeout connect 50
    timeout client 30s
    timeout server 30s

backend app
    option httpchk
    http-check send meth GET uri /health ver HTTP/1.1 hdr Host app.example.com
    server app1 10.0.0.1:80 check
    server app2 10.0.0.2:80
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "haproxy.cfg").write_text(CONFIG)
    return tmp_path


def cli(capsys, project, *args: str, stdin: str | None = None, monkeypatch=None) -> dict:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run(list(args))
    out, err = capsys.readouterr()
    clean = lambda text: text.replace(str(project), "<tmp>")  # noqa: E731
    return {"args": " ".join(args), "exit": code, "stdout": clean(out), "stderr": clean(err)}


def test_plain_run(capsys, project, data_regression):
    data_regression.check(cli(capsys, project, "haproxy.cfg"))


def test_settings_file_is_found_and_used(capsys, project, data_regression):
    (project / ".haproxy-lint.yaml").write_text("ignore: [HL103]\nseverity:\n  HL203: error\n")
    result = cli(capsys, project, "haproxy.cfg")
    assert "HL103" not in result["stdout"] and "HL203 [error]" in result["stdout"]
    data_regression.check(result)


def test_pyproject_table_is_found(capsys, project):
    (project / "pyproject.toml").write_text('[tool.haproxy-lint]\nselect = ["HL103"]\n')
    result = cli(capsys, project, "haproxy.cfg")
    assert result["exit"] == 1 and "HL103" in result["stdout"] and "HL203" not in result["stdout"]


@pytest.mark.parametrize(
    "name, content",
    [
        ("unknown-key", "selct: [HL1]\n"),
        ("unknown-code", "ignore:\n  - HL203\n  - HL999\n"),
        ("bad-value", "thresholds:\n  recovery: soon\n"),
        ("bad-version", "target-version: latest\n"),
        ("not-yaml", "select: [HL1\n"),
    ],
)
def test_bad_settings_files(capsys, project, data_regression, name, content):
    (project / ".haproxy-lint.yaml").write_text(content)
    result = cli(capsys, project, "haproxy.cfg")
    assert result["exit"] == 2
    assert result["stderr"].startswith("<tmp>/.haproxy-lint.yaml:")
    data_regression.check(result)


def test_config_option_and_show_settings(capsys, project, data_regression):
    (project / "lint.yaml").write_text("target-version: '2.6'\nthresholds:\n  detection: 30s\nignore: [HL7]\n")
    result = cli(capsys, project, "--config", "lint.yaml", "--show-settings", "haproxy.cfg")
    assert result["exit"] == 0 and 'target-version: "2.6"' in result["stdout"]
    data_regression.check(result)


def test_missing_config_file(capsys, project):
    result = cli(capsys, project, "--config", "nope.yaml", "haproxy.cfg")
    assert result["exit"] == 2 and result["stderr"] == "nope.yaml: error: settings file not found\n"


def test_suppression_comments(capsys, project, data_regression):
    text = CONFIG.replace("    timeout connect 50\n", "    timeout connect 50  # haproxy-lint: disable=HL203\n")
    text = text.replace("    server app2", "    # haproxy-lint: disable-next-line=HL103\n    server app2")
    (project / "haproxy.cfg").write_text(text)
    quiet = cli(capsys, project, "haproxy.cfg")
    assert quiet["exit"] == 0 and quiet["stdout"] == "No problems in 1 file; 2 suppressed.\n"
    shown = cli(capsys, project, "--show-suppressed", "haproxy.cfg")
    data_regression.check({"default": quiet, "show_suppressed": shown})


def test_file_suppression_and_an_unknown_code(capsys, project):
    (project / "haproxy.cfg").write_text("# haproxy-lint: disable-file=HL1,HL2,HL77\n" + CONFIG)
    result = cli(capsys, project, "haproxy.cfg")
    assert result["stdout"].startswith("haproxy.cfg:1:38: HL001 [warning] no rule has the code `HL77`")
    assert "HL103" not in result["stdout"] and "HL203" not in result["stdout"]


def test_per_file_ignores_and_exclude(capsys, project):
    (project / "conf.d").mkdir()
    (project / "conf.d" / "10-legacy.cfg").write_text("backend legacy\n    timeout server 30\n    server l1 10.0.0.9:80\n")
    (project / "conf.d" / "20-vendor.cfg").write_text("backend vendor\n    timeout server 30\n")
    (project / ".haproxy-lint.yaml").write_text(
        "select: [HL203]\nper-file-ignores:\n  'conf.d/10-*.cfg': [HL203]\nexclude: ['conf.d/20-*']\n"
    )
    result = cli(capsys, project, "conf.d", "haproxy.cfg")
    assert result["exit"] == 1
    assert [line.split(":")[0] for line in result["stdout"].splitlines() if ": HL203 [" in line] == ["haproxy.cfg"]
    assert "1 suppressed" in result["stdout"]


def test_folders_expand_to_their_cfg_files_in_order(capsys, project, data_regression):
    folder = project / "conf.d"
    folder.mkdir()
    for name in ("20-b.cfg", "10-a.cfg", "notes.txt"):
        (folder / name).write_text("backend x\n    timeout server 30\n")
    result = cli(capsys, project, "--select", "HL203", "--format", "json", "conf.d")
    paths = [d["path"] for d in json.loads(result["stdout"])["diagnostics"]]
    assert paths == ["conf.d/10-a.cfg", "conf.d/20-b.cfg"]


def test_globs_and_a_folder_without_configs(capsys, project, data_regression):
    (project / "empty").mkdir()
    glob = cli(capsys, project, "--select", "HL203", "*.cfg")
    assert glob["exit"] == 1 and "haproxy.cfg:9:21: HL203" in glob["stdout"]
    empty = cli(capsys, project, "empty")
    assert empty["exit"] == 2
    data_regression.check({"glob": glob, "empty_folder": empty})


def test_statistics_quiet_and_exit_zero(capsys, project, data_regression):
    stats = cli(capsys, project, "--statistics", "haproxy.cfg")
    quiet = cli(capsys, project, "--quiet", "--select", "HL203", "haproxy.cfg")
    exit_zero = cli(capsys, project, "--exit-zero", "haproxy.cfg")
    assert exit_zero["exit"] == 0 and stats["exit"] == 1
    assert not quiet["stdout"].rstrip().splitlines()[-1].startswith("Found")
    data_regression.check({"statistics": stats, "quiet": quiet, "exit_zero": exit_zero})


def test_baseline_records_then_reports_only_new_findings(capsys, project, data_regression):
    first = cli(capsys, project, "--baseline", "baseline.json", "haproxy.cfg")
    assert first["exit"] == 0 and (project / "baseline.json").is_file()
    # a line added above the old findings does not bring them back; a new hazard is reported
    text = CONFIG.replace("backend app\n", "backend app\n    timeout queue 90\n")
    (project / "haproxy.cfg").write_text("# moved down a line\n" + text)
    second = cli(capsys, project, "--baseline", "baseline.json", "haproxy.cfg")
    assert second["exit"] == 1
    assert [line for line in second["stdout"].splitlines() if ": HL203 [" in line] == [
        "haproxy.cfg:15:19: HL203 [warning] [*] `90` has no unit and means 90 milliseconds, implausibly short for "
        "`queue`; write `90s` if seconds were meant, or `90ms`",
    ]
    (project / "broken.json").write_text("{not json")
    broken = cli(capsys, project, "--baseline", "broken.json", "haproxy.cfg")
    assert broken["exit"] == 2
    data_regression.check({"record": first, "filter": second, "broken": broken})


def test_upgrade_to_reports_what_the_new_version_refuses(capsys, project, data_regression):
    (project / "old.cfg").write_text(
        "defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
        "frontend www\n    bind :80\n    reqadd X-Proto:\\ http\n    default_backend app\n"
        "backend app\n    option httpchk GET /health HTTP/1.1\\r\\nHost:\\ app.example.com\n"
        "    server app1 10.0.0.1:80 check\n"
    )
    result = cli(capsys, project, "--target-version", "2.0", "--upgrade-to", "2.8", "old.cfg")
    codes = [line.split(": ")[1].split()[0] for line in result["stdout"].splitlines() if ": HL" in line]
    assert result["exit"] == 1
    assert "HL601" in codes and "HL102" in codes  # reqadd removed in 2.1; hidden headers refused by 2.8
    data_regression.check(result)


def test_unreadable_input_among_good_ones(capsys, project, data_regression):
    (project / "latin1.cfg").write_bytes(b"global\n    log caf\xe9\n")
    data_regression.check(cli(capsys, project, "haproxy.cfg", "missing.cfg", "latin1.cfg"))
