"""Third-party rules: the example plugin, installed for real, is seen through its entry point."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(ROOT / "examples" / "plugin")],
        check=True, capture_output=True, text=True,
    )
    return target


def run(plugin_path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_path)}
    return subprocess.run(
        [sys.executable, "-c", "from haproxy_lint.cli import entry_point; entry_point()", *args],
        capture_output=True, text=True, env=env, input=stdin,
    )


def test_plugin_rules_are_listed(plugin_path):
    result = run(plugin_path, "rules")
    assert result.returncode == 0, result.stderr
    assert any(line.split()[:3] == ["ACME001", "backend-name-prefix", "warning"] for line in result.stdout.splitlines())


def test_plugin_rules_run_and_can_be_selected(plugin_path):
    config = "backend web\n    server web1 10.0.0.1:80\n"
    result = run(plugin_path, "--select", "ACME", "-", stdin=config)
    assert result.returncode == 1
    assert result.stdout.startswith("<stdin>:1:9: ACME001 [warning] backend `web` should be named `be_web`")


def test_plugin_rule_page(plugin_path):
    result = run(plugin_path, "rule", "ACME001")
    assert result.returncode == 0
    assert result.stdout.startswith("# ACME001 `backend-name-prefix`")


def test_without_the_plugin_its_codes_are_unknown():
    result = subprocess.run([sys.executable, "-c", "from haproxy_lint.cli import entry_point; entry_point()", "--select", "ACME001", "x.cfg"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "no rule has the code 'ACME001'" in result.stderr
