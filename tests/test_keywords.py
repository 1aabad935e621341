"""Tests of the per-version keyword tables (haproxy_lint.keywords and its generated data)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from haproxy_lint.keywords import PROXY_SECTIONS, VERSIONS, KeywordInfo, nearest_version, table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "haproxy_lint" / "data" / "keywords"
SCRIPT = ROOT / "scripts" / "gen_keywords.py"
HAPROXY_REPO = Path("/work/.mirror/haproxy+haproxy/repo")
CORPUS = Path("/work/shared/corpus")

# The versions of the binaries that produced the corpus MANIFEST columns.
CORPUS_TARGETS = {"haproxy26": ("2.6", "2.6.12"), "haproxy28": ("2.8", "2.8.25")}


# ------------------------------------------------------------------------------------------
# A deliberately simple reading of configuration files, independent of the project's parser
# ------------------------------------------------------------------------------------------

_COND_DIRECTIVES = {".if", ".elif", ".else", ".endif", ".diag", ".notice", ".warning", ".alert"}


def _words(line: str) -> list[str]:
    """Split a line on blanks, honouring quotes and backslash escapes, dropping comments."""
    words: list[str] = []
    cur: list[str] = []
    has_word = False
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == quote:
                quote = None
            elif ch == "\\" and quote == '"' and i + 1 < len(line):
                i += 1
                cur.append(line[i])
            else:
                cur.append(ch)
        elif ch in "\"'":
            quote = ch
            has_word = True
        elif ch == "\\" and i + 1 < len(line):
            i += 1
            cur.append(line[i])
            has_word = True
        elif ch == "#":
            break
        elif ch in " \t\r\f\v":
            if has_word:
                words.append("".join(cur))
                cur, has_word = [], False
        else:
            cur.append(ch)
            has_word = True
        i += 1
    if has_word:
        words.append("".join(cur))
    return words


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text.split("-")[0]))


def _condition(expr: str, version: str) -> bool:
    """Evaluate a ``.if`` condition the way HAProxy would with this binary, for the predicates
    the corpus uses; anything unknown counts as true (so its lines are checked)."""
    expr = expr.strip()
    if "||" in expr:
        return any(_condition(part, version) for part in expr.split("||"))
    if "&&" in expr:
        return all(_condition(part, version) for part in expr.split("&&"))
    if expr.startswith("!"):
        return not _condition(expr[1:], version)
    m = re.fullmatch(r"(\w+)\((.*)\)", expr)
    if m is None:
        return expr not in ("", "0")
    name, arg = m.group(1), m.group(2).strip()
    if name == "version_atleast":
        return _version_tuple(version) >= _version_tuple(arg)
    if name == "version_before":
        return _version_tuple(version) < _version_tuple(arg)
    if name == "defined":
        return False  # "haproxy -c" runs without the variables the corpus tests for
    return True


def directives(text: str, version: str):
    """Yield (line number, section kind or None, words) for every directive HAProxy reads,
    following conditional blocks; section-opening lines are not yielded."""
    sections = table(version).section_keywords()
    kind = None
    stack: list[tuple[bool, bool]] = []  # (block active, a branch was already taken)
    active = True
    for number, line in enumerate(text.splitlines(), 1):
        words = _words(line)
        if not words:
            continue
        first = words[0]
        if first in _COND_DIRECTIVES:
            cond = " ".join(words[1:])
            if first == ".if":
                stack.append((active, False))
                taken = active and _condition(cond, version)
                stack[-1] = (active, taken)
                active = taken
            elif first in (".elif", ".else") and stack:
                parent, taken = stack[-1]
                now = parent and not taken and (first == ".else" or _condition(cond, version))
                stack[-1] = (parent, taken or now)
                active = now
            elif first == ".endif" and stack:
                active = stack.pop()[0]
            continue
        if not active:
            continue
        if first in sections:
            kind = first
            continue
        yield number, kind, words


def _corpus_files(column: str) -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        pytest.skip("corpus not available")
    with manifest.open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [CORPUS / "files" / row["file"] for row in rows if row[column] in ("ok", "warn")]


# ------------------------------------------------------------------------------------------
# Zero false positives on configurations real HAProxy accepts
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", sorted(CORPUS_TARGETS))
def test_corpus_directives_known(column):
    version, binary_version = CORPUS_TARGETS[column]
    kw = table(version)
    files = _corpus_files(column)
    assert len(files) >= 60
    misses = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, kind, words in directives(text, binary_version):
            if kind is None:
                misses.append(f"{path.name}:{number}: {words[0]!r} outside any section")
            elif kw.lookup(kind, words) is None:
                misses.append(f"{path.name}:{number}: {' '.join(words[:3])!r} unknown in {kind}")
    assert misses == []


# where the options of these lines start (after keyword, name and address)
_OPTION_LINES = {
    "bind": ("bind", 2), "dgram-bind": ("bind", 2), "default-bind": ("bind", 1),
    "server": ("server", 3), "peer": ("server", 3), "default-server": ("server", 1),
    "server-template": ("server", 4),
}


@pytest.mark.parametrize("column", sorted(CORPUS_TARGETS))
def test_corpus_bind_and_server_options_known(column):
    """Walk the options of bind/server lines, skipping each option's argument."""
    version, binary_version = CORPUS_TARGETS[column]
    kw = table(version)
    misses = []
    for path in _corpus_files(column):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, kind, words in directives(text, binary_version):
            if words[0] not in _OPTION_LINES or kind in ("ring", "mailers"):
                continue
            option_kind, start = _OPTION_LINES[words[0]]
            i = start
            while i < len(words):
                info = kw.option_info(option_kind, words[i])
                if info is None:
                    misses.append(f"{path.name}:{number}: {option_kind} option {words[i]!r}")
                    break
                if info.keyword == "source":  # takes a variable number of words
                    break
                i += 2 if info.takes_arg else 1
    assert misses == []


