"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` lists every registered rule (not only those that fired) with its
summary, its documentation page (``help.markdown``) and a link to it (``helpUri``, built-in rules
only); each result points at its rule by ``ruleId`` and ``ruleIndex``.

Positions: lines and columns are 1-based, the end column is exclusive (SARIF's "column of the
character following the end of the region"), exactly as in our diagnostics; columns count
Unicode code points, hence ``columnKind: unicodeCodePoints`` on the run (SARIF's default is
UTF-16 code units).

Paths: a relative path is kept as the user gave it, normalised (``./a/../b.cfg`` -> ``b.cfg``,
forward slashes) and percent-encoded as a relative URI reference, which GitHub resolves from
the repository root; an absolute path becomes a ``file://`` URI.

Fingerprints: ``partialFingerprints.primaryLocationLineHash`` is computed with the algorithm of
GitHub's ``upload-sarif`` action (a rolling hash of the line and the text after it, ignoring
blanks), so that GitHub tracks a finding across commits even when lines move, and the action
finds the value it would have computed itself (it warns about any other value).

Files that could not be read or parsed are ``toolExecutionNotifications`` of the invocation,
with ``executionSuccessful: false``.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__
from ..diagnostics import Diagnostic, Severity
from ..docs import rule_page
from ..errors import ParseError
from ..parser import parse
from ..registry import all_rules
from ..rule import Rule
from ..suppressions import Suppressions, collect
from . import Report
from .json import diagnostic_dict

#: Where the repository's files are published: rule pages are ``docs/rules/CODE.md`` under it.
REPOSITORY_BLOB_URL = "https://github.com/haproxy-lint/haproxy-lint/blob/main/"

_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
#: GitHub's limit on shortDescription and fullDescription.
_DESCRIPTION_LIMIT = 1024
_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
#: Characters kept as they are in a relative URI: RFC 3986 sub-delims and "@" (":" is encoded,
#: so that a first segment such as "c:x.cfg" cannot read as a scheme).
_URI_SAFE = "/!$&'()*+,;=@"


def render(report: Report) -> str:
    rules = list(all_rules())
    index = {rule.code: i for i, rule in enumerate(rules)}
    descriptors = [_descriptor(rule) for rule in rules]
    flagged = {d.path or "" for d in [*report.diagnostics, *report.suppressed]}
    hashes = {path: _line_hashes(text) for path, text in report.sources.items() if path in flagged}
    results = [_result(diag, report, index, descriptors, hashes) for diag in report.diagnostics]
    if report.suppressed:  # --show-suppressed: SARIF viewers show them as suppressed results
        comments = {path: _suppression_comments(text, path) for path, text in report.sources.items()}
        for diag in report.suppressed:
            result = _result(diag, report, index, descriptors, hashes)
            by_comment = comments.get(diag.path or "")
            kind = "inSource" if by_comment is not None and by_comment.covers(diag) else "external"
            result["suppressions"] = [{"kind": kind}]
            results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "haproxy-lint",
                "version": __version__,
                **({"semanticVersion": __version__} if _SEMVER.fullmatch(__version__) else {}),
                "informationUri": REPOSITORY_BLOB_URL.split("/blob/")[0],
                "rules": descriptors,
            }
        },
        "invocations": [_invocation(report.errors)],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": _SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# --- rules ---------------------------------------------------------------------------------


def _descriptor(rule: type[Rule]) -> dict:
    page = rule_page(rule)
    sections = rule.documentation()
    summary = rule.summary() or rule.name
    # What it finds and why it matters, on one line (GitHub shows it at the top of an alert).
    full = " ".join(" ".join(sections.get(title, "").split()) for title in ("What it does", "Why is this bad?"))
    descriptor: dict = {
        "id": rule.code,
        "name": _pascal(rule.name),
        "shortDescription": {"text": _truncate(summary)},
        "fullDescription": {"text": _truncate(full.strip() or summary)},
    }
    if rule.__module__.startswith("haproxy_lint."):  # plugins' rules have no page in our repository
        descriptor["helpUri"] = f"{REPOSITORY_BLOB_URL}docs/rules/{rule.code}.md"
    descriptor["help"] = {"text": page, "markdown": page}
    descriptor["defaultConfiguration"] = {"level": _LEVELS[rule.severity]}
    descriptor["properties"] = {"tags": [_theme(rule)], "problem.severity": _PROBLEM_SEVERITY[rule.severity]}
    return descriptor


def _pascal(name: str) -> str:
    """``unitless-duration`` -> ``UnitlessDuration``: SARIF's convention for a rule's friendly name."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-.]", name))


def _theme(rule: type[Rule]) -> str:
    """The rule's theme for filtering: its module (``tls``, ``health-checks``), or ``plugin``."""
    if rule.__module__.startswith("haproxy_lint.rules."):
        return rule.__module__.rsplit(".", 1)[1].replace("_", "-")
    return "plugin"


