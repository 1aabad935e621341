"""Writing a fixed file back without ever leaving it half-written.

The new text goes to a temporary file in the same folder, is flushed to disk, takes the
original's permission bits (and owner, where allowed), then replaces the original in one
atomic rename. A symlink is followed, so its target is rewritten and the link kept. On any
error the temporary file is removed and the original is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

__all__ = ["WriteError", "write_atomic"]


class WriteError(Exception):
    """The file could not be rewritten; it is unchanged."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: cannot write the fixed file: {message}; the file is unchanged")
        self.path = path


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace the content of ``path`` with ``text`` (UTF-8), atomically."""
    name = os.fspath(path)
    target = os.path.realpath(name)
    try:
        info = os.stat(target)
    except OSError as exc:
        raise WriteError(name, exc.strerror or str(exc)) from None
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        # Even where we could (root can), a file nobody may write is not ours to rewrite.
        raise WriteError(name, "the file is read-only")
    folder = os.path.dirname(target) or "."
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".haproxy-lint", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        with contextlib.suppress(OSError):  # keeping the owner needs privileges we may lack
            os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, target)
        tmp = None
        _sync_folder(folder)
    except OSError as exc:
        raise WriteError(name, exc.strerror or str(exc)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
