"""HL5xx rules: word matching of HL501 and reachability of HL504."""

from __future__ import annotations

import textwrap

import pytest

from haproxy_lint import Settings, lint, lint_configs, parse
from haproxy_lint.rules.pools import spare_word


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("app-backup", "backup"),
        ("webBackup2", "backup"),
        ("dr1", "dr"),
        ("web_DR", "dr"),
        ("STANDBY", "standby"),
        ("spare-03", "spare"),
        ("failover", "failover"),
        (" backup node, powered on for peaks", "backup"),
        ("drupal", None),
        ("address-book", None),
        ("hydra", None),
        ("backupserver", None),  # one word: too risky to split
        ("not a backup", None),
        ("no standby here", None),
        ("", None),
    ],
)
def test_spare_word(text, word):
    assert spare_word(text) == word


def cfg(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


EMPTY = cfg(
    """
    defaults
        mode http
        timeout connect 5s
        timeout client 30s
        timeout server 30s
    backend app
        balance roundrobin
    """
)


def test_backend_alone_in_its_file_counts_as_reachable():
    assert [d.code for d in lint(EMPTY, Settings(select=["HL504"]))] == ["HL504"]


def test_frontend_in_another_file_decides_reachability():
    front_used = parse("frontend www\n    bind :80\n    default_backend app\n", "front.cfg")
    front_other = parse("frontend www\n    bind :80\n    default_backend web\n", "front.cfg")
    back = parse(EMPTY, "back.cfg")
    assert [d.code for d in lint_configs([front_used, back], Settings(select=["HL504"]))] == ["HL504"]
    assert lint_configs([front_other, back], Settings(select=["HL504"])) == []


def test_fallback_of_dynamic_routing_is_not_reported_but_static_default_is():
    dynamic = EMPTY + "frontend www\n    bind :80\n    use_backend be_%[req.hdr(host)]\n    default_backend app\n"
    static = EMPTY + "frontend www\n    bind :80\n    use_backend api if { path_beg /api }\n    default_backend app\n"
    assert lint(dynamic, Settings(select=["HL504"])) == []
    assert [d.code for d in lint(static, Settings(select=["HL504"]))] == ["HL504"]


def test_backup_fix_then_backups_rule():
    """Adding `backup` to two spares makes them a backup pair: HL503 then speaks up."""
    from haproxy_lint import fix

    text = cfg(
        """
        backend app
            server app1 10.0.0.1:80 check
            server spare1 10.0.1.1:80 check
            server spare2 10.0.1.2:80 check
        """
    )
    fixed = fix(text, Settings(select=["HL501"]), unsafe=True).text
    assert fixed.count(":80 backup check\n") == 2
    assert [d.code for d in lint(fixed, Settings(select=["HL5"]))] == ["HL503"]


# --- HL505 -------------------------------------------------------------------------------------


def test_hl505_compares_servers_of_one_backend_only():
    text = cfg(
        """
        backend a
            server s1 10.0.0.1:80
        backend b
            server s1 10.0.0.1:80
        """
    )
    assert lint(text, Settings(select=["HL505"])) == []


def test_hl505_a_third_copy_points_at_the_first():
    text = cfg(
        """
        backend a
            server s1 10.0.0.1:80
            server s2 10.0.0.1:80
            server s3 10.0.0.1:80
        """
    )
    messages = [d.message for d in lint(text, Settings(select=["HL505"]))]
    assert len(messages) == 2 and all("server `s1` (line 2)" in m for m in messages)


def test_hl505_unix_sockets_and_ports_without_a_port():
    text = cfg(
        """
        backend a
            server s1 /run/app.sock
            server s2 unix@/run/app.sock
            server s3 10.0.0.1
            server s4 10.0.0.1
        """
    )
    # `unix@/run/app.sock` and `/run/app.sock` are one socket; so are two addresses without a port.
    assert [d.line for d in lint(text, Settings(select=["HL505"]))] == [3, 5]


def test_hl505_loopback_only_in_its_written_back_form():
    text = cfg(
        """
        backend a
            server s1 127.0.0.1:80
            server s2 127.0.0.1:80
            server s3 127.0.0.01:80
            server s4 127.0.0.01:80
            server s5 10.0.0.01:80
            server s6 10.0.0.01:80
        """
    )
    # 127.0.0.1 is a local stub (left alone); ipaddress refuses the forms with a leading 0,
    # which are compared as written.
    assert [d.line for d in lint(text, Settings(select=["HL505"]))] == [5, 7]
