"""The public API is typed: ``mypy --strict`` on a user program, and no ``Any`` in what it sees.

How mypy sees the package: as a tool that installed it would. The package is found on
``MYPYPATH`` (the editable install's import hook is invisible to mypy) and followed with
``follow_imports = silent``: its annotations are read, errors inside its private code are
not reported, as for any installed package. (Shipping ``py.typed`` is what lets mypy read an
installed copy at all: ``test_py_typed_is_in_the_wheel``.)

Two files are checked, in one mypy run:

- ``tests/typecheck/user_program.py``, written by hand, uses every name of
  ``haproxy_lint.__all__`` the way a tool would, with ``--strict --disallow-any-expr``: an
  annotation that disappears (a call to an untyped function), a return type that becomes
  ``Any`` or changes (``inter: int = server.inter``) fails it. The test also runs it.
- a probe generated here from ``__all__``: ``reveal_type`` of every public name, and of every
  public member (fields, properties, methods) of every public class, on an instance. No
  revealed type may contain ``Any``, so a parameter typed ``Any`` is caught too, and so is a
  new public name or method that comes without annotations.

The examples (``examples/*.py`` and the plugin example) are checked with ``--strict`` in the
same run: they are user programs too. So are the package's modules that define public names
(``mypy --strict`` on their code, not only their signatures).
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import shutil
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest

import haproxy_lint

from .conftest import ROOT

PROGRAM = ROOT / "tests" / "typecheck" / "user_program.py"


def public_modules() -> list[Path]:
    """The files of the modules that define the public names (and the package's __init__)."""
    names = {"haproxy_lint"} | {getattr(getattr(haproxy_lint, n), "__module__", "haproxy_lint") for n in haproxy_lint.__all__}
    return sorted(ROOT / (name.replace(".", "/") + ("/__init__.py" if name == "haproxy_lint" else ".py")) for name in names)


EXAMPLES = sorted((ROOT / "examples").glob("*.py")) + [ROOT / "examples" / "plugin" / "acme_haproxy_rules" / "__init__.py"]

MYPY_CONFIG = """\
[mypy]
strict = True
warn_unreachable = True
follow_imports = silent
show_error_codes = True
pretty = False

[mypy-user_program,typing_probe]
disallow_any_expr = True
"""


def public_members(cls: type) -> list[str]:
    """The public members a user of ``cls`` can reach: what haproxy_lint's own classes in its
    MRO define (not pydantic's or Exception's), fields, and attributes set in ``__init__``."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("haproxy_lint"):
            names |= {name for name in vars(klass) if not name.startswith("_")}
            names |= {name for name in getattr(klass, "__annotations__", {}) if not name.startswith("_")}
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict):
        names |= set(fields)
    if issubclass(cls, Exception):
        names |= {name for name in vars(cls("message")) if not name.startswith("_")}
    names.discard("model_config")  # pydantic's class configuration, not an API
    return sorted(names)


def probe_source() -> tuple[str, dict[int, str]]:
    """The probe module, and which public name or member each ``reveal_type`` line shows."""
    lines = ["import haproxy_lint", "from typing import reveal_type", ""]
    what: dict[int, str] = {}

    def reveal(expression: str, label: str, indent: str = "") -> None:
        lines.append(f"{indent}reveal_type({expression})")
        what[len(lines)] = label

    for name in haproxy_lint.__all__:
        reveal(f"haproxy_lint.{name}", name)
    for name in haproxy_lint.__all__:
        obj = getattr(haproxy_lint, name)
        if inspect.isclass(obj):
            lines += ["", f"def probe_{name}(x: haproxy_lint.{name}) -> None:"]
            for member in public_members(obj):
                reveal(f"x.{member}", f"{name}.{member}", "    ")
            lines.append("    pass")
    return "\n".join(lines) + "\n", what


@lru_cache(maxsize=1)
def mypy_run(tmp: str) -> tuple[subprocess.CompletedProcess[str], dict[int, str]]:
    folder = Path(tmp)
    probe, what = probe_source()
    (folder / "typing_probe.py").write_text(probe, encoding="utf-8")
    (folder / "mypy.ini").write_text(MYPY_CONFIG, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "mypy", "--config-file", str(folder / "mypy.ini"),
        "--cache-dir", str(folder / "cache"),
        str(PROGRAM), str(folder / "typing_probe.py"), *map(str, EXAMPLES), *map(str, public_modules()),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder, timeout=600)
    return result, what


@pytest.fixture(scope="module")
def mypy(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict[int, str]]:
    return mypy_run(str(tmp_path_factory.mktemp("mypy")))


def test_the_public_modules_checked_are_the_expected_ones():
    checked = {path.relative_to(ROOT).as_posix() for path in public_modules()}
    assert checked == {f"haproxy_lint/{name}.py" for name in (
        "__init__", "diagnostics", "effective", "errors", "fix", "linter", "model", "parser", "registry",
        "rule", "settings", "views")}


def test_user_program_examples_and_public_modules_pass_mypy_strict(mypy):
    result, _ = mypy
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_no_public_name_or_member_is_any(mypy):
    result, what = mypy
    revealed: dict[str, str] = {}
    for line in result.stdout.splitlines():
        m = re.match(r"(?:.*[/\\])?typing_probe\.py:(\d+): note: Revealed type is \"(.*)\"$", line)
        if m:
            revealed[what[int(m.group(1))]] = m.group(2)
    assert set(revealed) == set(what.values()), "mypy did not reveal: " + ", ".join(sorted(set(what.values()) - set(revealed)))
    untyped = {label: shown for label, shown in revealed.items() if re.search(r"\bAny\b", shown)}
    assert untyped == {}


def test_the_probe_covers_what_users_reach():
    _, what = probe_source()
    labels = set(what.values())
    # a few members users rely on, through every kind of attribute: field, property, lazy
    # property (views.Server), cached property, method, classmethod, exception attribute
    for label in ("Config.lines", "Config.proxies", "Server.inter", "Server.get", "Proxy.timeout",
                  "Line.words", "Rule.documentation", "ParseError.line", "Diagnostic.fix", "Settings.target_version"):
        assert label in labels, label


def test_user_program_names_every_public_name():
    tree = ast.parse(PROGRAM.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "haproxy_lint" for alias in node.names}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    reached = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and isinstance(node.value, ast.Name) and node.value.id == "haproxy_lint"}
    exercised = (imported & used) | reached
    missing = sorted(set(haproxy_lint.__all__) - exercised)
    assert missing == [], f"tests/typecheck/user_program.py does not use {missing}: use them there"


def test_user_program_runs():
    result = subprocess.run([sys.executable, str(PROGRAM)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout == "ok\n", result.stdout + result.stderr


def test_py_typed_is_in_the_wheel(tmp_path):
    """The wheel a user installs carries py.typed (without it mypy ignores the annotations),
    the grammar and the data tables. Built from a copy, so that nothing is written here."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "haproxy_lint", source / "haproxy_lint", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "dist").glob("haproxy_lint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "haproxy_lint/py.typed" in names
    assert "haproxy_lint/grammar/haproxy.lark" in names
    assert any(name.startswith("haproxy_lint/data/") and name.endswith(".json") for name in names)
