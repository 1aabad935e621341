"""The README's quick start stays true: CI runs its second command, and the first lints the
bundled example."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section.replace("\n   ", "\n"))


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in command for command in commands)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert quick_start_commands()[1] in ci


def test_first_command_lints_a_bundled_example():
    install_and_run = quick_start_commands()[0]
    example = install_and_run.split("haproxy-lint ", 1)[1]
    assert (ROOT / example).is_file()


def test_the_opening_example_shows_the_real_findings_and_summary(capsys, monkeypatch):
    """The lines the README shows of `haproxy-lint fixtures/examples/haproxy.cfg` (between its
    "..." elisions) are what the command prints today, summary line included."""
    from haproxy_lint.cli import main

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ haproxy-lint fixtures/examples/haproxy.cfg\n"
    shown = [line for line in text.split(command, 1)[1].split("```", 1)[0].splitlines() if line != "..."]
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit):
        main(["fixtures/examples/haproxy.cfg"])
    printed = capsys.readouterr().out.splitlines()
    assert shown[-1] == printed[-1]
    assert all(line in printed for line in shown), [line for line in shown if line not in printed]


def test_the_vocabulary_example_is_the_real_output(capsys, monkeypatch):
    """The README's "What HAProxy would refuse" block is what the command prints today."""
    from haproxy_lint.cli import main

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ haproxy-lint --target-version 2.6 --select HL9 fixtures/examples/typos.cfg\n"
    shown = text.split(command, 1)[1].split("```", 1)[0].splitlines()
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit):
        main(["--target-version", "2.6", "--select", "HL9", "fixtures/examples/typos.cfg"])
    printed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("  ")]
    assert shown == printed


def test_the_library_example_runs(capsys):
    """The README's "As a library" block runs as written, on the bundled example."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## As a library\n", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    scope = {"text": (ROOT / "fixtures" / "examples" / "haproxy.cfg").read_text(encoding="utf-8")}
    exec(compile(block, "README.md", "exec"), scope)
    assert "web web1 True 5000 3" in capsys.readouterr().out.splitlines()
    assert any(d.code == "HL102" for d in scope["diagnostics"]) and scope["result"].changed


def test_the_readme_links_the_library_reference_and_changelog():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("docs/library.md", "CHANGELOG.md", "examples"):
        assert f"]({target})" in text and (ROOT / target).exists(), target
