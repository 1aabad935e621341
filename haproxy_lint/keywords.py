"""Which configuration keywords each HAProxy version knows, per section kind.

The tables live in ``haproxy_lint/data/keywords/<X.Y>.json``; they are generated from HAProxy's
documentation by ``scripts/gen_keywords.py`` (never read at run time). One table per supported
branch (``VERSIONS``); :func:`nearest_version` maps any other version to the table to use.

Section kinds are the words that open sections (``global``, ``defaults``, ``frontend``,
``listen``, ``backend``, ``peers``, ``resolvers``, ...). The four proxy kinds share one keyword
list (``"proxy"`` in the data) where each keyword says which of them accept it; a lookup in a
proxy section finds the keyword even where that section does not accept it, so callers can
tell "misplaced" (check :attr:`KeywordInfo.accepted_in`) from "unknown" (``None``).

Multi-word keywords (``option httpchk``, ``timeout client``, ``stats socket``, ``capture
request header``) are matched longest first against a directive's words; the ``no`` and
``default`` prefixes are understood (``no option httplog`` finds ``option httplog``, with
:attr:`KeywordInfo.prefix` set so a caller can check :attr:`KeywordInfo.negatable`).
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Iterable

__all__ = [
    "PROXY_SECTIONS",
    "VERSIONS",
    "KeywordInfo",
    "KeywordTable",
    "RemovedInfo",
    "nearest_version",
    "table",
]

VERSIONS: tuple[str, ...] = ("2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4")
PROXY_SECTIONS: tuple[str, ...] = ("defaults", "frontend", "listen", "backend")
_PREFIXES = ("no", "default")
_MAX_WORDS = 3  # "capture request header" is the longest keyword
_OPTION_KINDS = ("bind", "server", "crt-store-load")  # options on a line, not directives
_VERSION = re.compile(r"^\s*v?([0-9]{1,9})\.([0-9]{1,9})(?:[.\-+~_ ].*)?\s*$")


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def nearest_version(v: str, *, clamp: bool = False) -> str:
    """The table to use for HAProxy version ``v``: the newest supported branch not newer
    than it ("2.7" -> "2.6", "3.1" -> "3.0", "2.6.12" -> "2.6", "2.9-dev3" -> "2.8").

    Raises ValueError for text that is not a version, for versions older than the oldest table,
    and (unless ``clamp`` is true, which maps them to the newest table) for versions newer than
    the newest one.
    """
    m = _VERSION.match(v) if isinstance(v, str) else None
    if m is None:
        raise ValueError(f"not a HAProxy version: {v!r}")
    wanted = (int(m.group(1)), int(m.group(2)))
    if wanted < _key(VERSIONS[0]):
        raise ValueError(f"HAProxy {v} is older than the oldest supported version {VERSIONS[0]}")
    if wanted > _key(VERSIONS[-1]) and not clamp:
        raise ValueError(f"HAProxy {v} is newer than the newest supported version {VERSIONS[-1]}")
    return max(x for x in VERSIONS if _key(x) <= wanted)


# Plain slotted classes, not dataclasses or NamedTuples: defining one of those costs every
# run 0.15-0.4 ms at import.
class KeywordInfo:
    """What a table says about one keyword, as matched by :meth:`KeywordTable.lookup`."""

    __slots__ = ("keyword", "kind", "accepted_in", "deprecated", "replacement", "negatable", "named_defaults_only", "takes_arg", "undocumented", "prefix")

    def __init__(
        self,
        keyword: str,
        kind: str,
        accepted_in: frozenset[str],
        deprecated: bool = False,
        replacement: str | None = None,
        negatable: bool = False,
        named_defaults_only: bool = False,
        takes_arg: bool = False,
        undocumented: bool = False,
        prefix: str | None = None,
    ) -> None:
        self.keyword = keyword  # the matched keyword, e.g. "option httpchk"
        self.kind = kind  # its table: "proxy", "global", "peers", "bind", ...
        self.accepted_in = accepted_in  # section kinds accepting it (all four proxy kinds spelled out)
        self.deprecated = deprecated
        self.replacement = replacement  # when deprecated: what to use instead ("" if none named)
        self.negatable = negatable  # may take the "no" / "default" prefix (the matrix's "(*)")
        self.named_defaults_only = named_defaults_only  # only in named "defaults" sections (the matrix's "(!)")
        self.takes_arg = takes_arg  # bind/server options: followed by a value
        self.undocumented = undocumented  # registered by HAProxy but not in its documentation
        self.prefix = prefix  # "no" or "default" when the directive used one

    @property
    def words(self) -> int:
        """How many of the directive's words the keyword spans (prefix included)."""
        return len(self.keyword.split()) + (1 if self.prefix else 0)


