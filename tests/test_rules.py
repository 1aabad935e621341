"""Every rule against its fixtures: ``fixtures/rules/<CODE>/bad*.cfg`` must trigger it (the
diagnostics are stored as regression files, so any change of message or position shows in
review) and ``good*.cfg`` must not. A fixture may start with ``# target-version: X.Y``.

Fixable rules also have their fixes checked: the fixed text is a regression file, only the
edited spans change, and fixing again changes nothing.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from haproxy_lint import Settings, all_rules, fix, lint, parse
from haproxy_lint.fix import apply_edits, select_fixes

from .conftest import ROOT, RULE_FIXTURES

BAD = sorted(RULE_FIXTURES.glob("*/bad*.cfg"))
GOOD = sorted(RULE_FIXTURES.glob("*/good*.cfg"))
_TARGET = re.compile(r"#\s*target-version:\s*(\S+)")


def _id(path: Path) -> str:
    return f"{path.parent.name}-{path.stem}"


def settings_for(path: Path, text: str) -> Settings:
    m = _TARGET.search(text.split("\n", 1)[0])
    options = {"select": [path.parent.name]}
    if m:
        options["target_version"] = m.group(1)
    return Settings(**options)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_has_good_and_bad_fixtures(rule):
    folder = RULE_FIXTURES / rule.code
    assert sorted(folder.glob("bad*.cfg")), f"{rule.code}: no fixtures/rules/{rule.code}/bad*.cfg"
    assert sorted(folder.glob("good*.cfg")), f"{rule.code}: no fixtures/rules/{rule.code}/good*.cfg"


@pytest.mark.parametrize("path", BAD, ids=_id)
def test_bad_fixture_triggers_its_rule(path, data_regression):
    text = path.read_text(encoding="utf-8")
    code = path.parent.name
    diagnostics = lint(text, settings_for(path, text), path=_rel(path))
    assert diagnostics, f"{_rel(path)} does not trigger {code}"
    assert {d.code for d in diagnostics} == {code}
    data_regression.check(
        [
            {
                "where": f"{d.line}:{d.column}-{d.end_line}:{d.end_column}",
                "severity": d.severity.value,
                "message": d.message,
                "fix": None if d.fix is None else f"{d.fix.applicability}: {d.fix.title}",
            }
            for d in diagnostics
        ]
    )


@pytest.mark.parametrize("path", GOOD, ids=_id)
def test_good_fixture_is_quiet(path):
    text = path.read_text(encoding="utf-8")
    diagnostics = lint(text, settings_for(path, text), path=_rel(path))
    assert [f"{d.line}:{d.column} {d.code} {d.message}" for d in diagnostics] == []


def changed_lines_are_edited(before: str, after: str, edits) -> list[str]:
    """Lines of ``before`` that changed although no edit touches them (should be none)."""
    old = before.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    touched = set()
    for edit in edits:
        for number, (a, b) in enumerate(zip(starts, starts[1:])):
            if a <= edit.end and edit.start <= b:
                touched.add(number)
    problems = []
    matcher = difflib.SequenceMatcher(a=old, b=after.splitlines(keepends=True), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            problems += [old[i] for i in range(i1, i2) if i not in touched]
    return problems


@pytest.mark.parametrize("path", [p for p in BAD if p.parent.name in {r.code for r in all_rules() if r.fixable}], ids=_id)
def test_fix_changes_only_edited_spans(path, file_regression):
    text = path.read_text(encoding="utf-8")
    settings = settings_for(path, text)
    # Round by round, as the fixer works: each round's edits apply to that round's text.
    current = text
    for _ in range(10):
        chosen = select_fixes(lint(current, settings), unsafe=True)
        if not chosen:
            break
        edits = [e for d in chosen for e in d.fix.edits]
        new = apply_edits(current, edits)
        assert changed_lines_are_edited(current, new, edits) == []
        parse(new).check()
        current = new
    result = fix(text, settings, unsafe=True)
    assert result.text == current
    assert result.applied, f"{_rel(path)}: the rule offers a fix but none applied"
    assert not result.broken
    assert fix(result.text, settings, unsafe=True).text == result.text, "fixing twice changed the text again"
    file_regression.check(result.text, extension=".cfg")


_BLOCK = re.compile(r"```haproxy\n(.*?)```", re.S)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_docstring_examples(rule):
    """The "Example" of a rule's page triggers it; the "Use instead" does not."""
    doc = rule.documentation()
    assert "Why is this bad?" in doc and "Example" in doc, f"{rule.code}: docstring lacks sections"
    bad = _BLOCK.findall(doc["Example"])
    assert bad, f"{rule.code}: no ```haproxy block in Example"
    for block in bad:
        settings = _block_settings(rule.code, block)
        assert any(d.code == rule.code for d in lint(block, settings)), f"{rule.code}: its Example does not trigger it"
    for block in _BLOCK.findall(doc.get("Use instead", "")):
        settings = _block_settings(rule.code, block)
        assert not [d for d in lint(block, settings) if d.code == rule.code], f"{rule.code}: its 'Use instead' triggers it"


def _block_settings(code: str, block: str) -> Settings:
    """A docstring example may start with ``# target-version: X.Y``, as fixtures do."""
    m = _TARGET.search(block.split("\n", 1)[0])
    return Settings(select=[code], **({"target_version": m.group(1)} if m else {}))
