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


#: The guide's hazards that cause outages or exposure: they must stay at warning or error,
#: whatever precision work lowers elsewhere.
HELD_OUT_HAZARDS = [
    ("HL101", "backend b\n    option httpchk GET /health HTTP/1.1\n    server s 10.0.0.1:80 check\n"),
    ("HL201", "backend b\n    timeout check 5s\n    server s 10.0.0.1:80 check inter 2s\n"),
    ("HL301", "backend b\n    server s 10.0.0.1:443 ssl force-sslv3 verify none check\n"),
    ("HL501", "backend b\n    server web1 10.0.0.1:80 check\n    server web-backup 10.0.0.9:80 check\n"),
    ("HL103", "backend b\n    option httpchk\n    http-check send meth GET uri /health\n    server s 10.0.0.1:80\n"),
    ("HL206", "backend b\n    server s 10.0.0.1:80 check inter 500ms fall 1 rise 1\n"),
]


@pytest.mark.parametrize("code, text", HELD_OUT_HAZARDS, ids=[code for code, _ in HELD_OUT_HAZARDS])
def test_the_guides_hazards_stay_at_warning_or_error(code, text):
    found = [d for d in lint(text, Settings(select=[code], target_version="2.6")) if d.code == code]
    assert found, f"{code} no longer fires on its hazard"
    assert all(d.severity in ("warning", "error") for d in found), [(d.severity, d.message) for d in found]
