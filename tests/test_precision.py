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
    # Step 3: headers smuggled in the version (2.8 refuses it), a status list HAProxy refuses.
    ("HL102", "backend b\n    option httpchk GET /health HTTP/1.1\\r\\nHost:\\ myapp.example.com\n    server s 10.0.0.1:80 check\n"),
    ("HL106", "backend b\n    option httpchk GET /health\n    http-check expect status 200 201 202\n    server s 10.0.0.1:80 check\n"),
    # Step 5: verify none towards a server on another host.
    ("HL305", "backend b\n    server s backend-server1:443 check ssl verify none\n"),
    # Steps 3 and 6: a container name resolved once at start; init-addr ... none with no resolvers.
    ("HL401", "backend b\n    server s backend-server1:80 check\n"),
    ("HL402", "backend b\n    server s backend-server1:80 check inter 5s fall 3 rise 2 init-addr libc,none\n"),
    # Step 10: a second `option httpchk` replaces the first; a backend defined twice.
    ("HL111", "backend b\n    option httpchk GET /health\n    option httpchk\n    server s 10.0.0.1:80 check\n"),
    ("HL901", "backend b\n    server s 10.0.0.1:80\nbackend b\n    server t 10.0.0.2:80\n"),
]


@pytest.mark.parametrize("code, text", HELD_OUT_HAZARDS, ids=[code for code, _ in HELD_OUT_HAZARDS])
def test_the_guides_hazards_stay_at_warning_or_error(code, text):
    found = [d for d in lint(text, Settings(select=[code], target_version="2.6")) if d.code == code]
    assert found, f"{code} no longer fires on its hazard"
    assert all(d.severity in ("warning", "error") for d in found), [(d.severity, d.message) for d in found]


def _severities(code: str, text: str, **settings: object) -> list[str]:
    return [d.severity.value for d in lint(text, Settings(select=[code], **settings)) if d.code == code]


def test_check_timeout_warns_where_inter_is_written_and_advises_on_the_implicit_default():
    # The stock RHEL configuration: `timeout check 10s` over bare `check`s (implicit inter 2s).
    assert _severities("HL201", "defaults\n    timeout check 10s\nbackend b\n    server s 10.0.0.1:80 check\n") == ["info"]
    assert _severities("HL201", "defaults\n    timeout check 10s\nbackend b\n    default-server inter 3s\n"
                                "    server s 10.0.0.1:80 check\n") == ["warning"]


@pytest.mark.parametrize("params, expected", [
    ("inter 500ms fall 1 rise 1", ["warning"]),   # every check result flips the server
    ("inter 500ms fall 1", ["info"]),            # leaving at the first failure: a choice
    ("inter 500ms rise 1", ["info"]),
    ("inter 2s fall 1 rise 1", []),
])
def test_flapping_warns_only_when_one_check_flips_both_ways(params, expected):
    assert _severities("HL206", f"backend b\n    server s 10.0.0.1:80 check {params}\n") == expected


def test_flapping_skips_servers_on_this_host():
    text = "backend b\n    server s 127.0.0.1:80 check inter 100ms fall 1 rise 1\n    server u unix@/run/app.sock check inter 100ms fall 1 rise 1\n"
    assert _severities("HL206", text) == []


def test_nothing_logged_anywhere_is_advice_a_proxy_left_out_is_a_warning():
    assert _severities("HL702", "global\n    maxconn 10\nfrontend f\n    bind :80\n    default_backend b\n"
                                "backend b\n    server s 10.0.0.1:80 check\n") == ["info"]
    assert _severities("HL702", "global\n    log /dev/log local0\nfrontend f\n    log global\n    bind :80\n"
                                "    default_backend b\nbackend b\n    server s 10.0.0.1:80 check\n") == ["warning"]


def test_verify_none_towards_an_address_the_file_does_not_show_is_advice():
    assert _severities("HL305", 'backend b\n    server s "${BACKEND}:443" ssl verify none\n') == ["info"]
    assert _severities("HL305", "backend b\n    server s 10.0.0.9:443 ssl verify none\n") == ["warning"]


def test_init_addr_none_is_reported_once_by_the_sharper_rule():
    text = "backend b\n    server s app.example.com:80 check init-addr libc,none\n"
    assert [d.code for d in lint(text, Settings(select=["HL4"]))] == ["HL402"]
    assert lint(text, Settings(select=["HL401"])) == []  # the same alone: rules do not see each other


def test_opt_in_rules_run_only_when_selected_past_the_default_set(capsys):
    text = "backend b\n    option httpchk GET /\n    server s 10.0.0.1:80 check\n"
    assert not {"HL701", "HL703"} & {d.code for d in lint(text)}
    for chosen in (["ALL"], ["HL7"], ["HL701", "HL703"]):
        assert {"HL701", "HL703"} <= {d.code for d in lint(text, Settings(select=chosen))}, chosen
    assert not {"HL701", "HL703"} & {d.code for d in lint(text, Settings(select=["ALL"], ignore=["HL7"]))}


def test_the_summary_counts_what_the_opt_in_rules_would_add(tmp_path, capsys):
    path = tmp_path / "haproxy.cfg"
    path.write_text("defaults\n    timeout connect 5s\n    timeout server 30s\n"
                    "backend b\n    option httpchk GET /\n    server s 10.0.0.1:80 check\n")
    with pytest.raises(SystemExit) as done:
        main([str(path)])
    out = capsys.readouterr().out
    assert done.value.code == 0, out  # what is hidden does not fail the run
    assert "2 more from opt-in rules (HL701 x1, HL703 x1; --select ALL shows them)" in out
    with pytest.raises(SystemExit):
        main(["--select", "ALL", str(path)])
    assert "opt-in" not in capsys.readouterr().out  # shown, so not counted again
    with pytest.raises(SystemExit):
        main(["--select", "HL2", str(path)])
    assert "opt-in" not in capsys.readouterr().out  # not asked for: nothing hidden


def test_flapping_towards_an_address_the_file_does_not_show_is_advice():
    text = 'backend b\n    server s "${APP}:80" check inter 100ms fall 1 rise 1\n'
    assert _severities("HL206", text) == ["info"]


def test_an_empty_backend_warns_where_a_frontend_routes_to_it():
    routed = "frontend f\n    bind :80\n    default_backend app\nbackend app\n    balance roundrobin\n"
    assert _severities("HL504", routed) == ["warning"]
    # A backends-only file: whether any traffic arrives is not in it.
    assert _severities("HL504", "backend app\n    balance roundrobin\n") == ["info"]
