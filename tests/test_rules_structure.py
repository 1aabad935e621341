"""HL9xx (structure): false positives against real HAProxy's verdict on the corpus, names
resolved across files, conditional blocks, and the version-dependent behaviour."""

from __future__ import annotations

import pytest

from haproxy_lint import Settings, lint, parse
from haproxy_lint.diagnostics import Severity
from haproxy_lint.linter import lint_configs
from haproxy_lint.rules.structure import branches, evaluate_condition

from .conftest import corpus_files, manifest, read_corpus

FILES = corpus_files()
STRUCTURE = ["HL901", "HL902", "HL903", "HL904", "HL905", "HL906", "HL907", "HL908"]
# Rules whose findings HAProxy refuses: none may fire on a file that HAProxy accepts.
REFUSED = ["HL901", "HL902", "HL903", "HL905", "HL906", "HL907"]


def _accepted(column: str) -> list:
    rows = manifest()
    return [p for p in FILES if rows.get(p.name, {}).get(column) in ("ok", "warn")]


def _hits(paths, codes, version, errors_only=False):
    hits = []
    for path in paths:
        config = parse(read_corpus(path), path.name, strict=False)
        if config.errors:
            continue
        for d in lint(config, Settings(select=codes, target_version=version)):
            if errors_only and d.severity is not Severity.ERROR:
                continue
            hits.append(f"{path.name}:{d.line}:{d.column} {d.code} {d.message}")
    return hits


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_no_unknown_keyword_on_files_haproxy_accepts(version):
    """HL907 on a file real HAProxy accepts is a false positive for that version."""
    paths = _accepted("haproxy" + version.replace(".", ""))
    assert paths, "the manifest lists no accepted file"
    hits = _hits(paths, ["HL907"], version)
    assert hits == [], "HL907 false positives:\n" + "\n".join(hits)


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_no_refused_structure_on_files_haproxy_accepts(version):
    """HL901-HL903, HL905, HL906 (and HL908 where it means "refused") report what HAProxy
    refuses: none may fire on a file that HAProxy accepts."""
    paths = _accepted("haproxy" + version.replace(".", ""))
    hits = _hits(paths, REFUSED, version) + _hits(paths, ["HL908"], version, errors_only=True)
    assert hits == [], "false positives:\n" + "\n".join(hits)


