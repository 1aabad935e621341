"""The guide's own example configurations (../shared/guide-examples): the first thing a user
will try. Step 10, "best practices", still holds the hazards the guide README lists."""

from __future__ import annotations

from collections import Counter

from haproxy_lint import Settings, Severity, fix, lint, parse

from .conftest import FIXTURES, GUIDE


def _lint(name: str, settings: Settings | None = None):
    path = GUIDE / name
    return lint(path.read_text(encoding="utf-8"), settings, path=name)


def test_step10_produces_exactly_the_expected_findings():
    found = [(d.line, d.code) for d in _lint("step10-best-practices.cfg")]
    assert found == [
        (15, "HL203"),  # timeout connect 5000
        (16, "HL203"),  # timeout client 50000
        (17, "HL203"),  # timeout server 50000
        (26, "HL102"),  # headers smuggled in the version: refused by 2.8
        (35, "HL111"),  # the second option httpchk throws the first request away
        (44, "HL901"),  # web_backend defined twice
    ]
    # The opt-in advice, with --select ALL:
    everything = {(d.line, d.code) for d in _lint("step10-best-practices.cfg", Settings(select=["ALL"]))}
    assert everything - set(found) == {
        (4, "HL701"),   # no stats socket: no runtime API to repair a DOWN server
        (10, "HL703"),  # checked servers, option log-health-checks not set
    }


def test_step10_findings_point_at_the_offending_words():
    by_code = {d.code: d for d in _lint("step10-best-practices.cfg")}
    assert (by_code["HL102"].column, by_code["HL102"].end_column) == (32, 68)  # the version word
    assert by_code["HL102"].severity is Severity.ERROR
    assert (by_code["HL901"].column, by_code["HL901"].end_column) == (9, 20)  # the duplicate name


def test_step10_safe_fixes_write_units_and_nothing_else():
    text = (GUIDE / "step10-best-practices.cfg").read_text(encoding="utf-8")
    result = fix(text)
    assert sorted(d.code for d in result.applied) == ["HL203"] * 3
    changed = [(a, b) for a, b in zip(text.splitlines(), result.text.splitlines()) if a != b]
    assert changed == [
        ("    timeout connect 5000", "    timeout connect 5s"),
        ("    timeout client 50000", "    timeout client 50s"),
        ("    timeout server 50000", "    timeout server 50s"),
    ]


def test_the_other_steps_get_their_hazards():
    step3 = Counter(d.code for d in _lint("step3-health-checks.cfg"))
    assert step3["HL102"] == 1 and step3["HL106"] == 1 and step3["HL201"] == 1  # status 200 201 202; timeout check 5s > inter 2s
    step5 = {d.code: d for d in _lint("step5-tls.cfg")}
    assert step5["HL301"].severity is Severity.ERROR  # force-sslv3: OpenSSL 3 refuses it
    assert "HL305" in step5  # verify none
    step6 = Counter(d.code for d in _lint("step6-thresholds.cfg"))
    assert step6["HL206"] == 2 and step6["HL204"] == 1 and step6["HL205"] == 1


def test_a_well_configured_example_has_no_findings():
    path = FIXTURES / "examples" / "clean.cfg"
    diagnostics = lint(path.read_text(encoding="utf-8"), path="clean.cfg")
    assert [f"{d.line}:{d.column} {d.code} {d.message}" for d in diagnostics] == []


def test_the_bundled_example_shows_the_showcase_fix():
    text = (FIXTURES / "examples" / "haproxy.cfg").read_text(encoding="utf-8")
    fixed = fix(text).text
    assert "    option httpchk\n    http-check send meth GET uri /health ver HTTP/1.1 hdr Host app.example.com\n" in fixed
    assert not [d for d in lint(parse(fixed)) if d.code == "HL102"]
