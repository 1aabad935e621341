"""HL2xx rules: the logic the fixtures do not pin down on their own (versions, thresholds,
fix placement, agreement with HAProxy's own "missing timeouts" warning)."""

from __future__ import annotations

import re
import textwrap

import pytest

from haproxy_lint import Settings, Thresholds, fix, lint, parse
from haproxy_lint.rules.timeouts import detection_time, human, recovery_time

from .conftest import RULE_FIXTURES, haproxy_check


def cfg(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def codes(text: str, select: str, **settings) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint(cfg(text), Settings(select=[select], **settings))]


@pytest.mark.parametrize(
    ("ms", "text"),
    [(500, "500ms"), (1500, "1.5s"), (2000, "2s"), (60_000, "1m"), (90_000, "1m30s"), (150_000, "2m30s"), (7_200_000, "2h")],
)
def test_human(ms, text):
    assert human(ms) == text


def first_server(text: str):
    return parse(cfg(text)).proxies[-1].servers[0]


@pytest.mark.parametrize(
    ("params", "recovery", "detection"),
    [
        ("", 4000, 6000),  # rise 2 x 2s, fall 3 x 2s
        ("inter 10s rise 3 fall 4", 30_000, 40_000),
        # DOWN: downinter for the first check, then fastinter; UP: inter, then fastinter.
        ("inter 30s downinter 5s fastinter 1s rise 4 fall 3", 5000 + 3 * 1000, 30_000 + 2 * 1000),
        ("inter 30s fastinter 2s rise 1 fall 1", 30_000, 30_000),
        ("inter 30s downinter 10s rise 1", 10_000, 90_000),
    ],
)
def test_recovery_and_detection_follow_the_check_schedule(params, recovery, detection):
    server = first_server(f"backend app\n    server a 10.0.0.1:80 check {params}\n")
    assert recovery_time(server)[0] == recovery
    assert detection_time(server)[0] == detection


def test_thresholds_are_configurable():
    text = """
        backend app
            server a 10.0.0.1:80 check inter 10s rise 3 fall 3
    """
    assert codes(text, "HL204") == [] and codes(text, "HL205") == []  # 30s each
    tight = Thresholds(recovery_ms=20_000, detection_ms=29_999)
    assert codes(text, "HL204", thresholds=tight) == [(2, "HL204")]
    assert codes(text, "HL205", thresholds=tight) == [(2, "HL205")]
    message = lint(cfg(text), Settings(select=["HL205"], thresholds=tight))[0].message
    assert "up to 30s" in message and "29.999s limit" in message


def test_default_server_origin_is_named_once():
    text = """
        backend app
            default-server inter 10s rise 10
            server a 10.0.0.1:80 check
    """
    (diag,) = lint(cfg(text), Settings(select=["HL204"]))
    assert "`rise` and `inter` from default-server at line 2" in diag.message
    assert (diag.line, diag.column) == (3, 12)  # nothing of its own: the server's name


# --- HL201 -------------------------------------------------------------------------------------

SHARED = """
    defaults
        timeout connect 5s
        timeout client 30s
        timeout server 30s
        timeout check 10s
    backend a
        server a1 10.0.0.1:80 check inter {a}
    backend b
        server b1 10.0.0.2:80 check inter {b}
    listen stats
        bind :8404
        stats enable
"""


def test_check_timeout_lowered_in_defaults_when_right_for_every_proxy():
    text = cfg(SHARED.format(a="2s", b="2s"))
    result = fix(text, Settings(select=["HL201"]), unsafe=True)
    assert "timeout check 2s" in result.text and "timeout check 10s" not in result.text
    assert result.text.count("timeout check") == 1
    assert lint(result.text, Settings(select=["HL201"])) == []


