"""Several configurations in one run: what makes one configuration, and --jobs."""

from __future__ import annotations

import json

import pytest

from haproxy_lint.cli import run
from haproxy_lint.runner import configurations

SITE = """\
global
    log /dev/log local0

defaults
    mode http
    log global
    timeout connect 5s
    timeout client 30s
    timeout server 30{unit}

frontend www
    bind :80
    default_backend app

backend app
    server app1 10.0.0.1:80 check
"""


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    code, out, _ = cli(capsys, "--format", "json", *args)
    return code, [(d["path"], d["code"], d["line"]) for d in json.loads(out)["diagnostics"]]


@pytest.fixture
def sites(tmp_path):
    """Six configurations, every other one with a unitless timeout, and one unreadable."""
    paths = []
    for n in range(6):
        path = tmp_path / f"site{n}.cfg"
        path.write_text(SITE.format(unit="" if n % 2 else "s"))
        paths.append(str(path))
    broken = tmp_path / "broken.cfg"
    broken.write_text("global\n.if 1\n")
    return paths + [str(broken)]


def test_each_argument_is_one_configuration_a_folder_too(tmp_path):
    conf = tmp_path / "conf.d"
    conf.mkdir()
    for name in ("20-b.cfg", "10-a.cfg"):
        (conf / name).write_text("")
    a, b = tmp_path / "a.cfg", tmp_path / "b.cfg"
    a.write_text("")
    b.write_text("")
    folder = [str(conf / "10-a.cfg"), str(conf / "20-b.cfg")]
    assert configurations([str(a), str(conf), str(b)]) == [[str(a)], folder, [str(b)]]
    assert configurations([str(a), str(conf), str(b)], together=True) == [[str(a), *folder, str(b)]]
    # a file named twice is read once, where it is first named
    assert configurations([str(conf), folder[0], str(a), str(a)]) == [folder, [str(a)]]


def test_separate_configurations_do_not_see_each_other(capsys, tmp_path):
    a, b = tmp_path / "a.cfg", tmp_path / "b.cfg"
    a.write_text(SITE.format(unit="s"))
    b.write_text(SITE.format(unit="s"))
    # Two sites with the same frontend name: no clash, each is its own configuration...
    code, found = findings(capsys, "--select", "HL901", str(a), str(b))
    assert (code, found) == (0, [])
    # ...unless they are read as one, as `haproxy -f a.cfg -f b.cfg` would.
    code, found = findings(capsys, "--select", "HL901", "--together", str(a), str(b))
    assert code == 1
    assert {(path, rule) for path, rule, _ in found} == {(str(b), "HL901")}


def test_together_from_the_settings_file(capsys, tmp_path):
    a, b = tmp_path / "a.cfg", tmp_path / "b.cfg"
    a.write_text(SITE.format(unit="s"))
    b.write_text(SITE.format(unit="s"))
    (tmp_path / ".haproxy-lint.yaml").write_text("together: true\n")
    code, found = findings(capsys, "--select", "HL901", str(a), str(b))
    assert code == 1 and [rule for _, rule, _ in found] == ["HL901", "HL901"]


def test_jobs_give_what_one_process_gives(capsys, sites):
    sequential = cli(capsys, "--format", "json", "--jobs", "1", *sites)
    parallel = cli(capsys, "--format", "json", "--jobs", "3", *sites)
    assert sequential[0] == parallel[0] == 2  # the unreadable file
    assert json.loads(parallel[1]) == json.loads(sequential[1])
    data = json.loads(parallel[1])
    assert [(e["path"], e["line"]) for e in data["errors"]] == [(sites[-1], 2)]
    assert [d["path"] for d in data["diagnostics"] if d["code"] == "HL203"] == sites[1:6:2]


def test_fix_with_jobs_writes_every_file(capsys, sites):
    code, out, _ = cli(capsys, "--fix", "--jobs", "2", "--select", "HL203", *sites[:6])
    assert code == 0, out
    for n, path in enumerate(sites[:6]):
        with open(path) as handle:  # a bare 30 is 30 ms, which the fix writes out
            assert f"timeout server 30{'ms' if n % 2 else 's'}\n" in handle.read()
    assert out == "No problems in 6 files; fixed 3.\n"


def test_jobs_must_be_positive(capsys, sites):
    code, _, err = cli(capsys, "--jobs", "0", sites[0])
    assert code == 2 and "--jobs" in err and "Traceback" not in err
