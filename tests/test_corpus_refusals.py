"""The corpus files real HAProxy refuses, and what the linter says at HAProxy's line.

For each file the manifest records as refused by HAProxy 2.6 or 2.8, the first alert names a
line. Where the reason is in the file itself (not a missing certificate, map, Lua or error
file, an unresolvable host, or the regression tests' unfilled ``fd@${...}`` macros), the
linter at that target version should report an error on that line. The table is a reviewed
regression file: a refusal the linter stops catching shows in review.
"""

from __future__ import annotations

import re

import pytest

from haproxy_lint import Settings, Severity, lint, parse

from .conftest import corpus_files, manifest, read_corpus

_LINE = re.compile(r"\[[^\]]*?:(\d+)\]")
#: Files refused for something outside them that the alert, cut short in the manifest, hides.
ENVIRONMENT_FILES = {
    "haproxytech-dataplaneapi-e2e_tests_runtime_maps_entries_data_haproxy.cfg": "its map file is missing",
    "AndrewWhitaker-haproxy-htx-buffer-request-expect-header-haproxy.cfg": "`log rsyslog`: a host of its compose file",
}
#: Refusals whose reason is outside the file: a file, a name or a value it does not hold.
ENVIRONMENTAL = re.compile(
    r"file descriptor '' is not a valid integer|unable to stat SSL|error opening file|error in Lua file|"
    r"could not resolve address|crt-list|No such file|unable to load|failed to open|cannot open|"
    r"missing port specification in '__|invalid address: ''|'crt' : missing|Can't open|unable to find"
    r" required resolvers 'dns_|\$\{|file descriptor '[^']*' is not a valid integer|: unab|"
    r"could not resolve addr|missing port specification in 'quic\+fd@'"
)


def _refusals() -> dict[str, dict[str, tuple[int, str]]]:
    out: dict[str, dict[str, tuple[int, str]]] = {}
    for name, row in manifest().items():
        for version, column in (("2.6", "haproxy26"), ("2.8", "haproxy28")):
            verdict = row.get(column, "")
            m = _LINE.search(verdict)
            if verdict.startswith("fail") and m is not None:
                out.setdefault(name, {})[version] = (int(m.group(1)), verdict[6:].strip())
    return out


@pytest.fixture(scope="module")
def table():
    files = {p.name: p for p in corpus_files()}
    rows = {}
    for name, refusals in sorted(_refusals().items()):
        config = parse(read_corpus(files[name]), name, strict=False)
        for version, (line, alert) in refusals.items():
            key = f"{name} @{version}"
            text_line = config.lines[line - 1].text if 0 < line <= len(config.lines) else ""
            if ENVIRONMENTAL.search(alert) or name in ENVIRONMENT_FILES or "$" in text_line:
                # (a "$" on the line: an environment variable the test harness sets)
                rows[key] = {"line": line, "reason": "environment"}
                continue
            found = [] if config.errors else lint(config, Settings(target_version=version))
            codes = sorted({d.code for d in found if d.line == line and d.severity is Severity.ERROR})
            rows[key] = {"line": line, "reason": "in the file", "caught": bool(codes) or bool(config.errors),
                         "codes": codes, "alert": re.sub(r"\[[^\]]*\]", "[...]", alert)[:160]}
    return rows


def test_refusals_for_a_reason_in_the_file_get_an_error_at_haproxys_line(table, data_regression):
    data_regression.check(table)
    in_file = [row for row in table.values() if row["reason"] == "in the file"]
    caught = sum(row["caught"] for row in in_file)
    missed = sorted(key for key, row in table.items() if row["reason"] == "in the file" and not row["caught"])
    assert caught == len(in_file), f"{caught}/{len(in_file)} caught; missed: {missed}"