def test_check_timeout_overridden_per_proxy_when_the_defaults_are_shared():
    text = cfg(SHARED.format(a="1s", b="3s"))
    result = fix(text, Settings(select=["HL201"]), unsafe=True)
    # The defaults line is untouched; each backend gets its own value, right after its header.
    assert "    timeout check 10s\n" in result.text
    assert "backend a\n    timeout check 1s\n" in result.text
    assert "backend b\n    timeout check 3s\n" in result.text
    assert lint(result.text, Settings(select=["HL201"])) == []


def test_check_timeout_fixes_are_accepted_by_haproxy(haproxy26, tmp_path):
    for a, b in (("2s", "2s"), ("1s", "3s")):
        path = tmp_path / "t.cfg"
        path.write_text(fix(cfg(SHARED.format(a=a, b=b)), Settings(select=["HL201"]), unsafe=True).text)
        run = haproxy_check(haproxy26, path)
        assert run.returncode == 0, run.stdout + run.stderr


# --- HL202 -------------------------------------------------------------------------------------


def test_legacy_timeout_aliases_count():
    text = """
        defaults
            contimeout 5000
            clitimeout 30000
            srvtimeout 30000
        frontend www
            bind :80
            default_backend app
        backend app
            server a 10.0.0.1:80
    """
    # 2.0 reads them; later versions refuse them (HL604 says so): never report them twice.
    assert codes(text, "HL202", target_version="2.0") == []
    assert codes(text, "HL202", target_version="2.8") == []


def test_only_tcp_and_http_proxies_are_checked():
    text = """
        backend legacy_health
            mode health
            server a 10.0.0.1:80
        backend app
            server b 10.0.0.2:80
    """
    assert codes(text, "HL202", target_version="2.0") == [(4, "HL202")]


def test_missing_timeouts_fix_goes_into_the_inherited_defaults():
    text = cfg(
        """
        defaults base
            mode http
            timeout connect 5s
        defaults other
            mode http
        backend app from base
            server a 10.0.0.1:80
        """
    )
    result = fix(text, Settings(select=["HL202"]), unsafe=True)
    assert result.text.startswith("defaults base\n    mode http\n    timeout connect 5s\n    timeout server 30s\n")
    assert lint(result.text, Settings(select=["HL202"])) == []


def haproxy_missing_timeouts(binary: str, path) -> list[str]:
    run = haproxy_check(binary, path)
    return sorted(re.findall(r"missing timeouts for (?:frontend|backend|proxy) '([^']*)'", run.stdout + run.stderr))


@pytest.mark.parametrize("name", ["bad.cfg", "bad-no-defaults.cfg", "good.cfg"])
def test_missing_timeouts_match_haproxy(haproxy26, name):
    """HL202 reports exactly the proxies HAProxy's own warning names."""
    path = RULE_FIXTURES / "HL202" / name
    ours = sorted(
        re.match(r"\w+ `([^`]*)`", d.message).group(1)
        for d in lint(path.read_text(), Settings(select=["HL202"]))
    )
    assert ours == haproxy_missing_timeouts(haproxy26, path)


def test_missing_timeouts_fix_silences_haproxy(haproxy26, tmp_path):
    for name in ("bad.cfg", "bad-no-defaults.cfg"):
        path = tmp_path / name
        path.write_text(fix((RULE_FIXTURES / "HL202" / name).read_text(), Settings(select=["HL202"]), unsafe=True).text)
        # Only `backend db` is left: its `timeout server 0` is deliberate, so it has no fix.
        assert haproxy_missing_timeouts(haproxy26, path) == (["db"] if name == "bad.cfg" else [])


# --- HL207 -------------------------------------------------------------------------------------


def test_zero_thresholds_are_refused_by_haproxy(haproxy26):
    """Every line HL207 reports in its fixture is one HAProxy refuses."""
    path = RULE_FIXTURES / "HL207" / "bad.cfg"
    run = haproxy_check(haproxy26, path)
    refused = {int(n) for n in re.findall(r"\[[^:\]]+:(\d+)\]", run.stdout + run.stderr)}
    ours = {d.line for d in lint(path.read_text(), Settings(select=["HL207"]))}
    assert ours == refused


