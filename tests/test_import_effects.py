"""Importing the package leaves the importing program's garbage collector as it found it.

``haproxy_lint/__init__.py`` pauses the collector for its imports and moves what exists to
the oldest generation (a run of the command saves ~8 ms of collections that way). A program
that imports the library must get its collector back enabled or disabled as it was, and a
program that froze objects of its own (a pre-fork server) must find them still frozen.
Each case runs in a fresh interpreter: this one has imported the package already.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_stays_enabled_or_disabled(enabled):
    setup = "" if enabled else "gc.disable()\n"
    out = _run(f"import gc\n{setup}import haproxy_lint\nprint(gc.isenabled(), gc.get_freeze_count())")
    assert out == f"{enabled} 0"


def test_objects_the_program_froze_stay_frozen():
    code = (
        "import gc\n"
        "keep = [[n] for n in range(1000)]\n"
        "gc.freeze()\n"
        "import haproxy_lint\n"
        # (a frozen object freed since, by reference counting, leaves the count: not equality)
        "print(gc.get_freeze_count() >= len(keep))\n"
    )
    assert _run(code) == "True"
