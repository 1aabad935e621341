"""A careful operator's configuration stays clean: warnings mean "likely wrong".

Debian's own default configuration (installed with its haproxy package, which CI installs)
must pass with default settings, and the values HL203 warns about are the implausible ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from haproxy_lint import Settings, lint
from haproxy_lint.cli import main

DEBIAN_DEFAULT = Path("/etc/haproxy/haproxy.cfg")


def test_debians_default_configuration_passes_with_default_settings(capsys):
    if not DEBIAN_DEFAULT.is_file():
        pytest.fail("Debian's haproxy package is not installed (.ci/run installs it)")
    with pytest.raises(SystemExit) as done:
        main(["--target-version", "2.6", str(DEBIAN_DEFAULT)])
    assert done.value.code == 0, capsys.readouterr().out


@pytest.mark.parametrize("line, severity", [
    ("    timeout server 30", "warning"),          # 30 ms: every slow response cut off
    ("    timeout client 500", "warning"),
    ("    timeout connect 5000", "info"),         # reads as 5 s to anyone
    ("    timeout connect 50", "warning"),
    ("    timeout http-keep-alive 300", "info"),
    ("    server s 10.0.0.1:80 check inter 5", "warning"),
    ("    server s 10.0.0.1:80 check inter 2233", "info"),
    ("    server s 10.0.0.1:80 check slowstart 60", "warning"),
])
def test_unitless_durations_warn_only_where_implausible_as_milliseconds(line, severity):
    text = f"backend b\n{line}\n" if "server" in line else f"defaults\n{line}\n"
    [finding] = lint(text, Settings(select=["HL203"]))
    assert finding.severity == severity
    assert finding.fix is not None  # the fix stays available either way
