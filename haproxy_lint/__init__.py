"""haproxy-lint: lint and safely fix HAProxy configuration files.

The public API::

    import haproxy_lint

    config = haproxy_lint.parse(text)            # typed, lossless model; to_text() == text
    diagnostics = haproxy_lint.lint(text)        # findings, sorted by position
    result = haproxy_lint.fix(text)              # result.text: the text with safe fixes applied
    settings = haproxy_lint.Settings(select=["HL1"], target_version="2.8")

The names in ``__all__`` are the public API, typed (the package ships ``py.typed``) and
documented in docs/library.md, which is generated from these docstrings. Everything else
(other modules, names with a leading underscore, the command line's internals) is private
and may change in any release.
"""

__version__ = "0.1.0"

from .model import paused_gc as _paused_gc

# Importing the package (pydantic's schema machinery, the models built with it) creates
# some 25,000 long-lived objects, which the cyclic collections their own allocations
# trigger would walk again and again: about 8 ms of every run of the command. So the
# collector is paused for the imports, and what exists then goes straight to the oldest
# generation (see model.paused_gc), which only a full collection walks. For a program
# importing the package, that only means its own older objects wait for a full collection.
with _paused_gc():
    from .diagnostics import Diagnostic, Edit, Fix, Severity
    from .effective import Proxy, Setting
    from .errors import ParseError
    from .fix import FixLoopError, FixResult, fix
    from .linter import lint, lint_configs
    from .model import Config, Line, Section, Word
    from .parser import parse, parse_file, read_text
    from .registry import RuleError, all_rules, get_rule
    from .rule import Context, Rule
    from .settings import Settings, Thresholds
    from .views import Acl, Address, Bind, Param, Route, Server, parse_address, parse_duration


__all__ = [
    "Acl",
    "Address",
    "Bind",
    "Config",
    "Context",
    "Diagnostic",
    "Edit",
    "Fix",
    "FixLoopError",
    "FixResult",
    "Line",
    "Param",
    "ParseError",
    "Proxy",
    "Route",
    "Rule",
    "RuleError",
    "Section",
    "Server",
    "Setting",
    "Settings",
    "Severity",
    "Thresholds",
    "Word",
    "__version__",
    "all_rules",
    "fix",
    "get_rule",
    "lint",
    "lint_configs",
    "parse",
    "parse_address",
    "parse_duration",
    "parse_file",
    "read_text",
]
