"""HL915/HL916 (shapes): the argument counts and address checks against real HAProxy
(Debian's 2.6.12 and a 2.8.25), no false error on the corpus files HAProxy accepts, the
version-dependent verdicts, and the data against HAProxy's sources."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from haproxy_lint import Settings, fix, lint, lint_configs, parse
from haproxy_lint.diagnostics import Severity
from haproxy_lint.keywords import VERSIONS, table
from haproxy_lint.rules.shapes import BIND, LOG, SERVER, check_address, shapes

from .conftest import ROOT, RULE_FIXTURES, corpus_files, haproxy_binaries, haproxy_check, manifest, read_corpus

CODES = ["HL915", "HL916"]
BINARIES = haproxy_binaries()
HAPROXY_REPO = Path("/work/.mirror/haproxy+haproxy/repo")
needs_binaries = pytest.mark.skipif(not BINARIES, reason="no HAProxy binary here")


def _lint(text: str, version: str, codes: list[str] = CODES):
    return lint(text, Settings(select=codes, target_version=version))


def _errors(text: str, version: str, codes: list[str] = CODES) -> list[str]:
    return [f"{d.line}: {d.message}" for d in _lint(text, version, codes) if d.severity is Severity.ERROR]


# --- HAProxy's verdict on one line ------------------------------------------------------------

BASE = """global
    master-worker
{global_line}
defaults
    mode http
    timeout client 5s
    timeout server 5s
    timeout connect 5s
frontend fe_probe
    bind 127.0.0.1:10001
    default_backend be_probe
backend be_probe
    server s1 127.0.0.1:10002
