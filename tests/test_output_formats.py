"""Machine-readable outputs for CI: SARIF, GitHub workflow commands, GitLab Code Quality, JUnit.

The reports are built by linting real configurations with a fixed selection of rules, so the
regression files under ``tests/test_output_formats/`` change when an output changes, not when
someone adds a rule. The SARIF rule table (every registered rule) is checked against
``all_rules()`` instead of a stored copy.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

import haproxy_lint
from haproxy_lint import Diagnostic, ParseError, Settings, Severity, all_rules
from haproxy_lint.docs import rule_page
from haproxy_lint.linter import lint_with_suppressed
from haproxy_lint.output import Report
from haproxy_lint.output import github, gitlab, junit, sarif

from .conftest import FIXTURES

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

MAIN_PATH = "haproxy/haproxy.cfg"
MAIN = """\
global
    log /dev/log local0

defaults
    mode http
    timeout connect 50
    timeout client 50000
    timeout server 50000
"""

# Repeated lines (fingerprints must still differ), a suppression with a typo after non-ASCII
# text (columns count code points: the emoji is two UTF-16 units), a suppressed finding.
ODD_PATH = "./conf.d/../conf.d/odd, name: 100%.cfg"
ODD = """\
# Unitless durations, the same line twice, and a suppression with a typo.
defaults
    mode http
    timeout connect 50
    timeout client 30s
    timeout server 30s  # café 🙂: haproxy-lint: disable=HL2O3
    timeout check 1500  # haproxy-lint: disable=HL203

backend app
    timeout connect 50
    server app1 10.0.0.1:80 check inter 2000 fastinter 500
