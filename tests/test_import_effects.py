"""Importing the package leaves the importing program's garbage collector as it found it.

``haproxy_lint/__init__.py`` pauses the collector for its imports and moves what exists to
the oldest generation (a run of the command saves ~8 ms of collections that way). A program
that imports the library must get its collector back enabled or disabled as it was, and a
program that froze objects of its own (a pre-fork server) must find them still frozen.
Each case runs in a fresh interpreter: this one has imported the package already.

A lint pauses the collector the same way (model.paused_gc), and must leave it likewise.
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


_CONFIG = (
    "import gc\n"
    "import haproxy_lint\n"
    "text = 'defaults\\n  mode http\\n' + ''.join(\n"
    "    f'backend b{n}\\n  option httpchk\\n  server s1 10.0.{n // 250}.{n % 250}:80 check\\n' for n in range(1000))\n"
)


def test_a_lint_leaves_no_young_model_behind():
    # Without the move to the oldest generation when the pause ends, the first allocation
    # after it walks every object the lint built (one collection, 50 ms for 40,000 lines).
    code = _CONFIG + (
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']) if phase == 'start' else None)\n"
        "haproxy_lint.lint(text)\n"
        "print(runs, gc.isenabled(), gc.get_freeze_count())\n"
    )
    assert _run(code) == "[] True 0"


def test_a_lint_keeps_the_programs_frozen_objects_frozen():
    code = _CONFIG + (
        "keep = [[n] for n in range(1000)]\n"
        "gc.freeze()\n"
        "haproxy_lint.lint(text)\n"
        "print(gc.isenabled(), gc.get_freeze_count() >= len(keep))\n"
    )
    assert _run(code) == "True True"