class RemovedInfo:
    """A keyword an earlier version knew and this one does not."""

    __slots__ = ("keyword", "kind", "since", "replacement", "prefix")

    def __init__(
        self,
        keyword: str,
        kind: str,
        since: str,
        replacement: str | None = None,
        prefix: str | None = None,
    ) -> None:
        self.keyword = keyword
        self.kind = kind
        self.since = since  # first supported version without it
        self.replacement = replacement
        self.prefix = prefix


class KeywordTable:
    """The keywords of one HAProxy version (use :func:`table` to get a cached instance)."""

    def __init__(self, version: str, data: dict) -> None:
        self.version = version
        self._kinds: dict[str, dict[str, dict]] = data["keywords"]
        self._deprecated: dict[str, dict[str, str]] = data.get("deprecated", {})
        self._removed: dict[str, dict[str, dict]] = data.get("removed", {})
        self._sections = frozenset(data["section_keywords"])

    def __repr__(self) -> str:
        return f"<KeywordTable {self.version}>"

    # -- section kinds ---------------------------------------------------------------------

    def section_keywords(self) -> frozenset[str]:
        """The words that open a section in this version (``global``, ``frontend``, ...)."""
        return self._sections

    @staticmethod
    def _kind(section_kind: str) -> str:
        return "proxy" if section_kind in PROXY_SECTIONS else section_kind

    def keywords(self, section_kind: str) -> frozenset[str]:
        """Every keyword of a section kind (for proxy kinds: of all proxies, wherever valid)."""
        return frozenset(self._kinds.get(self._kind(section_kind), ()))

    def phrase_starts(self) -> frozenset[str]:
        """First words of the keywords longer than one word (``option``, ``http-check``...),
        in any section, removed ones included, and the ``no``/``default`` prefixes: a directive
        starting with another word is looked up by its first word alone."""
        names = [n for group in (self._kinds, self._removed, self._deprecated) for kind in group.values() for n in kind]
        return frozenset(n.split()[0] for n in names if " " in n) | frozenset(_PREFIXES)

    def deprecated_keywords(self, section_kind: str) -> frozenset[str]:
        """The keywords of a section kind that this version's documentation deprecates."""
        kind = self._kind(section_kind)
        known = self._kinds.get(kind, {})  # (not a set of them: HL608 asks for every kind at import)
        return frozenset(name for name in self._deprecated.get(kind, ()) if name in known)

    def bind_options(self) -> frozenset[str]:
        return frozenset(self._kinds.get("bind", ()))

    def server_options(self) -> frozenset[str]:
        return frozenset(self._kinds.get("server", ()))

    def option_info(self, kind: str, name: str) -> KeywordInfo | None:
        """A ``bind``/``server`` (or ``crt-store-load``) option by name."""
        entry = self._kinds.get(kind, {}).get(name)
        return None if entry is None else self._info(kind, name, entry, kind, None)

    # -- lookups ---------------------------------------------------------------------------

    def _info(self, kind: str, name: str, entry: dict, section_kind: str,
              prefix: str | None) -> KeywordInfo:
        if kind == "proxy":
            accepted = frozenset(entry.get("accepted_in", ()))
        else:
            accepted = frozenset((section_kind,))
        replacement = self._deprecated.get(kind, {}).get(name)
        return KeywordInfo(
            keyword=name,
            kind=kind,
            accepted_in=accepted,
            deprecated=replacement is not None,
            replacement=replacement,
            negatable=bool(entry.get("negatable")),
            named_defaults_only=bool(entry.get("named_defaults_only")),
            takes_arg=bool(entry.get("takes_arg")),
            undocumented=bool(entry.get("undocumented")),
            prefix=prefix,
        )

    @staticmethod
    def _split_prefix(words: list[str]) -> tuple[str | None, list[str]]:
        if len(words) > 1 and words[0] in _PREFIXES:
            return words[0], list(words[1:])
        return None, list(words)

    @staticmethod
    def _longest(names: dict, words: list[str]) -> str | None:
        # "set-var(txn.x)" is the keyword "set-var" with an argument glued on
        words = [w.split("(", 1)[0] if "(" in w[1:] else w for w in words[:_MAX_WORDS]]
        for n in range(min(_MAX_WORDS, len(words)), 0, -1):
            candidate = " ".join(words[:n])
            if candidate in names:
                return candidate
        return None

    def lookup(self, section_kind: str, words: Iterable[str]) -> KeywordInfo | None:
        """The keyword a directive starts with in a section of kind ``section_kind``.

        ``words`` are the directive's words (unquoted), e.g. ``["no", "option", "httplog"]``.
        Returns None when the section kind has no such keyword in this version. In proxy
        sections the keyword is returned even if this particular kind does not accept it.
        """
        words = list(words)
        if not words:
            return None
        kind = self._kind(section_kind)
        names = self._kinds.get(kind)
        if names is None:
            return None
        prefix, rest = self._split_prefix(words)
        if prefix is not None:
            name = self._longest(names, rest)
            if name is not None:
                return self._info(kind, name, names[name], section_kind, prefix)
        name = self._longest(names, words)
        if name is None:
            return None
        return self._info(kind, name, names[name], section_kind, None)

    def _directive_kinds(self) -> list[str]:
        return [k for k in self._kinds if k not in _OPTION_KINDS]

    def is_known_anywhere(self, words: Iterable[str]) -> bool:
        """Whether some section kind of this version knows the directive (or it opens one)."""
        words = list(words)
        if words[:1] and words[0] in self._sections:
            return True
        return bool(self.sections_accepting(words))

    def sections_accepting(self, words: Iterable[str]) -> list[str]:
        """The section kinds where the directive is valid, in a stable order (proxy kinds
        first, in defaults/frontend/listen/backend order, then the others by name)."""
        words = list(words)
        found: list[str] = []
        for kind in sorted(self._directive_kinds(), key=lambda k: (k != "proxy", k)):
            section_kind = PROXY_SECTIONS[0] if kind == "proxy" else kind
            info = self.lookup(section_kind, words)
            if info is None:
                continue
            if kind == "proxy":
                found.extend(k for k in PROXY_SECTIONS if k in info.accepted_in)
            else:
                found.append(kind)
        return found

    def deprecated(self, section_kind: str, words: Iterable[str]) -> str | None:
        """None when the directive's keyword is not deprecated (or unknown); otherwise the
        replacement the documentation names, or "" when it names none."""
        info = self.lookup(section_kind, words)
        if info is None or not info.deprecated:
            return None
        return info.replacement or ""

    def removed(self, section_kind: str, words: Iterable[str]) -> RemovedInfo | None:
        """When the directive's keyword existed in an earlier version but not in this one:
        the version that dropped it and the replacement when one is known."""
        words = list(words)
        kind = self._kind(section_kind)
        gone = self._removed.get(kind)
        if not gone or not words:
            return None
        current = self._kinds.get(kind, {})
        prefix, rest = self._split_prefix(words)
        attempts = [(prefix, rest)] + ([(None, words)] if prefix is not None else [])
        for used_prefix, candidate in attempts:
            name = self._longest(gone, candidate)
            if name is None:
                continue
            still = self._longest(current, candidate)
            if still is not None and len(still.split()) >= len(name.split()):
                continue  # a keyword of this version covers the directive
            entry = gone[name]
            return RemovedInfo(name, kind, entry["since"], entry.get("replacement"), used_prefix)
        return None

    def removed_section(self, word: str) -> RemovedInfo | None:
        entry = self._removed.get("sections", {}).get(word)
        return None if entry is None else RemovedInfo(word, "sections", entry["since"])

    def deprecated_section(self, word: str) -> str | None:
        return self._deprecated.get("sections", {}).get(word)

    # -- suggestions -----------------------------------------------------------------------

    def suggest(self, section_kind: str, word: str) -> str | None:
        """The closest keyword to a misspelt one ("optoin" -> "option", "timeout clinet" ->
        "timeout client"), or None when nothing is close. A single word is compared with the
        keywords' first words; several words with whole keywords of as many words."""
        if not word:
            return None
        query = " ".join(word.split()).lower()
        n = len(query.split())
        if section_kind in self._kinds and section_kind in _OPTION_KINDS:
            names = self._kinds[section_kind]
        else:
            names = self._kinds.get(self._kind(section_kind), {})
        candidates = {k for k in names if len(k.split()) == n}
        if n == 1:
            candidates |= {k.split()[0] for k in names}
        if query in candidates:
            return query if query != word else None  # only the case differed
        import difflib  # here, not at the top: only a misspelt name needs it

        close = difflib.get_close_matches(query, sorted(candidates), n=1, cutoff=0.7)
        return close[0] if close else None


def _read(version: str) -> dict:
    path = resources.files("haproxy_lint").joinpath("data").joinpath("keywords").joinpath(f"{version}.json")
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _load(version: str) -> KeywordTable:
    return KeywordTable(version, _read(version))


def table(version: str) -> KeywordTable:
    """The (cached) keyword table for a version; any version string accepted by
    :func:`nearest_version` works ("2.6", "2.6.12", "2.7")."""
    return _load(version if version in VERSIONS else nearest_version(version))
