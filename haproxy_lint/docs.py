"""A rule's documentation page, generated from its docstring and metadata.

The same text is shown by ``haproxy-lint rule CODE`` and committed as ``docs/rules/CODE.md``
(``scripts/gen_docs.py`` writes them; a test fails when they are stale).
"""

from __future__ import annotations

from .rule import Rule

__all__ = ["rule_page", "index_page"]

_ORDER = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Exceptions", "References")


def rule_page(rule: type[Rule]) -> str:
    """The Markdown page of one rule."""
    sections = rule.documentation()
    fix = {"safe": "safe fix (applied by `--fix`)", "unsafe": "unsafe fix (applied by `--fix --unsafe-fixes`)"}
    lines = [
        f"# {rule.code} `{rule.name}`",
        "",
        f"- Default severity: **{rule.severity.value}**",
        f"- Fix: {fix.get(rule.fixable or '', 'none')}",
        f"- HAProxy versions: {rule.versions or 'all'}",
        "",
    ]
    titles = [t for t in _ORDER if t in sections] + [t for t in sections if t not in _ORDER]
    for title in titles:
        lines += [f"## {title}", "", sections[title], ""]
    return "\n".join(lines).rstrip() + "\n"


def index_page(rules: list[type[Rule]]) -> str:
    """The Markdown table of every rule."""
    lines = [
        "# haproxy-lint rules",
        "",
        "| Code | Name | Severity | Fix | Versions | Summary |",
        "|---|---|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary().replace("|", "\\|")
        lines.append(
            f"| [{rule.code}](rules/{rule.code}.md) | `{rule.name}` | {rule.severity.value} | "
            f"{rule.fixable or '-'} | {rule.versions or 'all'} | {summary} |"
        )
    return "\n".join(lines) + "\n"
