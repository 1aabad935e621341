"""Typed views: durations, addresses, servers, and effective settings through inheritance."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from haproxy_lint import Proxy, Server, parse, parse_address, parse_duration


@pytest.mark.parametrize(
    "text, ms",
    [
        ("5s", 5000), ("500ms", 500), ("1m", 60000), ("2h", 7_200_000), ("1d", 86_400_000),
        ("1500", 1500), ("0", 0), ("1us", 1), ("1500us", 2),
        ("5 s", None), ("fast", None), ("", None), ("5sec", None), ("-5s", None), ("1.5s", None),
    ],
)
def test_durations_in_milliseconds(text, ms):
    assert parse_duration(text) == ms


@pytest.mark.parametrize(
    "text, prefix, host, port, kind",
    [
        ("10.0.0.1:80", "", "10.0.0.1", "80", "ipv4"),
        ("10.0.0.1", "", "10.0.0.1", None, "ipv4"),
        ("[::1]:8443", "", "::1", "8443", "ipv6"),
        ("[2001:db8::1]", "", "2001:db8::1", None, "ipv6"),
        ("ipv6@::1:80", "ipv6@", "::1", "80", "ipv6"),
        ("ipv4@app.internal:80", "ipv4@", "app.internal", "80", "hostname"),
        ("unix@/run/app.sock", "unix@", "/run/app.sock", None, "unix"),
        ("/var/run/app.sock", "", "/var/run/app.sock", None, "unix"),
        ("abns@haproxy-peers", "abns@", "haproxy-peers", None, "abns"),
        ("backend-server1:80", "", "backend-server1", "80", "hostname"),
        ("app.example.com:+1", "", "app.example.com", "+1", "hostname"),
        ("app.example.com:8000-8010", "", "app.example.com", "8000-8010", "hostname"),
        ("${BACKEND_HOST}:80", "", "${BACKEND_HOST}", "80", "env"),
        ("127.0.0.1:${PORT}", "", "127.0.0.1", "${PORT}", "ipv4"),
        (":80", "", "", "80", "any"),
        ("*:443", "", "*", "443", "any"),
        ("localhost:6379", "", "localhost", "6379", "hostname"),
        ("fd@3", "fd@", "3", None, "fd"),
    ],
)
def test_addresses(text, prefix, host, port, kind):
    address = parse_address(text)
    assert (address.prefix, address.host, address.port, address.kind) == (prefix, host, port, kind)


def test_port_number_only_for_plain_ports():
    assert parse_address("a:80").port_number == 80
    assert parse_address("a:+1").port_number is None
    assert parse_address("a:8000-8010").port_number is None


CONFIG = """\
defaults
    mode http
    timeout connect 5s
    timeout check 3s
    default-server inter 4s fall 5 check

defaults tcp_base
    mode tcp
    timeout connect 1s
    default-server rise 7

backend web
    timeout check 1s
    server a 10.0.0.1:80 inter 2s
    server b 10.0.0.2:80 no-check
    default-server weight 50
    server c 10.0.0.3:80

backend db from tcp_base
    server d db.internal:5432 check ssl verify none sni str(db.internal) init-addr last,libc,none
    server-template e 1-3 app.internal:8080 check resolvers dns

listen legacy
    contimeout 3000
    server f "${HOST}:80" backup
