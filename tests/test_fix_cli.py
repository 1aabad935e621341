"""--fix, --diff, --unsafe-fixes and safe writing: files are rewritten whole or not at all."""

from __future__ import annotations

import errno
import io
import os
import sys

import pytest

from haproxy_lint.cli import run
from haproxy_lint.writing import WriteError, write_atomic

BAD = "defaults\n    mode http\n    timeout connect 5000\n    timeout client 30s\n    timeout server 30s\n"
FIXED = BAD.replace("5000", "5s")


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(BAD)
    path.chmod(0o640)
    return path


def test_diff_prints_a_unified_diff_and_writes_nothing(capsys, bad):
    code, out, _ = cli(capsys, "--diff", "--select", "HL203", str(bad))
    assert code == 1
    assert out == (
        f"--- {bad}\n+++ {bad}\n@@ -1,5 +1,5 @@\n defaults\n     mode http\n"
        "-    timeout connect 5000\n+    timeout connect 5s\n     timeout client 30s\n     timeout server 30s\n"
    )
    assert bad.read_text() == BAD


def test_diff_on_a_clean_file_exits_zero(capsys, tmp_path):
    path = tmp_path / "ok.cfg"
    path.write_text(FIXED)
    assert cli(capsys, "--diff", "--select", "HL203", str(path)) == (0, "", "")


def test_fix_rewrites_in_place_and_keeps_mode(capsys, bad):
    code, out, _ = cli(capsys, "--fix", "--select", "HL203", str(bad))
    assert code == 0
    assert bad.read_text() == FIXED
    assert oct(bad.stat().st_mode & 0o777) == "0o640"
    assert out.strip() == "No problems in 1 file; fixed 1."
    assert [p.name for p in bad.parent.iterdir()] == ["haproxy.cfg"]  # no temporary file left


def test_fix_keeps_crlf_and_missing_final_newline(capsys, tmp_path):
    path = tmp_path / "crlf.cfg"
    text = BAD.replace("\n", "\r\n").rstrip("\r\n")
    path.write_bytes(text.encode())
    assert cli(capsys, "--fix", "--select", "HL203", str(path))[0] == 0
    assert path.read_bytes() == text.replace("5000", "5s").encode()


def test_fix_follows_a_symlink_and_keeps_it(capsys, bad, tmp_path):
    link = tmp_path / "link.cfg"
    link.symlink_to(bad)
    assert cli(capsys, "--fix", "--select", "HL203", str(link))[0] == 0
    assert link.is_symlink()
    assert bad.read_text() == FIXED


def test_fix_from_stdin_prints_the_fixed_text(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD))
    code, out, err = cli(capsys, "--fix", "--select", "HL203", "-")
    assert code == 0
    assert out == FIXED
    assert "fixed 1" in err


def test_fix_never_writes_a_file_that_does_not_parse(capsys, tmp_path):
    path = tmp_path / "broken.cfg"
    text = BAD + '    log "unterminated\n'
    path.write_text(text)
    code, out, _ = cli(capsys, "--fix", str(path))
    assert code == 2
    assert "unterminated double quote" in out
    assert path.read_text() == text


def test_fix_and_diff_together_is_a_usage_error(capsys, bad):
    code, _, err = cli(capsys, "--fix", "--diff", str(bad))
    assert code == 2 and err.startswith("haproxy-lint: error: --fix and --diff")


def test_read_only_file_is_not_rewritten(capsys, bad):
    bad.chmod(0o444)
    code, _, err = cli(capsys, "--fix", "--select", "HL203", str(bad))
    assert code == 2
    assert err.strip() == f"haproxy-lint: error: {bad}: cannot write the fixed file: the file is read-only; the file is unchanged"
    assert bad.read_text() == BAD


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_write_failures_leave_the_original_untouched(bad, monkeypatch, failure):
    # A full disk, a folder we may not write in, a read-only file system: simulated at the
    # write, since tests run as root on a normal disk.
    real_fsync = os.fsync

    def failing_fsync(fd):
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(WriteError, match=os.strerror(failure)):
        write_atomic(bad, FIXED)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert bad.read_text() == BAD
    assert [p.name for p in bad.parent.iterdir()] == ["haproxy.cfg"]


def test_folder_that_refuses_new_files(bad, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(WriteError, match="Permission denied"):
        write_atomic(bad, FIXED)
    assert bad.read_text() == BAD


def test_cli_reports_a_failed_write_in_one_line(capsys, bad, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = cli(capsys, "--fix", "--select", "HL203", str(bad))
    assert code == 2
    assert err.strip() == f"haproxy-lint: error: {bad}: cannot write the fixed file: No space left on device; the file is unchanged"
    assert bad.read_text() == BAD


def test_upgrade_to_lists_only_what_the_new_version_adds(capsys, tmp_path):
    path = tmp_path / "h.cfg"
    path.write_text(FIXED)
    code, out, _ = cli(capsys, "--upgrade-to", "3.2", "--target-version", "2.6", "--select", "HL203", str(path))
    assert code == 0
    assert out.splitlines()[0] == "What HAProxy 3.2 would report that 2.6 does not:"
