"""docs/ is generated from the rules: the committed pages must match what the rules say now."""

from __future__ import annotations

import subprocess
import sys

from haproxy_lint import all_rules
from haproxy_lint.docs import expected_pages

from .conftest import ROOT


def test_committed_rule_pages_are_up_to_date():
    docs = ROOT / "docs"
    stale = [name for name, text in expected_pages().items() if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != text]
    assert stale == [], "run `python scripts/gen_docs.py` and commit docs/"


def test_no_page_for_a_rule_that_no_longer_exists():
    codes = {rule.code for rule in all_rules()}
    orphans = [p.name for p in (ROOT / "docs" / "rules").glob("*.md") if p.stem not in codes]
    assert orphans == []


def test_generator_check_mode_agrees():
    result = subprocess.run([sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