# ------------------------------------------------------------------------------------------
# Versions
# ------------------------------------------------------------------------------------------


def test_versions():
    assert VERSIONS == ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")


@pytest.mark.parametrize("given, expected", [
    ("2.0", "2.0"), ("2.1", "2.0"), ("2.6", "2.6"), ("2.7", "2.6"), ("3.1", "3.0"),
    ("2.6.12", "2.6"), ("2.6.12-1+deb12u4", "2.6"), ("2.9-dev3", "2.8"), ("3.2.5", "3.2"),
    ("v2.8.0", "2.8"), ("2.10", "2.8"),
])
def test_nearest_version(given, expected):
    assert nearest_version(given) == expected


@pytest.mark.parametrize("junk", ["", "junk", "2", "two.six", "1.8", "1.9.16", "3.5", "4.0", None])
def test_nearest_version_rejects(junk):
    with pytest.raises(ValueError):
        nearest_version(junk)


def test_nearest_version_clamp():
    assert nearest_version("3.3", clamp=True) == "3.2"
    assert nearest_version("3.5", clamp=True) == "3.4"
    with pytest.raises(ValueError):
        nearest_version("1.8", clamp=True)


def test_table_is_cached_per_version():
    assert table("2.6") is table("2.6.12") is table("2.7")
    assert table("2.6").version == "2.6"
    assert table("2.8") is not table("2.6")


# ------------------------------------------------------------------------------------------
# Lookups
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_option_httpchk_everywhere(version):
    info = table(version).lookup("backend", ["option", "httpchk", "GET", "/health"])
    assert isinstance(info, KeywordInfo)
    assert info.keyword == "option httpchk"
    assert info.accepted_in == {"defaults", "listen", "backend"}
    assert not info.deprecated


@pytest.mark.parametrize("version", VERSIONS)
def test_balance_not_in_frontend(version):
    info = table(version).lookup("frontend", ["balance", "roundrobin"])
    assert info is not None and info.keyword == "balance"
    assert "frontend" not in info.accepted_in
    assert table(version).sections_accepting(["balance", "roundrobin"]) == ["defaults", "listen", "backend"]


@pytest.mark.parametrize("section, words, keyword", [
    ("frontend", ["capture", "request", "header", "Host", "len", "32"], "capture request header"),
    ("listen", ["stats", "auth", "admin:secret"], "stats auth"),
    ("backend", ["timeout", "check", "5s"], "timeout check"),
    ("backend", ["http-check", "expect", "status", "200"], "http-check expect"),
    ("defaults", ["email-alert", "from", "a@b"], "email-alert from"),
    ("frontend", ["http-request", "set-header", "X-A", "b"], "http-request"),
    ("frontend", ["tcp-request", "connection", "accept"], "tcp-request connection"),
    ("backend", ["http-check", "set-var(check.path)", "str(/)"], "http-check set-var"),
    ("global", ["stats", "socket", "/run/haproxy.sock", "mode", "600"], "stats socket"),
    ("global", ["stats", "timeout", "30s"], "stats timeout"),
    ("global", ["tune.ssl.default-dh-param", "2048"], "tune.ssl.default-dh-param"),
    ("global", ["log", "/dev/log", "local0"], "log"),
    ("peers", ["peer", "h1", "10.0.0.1:1024"], "peer"),
    ("resolvers", ["nameserver", "dns1", "10.0.0.1:53"], "nameserver"),
    ("resolvers", ["timeout", "resolve", "1s"], "timeout"),
    ("mailers", ["timeout", "mail", "10s"], "timeout mail"),
    ("program", ["command", "/bin/true"], "command"),
    ("userlist", ["user", "admin", "password", "x"], "user"),
    ("cache", ["total-max-size", "4"], "total-max-size"),
    ("ring", ["format", "rfc5424"], "format"),
    ("http-errors", ["errorfile", "503", "/x"], "errorfile"),
    ("log-forward", ["dgram-bind", "127.0.0.1:514"], "dgram-bind"),
    ("fcgi-app", ["option", "keep-conn"], "option keep-conn"),
])
def test_lookup_multiword_2_6(section, words, keyword):
    info = table("2.6").lookup(section, words)
    assert info is not None and info.keyword == keyword


