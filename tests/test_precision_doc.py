"""docs/precision.md (the rule-by-rule precision audit on the corpus) is generated and current.

scripts/gen_precision.py computes the figures from the corpus and merges the hand-written
judgements of docs/precision-judgements.yaml; every rule that fires must have been judged.
"""

from __future__ import annotations

import subprocess
import sys

from ruamel.yaml import YAML

from haproxy_lint import ParseError, Settings, lint

from .conftest import ROOT, corpus_files, read_corpus

SCRIPT = ROOT / "scripts" / "gen_precision.py"
JUDGEMENTS = ROOT / "docs" / "precision-judgements.yaml"


def test_precision_page_is_current():
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_rule_that_fires_on_the_corpus_is_judged():
    judgements = YAML(typ="safe").load(JUDGEMENTS.read_text(encoding="utf-8")) or {}
    fired: set[str] = set()
    for path in corpus_files():
        try:
            fired.update(d.code for d in lint(read_corpus(path), Settings(), path=path.name))
        except ParseError:
            continue
    missing = sorted(code for code in fired if not (judgements.get(code) or {}).get("sample", 0) > 0)
    assert not missing, f"rules that fire on the corpus without a judgement (sample > 0) in {JUDGEMENTS.name}: {missing}"
    for code, entry in judgements.items():
        assert 0 <= entry["right"] <= entry["sample"], code
        assert str(entry.get("notes", "")).strip(), f"{code}: notes are empty"
