"""HL8xx rules: what protects a stats page, stats inheritance, socket modes."""

from __future__ import annotations

import textwrap

import pytest

from haproxy_lint import Settings, fix, lint, lint_configs, parse
from haproxy_lint.rules.security import local_address

HL801 = Settings(select=["HL801"])
HL802 = Settings(select=["HL802"])
HL803 = Settings(select=["HL803"])

DEFAULTS = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
"""


def lines(text: str, settings: Settings) -> list[int]:
    return [d.line for d in lint(DEFAULTS + textwrap.dedent(text), settings)]


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("127.0.0.1:8404", True),
        ("127.1.2.3:80", True),
        ("[::1]:8404", True),
        ("ipv6@::1:8404", True),
        ("localhost:8404", True),
        ("/run/haproxy/stats.sock", True),
        ("unix@stats.sock", True),
        ("abns@stats", True),
        ("fd@${fe1}", True),
        (":8404", False),
        ("*:8404", False),
        ("0.0.0.0:8404", False),
        ("10.0.0.1:8404", False),
        ("[::]:8404", False),
        ("${BIND_ADDR}:8404", False),
    ],
)
def test_local_address(address, local):
    assert local_address(address) is local


def test_backend_routed_from_a_frontend_in_another_file():
    fe = parse(DEFAULTS + "frontend www\n    bind :80\n    default_backend be_stats\n", "a.cfg")
    be = parse(DEFAULTS + "backend be_stats\n    stats enable\n", "b.cfg")
    found = lint_configs([fe, be], HL801)
    assert [(d.path, d.line) for d in found] == [("b.cfg", 7)]
    assert "frontend `www` (`:80`)" in found[0].message


def test_backend_routed_only_from_a_local_frontend_in_another_file():
    fe = parse(DEFAULTS + "frontend www\n    bind 127.0.0.1:80\n    default_backend be_stats\n", "a.cfg")
    be = parse(DEFAULTS + "backend be_stats\n    stats enable\n", "b.cfg")
    assert lint_configs([fe, be], HL801) == []


def test_backend_nobody_routes_to_is_reported():
    found = lint(DEFAULTS + "backend be_stats\n    stats uri /s\n", HL801)
    assert "to every request routed to it" in found[0].message


def test_frontend_without_bind_is_not_reachable():
    assert lines("frontend fe\n    stats enable\n", HL801) == []


def test_tcp_frontend_with_http_defaults_stats():
    # `stats enable` inherited by a TCP proxy is ignored by HAProxy; the HTTP one is listed.
    text = DEFAULTS.replace("    mode http\n", "    mode http\n    stats enable\n") + (
        "frontend db\n    mode tcp\n    bind :5432\nfrontend www\n    bind :80\n"
    )
    found = lint(text, HL801)
    assert len(found) == 1
    assert "(frontend `www`)" in found[0].message


def test_own_stats_lines_drop_inherited_auth():
    text = DEFAULTS.replace("    mode http\n", "    mode http\n    stats auth a:b\n") + (
        "listen inherits\n    bind :80\nlisten own\n    bind :81\n    stats hide-version\n"
    )
    found = lint(text, HL801)
    assert [d.line for d in found] == [11]
    assert "discard the `stats auth` of defaults at line 3" in found[0].message


def test_named_defaults_chain_keeps_auth():
    text = (
        "defaults base\n    mode http\n    stats auth a:b\n"
        "defaults web from base\n    stats uri /s\n"
        "listen l from web\n    bind :80\n"
    )
    assert lint(text, HL801) == []


def test_unconditional_deny_after_allow_protects():
    assert lines(
        """\
        listen stats
            bind :8404
            http-request allow if { src 10.0.0.0/8 }
            http-request deny
            stats enable
        """,
        HL801,
    ) == []


def test_forwarded_for_acl_protects():
    assert lines(
        """\
        listen stats
            bind :8404
            acl office req.hdr_ip(X-Forwarded-For,-1) 10.0.0.0/8
            http-request deny unless office
            stats enable
        """,
        HL801,
    ) == []


def test_stats_http_request_allow_alone_does_not_protect():
    assert lines(
        """\
        listen stats
            bind :8404
            stats enable
            stats http-request allow if { src 10.0.0.0/8 }
        """,
        HL801,
    ) == [8]


def test_admin_in_tcp_proxy_is_ignored():
    assert lines("listen l\n    mode tcp\n    bind :80\n    stats admin if TRUE\n", HL802) == []


def test_admin_unless_condition():
    assert lines("listen l\n    bind :80\n    stats admin unless { src 10.0.0.0/8 }\n", HL802) == []
    assert lines("listen l\n    bind :80\n    stats admin unless FALSE\n", HL802) == [8]


# --- HL803 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "fixed"),
    [
        ("666", "660"),
        ("0666", "0660"),
        ("777", "770"),
        ("0002", "0600"),
        ("1777", "1770"),
        ("622", "620"),
    ],
)
def test_mode_fix_clears_the_others_digit(mode, fixed):
    text = f"global\n    stats socket /run/haproxy/admin.sock mode {mode} level admin\n"
    result = fix(text, HL803)
    assert result.text == text.replace(f"mode {mode}", f"mode {fixed}")


@pytest.mark.parametrize("mode", ["660", "0640", "604", "rw", "0x1ff", ""])
def test_modes_not_reported(mode):
    text = f"global\n    stats socket /run/haproxy/admin.sock level admin mode {mode}\n"
    assert lint(text, HL803) == []


def test_only_the_global_stats_socket():
    assert lint("frontend fe\n    bind /run/fe.sock mode 666\n", HL803) == []