"""

CLEAN_PATH = "conf.d/clean.cfg"
CLEAN = "defaults\n    mode http\n    timeout connect 5s\n"

BROKEN_PATH = "conf.d/broken.cfg"
BROKEN = 'global\n    maxconn 100\n    log "/dev/log\n'


def build_report(*, show_suppressed: bool = False) -> Report:
    """A report like the command line builds: each file read and parsed, broken ones as errors.

    Only HL001 and HL203 run (other rules come and go without changing the stored outputs); the
    main file is linted with HL203 raised to error and the odd one with HL001 lowered to info, so
    that every severity shows.
    """
    report = Report(files=5)
    report.errors.append(ParseError("no such file", path="missing.cfg"))
    runs = [
        (MAIN_PATH, MAIN, Settings(select=["HL203"], severity={"HL203": Severity.ERROR})),
        (ODD_PATH, ODD, Settings(select=["HL001", "HL203"], severity={"HL001": Severity.INFO})),
        (CLEAN_PATH, CLEAN, Settings(select=["HL001", "HL203"])),
        (BROKEN_PATH, BROKEN, Settings(select=["HL001", "HL203"])),
    ]
    for path, text, settings in runs:
        config = haproxy_lint.parse(text, path, strict=False)
        report.sources[path] = text
        if config.errors:
            report.errors.extend(config.errors)
            continue
        found, suppressed = lint_with_suppressed([config], settings)
        report.diagnostics += found
        if show_suppressed:
            report.suppressed += suppressed
    return report


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report()


@pytest.fixture(scope="module")
def sarif_log(report) -> dict:
    return json.loads(sarif.render(report))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(log: dict, schema: dict) -> None:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_report_covers_the_interesting_cases(report):
    severities = Counter(d.severity for d in report.diagnostics)
    assert severities[Severity.ERROR] and severities[Severity.WARNING] and severities[Severity.INFO]
    assert any(d.fix is not None for d in report.diagnostics)
    assert any(d.fix is None for d in report.diagnostics)
    assert {e.path for e in report.errors} == {"missing.cfg", BROKEN_PATH}


# --- SARIF ---------------------------------------------------------------------------------


def test_sarif_schema_is_the_official_oasis_one(schema, sarif_log):
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    # The log names the very schema it is validated against (OASIS 2.1.0 with errata 01).
    assert sarif_log["$schema"] == schema["id"]
    assert sarif_log["version"] == "2.1.0"


def test_sarif_validates_against_the_schema(schema, sarif_log):
    validate(sarif_log, schema)


def test_sarif_validates_on_the_example_with_every_rule(schema):
    """The example configuration, linted with every rule as the command line does."""
    path = "fixtures/examples/haproxy.cfg"
    text = (FIXTURES / "examples" / "haproxy.cfg").read_text(encoding="utf-8")
    report = Report(files=1, sources={path: text})
    report.diagnostics = haproxy_lint.lint(text, path=path)
    assert len({d.code for d in report.diagnostics}) > 1
    log = json.loads(sarif.render(report))
    validate(log, schema)
    (run,) = log["runs"]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_with_suppressed_and_without_sources_validates(schema):
    report = build_report(show_suppressed=True)
    assert report.suppressed
    validate(json.loads(sarif.render(report)), schema)
    report.sources.clear()  # a report built through the API may have no source text
    log = json.loads(sarif.render(report))
    validate(log, schema)
    results = log["runs"][0]["results"]
    assert all("partialFingerprints" not in r for r in results)
    fixed = [r for r in results if "fixes" in r]
    region = fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert set(region) == {"charOffset", "charLength"}


def test_sarif_run_describes_the_tool(sarif_log):
    (run,) = sarif_log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "haproxy-lint"
    assert driver["version"] == haproxy_lint.__version__
    assert driver["informationUri"] == "https://github.com/haproxy-lint/haproxy-lint"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_rules_are_every_registered_rule(sarif_log):
    rules = sarif_log["runs"][0]["tool"]["driver"]["rules"]
    registered = all_rules()
    assert [d["id"] for d in rules] == [rule.code for rule in registered]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(rules, registered):
        assert re.fullmatch(r"[A-Z0-9][A-Za-z0-9]*", descriptor["name"]), descriptor["name"]
        assert descriptor["name"].lower() == rule.name.replace("-", "").replace(".", "")
        assert descriptor["shortDescription"]["text"] == rule.summary()
        assert 0 < len(descriptor["fullDescription"]["text"]) <= 1024
        assert descriptor["fullDescription"]["text"].startswith(rule.summary()[:40])
        assert descriptor["help"] == {"text": rule_page(rule), "markdown": rule_page(rule)}
        assert descriptor["helpUri"] == (
            f"https://github.com/haproxy-lint/haproxy-lint/blob/main/docs/rules/{rule.code}.md"
        )
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity.value]


def test_sarif_help_uris_point_at_committed_pages(sarif_log):
    root = Path(__file__).resolve().parent.parent
    for descriptor in sarif_log["runs"][0]["tool"]["driver"]["rules"]:
        page = descriptor["helpUri"].removeprefix(sarif.REPOSITORY_BLOB_URL)
        assert page == f"docs/rules/{descriptor['id']}.md"
        if (root / page).exists():  # pages of rules added since the last docs run come later
            assert (root / page).read_text(encoding="utf-8") == descriptor["help"]["markdown"]


def test_sarif_results_point_at_their_rule(report, sarif_log):
    (run,) = sarif_log["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(report.diagnostics)
    for result, diag in zip(results, report.diagnostics):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == diag.code
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            diag.line,
            diag.column,
            diag.end_line,
            diag.end_column,
        )


def test_sarif_results(sarif_log, data_regression):
    # ruleIndex depends on how many rules exist (checked above); the rest is stored.
    results = [{k: v for k, v in result.items() if k != "ruleIndex"} for result in sarif_log["runs"][0]["results"]]
    data_regression.check({"results": results, "invocations": sarif_log["runs"][0]["invocations"]})


def test_sarif_parse_errors_are_notifications(sarif_log):
    (invocation,) = sarif_log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error"]
    missing, broken = notes
    assert missing["message"]["text"] == "no such file"
    assert missing["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "missing.cfg"}}
    location = broken["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == BROKEN_PATH
    assert location["region"] == {"startLine": 3, "startColumn": 9}


def test_sarif_clean_run_is_successful(schema):
    report = Report(files=1, sources={CLEAN_PATH: CLEAN})
    log = json.loads(sarif.render(report))
    validate(log, schema)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_columns_count_code_points(sarif_log):
    result = next(r for r in sarif_log["runs"][0]["results"] if r["ruleId"] == "HL001")
    region = result["locations"][0]["physicalLocation"]["region"]
    line = ODD.split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "HL2O3"
    assert result["level"] == "note"


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line - 1] + column - 1


def test_sarif_fixes_apply_like_our_fixes(report, sarif_log):
    """Applying every SARIF replacement gives the text ``--fix --unsafe-fixes`` writes."""
    texts = {sarif._uri(MAIN_PATH): MAIN, sarif._uri(ODD_PATH): ODD}
    edits: dict[str, list[tuple[int, int, str]]] = {uri: [] for uri in texts}
    for result in sarif_log["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                uri = change["artifactLocation"]["uri"]
                for replacement in change["replacements"]:
                    region = replacement["deletedRegion"]
                    start = _offset(texts[uri], region["startLine"], region["startColumn"])
                    end = _offset(texts[uri], region["endLine"], region["endColumn"])
                    edits[uri].append((start, end, replacement["insertedContent"]["text"]))
    assert all(edits.values())
    for uri, text in texts.items():
        original = text
        for start, end, new in sorted(edits[uri], reverse=True):
            text = text[:start] + new + text[end:]
        assert text == haproxy_lint.fix(original, Settings(select=["HL001", "HL203"]), unsafe=True).text


def test_sarif_fix_descriptions(sarif_log):
    result = sarif_log["runs"][0]["results"][0]
    (fix,) = result["fixes"]
    assert fix["description"]["text"] == "write `50ms`"
    assert fix["properties"] == {"applicability": "safe"}
    assert fix["artifactChanges"][0]["artifactLocation"]["uri"] == MAIN_PATH


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("haproxy.cfg", "haproxy.cfg"),
        ("./conf.d/../haproxy.cfg", "haproxy.cfg"),
        ("../shared/haproxy.cfg", "../shared/haproxy.cfg"),
        ("conf d/a,b:c%.cfg", "conf%20d/a,b%3Ac%25.cfg"),
        ("c:x.cfg", "c%3Ax.cfg"),
        ("/etc/haproxy/haproxy.cfg", "file:///etc/haproxy/haproxy.cfg"),
        ("/etc/ha proxy/é.cfg", "file:///etc/ha%20proxy/%C3%A9.cfg"),
        ("<stdin>", "%3Cstdin%3E"),
    ],
)
def test_sarif_uris(path, uri):
    assert sarif._uri(path) == uri
    # An RFC 3986 URI reference: unreserved, sub-delims, ":@/" and percent escapes only.
    assert re.fullmatch(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*", uri)


def test_sarif_suppressed_results_say_how(schema):
    text = ODD
    config = haproxy_lint.parse(text, "odd.cfg")
    settings = Settings(select=["HL203"], per_file_ignores={"odd.cfg": ["HL203"]})
    found, suppressed = lint_with_suppressed([config], settings)
    assert not found
    report = Report(files=1, sources={"odd.cfg": text}, suppressed=suppressed)
    log = json.loads(sarif.render(report))
    validate(log, schema)
    kinds = {
        result["locations"][0]["physicalLocation"]["region"]["startLine"]: result["suppressions"]
        for result in log["runs"][0]["results"]
    }
    assert kinds[7] == [{"kind": "inSource"}]  # the disable= comment
    assert kinds[4] == [{"kind": "external"}]  # per-file-ignores


# GitHub's own test vectors for the line hash (github/codeql-action src/fingerprints.test.ts).
_HELLO = "e9496ae3ebfced30:1 fb7c023a8b9ccb3f:1 ce8ba1a563dcdaca:1 e20e36e16fcb0cc8:1 b3edc88f2938467e:1 c8e28b0b4002a3a0:1 c129715d7a2bc9a3:1"
_LOREM = " ".join(
    [*(f"a7f2ff13bc495cf2:{i}" for i in range(1, 7))]
    + "a7f2ff1481e87703:1 a9cf91f7bbf1862b:1 55ec222b86bcae53:1 cc97dc7b1d7d8f7b:1 c129715d7a2bc9a3:1".split()
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "c129715d7a2bc9a3:1"),
        (" a\nb\n  \t\tc\n d", "271789c17abda88f:1 54703d4cd895b18:1 180aee12dab6264:1 a23a3dc5e078b07b:1"),
        (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
            "8b7cf3e952e7aeb2:1 b1ae1287ec4718d9:1 bff680108adb0fcc:1 c6805c5e1288b612:1 b86d3392aea1be30:1 e6ceba753e1a442:1",
        ),
        (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", _HELLO),
        (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", _HELLO),
        (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", _HELLO),
        (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", _HELLO),
        ("Lorem ipsum dolor sit amet.\n" * 10, _LOREM),
    ],
)
def test_sarif_line_hash_is_githubs(text, expected):
    hashes = sarif._line_hashes(text)
    assert [hashes[line] for line in range(1, len(hashes) + 1)] == expected.split()


def test_sarif_fingerprints_follow_moved_lines():
    moved = "# a comment added at the top\n\n" + ODD

    def fingerprints(text):
        report = Report(sources={"odd.cfg": text})
        report.diagnostics = haproxy_lint.lint(text, Settings(select=["HL203"]), "odd.cfg")
        return [r["partialFingerprints"] for r in json.loads(sarif.render(report))["runs"][0]["results"]]

    assert fingerprints(moved) == fingerprints(ODD)


# --- GitHub Actions ------------------------------------------------------------------------


def test_github_escapes_properties_and_data():
    diag = Diagnostic(
        code="HL999",
        name="odd-rule",
        severity=Severity.WARNING,
        message="100% of checks fail: see a, b\r\nthen c",
        path="./conf,d/a:b.cfg",
        line=3,
        column=5,
        end_line=3,
        end_column=9,
        start=0,
        end=0,
    )
    spanning = diag.model_copy(update={"severity": Severity.INFO, "end_line": 4, "end_column": 2, "message": "two lines"})
    error = ParseError("bad, really: 50%", path="x,y.cfg", line=2, column=7)
    report = Report(diagnostics=[diag, spanning], errors=[error, ParseError("no such file", path="gone.cfg")], quiet=True)
    assert github.render(report).splitlines() == [
        "::error file=x%2Cy.cfg,line=2,col=7::bad, really: 50%25",
        "::error file=gone.cfg::no such file",
        "::warning file=conf%2Cd/a%3Ab.cfg,line=3,col=5,endLine=3,endColumn=9,title=HL999 odd-rule"
        "::100%25 of checks fail: see a, b%0D%0Athen c",
        "::notice file=conf%2Cd/a%3Ab.cfg,line=3,endLine=4,title=HL999 odd-rule::two lines",
    ]


def test_github_severities_and_summary(report):
    lines = github.render(report).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(report.diagnostics) + len(report.errors)
    assert Counter(line.split(" ", 1)[0] for line in commands) == Counter(
        {"::error": 3 + 2, "::warning": 2, "::notice": 1 + 2}
    )
    assert lines[-1].startswith("2 files could not be read or parsed; found 8 problems")
    assert not lines[-1].startswith("::")


def test_github_output(report, file_regression):
    file_regression.check(github.render(report), extension=".txt")


# --- GitLab Code Quality -------------------------------------------------------------------


def test_gitlab_issues(report):
    issues = json.loads(gitlab.render(report))
    assert len(issues) == len(report.diagnostics) + len(report.errors)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert not issue["location"]["path"].startswith("./")
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {(issue["check_name"], issue["severity"]) for issue in issues} == {
        ("parse-error", "blocker"),
        ("HL203", "critical"),  # raised to error in the main file
        ("HL203", "major"),
        ("HL203", "info"),  # durations that read naturally as milliseconds
        ("HL001", "info"),
    }


def test_gitlab_fingerprints_survive_moved_lines():
    def fingerprints(text):
        report = Report(sources={"odd.cfg": text})
        report.diagnostics = haproxy_lint.lint(text, Settings(select=["HL001", "HL203"]), "odd.cfg")
        return [issue["fingerprint"] for issue in json.loads(gitlab.render(report))]

    before = fingerprints(ODD)
    assert len(set(before)) == len(before)  # the two `timeout connect 50` lines differ
    assert fingerprints("# a new first line\n\n" + ODD) == before


def test_gitlab_output(report, data_regression):
    data_regression.check({"issues": json.loads(gitlab.render(report))})


# --- JUnit ---------------------------------------------------------------------------------


def test_junit_structure(report):
    root = ET.fromstring(junit.render(report))
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {MAIN_PATH, "conf.d/odd, name: 100%.cfg", CLEAN_PATH, BROKEN_PATH, "missing.cfg"}
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())
    (clean,) = suites[CLEAN_PATH].findall("testcase")
    assert list(clean) == [] and clean.get("name") == "haproxy-lint"
    failure = suites[MAIN_PATH].find("testcase/failure")
    assert failure.get("type") == "HL203"
    assert failure.get("message") == ("`50` has no unit and means 50 milliseconds, implausibly short for "
                                      "`connect`; write `50s` if seconds were meant, or `50ms`")
    assert failure.text.splitlines()[0].startswith(f"{MAIN_PATH}:6:21: HL203 [error]")
    info = [c for c in suites["conf.d/odd, name: 100%.cfg"].findall("testcase") if c.get("name").startswith("HL001")]
    assert info[0].find("failure") is None and "HL2O3" in info[0].find("system-out").text
    assert suites[BROKEN_PATH].find("testcase/error").get("type") == "parse-error"


def test_junit_escapes_what_xml_cannot_hold():
    diag = Diagnostic(
        code="HL999",
        name="odd-rule",
        severity=Severity.ERROR,
        message='<tag> & "quotes" \x01 \udc80 ]]>',
        path="a&b<c>.cfg",
        line=1,
        column=1,
        end_line=1,
        end_column=2,
        start=0,
        end=1,
    )
    root = ET.fromstring(junit.render(Report(diagnostics=[diag])))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == '<tag> & "quotes" \\x01 \\udc80 ]]>'
    assert root.find("testsuite").get("name") == "a&b<c>.cfg"


def test_junit_output(report, file_regression):
    file_regression.check(junit.render(report), extension=".xml")


# --- the command line ----------------------------------------------------------------------

NEW_FORMATS = ("sarif", "github", "gitlab", "junit")


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_command_line_formats(fmt, tmp_path, monkeypatch, capsys):
    from haproxy_lint.cli import run

    (tmp_path / "haproxy.cfg").write_text(ODD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = run(["--select", "HL203", "--format", fmt, "haproxy.cfg"])
    out = capsys.readouterr().out
    assert code == 1
    module = {"sarif": sarif, "github": github, "gitlab": gitlab, "junit": junit}[fmt]
    from haproxy_lint.linter import lint_with_suppressed

    report = Report(files=1, sources={"haproxy.cfg": ODD})
    kept, suppressed = lint_with_suppressed([haproxy_lint.parse(ODD, "haproxy.cfg")], Settings(select=["HL203"]))
    report.diagnostics, report.suppressed_count = kept, len(suppressed)
    assert out == module.render(report)