"""
#: A section of each kind that HAProxy accepts empty (checked by test_section_templates_load).
SECTIONS = {
    "defaults": "defaults d\n",
    "frontend": "frontend fp\n    bind 127.0.0.1:10005\n",
    "listen": "listen lp\n    bind 127.0.0.1:10006\n",
    "backend": "backend bp\n",
    "peers": "peers p\n    peer other 127.0.0.1:10003\n",
    "resolvers": "resolvers r\n    nameserver ns1 127.0.0.1:53\n",
    "userlist": "userlist u\n",
    "mailers": "mailers m\n    mailer m1 127.0.0.1:25\n",
    "ring": "ring r\n",
    "cache": "cache c\n    total-max-size 4\n",
    "http-errors": "http-errors e\n",
    "program": "program p\n    command /bin/true\n",
    "log-forward": "log-forward l\n    dgram-bind 127.0.0.1:10004\n    log 127.0.0.1:514 local0\n",
    "fcgi-app": "fcgi-app f\n    docroot /tmp\n",
}


def config_with(kind: str, line: str | None) -> str:
    """A configuration HAProxy accepts, with ``line`` added in a section of ``kind``."""
    if kind == "global":
        return BASE.format(global_line="    " + line if line is not None else "")
    return BASE.format(global_line="") + SECTIONS[kind] + ("    " + line + "\n" if line is not None else "")


def refused(binary: str, text: str, folder: Path) -> tuple[bool, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "haproxy.cfg"
    path.write_text(text, encoding="utf-8")
    result = haproxy_check(binary, path)
    return result.returncode != 0, result.stdout + result.stderr


@needs_binaries
@pytest.mark.parametrize("version", sorted(BINARIES))
def test_section_templates_load(version, tmp_path):
    binary = BINARIES[version]
    for kind in ["global", *SECTIONS]:
        no, output = refused(binary, config_with(kind, None), tmp_path / kind)
        assert not no, f"{kind}: {output}"


def _section_for(version: str, kind: str, keyword: str) -> str | None:
    if kind != "proxy":
        return kind if kind == "global" or kind in SECTIONS else None
    info = table(version).lookup("listen", keyword.split())
    accepted = info.accepted_in if info is not None else frozenset()
    return next((k for k in ("listen", "backend", "frontend", "defaults") if k in accepted), None)


@needs_binaries
@pytest.mark.parametrize("version", sorted(BINARIES))
def test_every_count_is_what_haproxy_refuses(version, tmp_path):
    """Each minimum and maximum of shapes.json for 2.6 and 2.8: one argument less than the
    minimum, one more than the maximum, and HAProxy refuses the line."""
    binary = BINARIES[version]
    cases = []
    for kind, keywords in shapes(version)["keywords"].items():
        for keyword, shape in keywords.items():
            section = _section_for(version, kind, keyword)
            if section is None:
                continue
            if shape.get("min"):
                cases.append((section, keyword + " x" * (shape["min"] - 1), "min"))
            if "max" in shape:
                cases.append((section, keyword + " x" * (shape["max"] + 1), "max"))
    assert len(cases) > 300

    def run(case):
        i, (section, line, what) = case
        no, output = refused(binary, config_with(section, line), tmp_path / str(i))
        return None if no else f"{section}: `{line}` ({what}) is accepted by HAProxy {version}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        wrong = [x for x in pool.map(run, enumerate(cases)) if x]
    assert wrong == []


@pytest.mark.parametrize("version", VERSIONS)
def test_counts_name_keywords_of_the_version(version):
    t = table(version)
    for kind, keywords in shapes(version)["keywords"].items():
        section = "backend" if kind == "proxy" else kind
        for keyword, shape in keywords.items():
            assert t.lookup(section, keyword.split()) is not None, (kind, keyword)
            assert shape.get("min", 0) <= shape.get("max", 99), (kind, keyword, shape)


@pytest.mark.parametrize(
    ("kind", "keyword", "expected"),
    [
        ("global", "pidfile", {"min": 1, "max": 1}),
        ("global", "maxconn", {"min": 1, "max": 1}),
        ("global", "nbthread", {"min": 1, "max": 1}),
        ("global", "chroot", {"min": 1, "max": 1}),
        ("global", "user", {"min": 1, "max": 1}),
        ("global", "daemon", {"min": 0, "max": 0}),
        ("proxy", "mode", {"min": 1, "max": 1}),
        ("proxy", "maxconn", {"min": 1, "max": 1}),
        ("proxy", "default_backend", {"min": 1, "max": 1}),
        ("proxy", "use_backend", {"min": 1}),
        ("proxy", "timeout client", {"min": 1}),
        ("proxy", "bind", {"min": 1}),
        ("proxy", "server", {"min": 2}),
        ("proxy", "acl", {"min": 2}),
        ("proxy", "balance", None),  # `balance` alone: round robin
        ("proxy", "option httpchk", {"min": 0, "max": 3}),  # <method> <uri> <version>
        ("peers", "peer", None),  # accepted alone by 2.6 and 2.8
    ],
)
def test_known_counts(kind, keyword, expected):
    assert shapes("2.6")["keywords"].get(kind, {}).get(keyword) == expected


# --- addresses ----------------------------------------------------------------------------------

#: (section, line, lint severity at 2.6 and 2.8 or None); HAProxy refuses exactly the errors.
ADDRESSES = [
    ("listen", "bind :i80", "error"),
    ("listen", "bind :80880", "error"),
    ("listen", "bind :65536", "error"),
    ("listen", "bind :0", "error"),
    ("listen", "bind 1.2.3.4.5:80", "error"),
    ("listen", "bind 300.1.1.1:80", "error"),
    ("listen", "bind :80x", "warning"),
    ("listen", "bind :8080-8070", "error"),
    ("listen", "bind :8080-80900", "error"),
    ("listen", "bind :8080-8090", None),
    ("listen", "bind 127.0.0.1", "error"),
    ("listen", "bind 127.0.0.1:", "error"),
    ("listen", "bind :+80", "error"),
    ("listen", "bind :80,:8081", None),
    ("listen", "bind :80,", None),
    ("listen", "bind :::8097", None),
    ("listen", "bind ipv4@:8098", None),
    ("listen", "bind ipv6@:8097", None),
    ("listen", "bind udp@:8096", "error"),
    ("listen", "bind foo@:80", "error"),
    ("listen", "bind mptcp@:80", "error"),
    ("listen", "bind localhost:8099", None),
    ("listen", 'bind "${HL_UNSET_PORT}"', None),  # refused (empty), but never judged
    ("backend", "server s1 check 10.0.0.1:80", "error"),
    ("backend", "server s1 10.0.0.1:99999", "error"),
    ("backend", "server s1 10.0.0.1:65536", "error"),
    ("backend", "server s1 10.0.0.1:65535", None),
    ("backend", "server s1 10.0.0.1:0", None),
    ("backend", "server s1 10.0.0.1:80x", "warning"),
    ("backend", "server s1 10.0.0.1:i80", "error"),
    ("backend", "server s1 10.0.0.1:8080-8090", "error"),
    ("backend", "server s1 10.0.0.1", None),
    ("backend", "server s1 10.0.0.1:", None),
    ("backend", "server s1 10.0.0.1:+1", None),
    ("backend", "server s1 10.0.0.1:-1", None),
    ("backend", "server s1 1.2.3.4.5:80", "error"),
    ("backend", "server s1 300.1.1.1:80", "error"),
    ("backend", "server s1 127.1:80", None),
    ("backend", "server s1 [::1]:80", None),
    ("backend", "server s1 2001:db8::1:80", None),
    ("backend", "server s1 ::1", "error"),
    ("backend", "server s1 unix@/tmp/x.sock", None),
    ("backend", "server s1 /tmp/x.sock", None),
    ("backend", "server s1 abns@foo", None),
    ("backend", "server s1 foo@10.0.0.1:80", "error"),
    ("backend", "server-template s 3 10.0.0.1:99999", "error"),
    ("global", "log 127.0.0.1:5140x local0", "warning"),
    ("global", "log 127.0.0.1:99999 local0", "error"),
    ("global", "log 127.0.0.1:i514 local0", "error"),
    ("global", "log 127.0.0.1 local0", None),
    ("global", "log 127.0.0.1", "error"),
    ("global", "log 127.0.0.1:514-520 local0", "error"),
    ("global", "log 127.0.0.1:+1 local0", "error"),
    ("global", "log 1.2.3.4.5 local0", "error"),
    ("global", "log udp@127.0.0.1:514 local0", None),
    ("global", "log localhost local0", None),
    ("global", "log stdout format raw local0", None),
    ("global", "log ring@buf local0", None),
    ("listen", "log global", None),
    ("listen", "no log", None),
    ("listen", "log 127.0.0.1", "error"),
]


@pytest.mark.parametrize(("section", "line", "expected"), ADDRESSES, ids=[f"{s}:{line}" for s, line, _ in ADDRESSES])
def test_address_verdicts(section, line, expected):
    for version in ("2.6", "2.8"):
        found = [d.severity.value for d in _lint(config_with(section, line), version)]
        wanted = [] if expected is None else [expected]
        assert found == wanted, version


@needs_binaries
@pytest.mark.parametrize("version", sorted(BINARIES))
def test_address_verdicts_are_haproxys(version, tmp_path):
    binary = BINARIES[version]

    def run(case):
        i, (section, line, expected) = case
        no, output = refused(binary, config_with(section, line), tmp_path / str(i))
        should = expected == "error" or "HL_UNSET" in line
        return None if no == should else f"{section}: `{line}`: HAProxy {version} {'refuses' if no else 'accepts'} it\n{output}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        wrong = [x for x in pool.map(run, enumerate(ADDRESSES)) if x]
    assert wrong == []


@pytest.mark.parametrize(
    ("address", "rules", "version", "expected"),
    [
        (":80x", BIND, "2.8", "warning"),
        (":80x", BIND, "3.0", "error"),
        (":80x", BIND, "2.2", None),  # before 2.3 each directive checked its own ports
        ("10.0.0.1:80x", SERVER, "3.4", "error"),
        ("10.0.0.1:+1x", SERVER, "3.2", "error"),
        ("10.0.0.1:+1x", SERVER, "2.8", None),
        ("mptcp@10.0.0.1:80", SERVER, "3.2", None),
        ("mptcp@10.0.0.1:80", SERVER, "3.0", "error"),
        ("rhttp@name", SERVER, "3.0", None),
        ("rhttp@name", SERVER, "2.8", "error"),
        ("quic+ipv4@:443", BIND, "2.8", None),
        ("ring@buf", LOG, "2.6", None),
        ("backend@logs", LOG, "3.2", None),
        ("fd@3", BIND, "2.6", None),
        ("sockpair@3", SERVER, "2.6", None),
        ("${ADDR}:80x", BIND, "3.2", None),
        ("[::1", SERVER, "2.6", "error"),
        ("[fe80::1%eth0]:80", SERVER, "2.6", None),
        ("10.0.0.300:80", SERVER, "2.6", "error"),
        ("010.0.0.1:80", SERVER, "2.6", None),  # octal: left to libc
        ("1.2.3:80", SERVER, "2.6", None),  # inet_aton reads it
        ("4294967296", SERVER, "2.6", "error"),
        ("*:80", BIND, "2.6", None),
    ],
)
def test_check_address(address, rules, version, expected):
    key = tuple(int(x) for x in version.split("."))
    table_version = max(v for v in VERSIONS if tuple(int(x) for x in v.split(".")) <= key)
    problem = check_address(address, rules, shapes(table_version), key)
    assert (problem.severity.value if problem else None) == expected, problem


# --- fixtures against HAProxy ------------------------------------------------------------------

FIXTURES = sorted(p.relative_to(RULE_FIXTURES).as_posix() for code in CODES for p in (RULE_FIXTURES / code).glob("*.cfg"))


@needs_binaries
@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_errors_are_what_haproxy_refuses(name, tmp_path):
    """HL915/HL916 say ERROR at 2.6 (2.8) exactly when HAProxy 2.6 (2.8) refuses the fixture,
    before and after the fixes (unsafe ones included)."""
    text = (RULE_FIXTURES / name).read_text(encoding="utf-8")
    for version, binary in BINARIES.items():
        fixed = fix(text, Settings(select=CODES, target_version=version), unsafe=True).text
        for label, body in (("original", text), ("fixed", fixed)):
            errors = _errors(body, version)
            no, output = refused(binary, body, tmp_path / f"{version}-{label}")
            assert no == bool(errors), f"{name} ({label}), HAProxy {version}: lint errors {errors}\n{output}"


@needs_binaries
def test_missing_lf_fix_makes_the_file_load(tmp_path):
    text = (RULE_FIXTURES / "HL916" / "bad-missing-lf.cfg").read_text(encoding="utf-8")
    result = fix(text, Settings(select=["HL916"]))
    assert result.text == text + "\n"
    for version, binary in BINARIES.items():
        assert refused(binary, text, tmp_path / f"{version}-before")[0]
        no, output = refused(binary, result.text, tmp_path / f"{version}-after")
        assert not no, output


@needs_binaries
def test_header_address_fix_makes_the_section_load(tmp_path):
    text = (
        "defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n"
        "frontend www 127.0.0.1:10080  # the 1.x syntax\n    default_backend web\n"
        "listen stats :10404\n    stats enable\n    stats uri /\n"
        "backend web\n    server web1 10.0.0.1:80\n"
    )
    result = fix(text, Settings(select=["HL916"]), unsafe=True)
    assert "frontend www  # the 1.x syntax\n    bind 127.0.0.1:10080\n" in result.text
    assert "listen stats\n    bind :10404\n" in result.text
    assert _lint(result.text, "2.6") == []
    for version, binary in BINARIES.items():
        assert refused(binary, text, tmp_path / f"{version}-before")[0]
        no, output = refused(binary, result.text, tmp_path / f"{version}-after")
        assert not no, output


# --- no false error -------------------------------------------------------------------------------


def _accepted(column: str) -> list[Path]:
    rows = manifest()
    return [p for p in corpus_files() if rows.get(p.name, {}).get(column) in ("ok", "warn")]


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_no_finding_on_corpus_files_haproxy_accepts(version):
    paths = _accepted("haproxy" + version.replace(".", ""))
    assert len(paths) > 60
    hits = []
    for path in paths:
        config = parse(read_corpus(path), path.name, strict=False)
        if config.errors:
            continue
        for d in lint(config, Settings(select=CODES, target_version=version)):
            if d.severity is not Severity.INFO:
                hits.append(f"{path.name}:{d.line}:{d.column} {d.code} {d.severity.value} {d.message}")
    assert hits == []


@pytest.mark.parametrize("version", ["2.0", "2.2", "2.6", "3.4"])
def test_corpus_findings_are_well_formed(version):
    for path in corpus_files():
        config = parse(read_corpus(path), path.name, strict=False)
        if config.errors:
            continue
        for d in lint(config, Settings(select=CODES, target_version=version)):
            assert d.code in CODES and d.message and d.start <= d.end


@pytest.mark.parametrize("version", VERSIONS)
def test_debian_default_config_is_clean(version):
    path = Path("/etc/haproxy/haproxy.cfg")
    if not path.exists():
        pytest.skip("no /etc/haproxy/haproxy.cfg here")
    assert [d.message for d in lint(path.read_text(), Settings(select=CODES, target_version=version))] == []


@pytest.mark.parametrize(
    "line",
    [
        'bind ":${PORT}"',
        'bind "${ADDR}:80x"',
        'maxconn "${MAXCONN}"',
        'maxconn 10 "$EXTRA"',
        'timeout client "$TIMEOUT"',
        'server s1 "$HOST"',
        'server s1 "${HOST}:99999"',
        'log "${SYSLOG}"',
        '"${KEYWORD}"',
    ],
)
def test_environment_variables_are_never_judged(line):
    section = "frontend" if line.startswith(("bind", "timeout", '"')) else "backend"
    if line.startswith(("maxconn", "log")):
        section = "listen"
    text = f"{section} x\n    {line}\n"
    assert [d.message for d in _lint(text, "3.2")] == []


def test_lines_in_branches_the_target_skips_are_not_checked():
    text = (
        "global\n"
        ".if version_atleast(9.0)\n"
        "    pidfile\n"
        ".endif\n"
        ".if version_atleast(2.0)\n"
        "    maxconn\n"
        ".endif\n"
    )
    assert [d.line for d in _lint(text, "2.6")] == [6]


def test_no_default_and_misplaced_forms_are_not_counted():
    # `no`/`default` forms have shapes of their own; a keyword in a section that does not
    # take it is HL908's (HAProxy may ignore the line before reading its arguments)
    text = (
        "defaults\n    no option httplog\n    no log\n    default option httplog\n"
        "frontend www\n    bind :8080\n"
        "backend web\n    maxconn 10 20\n    server web1 10.0.0.1:80\n"
    )
    assert _lint(text, "2.6") == []


# --- HL916: the versions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "severity"),
    [("2.0", "info"), ("2.1", "info"), ("2.2", "warning"), ("2.3", "error"), ("2.6", "error"), ("3.4", "error")],
)
def test_missing_lf_severity_follows_the_version(version, severity):
    found = _lint("global\n    daemon", version, ["HL916"])
    assert [d.severity.value for d in found] == [severity]


@pytest.mark.parametrize(
    ("text", "added"),
    [
        ("global\n    daemon", "\n"),
        ("global\r\n    daemon", "\r\n"),
        ("global\r\n    daemon\r", "\n"),
        ("global\n# the end", "\n"),
        ("global\n    daemon\n  ", "\n"),
    ],
)
def test_missing_lf_fix_adds_one_line_ending_and_nothing_else(text, added):
    result = fix(text, Settings(select=["HL916"]))
    assert result.text == text + added
    assert _lint(result.text, "3.2", ["HL916"]) == []


@pytest.mark.parametrize("text", ["", "global\n", "global\n    daemon\n", "global\r\n"])
def test_files_ending_with_a_line_ending_are_fine(text):
    assert _lint(text, "3.2", ["HL916"]) == []


@pytest.mark.parametrize(
    ("header", "version", "expected"),
    [
        ("frontend www from base", "2.6", []),
        ("frontend www from base", "2.2", ["error"]),
        ("backend app from base", "2.0", ["error"]),
        ("frontend www 0.0.0.0:80", "2.0", ["error"]),
        ("frontend www 0.0.0.0:80", "3.4", ["error"]),
        ("listen stats :8404", "2.6", ["error"]),
        ("backend app 10.0.0.1:80", "2.6", ["error"]),
        ("listen stats from base extra", "2.6", ["error"]),
        ("frontend www from", "2.6", ["error"]),
        ('frontend www "${EXTRA}"', "2.6", []),
        ("defaults base", "2.6", []),
    ],
)
def test_section_line_words(header, version, expected):
    text = f"defaults base\n    mode http\n{header}\n    timeout client 5s\n"
    found = [d.severity.value for d in _lint(text, version, ["HL916"]) if "section line" in d.message or "`from`" in d.message]
    assert found == expected


@pytest.mark.parametrize(
    ("name", "reported"),
    [("www", False), ("www.example.com:80", False), ("Web_BK-1", False), ("api/v2", True), ("a@b", True),
     ("caf\u00e9", True), ('"two words"', True), ('"${NAME}"', False)],
)
def test_proxy_names(name, reported):
    found = _lint(f"backend {name}\n    server s1 10.0.0.1:80\n", "2.6", ["HL916"])
    assert bool(found) == reported, [d.message for d in found]


def test_mixed_defaults_is_a_warning_from_2_5():
    text = (
        "defaults base\n    mode http\n"
        "frontend www from base\n    bind :80\n"
        "backend web\n    server web1 10.0.0.1:80\n"
    )
    assert _lint(text, "2.4", ["HL916"]) == []
    (finding,) = _lint(text, "2.6", ["HL916"])
    assert finding.severity is Severity.WARNING and finding.line == 5
    assert "prints an ALERT" in finding.message
    (finding,) = _lint(text, "3.0", ["HL916"])
    assert "warns" in finding.message
    # a last defaults section that nothing names settles it, as HAProxy advises
    settled = text.replace("backend web\n", "defaults\n    mode http\nbackend web\n")
    assert _lint(settled, "2.6", ["HL916"]) == []
    # implicit first, explicit after: reported on the explicit user
    swapped = (
        "defaults base\n    mode http\n"
        "backend web\n    server web1 10.0.0.1:80\n"
        "frontend www from base\n    bind :80\n"
    )
    (finding,) = _lint(swapped, "2.6", ["HL916"])
    assert finding.line == 5


def test_mixed_defaults_across_files():
    first = parse("defaults base\n    mode http\nfrontend www from base\n    bind :80\n", "a.cfg")
    second = parse("backend web\n    server web1 10.0.0.1:80\n", "b.cfg")
    found = lint_configs([first, second], Settings(select=["HL916"], target_version="2.6"))
    assert [(d.path, d.line) for d in found] == [("b.cfg", 1)]


@needs_binaries
def test_mixed_defaults_is_accepted_by_haproxy(tmp_path):
    text = (RULE_FIXTURES / "HL916" / "bad-mixed-defaults.cfg").read_text(encoding="utf-8")
    for version, binary in BINARIES.items():
        no, output = refused(binary, text, tmp_path / version)
        assert not no and "don't mix both usage" in output, output


# --- the data -----------------------------------------------------------------------------------


def test_data_covers_every_version():
    data = json.loads((ROOT / "haproxy_lint" / "data" / "vocabulary" / "shapes.json").read_text(encoding="utf-8"))
    assert sorted(data["versions"]) == sorted(VERSIONS)
    facts = {v: data["versions"][v]["addresses"] for v in VERSIONS}
    assert [v for v in VERSIONS if facts[v]["port_options"]] == [v for v in VERSIONS if v >= "2.4"]
    assert [v for v in VERSIONS if facts[v]["strict_ports"]] == [v for v in VERSIONS if v >= "3.0"]
    assert "mptcp@" in facts["3.2"]["prefixes"] and "mptcp@" not in facts["3.0"]["prefixes"]


@pytest.mark.skipif(not (HAPROXY_REPO / "HEAD").exists(), reason="HAProxy repository not available")
def test_script_reproduces_data():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_shapes.py"), "--repo", str(HAPROXY_REPO), "--check"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