"""


@pytest.fixture(scope="module")
def config():
    return parse(CONFIG)


def test_latest_defaults_section_named_or_not(config):
    web = config.proxy("web")
    assert web.defaults.section.name == "tcp_base"
    assert web.effective_mode == "tcp"
    assert web.timeout("connect").value == "1s"
    assert web.timeout("connect").inherited


def test_from_names_the_defaults(config):
    db = config.proxy("db")
    assert db.defaults.section.name == "tcp_base"


def test_a_defaults_section_without_from_starts_fresh(config):
    tcp_base = next(p for p in config.proxies if p.name == "tcp_base")
    assert tcp_base.defaults is None
    assert tcp_base.timeout("check") is None


def test_own_lines_override_defaults(config):
    web = config.proxy("web")
    assert web.timeout("check").value == "1s"
    assert not web.timeout("check").inherited


def test_default_server_inheritance_and_order(config):
    web = config.proxy("web")
    a, b, c = web.servers
    # rise 7 comes from tcp_base's default-server; a's own inter wins
    assert (a.inter, a.rise, a.fall, a.check) == (2000, 7, 3, False)
    assert b.has("no-check") and not b.check
    # default-server weight 50 comes after a and b: only c gets it
    assert a.value("weight") is None and c.value("weight") == "50"


def test_server_views(config):
    db = config.proxy("db")
    d, e = db.servers
    assert (d.name, d.address.host, d.address.port_number) == ("d", "db.internal", 5432)
    assert d.check and d.ssl and d.verify == "none" and d.sni == "str(db.internal)"
    assert d.init_addr == ["last", "libc", "none"]
    assert d.inter == 2000 and d.fall == 3 and d.rise == 7
    assert (e.kind, e.name, e.address.host, e.resolvers) == ("server-template", "e", "app.internal", "dns")
    param = d.get("verify")
    assert CONFIG[param.start : param.end] == "verify none"


def test_legacy_timeout_alias_and_env_address(config):
    legacy = config.proxy("legacy", ("listen",))
    assert legacy.timeout("connect").value == "3000"
    (f,) = legacy.servers
    assert f.address.kind == "env" and f.backup


def test_options_last_line_wins_and_no_option_disables():
    config = parse(
        "defaults\n    option httpchk GET /\n    option redispatch\n"
        "backend b\n    no option redispatch\n    option httpchk HEAD /health\n"
    )
    b = config.proxy("b")
    assert b.option("httpchk").line.values == ["option", "httpchk", "HEAD", "/health"]
    assert b.option("redispatch") is None
    assert b.options["redispatch"].line.keyword == "no"


def test_http_check_rules_come_from_defaults_only_when_the_proxy_has_none():
    config = parse(
        "defaults\n    http-check expect status 200\n"
        "backend a\n    server s 1.1.1.1:80\n"
        "backend b\n    http-check expect status 204\n"
    )
    lines, inherited = config.proxy("a").effective_lines("http-check")
    assert inherited and lines[0].values[-1] == "200"
    lines, inherited = config.proxy("b").effective_lines("http-check")
    assert not inherited and lines[0].values[-1] == "204"


def test_an_own_option_httpchk_starts_an_empty_rule_set():
    config = parse(
        "defaults\n    option httpchk\n    http-check expect status 200\n"
        "backend b\n    option httpchk GET /\n"
    )
    assert config.proxy("b").effective_lines("http-check") == ([], False)


def test_default_server_flags_and_their_no_forms_cancel():
    config = parse(
        "backend b\n    default-server check\n    default-server no-check\n    server s 1.1.1.1:80\n"
        "    default-server check\n    server t 1.1.1.2:80\n"
    )
    s, t = config.proxy("b").servers
    assert not s.check and "check" not in s.inherited
    assert t.check and "no-check" not in t.inherited


def test_log_lines_add_to_inherited_ones_and_no_log_clears():
    config = parse(
        "defaults\n    log global\n"
        "backend a\n    log 127.0.0.1 local0\n"
        "backend b\n    no log\n"
    )
    assert [s.value for s in config.proxy("a").log] == ["global", "127.0.0.1"]
    assert config.proxy("b").log == []


def test_the_last_of_a_flag_and_its_no_form_wins_on_one_line():
    (server,) = parse("backend b\n    server s 1.1.1.1:80 check no-check\n").proxy("b").servers
    assert not server.check


def test_defaults_carry_over_to_the_files_read_after_them():
    from haproxy_lint import Settings
    from haproxy_lint.linter import lint_configs
    from haproxy_lint.rule import Context

    first = parse("defaults base\n    mode http\n    timeout connect 5s\n", "a.cfg")
    second = parse("backend b\n    server s 1.1.1.1:80\nbackend c from base\n", "b.cfg")
    ctx = Context(second, Settings(), [first, second])
    b, c = ctx.proxies
    assert b.effective_mode == "http" and b.timeout("connect").value == "5s"
    assert c.defaults.section.name == "base"
    # alone, the second file has no defaults at all
    assert second.proxy("b").effective_mode == "tcp"
    assert lint_configs([first, second], Settings(select=["HL906"])) == []


def test_bind_routes_and_acls():
    config = parse(
        "defaults\n    mode http\n    default_backend fallback\n"
        "frontend www\n"
        "    bind :80,:8080\n"
        "    bind ipv6@[::]:443 ssl crt /etc/ssl/site.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2 v4v6\n"
        "    acl is_api path_beg -i /api /v2\n"
        "    use_backend api if is_api\n"
        "    use_backend %[req.hdr(host),lower] if { hdr(host) -m found }\n"
    )
    www = config.proxy("www", ("frontend",))
    plain, tls = www.binds
    assert [a.port for a in plain.addresses] == ["80", "8080"] and not plain.ssl
    assert tls.ssl and tls.addresses[0].kind == "any"
    assert {name: p.value for name, p in tls.params.items()} == {
        "ssl": None, "crt": "/etc/ssl/site.pem", "alpn": "h2,http/1.1", "ssl-min-ver": "TLSv1.2", "v4v6": None
    }
    routes = www.routes
    assert [(r.backend, r.dynamic) for r in routes] == [
        ("api", False), ("%[req.hdr(host),lower]", True), ("fallback", False)
    ]
    assert [w.value for w in routes[0].condition] == ["if", "is_api"]
    (acl,) = www.acls
    assert (acl.name, acl.criterion, [w.value for w in acl.values]) == ("is_api", "path_beg", ["-i", "/api", "/v2"])


@pytest.mark.parametrize("quoted", [False, True])
def test_a_server_view_finds_its_words_when_first_asked_for(quoted):
    # Server views read their line's values: its words are cut only for a rule that asks for
    # one (a large file has thousands of server lines, most never reported on).
    address = '"10.0.0.1:80"' if quoted else "10.0.0.1:80"
    config = parse(f"backend b\n    server s1 {address} check inter 2s source 10.0.0.9 usesrc client  # spare\n")
    line = config.sections[0].directives[0]
    server = config.proxy("b").servers[0]
    assert (server.name, server.address.host, server.inter, server.check) == ("s1", "10.0.0.1", 2000, True)
    assert {name: p.value for name, p in server.params.items()} == {
        "check": None, "inter": "2s", "source": "10.0.0.9", "usesrc": "client"
    }
    assert line.words_cut is quoted  # (a quoted line is cut to read its values)
    words = line.words
    assert server.name_word is words[1] and server.address_word is words[2]
    params = server.params
    assert params["check"].word is words[3] and params["check"].value_word is None
    assert (params["inter"].word, params["inter"].value_word) == (words[4], words[5])
    assert (params["usesrc"].word, params["usesrc"].value_word) == (words[8], words[9])
    assert params["inter"].end == words[5].end


def test_server_and_proxy_views_are_frozen_pydantic_models():
    # Built without validation (and words found late), they are pydantic models all the same.
    config = parse("backend b\n    mode http\n    default-server inter 3s\n    server s1 10.0.0.1:80 check\n")
    proxy = config.proxy("b")
    server = proxy.servers[0]
    for view in (proxy, proxy.mode, server, server.address):
        assert isinstance(view, BaseModel)
    with pytest.raises(ValidationError):
        server.name = "s2"
    with pytest.raises(ValidationError):
        proxy.mode = None
    assert not config.sections[0].directives[2].words_cut  # (the server's words not cut yet)
    dumped = server.model_dump()
    assert list(dumped) == list(Server.model_fields) == [
        "kind", "line", "name", "name_word", "address", "address_word", "params", "inherited"
    ]
    assert (dumped["name"], dumped["name_word"]["value"], dumped["address"]["port"]) == ("s1", "s1", "80")
    assert set(dumped["params"]) == {"check"} and set(dumped["inherited"]) == {"inter"}
    assert list(proxy.model_dump()) == list(Proxy.model_fields)
    assert server.inter == 3000 and server.check
    assert server.model_copy() == server and repr(server.model_copy()) == repr(server)
    assert server.model_copy(update={"name": "s2"}).name == "s2"
    assert repr(server).startswith("Server(kind='server', line=Line(") and "name_word=Word(" in repr(server)
    assert Server.model_validate(dict(server)) == server