@pytest.mark.parametrize("version", ["2.0", "3.2"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_lints_with_structure_rules(path, version):
    config = parse(read_corpus(path), path.name, strict=False)
    if config.errors:
        pytest.skip("does not parse (see test_corpus)")
    for d in lint(config, Settings(select=STRUCTURE, target_version=version)):
        assert d.code in STRUCTURE and d.message and d.start <= d.end


# --- conditional blocks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition, version, expected",
    [
        ("version_atleast(2.8)", (2, 6), False),
        ("version_atleast(2.8)", (3, 0), True),
        ("version_atleast(3.1-dev8)", (3, 1), True),
        ("version_atleast(2.6.12)", (2, 6), None),
        ("version_before(2.4)", (2, 0), True),
        ("!version_atleast(2.8)", (2, 6), True),
        ("feature(OPENSSL)", (2, 6), None),
        ("feature(OPENSSL) && version_atleast(3.0)", (2, 6), False),
        ("feature(OPENSSL) || version_atleast(2.0)", (2, 6), True),
        ("(version_atleast(2.2) && !version_atleast(2.8)) || defined(X)", (2, 6), True),
        ("1", (2, 6), True),
        ("0", (2, 6), False),
        ("streq(\"${A}\",b)", (2, 6), None),
        ("version_atleast(", (2, 6), None),
    ],
)
def test_evaluate_condition(condition, version, expected):
    assert evaluate_condition(condition, version) is expected


def test_branches_follow_elif_and_else():
    config = parse(
        "global\n"
        ".if version_atleast(3.0)\n"
        "    a 1\n"
        ".elif version_atleast(2.4)\n"
        "    b 1\n"
        ".else\n"
        "    c 1\n"
        ".endif\n"
        "    d 1\n"
    )
    state = branches(config, (2, 6))
    assert 9 not in state  # outside every block: the default, ((), True)
    assert [state.get(n, ((), True))[1] for n in (3, 5, 7, 9)] == [False, True, False, True]
    state = branches(config, (3, 2))
    assert [state.get(n, ((), True))[1] for n in (3, 5, 7, 9)] == [True, False, False, True]
    unknown = branches(parse("global\n.if defined(X)\n    a 1\n.else\n    b 1\n.endif\n"), (2, 6))
    assert unknown[3][1] is None and unknown[5][1] is None
    assert unknown[3][0] != unknown[5][0]  # two branches of one block


def test_keywords_of_newer_versions_behind_a_version_guard():
    text = (
        "backend web\n"
        ".if version_atleast(2.8)\n"
        "    option forwarded\n"
        ".endif\n"
        "    server web1 10.0.0.1:80\n"
    )
    assert lint(text, Settings(select=["HL907"], target_version="2.6")) == []
    # without the guard, 2.6 refuses it
    unguarded = "backend web\n    option forwarded\n    server web1 10.0.0.1:80\n"
    [d] = lint(unguarded, Settings(select=["HL907"], target_version="2.6"))
    assert "came in 2.8" in d.message
    assert lint(unguarded, Settings(select=["HL907"], target_version="2.8")) == []


# --- version-dependent behaviour ------------------------------------------------------------


def test_targets_between_or_beyond_the_tables():
    text = "backend web\n    option forwarded\n    optoin httplog\n    server w 10.0.0.1:80\n"
    lines = {v: [d.line for d in lint(text, Settings(select=["HL907"], target_version=v))] for v in ("2.6", "2.7", "3.3", "3.5")}
    # 2.7 and 3.3 may know what the next table added: only the typo is certain; 3.5 is newer
    # than every table and may know anything
    assert lines == {"2.6": [2, 3], "2.7": [3], "3.3": [3], "3.5": []}


def test_http_check_send_depends_on_the_target():
    text = "backend web\n    option httpchk\n    http-check send meth GET uri /health\n    server web1 10.0.0.1:80 check\n"
    assert [d.code for d in lint(text, Settings(select=["HL907"], target_version="2.0"))] == ["HL907"]
    assert lint(text, Settings(select=["HL907"], target_version="2.2")) == []


def test_removed_keywords_are_left_to_hl6xx():
    text = "frontend www\n    bind :80\n    reqadd X-Proto:\\ https\n    default_backend web\nbackend web\n    server w 10.0.0.1:80\n"
    assert lint(text, Settings(select=["HL907"], target_version="2.6")) == []
    assert lint(text, Settings(select=["HL907"], target_version="2.0")) == []  # 2.0 still knows it


def test_frontend_and_backend_sharing_a_name_by_version():
    text = (
        "frontend www\n    bind :80\n    default_backend www\n"
        "backend www\n    server w1 10.0.0.1:80\n"
    )
    assert lint(text, Settings(select=["HL901"], target_version="2.8")) == []
    [d] = lint(text, Settings(select=["HL901"], target_version="3.2"))
    assert d.severity is Severity.WARNING and "3.3 will refuse" in d.message


def test_listen_after_a_backend_of_its_name_by_version():
    text = (
        "backend app\n    server a1 10.0.0.1:80\n"
        "listen app\n    bind :80\n    server a2 10.0.0.2:80\n"
    )
    [old] = lint(text, Settings(select=["HL901"], target_version="2.8"))
    [new] = lint(text, Settings(select=["HL901"], target_version="3.2"))
    assert old.severity is Severity.WARNING and new.severity is Severity.ERROR
    # the other way round, every version refuses it
    swapped = "listen app\n    bind :80\n    server a2 10.0.0.2:80\nbackend app\n    server a1 10.0.0.1:80\n"
    [d] = lint(swapped, Settings(select=["HL901"], target_version="2.8"))
    assert d.severity is Severity.ERROR and d.line == 4


def test_wrong_section_severity_follows_haproxy():
    text = (
        "frontend www\n    bind :80\n    balance roundrobin\n    server s 10.0.0.1:80\n    default_backend web\n"
        "backend web\n    bind :81\n    tcp-request session reject\n    server w 10.0.0.1:80\n"
    )
    found = {(d.line, d.severity) for d in lint(text, Settings(select=["HL908"], target_version="2.8"))}
    assert found == {
        (3, Severity.WARNING),  # 'balance' ignored because frontend has no backend capability
        (4, Severity.ERROR),  # 'server' not allowed because frontend has no backend capability
        (7, Severity.WARNING),  # 'bind' ignored because backend has no frontend capability
        (8, Severity.ERROR),  # tcp-request session is not allowed because backend is not a frontend
    }


def test_a_listen_section_takes_every_proxy_keyword():
    text = "listen app\n    bind :80\n    balance roundrobin\n    maxconn 10\n    hash-balance-factor 150\n    server a 10.0.0.1:80\n"
    for version in ("2.0", "2.6", "3.2"):
        assert lint(text, Settings(select=["HL908"], target_version=version)) == []


# --- names across files ---------------------------------------------------------------------


def _two(first: str, second: str, codes, version="2.8"):
    a = parse(first, "a.cfg")
    b = parse(second, "b.cfg")
    return lint_configs([a, b], Settings(select=codes, target_version=version))


def test_backend_in_another_file_satisfies_use_backend():
    front = "frontend www\n    bind :80\n    use_backend api if { path_beg /api }\n    default_backend web\n"
    back = "backend web\n    server w 10.0.0.1:80\nbackend api\n    server a 10.0.0.2:80\n"
    assert _two(front, back, ["HL903", "HL904"]) == []
    alone = lint(front, Settings(select=["HL903"]))  # alone, both names are missing
    assert [d.line for d in alone] == [3, 4]


def test_duplicate_across_files_is_reported_once_on_the_later_file():
    one = "backend web\n    server w1 10.0.0.1:80\n"
    two = "backend web\n    server w2 10.0.0.2:80\n"
    [d] = _two(one, two, ["HL901"])
    assert d.path == "b.cfg" and "a.cfg:1" in d.message


def test_defaults_must_come_from_an_earlier_file():
    defaults = "defaults base\n    mode http\n"
    user = "backend app from base\n    server a 10.0.0.1:80\n"
    assert _two(defaults, user, ["HL906"]) == []
    [d] = _two(user, defaults, ["HL906"])
    assert d.path == "a.cfg" and "b.cfg:1" in d.message


# --- references -----------------------------------------------------------------------------


def test_dynamic_and_environment_backend_names_are_not_checked():
    text = (
        "frontend www\n    bind :80\n"
        "    use_backend %[req.hdr(host),lower]\n"
        '    use_backend "${BACKEND}" if { path_beg /x }\n'
        "    default_backend be_%[path,field(2,/)]\n"
    )
    assert lint(text, Settings(select=["HL903", "HL905"])) == []


def test_unused_backend_sees_other_mentions():
    base = "frontend www\n    bind :80\n    default_backend web\nbackend web\n    server w 10.0.0.1:80\n"
    orphan = "backend old\n    server o 10.0.0.9:80\n"
    [d] = lint(base + orphan, Settings(select=["HL904"]))
    assert d.severity is Severity.INFO and "`old`" in d.message
    # referenced by a sample fetch, a track, a SPOE agent's use-backend
    assert lint(base.replace("default_backend web", "acl down nbsrv(old) lt 1\n    default_backend web") + orphan, Settings(select=["HL904"])) == []
    tracked = lint(base + "backend other\n    server x 10.0.0.3:80 track old/o\n" + orphan, Settings(select=["HL904"]))
    assert ["`other`" in d.message for d in tracked] == [True]  # "old" is tracked, "other" unused
    # a SPOE filter whose agent file is not linted: tcp backends may be its targets
    spoe = base.replace("default_backend web", "filter spoe engine waf config /etc/haproxy/waf.conf\n    default_backend web")
    assert lint(spoe + orphan, Settings(select=["HL904"])) == []
    assert [d.code for d in lint(spoe + orphan.replace("server", "mode http\n    server"), Settings(select=["HL904"]))] == ["HL904"]


def test_tcp_frontend_may_route_to_http_backend():
    text = (
        "frontend tls\n    mode tcp\n    bind :443\n    default_backend web\n"
        "backend web\n    mode http\n    server w 10.0.0.1:80\n"
    )
    assert lint(text, Settings(select=["HL905"])) == []
    flipped = text.replace("mode tcp", "mode XX").replace("mode http", "mode tcp").replace("mode XX", "mode http")
    [d] = lint(flipped, Settings(select=["HL905"]))
    assert d.line == 4 and "mode tcp" in d.message


def test_server_template_names():
    text = (
        "backend pool\n"
        "    server-template srv 1-3 app.example.com:80\n"
        "    server srv1x 10.0.0.1:80\n"
        "    server srv0 10.0.0.1:80\n"
        "    server-template srv 4-6 app.example.com:80\n"
        "    server-template sr 10-12 app.example.com:80\n"  # sr10..sr12: no clash with srv*
        "    server srv 10.0.0.1:80\n"
        "    server srv3 10.0.0.2:80\n"
    )
    [d] = lint(text, Settings(select=["HL902"]))
    assert d.line == 8 and "line 2" in d.message


def test_duplicate_server_name_with_and_without_blocks():
    text = "backend app\n    server a 10.0.0.1:80\n    server b 10.0.0.2:80\n    server a 10.0.0.3:80\n"
    [d] = lint(text, Settings(select=["HL902"]))
    assert d.line == 4 and "line 2" in d.message
    # one name in two branches of a block is read once; in a block never read, not at all
    branched = text.replace("    server a 10.0.0.3", ".if defined(X)\n    server b 10.0.0.4:80\n.else\n    server a 10.0.0.3") + ".endif\n"
    assert [d.line for d in lint(branched, Settings(select=["HL902"]))] == [5, 7]
    assert lint(text.replace("    server a 10.0.0.3", ".if 0\n    server a 10.0.0.3") + ".endif\n", Settings(select=["HL902"])) == []
    # only backends and listens are checked
    assert lint(text.replace("backend", "frontend"), Settings(select=["HL902"])) == []


def test_unused_backend_routed_from_itself_or_from_defaults():
    base = "frontend www\n    bind :80\n    default_backend web\nbackend web\n    server w 10.0.0.1:80\n"
    itself = "backend old\n    use_backend old\n    server o 10.0.0.9:80\n"
    [d] = lint(base + itself, Settings(select=["HL904"]))
    assert "`old`" in d.message
    assert lint("defaults\n    default_backend old\n" + base + itself, Settings(select=["HL904"])) == []
