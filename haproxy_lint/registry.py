"""Where rules come from: the built-in modules and the ``haproxy_lint.rules`` entry points.

A third-party package registers rules in its ``pyproject.toml``::

    [project.entry-points."haproxy_lint.rules"]
    my_rules = "my_package.rules"

The entry point may name a module (its ``Rule`` subclasses that define a ``code`` are taken, in
the order they are defined), a single ``Rule`` subclass, or a list of them.
"""

from __future__ import annotations

import importlib
import inspect
import re
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

from .rule import Rule

__all__ = ["RuleError", "all_rules", "get_rule", "rules_from"]

ENTRY_POINT_GROUP = "haproxy_lint.rules"
_CODE = re.compile(r"[A-Z]+\d{3}")
_NAME = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")


class RuleError(Exception):
    """A rule that cannot be registered (a bad or duplicate code, no documentation...)."""


def rules_from(obj: object) -> list[type[Rule]]:
    """The rule classes a module, a class or a list provides."""
    if isinstance(obj, ModuleType):
        return [
            value
            for value in vars(obj).values()
            if inspect.isclass(value)
            and issubclass(value, Rule)
            and "code" in vars(value)
            and value.__module__ == obj.__name__
        ]
    if inspect.isclass(obj) and issubclass(obj, Rule):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [rule for item in obj for rule in rules_from(item)]
    raise RuleError(f"{obj!r} provides no rules")


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every registered rule, built-in ones first, sorted by code."""
    from .rules import BUILTIN_MODULES

    rules: list[type[Rule]] = []
    for name in BUILTIN_MODULES:
        rules += rules_from(importlib.import_module(f"haproxy_lint.rules.{name}"))
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin must not take the linter down unexplained
            raise RuleError(f"cannot load rules from plugin {entry.name!r} ({entry.value}): {exc}") from exc
        rules += rules_from(loaded)
    seen: dict[str, type[Rule]] = {}
    for rule in rules:
        _validate(rule)
        if rule.code in seen and seen[rule.code] is not rule:
            raise RuleError(f"rule code {rule.code} is defined twice: {seen[rule.code].__module__} and {rule.__module__}")
        seen[rule.code] = rule
    return tuple(sorted(seen.values(), key=lambda rule: rule.code))


def get_rule(code: str) -> type[Rule] | None:
    """The rule with this code (``HL101``) or name (``httpchk-missing-host``), if any."""
    for rule in all_rules():
        if rule.code == code.upper() or rule.name == code:
            return rule
    return None


def _validate(rule: type[Rule]) -> None:
    where = f"{rule.__module__}.{rule.__qualname__}"
    if not _CODE.fullmatch(getattr(rule, "code", "")):
        raise RuleError(f"{where}: code must be letters then three digits, like HL101")
    if not _NAME.fullmatch(getattr(rule, "name", "")):
        raise RuleError(f"{where}: name must be kebab-case, like httpchk-missing-host")
    if not hasattr(rule, "severity"):
        raise RuleError(f"{where}: no default severity")
    if not (rule.__doc__ or "").strip():
        raise RuleError(f"{where}: a rule's docstring is its documentation and cannot be empty")