# --- HL208 -------------------------------------------------------------------------------------


def test_hl208_and_hl206_never_report_the_same_server():
    text = """\
        backend app
            server fast 10.0.0.1:80 check inter 500ms rise 1
            server slow 10.0.0.2:80 check inter 5s rise 1
        """
    assert codes(text, "HL206") == [(2, "HL206")]
    assert codes(text, "HL208") == [(3, "HL208")]


def test_hl208_slowstart_from_default_server_counts():
    text = """\
        backend app
            default-server slowstart 30s
            server a 10.0.0.1:80 check rise 1
        """
    assert codes(text, "HL208") == []


# --- the timings the HL20x rules share ----------------------------------------------------------


TIMINGS = """
defaults
    default-server inter 3s fall 4
backend a
    server a1 10.0.0.1:80 check
    server a2 10.0.0.2:80 check inter 2s rise 1
    default-server fastinter 500ms downinter 1s rise 3
    server a3 10.0.0.3:80 check
    server a4 10.0.0.4:80 check inter 2s rise 1
    server a5 10.0.0.5:80 check fall 0
    server a6 10.0.0.6:80 inter 1s
backend b
    server b1 10.0.0.1:80 check inter 2s rise 1
    server b2 10.0.0.2:80 check fall x
    server b3 10.0.0.3:80 check inter 0
    server b4 10.0.0.4:80 check
backend c
    default-server no-check
    server c1 10.0.0.1:80 inter 2s
    server c2 10.0.0.2:80 check inter 2s rise 1
"""


def test_shared_timings_are_the_views_own():
    # The timings are kept by what decides them (default-server state, own timing words):
    # each must be what the server's view says, and the servers left out those whose check
    # settings are unreadable or 0, or that run no checks.
    from haproxy_lint.rule import Context
    from haproxy_lint.rules.timeouts import checked_servers

    config = parse(cfg(TIMINGS))
    rows = {
        server.name: timing
        for _, servers, timings in checked_servers(Context(config, Settings()))
        for server, timing in zip(servers, timings)
    }
    expected = {
        server.name: (server.inter, server.fastinter, server.downinter, server.fall, server.rise)
        for proxy in config.proxies
        for server in proxy.servers
        if server.check and server.name not in ("a5", "b2", "b3")
    }
    assert rows == expected
    assert set(rows) == {"a1", "a2", "a3", "a4", "b1", "b4", "c2"}
    assert rows["a2"] != rows["a4"] and rows["a2"] == rows["b1"]  # same words, other default-server


@pytest.mark.parametrize(
    ("params", "reported"),
    [
        ("fall 3 rise 2 inter 2s", False),
        ("fall 0", True),
        ("rise 00", True),
        ("fall -1", True),
        ("fall abc", True),
        ("fall 1abc", False),  # atol() reads 1
        ("fall 3 fall 0", True),  # the last one wins
        ("inter 0s", True),
        ("fastinter 0ms", True),
        ("agent-inter 0", True),
        ("inter fast", False),  # not a duration: the parser's business
        ("weight 0 fall 2", False),
    ],
)
def test_zero_threshold_reads_every_count_and_interval(params, reported):
    text = f"backend app\n    server a 10.0.0.1:80 check {params}\n"
    assert bool(codes(text, "HL207")) == reported


@pytest.mark.parametrize(
    ("params", "reported"),
    [("inter 2s", False), ("inter 5000", True), ("fall 3 rise 2 weight 10", False), ("slowstart 30", True), ("maxconn 100 downinter 7", True)],
)
def test_unitless_server_durations(params, reported):
    text = f"backend app\n    server a 10.0.0.1:80 check {params}\n"
    assert bool(codes(text, "HL203")) == reported
