"""The pre-commit hooks, run by the real pre-commit on a scratch git repository."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import ROOT

BAD = "defaults\n    mode http\n    timeout connect 50\n    timeout client 30s\n    timeout server 30s\n"
GOOD = BAD.replace("connect 50\n", "connect 50ms\n")

@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    # One hook environment for all the tests of this module: building it takes a while.
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo, home, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), hook, "--verbose", "--files", *files],
        cwd=repo, capture_output=True, text=True, env=env, timeout=900,
    )


@pytest.fixture
def repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "haproxy").mkdir()
    return tmp_path


def test_check_hook_fails_on_a_bad_config(repo, pre_commit_home):
    (repo / "haproxy.cfg").write_text(BAD)
    result = try_repo(repo, pre_commit_home, "haproxy-lint", "haproxy.cfg")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "haproxy.cfg:3:21: HL203 [warning]" in result.stdout
    assert (repo / "haproxy.cfg").read_text() == BAD


def test_check_hook_passes_on_a_good_config(repo, pre_commit_home):
    (repo / "haproxy" / "site.cfg").write_text(GOOD)
    result = try_repo(repo, pre_commit_home, "haproxy-lint", "haproxy/site.cfg")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_hooks_ignore_files_they_are_not_for(repo, pre_commit_home):
    (repo / "notes.cfg").write_text(BAD)
    result = try_repo(repo, pre_commit_home, "haproxy-lint", "notes.cfg")
    assert result.returncode == 0
    assert "no files to check" in result.stdout.lower()


def test_fix_hook_rewrites_the_file(repo, pre_commit_home):
    (repo / "haproxy.cfg").write_text(BAD)
    subprocess.run(["git", "add", "haproxy.cfg"], cwd=repo, check=True)  # staged, as in a commit
    result = try_repo(repo, pre_commit_home, "haproxy-lint-fix", "haproxy.cfg")
    # pre-commit fails a hook that modified files, so the user reviews the change
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert (repo / "haproxy.cfg").read_text() == GOOD