def test_lookup_prefixes():
    t = table("2.6")
    info = t.lookup("backend", ["no", "option", "http-keep-alive"])
    assert info.keyword == "option http-keep-alive" and info.prefix == "no" and info.negatable
    info = t.lookup("defaults", ["default", "option", "httpclose"])
    assert info.keyword == "option httpclose" and info.prefix == "default"
    info = t.lookup("frontend", ["no", "option", "httplog"])
    assert info.keyword == "option httplog" and info.prefix == "no" and not info.negatable
    info = t.lookup("frontend", ["no", "log"])
    assert info.keyword == "log" and info.negatable
    info = t.lookup("backend", ["default-server", "inter", "3s"])
    assert info.keyword == "default-server" and info.prefix is None
    assert t.lookup("backend", ["no"]) is None


def test_lookup_unknown():
    t = table("2.6")
    assert t.lookup("backend", ["option", "definitely-not-real"]) is None
    assert t.lookup("backend", ["madeup-directive", "x"]) is None
    assert t.lookup("backend", ["option"]) is None
    assert t.lookup("backend", []) is None
    assert t.lookup("crt-store", ["load", "crt", "x.pem"]) is None  # no such section in 2.6
    assert not t.is_known_anywhere(["madeup-directive"])
    assert t.is_known_anywhere(["nameserver", "dns1", "1.2.3.4:53"])
    assert t.is_known_anywhere(["peers"])
    assert t.sections_accepting(["nameserver", "x"]) == ["resolvers"]


def test_keywords_rejected_by_real_2_6():
    """Keywords whose use made the 2.6.12 binary fail on corpus files."""
    t = table("2.6")
    for section, words in [
        ("global", ["tune.lua.openlibs", "none"]), ("global", ["tune.quic.fe.stream.max-total", "3"]),
        ("global", ["http-err-codes", "400"]), ("global", ["tune.stick-counters", "4"]),
        ("global", ["tune.lua.bool-sample-conversion", "normal"]),
        ("global", ["warn-blocked-traffic-after", "50ms"]), ("defaults", ["healthcheck", "x"]),
        ("frontend", ["force-be-switch", "if", "TRUE"]), ("backend", ["option", "http-use-htx"]),
    ]:
        assert t.lookup(section, words) is None, words
    assert "curves" not in t.server_options()
    assert "no-verifyhost" not in t.server_options()  # documented, never implemented


def test_named_defaults_only():
    assert table("2.6").lookup("defaults", ["http-request", "deny"]).named_defaults_only
    assert not table("2.6").lookup("defaults", ["timeout", "client", "1s"]).named_defaults_only
    assert "defaults" not in table("2.0").lookup("defaults", ["acl", "a", "src", "1.2.3.4"]).accepted_in


def test_bind_and_server_options():
    t = table("2.6")
    assert {"ssl", "crt", "alpn", "accept-proxy", "defer-accept"} <= t.bind_options()
    assert {"check", "inter", "weight", "backup", "ssl", "verify", "no-check-send-proxy"} <= t.server_options()
    assert t.option_info("server", "inter").takes_arg
    assert not t.option_info("server", "check").takes_arg
    assert t.option_info("bind", "crt").takes_arg
    assert not t.option_info("bind", "ssl").takes_arg
    assert t.option_info("server", "no-check-send-proxy").undocumented
    assert t.option_info("server", "bogus") is None
    assert "hash-key" in table("3.0").server_options()
    assert table("3.0").lookup("backend", ["hash-key", "id"]) is None
    assert "process" in table("2.6").bind_options() and "process" not in table("2.8").bind_options()


