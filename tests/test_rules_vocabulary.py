"""HL909-HL914 beyond their fixtures: versions, environment variables, optional modules,
custom builds, and real HAProxy's verdict on what the rules report."""

from __future__ import annotations

import pytest

from haproxy_lint import Settings, lint

from .conftest import haproxy_binaries, haproxy_check

HEAD = """defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend www
    bind 127.0.0.1:18080
    default_backend web
backend web
"""


def findings(body: str, version: str = "2.6", code: str = "HL9", **settings) -> list[tuple[str, int, str]]:
    text = HEAD + body
    return [(d.code, d.line, d.message) for d in lint(text, Settings(target_version=version, select=[code], **settings))]


def test_a_server_typo_is_named_with_its_suggestion_and_hl103_no_longer_guesses():
    [(code, line, message)] = findings("    server app1 10.0.0.1:80 chek inter 2s\n", code="HL909")
    assert (code, line) == ("HL909", 10)
    assert "`chek`" in message and "did you mean `check`" in message


@pytest.mark.parametrize("version, expected", [("2.6", "came in 2.8"), ("2.8", None), ("2.7", None)])
def test_a_word_of_a_later_version(version, expected):
    # set-bandwidth-limit came in 2.7: the 2.8 table is the first to list it, and a 2.7
    # target may know it
    body = "    filter bwlim-out lim default-limit 1m default-period 1s\n"
    found = findings(body + "    http-request set-bandwidth-limit lim\n    server s 127.0.0.1:80\n", version, "HL910")
    if expected is None:
        assert found == []
    else:
        [(_, _, message)] = found
        assert expected in message


def test_a_word_a_later_version_removed():
    body = "    server s 127.0.0.1:80\n    http-request set-var(txn.x) ssl_ocsp_status\n"
    assert findings(body, "2.8", "HL911") == []
    [(_, _, message)] = findings(body, "3.0", "HL911")
    assert "`ssl_ocsp_status` was removed in HAProxy 3.0" in message


def test_environment_variables_are_never_judged():
    body = '    server s1 "${ADDR}" ${OPTS} check\n    http-request ${ACTION}\n    balance ${ALGO}\n'
    assert findings(body) == []


def test_module_words_count_as_known_unless_the_build_lacks_the_module():
    body = "    http-request lua.auth\n    server s 127.0.0.1:80\n"
    assert findings(body, code="HL910") == []
    [(_, _, message)] = findings(body, code="HL910", build_without=["lua"])
    assert "lua.auth" in message


def test_extra_keywords_of_a_custom_build():
    body = "    server s 127.0.0.1:80 check my-flag\n"
    assert findings(body, code="HL909")
    assert findings(body, code="HL909", extra_keywords=["my-flag"]) == []


def test_acls_are_not_inherited_from_defaults_nor_shared_between_sections():
    text = ("defaults d\n    mode http\n    acl shared path /x\n"
            "frontend www from d\n    bind :80\n    acl mine path /y\n    http-request deny if mine\n"
            "    default_backend web\nbackend web from d\n    http-request deny if shared || mine\n"
            "    server s 127.0.0.1:80\n")
    found = [(d.line, d.message) for d in lint(text, Settings(target_version="2.6", select=["HL912"]))]
    assert [line for line, _ in found] == [10, 10]


def test_lines_in_a_skipped_version_block_are_not_judged():
    body = ".if version_atleast(2.8)\n    http-request sc-add-gpc(0,1) 1\n.endif\n    server s 127.0.0.1:80\n"
    assert findings(body.replace(".if version_atleast(2.8)\n", "").replace(".endif\n", ""), "2.6", "HL910")
    assert findings(body, "2.6", "HL910") == []


@pytest.mark.parametrize("line", [
    "    server s 127.0.0.1:18081 chek",
    "    server s 127.0.0.1:18081 check inter 2x",
    "    server s 127.0.0.1:18081 check weight 257",
    "    http-request rediret scheme https\n    server s 127.0.0.1:18081",
    "    http-request set-header X %[src,lowerr]\n    server s 127.0.0.1:18081",
    "    http-request deny if nosuch\n    server s 127.0.0.1:18081",
    "    balance roundrobn\n    server s 127.0.0.1:18081",
    "    http-request set-header X %cx\n    server s 127.0.0.1:18081",
    "    http-request add-header X-A a b\n    server s 127.0.0.1:18081",
    "    http-request deny deny_staus 403\n    server s 127.0.0.1:18081",
    "    http-request redirect prefix /new cod 301\n    server s 127.0.0.1:18081",
    "    http-request set-var-fit(txn.x) str(a)\n    server s 127.0.0.1:18081",
    "    tcp-request content accept iff TRUE\n    server s 127.0.0.1:18081",
    "    option httpchk\n    http-check connect pport 8080\n    server s 127.0.0.1:18081 check",
    "    option httpchk\n    http-check send meth GET urri /\n    server s 127.0.0.1:18081 check",
    "    option httpchk\n    http-check expect statuss 200\n    server s 127.0.0.1:18081 check",
    "    use-server s iff TRUE\n    server s 127.0.0.1:18081",
    "    option dontlognull yes\n    server s 127.0.0.1:18081",
    "    errorfile 406 /dev/null\n    server s 127.0.0.1:18081",
    "    timeout server 10k\n    server s 127.0.0.1:18081",
    "    timeout server 30s 30s\n    server s 127.0.0.1:18081",
    "    filter compresion\n    server s 127.0.0.1:18081",
])
@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_what_the_rules_report_real_haproxy_refuses_and_the_fixed_line_it_accepts(line, version, tmp_path):
    binaries = haproxy_binaries()
    if version not in binaries:
        pytest.fail(f"HAProxy {version} is not installed")
    text = HEAD + line + "\n"
    errors = [d for d in lint(text, Settings(target_version=version, select=["HL909", "HL91"])) if d.severity == "error"]
    assert errors, line
    path = tmp_path / "bad.cfg"
    path.write_text(text)
    assert haproxy_check(binaries[version], path).returncode != 0


@pytest.mark.parametrize("line", [
    "    server s 127.0.0.1:18081 check inter 2sec",
    "    server s 127.0.0.1:18081 check weight",
    "    timeout server 30sec\n    server s 127.0.0.1:18081",
])
@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_what_haproxy_only_warns_about_is_a_warning(line, version, tmp_path):
    binaries = haproxy_binaries()
    if version not in binaries:
        pytest.fail(f"HAProxy {version} is not installed")
    text = HEAD + line + "\n"
    found = lint(text, Settings(target_version=version, select=["HL909", "HL91"]))
    assert [d.severity for d in found] == ["warning"], found
    path = tmp_path / "warned.cfg"
    path.write_text(text)
    assert haproxy_check(binaries[version], path).returncode == 0