def _truncate(text: str) -> str:
    """``text`` cut to GitHub's limit, at a word boundary, with an ellipsis."""
    if len(text) <= _DESCRIPTION_LIMIT:
        return text
    cut = text[: _DESCRIPTION_LIMIT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


# --- results -------------------------------------------------------------------------------


def _result(
    diag: Diagnostic,
    report: Report,
    index: dict[str, int],
    descriptors: list[dict],
    hashes: dict[str, dict[int, str]],
) -> dict:
    if diag.code not in index:  # not a registered rule (a report built by hand): describe it here
        index[diag.code] = len(descriptors)
        descriptors.append(
            {
                "id": diag.code,
                "name": _pascal(diag.name),
                "shortDescription": {"text": diag.name},
                "fullDescription": {"text": diag.name},
                "help": {"text": diag.name},
            }
        )
    key = diag.path or ""  # report.sources is keyed like this
    path = diag.path or "<string>"
    result: dict = {
        "ruleId": diag.code,
        "ruleIndex": index[diag.code],
        "level": _LEVELS[diag.severity],
        "message": {"text": diag.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(path)},
                    "region": {
                        "startLine": diag.line,
                        "startColumn": diag.column,
                        "endLine": diag.end_line,
                        "endColumn": diag.end_column,
                    },
                }
            }
        ],
    }
    line_hash = hashes.get(key, {}).get(diag.line)
    if line_hash is not None:
        result["partialFingerprints"] = {"primaryLocationLineHash": line_hash}
    if diag.fix is not None:
        result["fixes"] = [_fix(diag, report.sources.get(key), path)]
    return result


def _fix(diag: Diagnostic, source: str | None, path: str) -> dict:
    assert diag.fix is not None
    replacements = []
    edits = diagnostic_dict(diag, source)["fix"]["edits"]
    for edit, raw in zip(edits, diag.fix.edits):
        if edit["line"] is not None:
            region = {
                "startLine": edit["line"],
                "startColumn": edit["column"],
                "endLine": edit["end_line"],
                "endColumn": edit["end_column"],
            }
        else:  # no source text to turn offsets into lines: offsets, counted like the columns
            region = {"charOffset": raw.start, "charLength": raw.end - raw.start}
        replacements.append({"deletedRegion": region, "insertedContent": {"text": edit["text"]}})
    return {
        "description": {"text": diag.fix.title},
        "artifactChanges": [{"artifactLocation": {"uri": _uri(path)}, "replacements": replacements}],
        "properties": {"applicability": diag.fix.applicability},
    }


def _suppression_comments(source: str, path: str) -> Suppressions | None:
    """The suppression comments of a file, to tell findings they silence (``inSource``) from
    those per-file-ignores drops (``external``)."""
    try:
        return collect(parse(source, path, strict=False))
    except ParseError:
        return None


def _invocation(errors: list[ParseError]) -> dict:
    notifications = []
    for error in errors:
        notification: dict = {"level": "error", "message": {"text": error.message}}
        if error.path is not None:
            location: dict = {"artifactLocation": {"uri": _uri(error.path)}}
            if error.line is not None:
                location["region"] = {"startLine": error.line}
                if error.column is not None:
                    location["region"]["startColumn"] = error.column
            notification["locations"] = [{"physicalLocation": location}]
        notifications.append(notification)
    invocation: dict = {"executionSuccessful": not errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


# --- paths ---------------------------------------------------------------------------------


def _normalise(path: str) -> str:
    """A path as the user gave it, with forward slashes and without ``.`` or ``x/..`` steps.

    Names that are not paths (``<stdin>``, ``<string>``) are kept.
    """
    if path.startswith("<") and path.endswith(">"):
        return path
    posix = PurePath(path).as_posix()
    return posixpath.normpath(posix) if posix else path


def _uri(path: str) -> str:
    """A relative URI reference for a relative path, a ``file://`` URI for an absolute one."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(_normalise(path), safe=_URI_SAFE)


# --- GitHub's line hash --------------------------------------------------------------------

_BLOCK = 100
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(37, _BLOCK, 1 << 64)


def _line_hashes(text: str) -> dict[int, str]:
    """``primaryLocationLineHash`` of every line (1-based), as GitHub's ``upload-sarif`` computes it.

    A port of ``hash()`` in github/codeql-action ``src/fingerprints.ts``: a rolling hash over the
    next 100 characters from the start of each line, blanks left out, line endings read as
    ``\\n``, counted in UTF-16 code units (JavaScript's ``charCodeAt``), ``hash:N`` for the Nth
    line with the same hash.
    """
    data = text.encode("utf-16-le", "surrogatepass")
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    hashes: dict[int, str] = {}
    counts: dict[str, int] = {}
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True, "prev_cr": False}

    def output() -> None:
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        hashes[line_numbers[state["index"]]] = f"{value}:{counts[value]}"
        line_numbers[state["index"]] = -1

    def update(current: int) -> None:
        i = state["index"]
        begin = window[i]
        window[i] = current
        state["hash"] = (37 * state["hash"] + current - _FIRST_MOD * begin) & _MASK
        state["index"] = (i + 1) % _BLOCK

    def process(current: int) -> None:
        if current in (0x20, 0x09) or (state["prev_cr"] and current == 0x0A):
            state["prev_cr"] = False
            return
        if current == 0x0D:
            current, state["prev_cr"] = 0x0A, True
        else:
            state["prev_cr"] = False
        if line_numbers[state["index"]] != -1:
            output()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            line_numbers[state["index"]] = state["line"]
        if current == 0x0A:
            state["line_start"] = True
        update(current)

    for i in range(0, len(data), 2):
        process(data[i] | data[i + 1] << 8)
    process(0xFFFF)  # the end of the file
    for _ in range(_BLOCK):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
    return hashes