# ------------------------------------------------------------------------------------------
# Changes between versions
# ------------------------------------------------------------------------------------------


def test_reqadd():
    info = table("2.0").lookup("frontend", ["reqadd", "X-Proto:\\ SSL"])
    assert info is not None and info.deprecated and info.replacement == "http-request add-header"
    for version in VERSIONS[1:]:
        assert table(version).lookup("frontend", ["reqadd", "X"]) is None
        gone = table(version).removed("frontend", ["reqadd", "X"])
        assert gone is not None and gone.since == "2.2" and gone.replacement == "http-request add-header"
    assert table("2.0").removed("frontend", ["reqadd", "X"]) is None


def test_http_check_send():
    assert table("2.0").lookup("backend", ["http-check", "send", "meth", "GET"]) is None
    for version in VERSIONS[1:]:
        info = table(version).lookup("backend", ["http-check", "send", "meth", "GET"])
        assert info is not None and info.keyword == "http-check send"


@pytest.mark.parametrize("kind, words, present_until, since", [  # present from 2.0 on
    ("frontend", ["block", "if", "TRUE"], "2.0", "2.2"),
    ("frontend", ["reqrep", "a", "b"], "2.0", "2.2"),
    ("frontend", ["rspdel", "a"], "2.0", "2.2"),
    ("backend", ["redispatch"], "2.0", "2.2"),
    ("backend", ["redisp"], "2.0", "2.2"),
    ("frontend", ["clitimeout", "5s"], "2.0", "2.2"),
    ("backend", ["srvtimeout", "5s"], "2.0", "2.2"),
    ("backend", ["contimeout", "5s"], "2.0", "2.2"),
    ("backend", ["timeout", "srvtimeout", "5s"], "2.0", "2.2"),
    ("frontend", ["monitor-net", "10.0.0.0/8"], "2.2", "2.4"),
    ("global", ["debug"], "2.2", "2.4"),
    ("global", ["nbproc", "2"], "2.4", "2.6"),
    ("global", ["tune.chksize", "1024"], "2.4", "2.6"),
    ("backend", ["grace", "1s"], "2.4", "2.6"),
    ("frontend", ["option", "forceclose"], "2.4", "2.6"),
    ("frontend", ["option", "http-tunnel"], "2.4", "2.6"),
    ("frontend", ["option", "http_proxy"], "2.4", "2.6"),
    ("frontend", ["bind-process", "1"], "2.6", "2.8"),
    ("global", ["stats", "bind-process", "1"], "2.6", "2.8"),
])
def test_removed(kind, words, present_until, since):
    for version in VERSIONS:
        t = table(version)
        if version <= present_until:
            assert t.lookup(kind, words) is not None, (version, words)
            assert t.removed(kind, words) is None
        else:
            assert t.lookup(kind, words) is None, (version, words)
            gone = t.removed(kind, words)
            assert gone is not None and gone.since == since, (version, words, gone)


def test_global_trace_moved_to_traces_section():
    for version in VERSIONS:
        info = table(version).lookup("global", ["trace", "h1", "start", "now"])
        assert (info is not None) == (version in ("2.8", "3.0")), version
    gone = table("3.2").removed("global", ["trace", "h1"])
    assert gone.since == "3.2" and "traces" in gone.replacement
    assert table("2.6").removed("global", ["trace", "h1"]) is None  # not yet added, not removed


def test_removed_with_prefix_and_replacement():
    gone = table("2.6").removed("frontend", ["no", "option", "http-tunnel"])
    assert gone.keyword == "option http-tunnel" and gone.prefix == "no"
    gone = table("2.6").removed("backend", ["timeout", "contimeout", "5s"])
    assert gone.replacement == "timeout connect"
    assert table("2.6").removed("backend", ["timeout", "connect", "5s"]) is None
    assert table("2.6").removed("global", ["nbproc", "4"]).replacement == "nbthread"


def test_deprecated():
    for version in VERSIONS:
        assert table(version).deprecated("listen", ["transparent"]) == "option transparent"
        assert table(version).deprecated("backend", ["option", "httpchk"]) is None
    assert table("2.6").deprecated("frontend", ["bind-process", "all"]) == ""
    assert table("2.4").deprecated("global", ["nbproc", "2"]) == "nbthread"
    assert table("2.6").deprecated("global", ["tune.ssl.capture-cipherlist-size", "1"]) == \
        "tune.ssl.capture-buffer-size"
    assert table("3.2").deprecated("frontend", ["option", "accept-invalid-http-request"]) == \
        "option accept-unsafe-violations-in-http-request"
    assert table("3.0").deprecated("global", ["tune.ssl.ocsp-update.maxdelay", "60"]) == "ocsp-update.maxdelay"
    assert table("3.2").deprecated_section("program") == ""
    assert table("3.0").deprecated_section("program") is None


