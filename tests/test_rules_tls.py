"""HL3xx rules: what the fixtures do not pin down on their own (target versions, several
files linted together, HL302 and HL304 fixing the same word, real HAProxy on the fixes)."""

from __future__ import annotations

import textwrap

import pytest

from haproxy_lint import Settings, fix, lint, lint_configs, parse
from haproxy_lint.rules.tls import allowed_versions, is_contiguous, range_words

from .conftest import haproxy_binaries, haproxy_check


def cfg(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BASE = """\
global
    log /dev/log local0
{global_}
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend www
    bind :8080
    default_backend app

backend app
    server app1 10.0.0.1:443 ssl verify required ca-file /etc/ssl/certs/ca-certificates.crt {params}
"""


def config(params: str, global_: str = "") -> str:
    return BASE.format(params=params, global_=global_)


@pytest.mark.parametrize(
    ("flags", "side", "version", "expected"),
    [
        ({0}, "server", (3, 2), "ssl-min-ver TLSv1.0"),
        ({0}, "bind", (3, 2), "ssl-min-ver TLSv1.2"),  # bind lines start at TLSv1.2 since 2.2
        ({0}, "bind", (2, 0), "ssl-min-ver TLSv1.0"),  # ... and at TLSv1.0 before
        ({4}, "server", (2, 8), "ssl-max-ver TLSv1.2"),
        ({4}, "bind", (2, 8), "ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2"),
        ({0, 1, 2, 4}, "server", (2, 6), "ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2"),
    ],
)
def test_range_words(flags, side, version, expected):
    allowed = allowed_versions(flags, side, version)
    assert is_contiguous(allowed)
    assert range_words(allowed, side) == expected


def test_holes_and_empty_ranges():
    assert not is_contiguous(allowed_versions({2}, "server", (2, 6)))
    assert allowed_versions({3, 4}, "bind", (2, 6)) == []
    assert allowed_versions({3, 4}, "bind", (2, 0)) == [1, 2]


def test_bind_flags_depend_on_the_target_version():
    text = cfg(
        """
        frontend www
            bind :443 ssl crt /etc/haproxy/site.pem no-sslv3 no-tlsv13
            default_backend app
        backend app
            server app1 10.0.0.1:80
        """
    )
    old = fix(text, Settings(select=["HL303"], target_version="2.0")).text
    new = fix(text, Settings(select=["HL303"], target_version="2.8")).text
    assert "ssl-min-ver TLSv1.0 ssl-max-ver TLSv1.2" in old
    assert "ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2" in new


@pytest.mark.parametrize("unsafe", [False, True])
def test_hl302_and_hl304_on_one_force_word(unsafe):
    """Both report `force-tlsv10`; whichever fix applies first, the result is consistent."""
    text = config("force-tlsv10")
    diagnostics = lint(text, Settings(select=["HL302", "HL304"]))
    assert sorted(d.code for d in diagnostics) == ["HL302", "HL304"]
    fixed = fix(text, Settings(select=["HL302", "HL304"]), unsafe=unsafe).text
    if unsafe:
        assert fixed == config("ssl-min-ver TLSv1.2")
    else:
        assert fixed == config("ssl-min-ver TLSv1.0 ssl-max-ver TLSv1.0")
        assert [d.code for d in lint(fixed, Settings(select=["HL302", "HL304"]))] == ["HL304"]
    # HL304 alone, on the original text, lands on the same place.
    assert fix(text, Settings(select=["HL304"]), unsafe=True).text == config("ssl-min-ver TLSv1.2")


def test_hl304_drops_a_maximum_below_the_new_minimum():
    text = config("ssl-min-ver TLSv1.0 ssl-max-ver TLSv1.1")
    assert fix(text, Settings(select=["HL304"]), unsafe=True).text == config("ssl-min-ver TLSv1.2")


def test_hl301_is_a_warning_where_ssl_is_not_used():
    text = cfg(
        """
        backend app
            server app1 10.0.0.1:443 ssl verify none force-sslv3
            server app2 10.0.0.2:80 force-sslv3
        """
    )
    assert [(d.line, d.severity.value) for d in lint(text, Settings(select=["HL301"]))] == [(2, "error"), (3, "warning")]


def test_global_options_in_another_file_count():
    """HAProxy reads `-f a.cfg -f b.cfg` as one configuration: global options in one file
    change what the other's lines mean."""
    main = parse(config("no-tlsv11"), "main.cfg")
    extra = parse("global\n    ssl-default-server-options ssl-min-ver TLSv1.2\n", "global.cfg")
    found = [d for d in lint_configs([main, extra], Settings(select=["HL303"])) if d.path == "main.cfg"]
    assert len(found) == 1
    assert "global.cfg, line 2" in found[0].message
    assert found[0].fix is not None and found[0].fix.title == "remove the ignored `no-tlsv11`"
    # The global flags are not fixed while another file's lines set their own versions.
    flags = parse("global\n    ssl-default-server-options no-sslv3 no-tlsv10\n", "global.cfg")
    found = [d for d in lint_configs([main, flags], Settings(select=["HL303"])) if d.path == "global.cfg"]
    assert found and found[0].fix is None


def test_hl306_reads_ssl_server_verify_from_every_file():
    main = parse(cfg("backend app\n    server app1 10.0.0.1:443 ssl\n"), "main.cfg")
    assert lint_configs([main], Settings(select=["HL306"]))
    off = parse("global\n    ssl-server-verify none\n", "global.cfg")
    assert lint_configs([main, off], Settings(select=["HL306"])) == []


def test_hl306_ca_base_alone_does_not_count():
    text = cfg(
        """
        global
            ca-base /etc/ssl/certs
        backend app
            server app1 10.0.0.1:443 ssl
        """
    )
    assert [d.code for d in lint(text, Settings(select=["HL306"]))] == ["HL306"]


def test_hl305_groups_servers_sharing_one_default_server():
    text = cfg(
        """
        defaults
            default-server verify none
        backend a
            server a1 10.0.0.1:443 ssl
        backend b
            server b1 10.0.0.2:443 ssl
            server b2 10.0.0.3:80
        """
    )
    found = lint(text, Settings(select=["HL305"]))
    assert len(found) == 1
    assert "`a/a1`, `b/b1`" in found[0].message


@pytest.mark.parametrize("version", ["2.6", "2.8"])
@pytest.mark.parametrize(
    ("params", "accepted"),
    [
        ("force-sslv3", False),  # OpenSSL 3: "all SSL/TLS versions are disabled"
        ("force-sslv3 ssl-max-ver TLSv1.3", True),
        ("no-tlsv12 no-tlsv13 no-sslv3 no-tlsv10 no-tlsv11", False),
        ("ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.1", False),
    ],
)
def test_what_haproxy_refuses(params, accepted, version, tmp_path):
    """The facts the severities rest on, checked against the real binaries."""
    binary = haproxy_binaries().get(version)
    if binary is None:
        pytest.skip(f"HAProxy {version} is not installed")
    path = tmp_path / "haproxy.cfg"
    path.write_text(config(params))
    assert (haproxy_check(binary, path).returncode == 0) is accepted


# --- HL307 -------------------------------------------------------------------------------------


def test_hl307_checks_in_clear_text_are_not_reported():
    text = "backend app\n    server a 10.0.0.1:443 ssl verify none sni str(a.example.com) check port 80\n"
    assert lint(text, Settings(select=["HL307"])) == []


def test_hl307_auto_sni_from_3_3_only_without_no_check_sni_auto():
    text = (
        "backend app\n    option httpchk\n    http-check send meth GET uri / hdr Host a.example.com\n"
        "    server a 10.0.0.1:443 ssl verify none sni str(a.example.com) check{}\n"
    )
    assert [d.code for d in lint(text.format(""), Settings(select=["HL307"], target_version="3.2"))] == ["HL307"]
    assert lint(text.format(""), Settings(select=["HL307"], target_version="3.4")) == []
    assert [d.code for d in lint(text.format(" no-check-sni-auto"), Settings(select=["HL307"], target_version="3.4"))] == ["HL307"]


@pytest.mark.parametrize("version", sorted(haproxy_binaries()))
def test_hl307_fixed_config_is_accepted(version, tmp_path):
    from .conftest import RULE_FIXTURES

    path = tmp_path / "fixed.cfg"
    path.write_text(fix((RULE_FIXTURES / "HL307" / "bad.cfg").read_text(), Settings(select=["HL307"]), unsafe=True).text)
    assert haproxy_check(haproxy_binaries()[version], path).returncode == 0
