"""HL113-HL115 (health checks in HTTP/2): how they share the work with HL101, and what real
HAProxy says about the configurations they describe (nothing: these are silent hazards)."""

from __future__ import annotations

import pytest

from haproxy_lint import Settings, lint

from .conftest import RULE_FIXTURES, haproxy_binaries, haproxy_check

HEAD = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
{defaults}
frontend www
    bind 127.0.0.1:8080
    default_backend app

"""


def codes(text: str, *select: str, target: str = "3.2") -> list[tuple[int, str]]:
    return sorted((d.line, d.code) for d in lint(text, Settings(select=list(select), target_version=target)))


def test_an_http2_only_request_is_left_by_hl101_to_hl113():
    text = HEAD.format(defaults="") + "backend app\n    option httpchk GET / HTTP/1.1\n    server a 10.0.0.1:80 proto h2 check\n"
    assert codes(text, "HL101", "HL113", "HL114") == [(12, "HL113")]


def test_a_pool_mixing_http1_and_http2_servers_gets_both():
    text = HEAD.format(defaults="") + (
        "backend app\n    option httpchk GET / HTTP/1.1\n"
        "    server a 10.0.0.1:80 check\n    server b 10.0.0.2:80 proto h2 check\n"
    )
    assert codes(text, "HL101", "HL113") == [(12, "HL101"), (12, "HL113")]


def test_hl115_takes_over_from_hl113_for_the_backends_it_reports():
    text = HEAD.format(defaults="    option httpchk") + "backend app\n    server g1 10.0.0.1:50051 proto h2 check\n"
    assert codes(text, "HL113", "HL114", "HL115") == [(11, "HL115")]


def test_hl114_needs_the_version_written():
    text = HEAD.format(defaults="") + (
        "backend app\n    option httpchk GET /\n    http-check send hdr Host a.example.com\n"
        "    server a 10.0.0.1:80 proto h2 check\n"
    )
    assert codes(text, "HL114") == []


def test_http2_rules_do_not_run_before_2_2():
    text = HEAD.format(defaults="") + "backend app\n    option httpchk GET / HTTP/1.1\n    server a 10.0.0.1:80 proto h2 check\n"
    assert codes(text, "HL113", target="2.0") == []


def _binary(version: str) -> str:
    binaries = haproxy_binaries()
    if version not in binaries:
        pytest.fail(f"HAProxy {version} is not installed (.ci/run installs 2.6; the test extras the 2.8 wheel)")
    return binaries[version]


@pytest.mark.parametrize("version", ["2.6", "2.8"])
@pytest.mark.parametrize("code", ["HL113", "HL114", "HL115"])
def test_haproxy_accepts_the_bad_fixtures_without_a_word_about_checks(code, version):
    for path in sorted((RULE_FIXTURES / code).glob("bad*.cfg")):
        result = haproxy_check(_binary(version), path)
        assert result.returncode == 0, result.stdout + result.stderr
        # The path is cut out first: a checkout under a directory named "check" must not fail this.
        said = (result.stdout + result.stderr).replace(str(path), "<file>").replace("could not resolve", "")
        assert "check" not in said, result.stdout


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_hl115_advice_holds_no_option_httpchk_is_refused_and_check_proto_h1_accepted(version, tmp_path):
    """HL115 says `no option httpchk` does not exist, and HL114 offers `check-proto h1`."""
    path = tmp_path / "no.cfg"
    path.write_text(HEAD.format(defaults="    option httpchk") + "backend app\n    no option httpchk\n    server g1 127.0.0.1:50051 proto h2 check\n")
    result = haproxy_check(_binary(version), path)
    assert result.returncode != 0 and "negation/default is not supported for option 'httpchk'" in result.stdout + result.stderr
    path.write_text(HEAD.format(defaults="    option httpchk") + "backend app\n    server g1 127.0.0.1:50051 proto h2 check check-proto h1\n")
    assert haproxy_check(_binary(version), path).returncode == 0