@pytest.mark.parametrize("section, first, gone", [
    ("fcgi-app", "2.2", None), ("http-errors", "2.2", None), ("ring", "2.2", None), ("log-forward", "2.4", None),
    ("crt-store", "3.0", None), ("traces", "3.2", None), ("acme", "3.2", None), ("log-profile", "3.2", None),
    ("global", "2.0", None), ("peers", "2.0", None), ("resolvers", "2.0", None), ("cache", "2.0", None),
    ("program", "2.0", "3.4"),  # deprecated in 3.1, src/mworker-prog.c gone in 3.4
    ("userlist", "2.0", None), ("mailers", "2.0", None),
])
def test_section_keywords(section, first, gone):
    for version in VERSIONS:
        expected = version >= first and (gone is None or version < gone)
        assert (section in table(version).section_keywords()) == expected, (section, version)


def test_crt_store_section():
    t = table("3.0")
    assert t.lookup("crt-store", ["load", "crt", "site.pem"]).keyword == "load"
    assert {"crt", "key", "ocsp-update"} <= t.keywords("crt-store-load")
    assert table("3.2").lookup("traces", ["trace", "h1", "start", "now"]).keyword == "trace"
    assert table("3.2").lookup("acme", ["directory", "https://x"]).keyword == "directory"


def test_version_additions():
    assert table("2.6").lookup("frontend", ["option", "forwarded"]) is None
    assert table("2.8").lookup("backend", ["option", "forwarded"]) is not None
    assert table("2.6").lookup("global", ["tune.stick-counters", "4"]) is None
    assert table("2.8").lookup("global", ["tune.stick-counters", "4"]) is not None
    info = table("2.8").lookup("global", ["tune.h2.fe.max-total-streams", "10"])
    assert info is not None and info.undocumented  # backported after 2.8.0
    assert table("3.0").lookup("global", ["tune.h2.fe.max-total-streams", "10"]).undocumented is False


# ------------------------------------------------------------------------------------------
# Suggestions
# ------------------------------------------------------------------------------------------


def test_suggest():
    t = table("2.6")
    assert t.suggest("backend", "optoin") == "option"
    assert t.suggest("frontend", "timeout clinet") == "timeout client"
    assert t.suggest("global", "maxcon") == "maxconn"
    assert t.suggest("global", "Maxconn") == "maxconn"
    assert t.suggest("global", "maxconn") is None
    assert t.suggest("backend", "zzzzzzzz") is None
    assert t.suggest("resolvers", "namserver") == "nameserver"
    assert t.suggest("server", "wieght") == "weight"
    assert t.suggest("bind", "acept-proxy") == "accept-proxy"


# ------------------------------------------------------------------------------------------
# The data files
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_data_file_format(version):
    path = DATA / f"{version}.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    assert len(text.encode()) < 60_000
    assert data["version"] == version
    assert set(PROXY_SECTIONS) | {"global"} <= set(data["section_keywords"])
    for kind in ("global", "proxy", "bind", "server", "peers", "resolvers", "userlist"):
        assert data["keywords"][kind], kind
    for kind, names in data["keywords"].items():
        for name, entry in names.items():
            assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*( [a-z0-9][a-z0-9._-]*){0,2}", name), (kind, name)
            if kind == "proxy":
                assert entry["accepted_in"] and set(entry["accepted_in"]) <= set(PROXY_SECTIONS), name


def test_removed_is_cumulative():
    seen: dict[tuple[str, str], str] = {}
    for version in VERSIONS:
        removed = json.loads((DATA / f"{version}.json").read_text())["removed"]
        current = {(kind, name): info["since"] for kind, names in removed.items() for name, info in names.items()}
        for key, since in seen.items():
            assert current.get(key) == since or key[1] in table(version).keywords(key[0]), key
        seen.update(current)


@pytest.mark.skipif(not (HAPROXY_REPO / "HEAD").exists(), reason="HAProxy repository not available")
def test_script_reproduces_data():
    done = subprocess.run([sys.executable, str(SCRIPT), "--repo", str(HAPROXY_REPO), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_runtime_never_reads_docs():
    source = (ROOT / "haproxy_lint" / "keywords.py").read_text()
    assert "subprocess" not in source and "configuration.txt" not in source
