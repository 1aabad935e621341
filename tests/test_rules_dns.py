"""HL4xx rules: address kinds, target versions and several files linted together."""

from __future__ import annotations

import textwrap

import pytest

from haproxy_lint import Settings, lint, lint_configs, parse

from .conftest import haproxy_binaries, haproxy_check


def cfg(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def backend(address: str, params: str = "") -> str:
    return f"backend app\n    server app1 {address} check {params}\n"


@pytest.mark.parametrize(
    ("address", "reported"),
    [
        ("app.internal.example:80", True),
        ("db-primary:5432", True),
        ("ipv4@app.internal.example:80", True),
        ("app.internal.example", True),  # no port: the traffic's port
        ("10.0.0.1:80", False),
        ("10.0.0.1", False),
        ("[2001:db8::1]:443", False),
        ("ipv6@2001:db8::1:443", False),
        ("::1:80", False),
        ('"${BACKEND_HOST}:80"', False),
        ('"$BACKEND_HOST:80"', False),
        ("unix@/run/app.sock", False),
        ("/run/app.sock", False),
        ("abns@app", False),
        ("localhost:8080", False),
        ("LOCALHOST:8080", False),
        ("api.localhost:8080", False),
    ],
)
def test_hl401_address_kinds(address, reported):
    found = lint(backend(address), Settings(select=["HL401"]))
    assert bool(found) is reported


def test_hl401_and_hl402_see_resolvers_from_default_server_in_defaults():
    text = cfg(
        """
        resolvers dns
            parse-resolv-conf
        defaults
            default-server resolvers dns init-addr none
        backend app
            server app1 app.internal.example:80 check
        """
    )
    assert lint(text, Settings(select=["HL401", "HL402"])) == []
    # Without resolvers, `init-addr none` is HL402's sharper finding; HL401 steps aside.
    assert [d.code for d in lint(text.replace("resolvers dns init", "init"), Settings(select=["HL401", "HL402"]))] == ["HL402"]


@pytest.mark.parametrize(("methods", "reported"), [("none", True), ("last,libc,none", True), ("none,libc", True), ("last,libc", False), ("10.0.0.9", False)])
def test_hl402_methods(methods, reported):
    found = lint(backend("app.internal.example:80", f"init-addr {methods}"), Settings(select=["HL402"]))
    assert bool(found) is reported


@pytest.mark.parametrize(("version", "reported"), [("2.4", True), ("2.6", False), ("3.2", False)])
def test_hl403_default_resolvers_exist_from_2_6(version, reported):
    found = lint(backend("app.internal.example:80", "resolvers default"), Settings(select=["HL403"], target_version=version))
    assert bool(found) is reported


def test_hl403_looks_at_every_file():
    main = parse(backend("app.internal.example:80", "resolvers dns"), "main.cfg")
    assert len(lint_configs([main], Settings(select=["HL403"]))) == 1
    other = parse("resolvers dns\n    nameserver ns1 10.0.0.53:53\n", "resolvers.cfg")
    assert lint_configs([main, other], Settings(select=["HL403"])) == []


def test_hl403_suggests_a_close_name():
    text = "resolvers dns\n    nameserver ns1 10.0.0.53:53\n" + backend("app.internal.example:80", "resolvers dsn")
    (found,) = lint(text, Settings(select=["HL403"]))
    assert "did you mean `dns`?" in found.message


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_haproxy_refuses_undefined_resolvers_only_when_a_server_uses_them(version, tmp_path):
    binary = haproxy_binaries().get(version)
    if binary is None:
        pytest.skip(f"HAProxy {version} is not installed")
    head = "defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n"
    head += "frontend www\n    bind :8080\n    default_backend app\n"
    path = tmp_path / "haproxy.cfg"
    path.write_text(head + "backend app\n    default-server resolvers nosuch\n    server app1 127.0.0.1:80 resolvers nosuch\n")
    assert haproxy_check(binary, path).returncode != 0
    path.write_text(head + "backend app\n    server app1 127.0.0.1:80\nbackend unused\n    default-server resolvers nosuch\n")
    assert haproxy_check(binary, path).returncode == 0


# --- HL404 -------------------------------------------------------------------------------------


def test_hl404_a_section_used_from_another_file_counts():
    first = parse("resolvers dns\n    nameserver ns1 10.0.0.53:53\n", "a.cfg")
    second = parse("backend app\n    server app1 app.example.com:80 resolvers dns\n", "b.cfg")
    assert [d for d in lint_configs([first, second], Settings(select=["HL404"]))] == []
    assert [d.code for d in lint(first.to_text(), Settings(select=["HL404"]))] == ["HL404"]


def test_hl404_a_name_from_the_environment_silences_it():
    text = "resolvers dns\n    nameserver ns1 10.0.0.53:53\nbackend app\n    server app1 app.example.com:80 resolvers \"${DNS}\"\n"
    assert lint(text, Settings(select=["HL404"])) == []


def test_hl404_default_is_the_http_clients():
    text = "resolvers default\n    parse-resolv-conf\n"
    assert lint(text, Settings(select=["HL404"], target_version="2.6")) == []
    assert [d.code for d in lint(text, Settings(select=["HL404"], target_version="2.4"))] == ["HL404"]


def test_hl404_tcp_request_do_resolve_counts():
    text = (
        "resolvers dns\n    nameserver ns1 10.0.0.53:53\n"
        "frontend f\n    mode tcp\n    tcp-request content do-resolve(sess.ip,dns) str(example.com)\n"
    )
    assert lint(text, Settings(select=["HL404"])) == []


@pytest.mark.parametrize("version", sorted(haproxy_binaries()))
def test_hl404_haproxy_accepts_an_unused_section_silently(version, tmp_path):
    path = tmp_path / "unused.cfg"
    path.write_text(
        "resolvers dns\n    nameserver ns1 10.0.0.53:53\n"
        "defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n"
        "frontend www\n    bind 127.0.0.1:8080\n    default_backend app\n"
        "backend app\n    server app1 127.0.0.1:80 check\n"
    )
    result = haproxy_check(haproxy_binaries()[version], path)
    assert result.returncode == 0 and "resolvers" not in result.stdout + result.stderr
    assert [d.code for d in lint(path.read_text(), Settings(select=["HL404"]))] == ["HL404"]
