"""Focused tests of the server-side health check rules (HL103, HL107-HL110) that the fixture
harness does not pin down: target versions, default-server ordering, severities, the fix."""

from __future__ import annotations

import pytest

from haproxy_lint import Settings, fix, lint, parse
from haproxy_lint.rules.check_servers import check_type

from .conftest import haproxy_binaries, haproxy_check

HEAD = """global
    log /dev/log local0

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
"""


def codes(text: str, code: str, version: str = "3.2") -> list[tuple[int, str]]:
    return [(d.line, d.severity.value) for d in lint(text, Settings(select=[code], target_version=version))]


# --- helpers -----------------------------------------------------------------------------------


def test_later_default_server_no_check_wins():
    config = parse(HEAD + "    default-server check\n\nbackend app\n    default-server no-check\n    server a1 10.0.0.1:80\n")
    server = config.proxies[-1].servers[0]
    assert not server.has("check")
    assert server.flag("check").name == "no-check"


def test_later_check_on_the_same_line_wins():
    config = parse(HEAD + "backend app\n    server a1 10.0.0.1:80 no-check check\n")
    assert config.proxies[-1].servers[0].has("check")


def test_check_type_is_the_last_option_own_over_inherited():
    config = parse(HEAD.replace("mode http\n", "mode http\n    option tcp-check\n") + "backend app\n    option httpchk\n    option mysql-check\n")
    assert check_type(config.proxies[-1]).value == "mysql-check"
    config = parse(HEAD.replace("mode http\n", "mode http\n    option httpchk\n") + "backend app\n    option tcp-check\n")
    assert check_type(config.proxies[-1]).value == "tcp-check"


# --- HL103 -------------------------------------------------------------------------------------


def test_hl103_default_server_no_check_after_check_is_an_opt_out():
    text = HEAD + "    option httpchk\n    default-server check\n\nbackend app\n    default-server no-check\n    server a1 10.0.0.1:80\n"
    assert codes(text, "HL103") == []


def test_hl103_fix_keeps_the_comment_and_is_accepted():
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 10.0.0.1:80 weight 10\t# primary\n"
    result = fix(text, Settings(select=["HL103"]), unsafe=True)
    assert result.text.endswith("    server a1 10.0.0.1:80 check weight 10\t# primary\n")
    assert lint(result.text, Settings(select=["HL103"])) == []


def test_hl103_relative_port_gets_no_fix():
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 10.0.0.1:+1\n"
    (diagnostic,) = lint(text, Settings(select=["HL103"]))
    assert diagnostic.fix is None
    assert "check port <N>" in diagnostic.message


def test_hl103_unix_socket_is_fixable():
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 unix@/run/app.sock\n"
    (diagnostic,) = lint(text, Settings(select=["HL103"]))
    assert diagnostic.fix is not None


@pytest.mark.parametrize("version", sorted(haproxy_binaries()))
def test_hl103_fixed_config_is_accepted_by_haproxy(version, tmp_path):
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 10.0.0.1:80  # note\n    server-template web 1-2 10.0.0.10:80\n    server a2 unix@/run/app.sock\n"
    fixed = fix(text, Settings(select=["HL103"]), unsafe=True).text
    assert fixed.count(" check") == 3
    path = tmp_path / "fixed.cfg"
    path.write_text(fixed)
    result = haproxy_check(haproxy_binaries()[version], path)
    assert "ALERT" not in result.stdout + result.stderr, result.stdout + result.stderr


# --- HL107 / HL108 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("check port 443", "warning"),
        ("check port 8443", "warning"),
        ("check port 9443", "info"),
        ("check port 9443 check-sni app.example.com", "warning"),
        ("check port 9443 check-alpn http/1.1", "warning"),
        ("check addr 10.0.0.9", "warning"),
        ("check addr 10.0.0.9:8080", "info"),
        ("check port 9443 check-ssl", None),
        ("check port 9443 no-check-ssl", None),
    ],
)
def test_hl107_severity_follows_the_check_port(params, expected):
    text = HEAD + f"\nbackend app\n    server a1 10.0.0.1:443 ssl verify none {params}\n"
    found = [severity for _line, severity in codes(text, "HL107")]
    assert found == ([expected] if expected else [])


def test_hl108_leaves_tls_servers_with_a_port_to_hl107():
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 10.0.0.1:443 ssl verify none check port 443\n"
    assert codes(text, "HL108") == []
    assert codes(text, "HL107") == [(12, "warning")]


def test_hl108_addr_with_a_tls_port():
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 10.0.0.1:80 check addr 10.0.0.9:443\n"
    assert codes(text, "HL108") == [(12, "warning")]


# --- HL110 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "expected"), [("2.0", 1), ("2.2", 1), ("2.4", 0), ("2.8", 0), ("3.2", 0)])
def test_hl110_port_serves_the_agent_from_2_4(version, expected):
    text = HEAD + "\nbackend app\n    server a1 10.0.0.1:80 check port 8080 agent-check\n"
    assert len(codes(text, "HL110", version)) == expected


def test_hl110_default_server_port_counts():
    text = HEAD + "\nbackend app\n    default-server agent-port 9999\n    server a1 10.0.0.1:80 check agent-check\n"
    assert codes(text, "HL110") == []


# --- what the per-server rules share -------------------------------------------------------------


def test_pool_names_cover_what_the_servers_write_and_inherit():
    from haproxy_lint.rule import Context
    from haproxy_lint.rules.check_servers import pools

    text = HEAD + "    default-server inter 3s\n\nbackend app\n    server a1 10.0.0.1:80 check\n    default-server sni str(x)\n    server a2 10.0.0.2:80 no-check\nfrontend fe\n    bind :80\n"
    config = parse(text)
    (pool,) = pools(Context(config, Settings()))
    assert pool.proxy.name == "app" and pool.is_backend
    assert pool.names == {"inter", "check", "sni", "no-check"}


def test_hl108_reads_a_port_with_leading_zeros():
    text = HEAD + "\nbackend app\n    option httpchk\n    server a1 10.0.0.1:0443 check\n    server a2 10.0.0.2:4430 check\n"
    assert codes(text, "HL108") == [(12, "warning")]
