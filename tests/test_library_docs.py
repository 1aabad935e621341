"""docs/library.md is generated from the public API's docstrings and examples/: it must be up to
date, and every public name and member must have something to say there."""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys
from types import ModuleType

import pytest

import haproxy_lint

from .conftest import ROOT


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_library_docs", ROOT / "scripts" / "gen_library_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_library_reference_is_up_to_date():
    result = subprocess.run([sys.executable, "scripts/gen_library_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun `python scripts/gen_library_docs.py` and commit docs/library.md"


def test_every_public_name_has_a_docstring_and_an_entry():
    page = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    for name in haproxy_lint.__all__:
        if name == "__version__":
            assert "#### `__version__: str`" in page
            continue
        obj = getattr(haproxy_lint, name)
        assert (inspect.getdoc(obj) or "").strip(), f"{name} has no docstring"
        heading = f"#### `class {name}" if inspect.isclass(obj) else f"#### `{name}("
        assert heading in page, name


def test_every_public_member_is_described(generator):
    """A member's docstring, or (for the modules reworked on another branch, until the merge)
    an entry of PENDING_DOCSTRINGS; never both, and no entry for a member that is gone."""
    pending = dict(generator.PENDING_DOCSTRINGS)
    undocumented = []
    for name in haproxy_lint.__all__:
        obj = getattr(haproxy_lint, name)
        if not inspect.isclass(obj):
            continue
        for _kind, heading, text in generator.members_of(obj):
            member = f"{name}.{heading.split('(')[0].split(':')[0]}"
            if member in pending:
                assert not text, f"{member} has a docstring now: remove it from PENDING_DOCSTRINGS"
                assert obj.__module__ in ("haproxy_lint.views", "haproxy_lint.effective", "haproxy_lint.model"), member
                del pending[member]
            elif not text:
                undocumented.append(member)
    assert undocumented == [], "give these a docstring"
    assert pending == {}, "PENDING_DOCSTRINGS names members that do not exist"


def test_every_example_script_is_a_worked_example(generator):
    shown = {script for script, _title, _args in generator.EXAMPLES}
    assert shown == {path.name for path in (ROOT / "examples").glob("*.py")}


def test_markup_conversion(generator):
    convert = generator.rst_to_markdown
    assert convert("``backend `app``` (or ``defaults``)") == "`` backend `app` `` (or `defaults`)"
    assert convert(":attr:`haproxy_lint.effective.Proxy.servers` and :class:`~haproxy_lint.model.Config`") == "`Proxy.servers` and `Config`"
    assert convert("Like this::\n\n    parse(text)\n\nthen.") == "Like this:\n\n```\nparse(text)\n```\n\nthen."
