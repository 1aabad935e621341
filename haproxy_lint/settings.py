"""The linter's settings: which rules run, how severe they are, and for which HAProxy."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .diagnostics import Severity

__all__ = ["DEFAULT_TARGET_VERSION", "Settings", "Thresholds", "parse_version", "version_matches"]

#: The newest HAProxy LTS branch the keyword tables cover.
DEFAULT_TARGET_VERSION = "3.2"

_CODE_PREFIX = re.compile(r"[A-Z]+\d{0,3}")
_VERSION = re.compile(r"([0-9]{1,9})\.([0-9]{1,9})(?:\.[0-9]{1,9})?")


@lru_cache(maxsize=64)  # rules ask for the target version at every line they look at
def parse_version(text: str) -> tuple[int, int]:
    """``"2.6"`` or ``"2.6.12"`` -> ``(2, 6)``; ``ValueError`` for anything else."""
    m = _VERSION.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"not a HAProxy version: {text!r} (expected MAJOR.MINOR, like 2.8)")
    return int(m.group(1)), int(m.group(2))


def version_matches(spec: str, version: tuple[int, int]) -> bool:
    """Whether ``version`` satisfies ``spec``: ``""`` (any), ``">=2.2"``, ``"<2.2"``, or
    several comma-separated bounds (``">=2.2,<2.8"``)."""
    for bound in filter(None, (part.strip() for part in spec.split(","))):
        m = re.fullmatch(r"(>=|<=|>|<|==)?\s*(\d+\.\d+)", bound)
        if m is None:
            raise ValueError(f"bad version bound {bound!r}")
        op, other = m.group(1) or "==", parse_version(m.group(2))
        ok = {
            ">=": version >= other,
            "<=": version <= other,
            ">": version > other,
            "<": version < other,
            "==": version == other,
        }[op]
        if not ok:
            return False
    return True


# The fields spelt with dashes in settings files name those spellings as validation and
# serialization aliases, not as ``alias``: type checkers read ``alias`` as the keyword the
# constructor takes (dataclass_transform), and ``Settings(target_version="2.8")`` would not
# type-check. Both spellings are accepted at run time (``populate_by_name``).


class Thresholds(BaseModel):
    """Time limits of the detection and recovery rules (HL204, HL205), in milliseconds.

    In a settings file they are written as durations: ``recovery: 90s``, ``detection: 30s``
    (a bare number is milliseconds, as in HAProxy).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    #: A recovered server should be back in service within this time (rise x inter).
    recovery_ms: int = Field(default=60_000, gt=0, validation_alias="recovery", serialization_alias="recovery")
    #: A dead server should be taken out of service within this time (fall x inter).
    detection_ms: int = Field(default=60_000, gt=0, validation_alias="detection", serialization_alias="detection")

    @field_validator("recovery_ms", "detection_ms", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if isinstance(value, str):
            from .views import parse_duration

            ms = parse_duration(value.strip())
            if ms is None:
                raise ValueError(f"{value!r} is not a duration (like 60s, 1m or 1500ms)")
            return ms
        return value


def _check_codes(codes: list[str]) -> list[str]:
    for code in codes:
        if code != "ALL" and not _CODE_PREFIX.fullmatch(code):
            raise ValueError(f"{code!r} is not a rule code or prefix (like HL101, HL1 or HL)")
    return codes


class Settings(BaseModel):
    """Which rules run and how.

    ``select``/``ignore``/``extend_select`` take codes and prefixes (``HL201``, ``HL2``,
    ``HL``); as in ruff, the most specific matching entry decides, and ``ignore`` wins a
    tie. ``HL`` (the default) selects the rules that are on by default; the opt-in ones run
    when selected by their code, by a longer prefix (``HL7``) or by ``ALL``. ``severity`` overrides a rule's default severity by code.
    ``target_version`` is the HAProxy version the configuration is written for.

    A settings file spells the fields with dashes (``target-version``, ``extend-select``,
    ``per-file-ignores``...; ``thresholds`` take durations: ``recovery: 90s``), and so may
    :meth:`model_validate`; the constructor takes the Python names.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    # Plain list and dict defaults, which pydantic copies for each instance: with
    # ``default_factory=list`` it would read the signature of ``list``, and the first such
    # read tokenizes, which costs a short run about 5 ms.
    select: list[str] = ["HL"]
    ignore: list[str] = []
    extend_select: list[str] = Field(default=[], validation_alias="extend-select", serialization_alias="extend-select")
    severity: dict[str, Severity] = {}
    target_version: str = Field(default=DEFAULT_TARGET_VERSION, validation_alias="target-version", serialization_alias="target-version")
    thresholds: Thresholds = Field(default_factory=Thresholds)
    #: Glob pattern -> codes not reported in the files it matches (``legacy/*.cfg: [HL6]``).
    per_file_ignores: dict[str, list[str]] = Field(default={}, validation_alias="per-file-ignores", serialization_alias="per-file-ignores")
    #: Glob patterns of files not to lint, even when a folder or pattern names them.
    exclude: list[str] = []
    #: Read every path of a run as one configuration, as ``haproxy -f a.cfg -f b.cfg`` does
    #: (``conf.d`` fragments committed one by one); by default each path is one.
    together: bool = False
    #: Words a custom build knows beyond HAProxy's own tables (server or bind parameters,
    #: actions, fetches, converters): never reported as unknown.
    extra_keywords: list[str] = Field(default=[], validation_alias="extra-keywords", serialization_alias="extra-keywords")
    #: Optional modules the HAProxy build lacks (``lua``, ``quic``, ``51d``, ``wurfl``, ``da``,
    #: ``ot``, ``otel``, ``spoe``, ``promex``...): their words are then reported as unknown.
    build_without: list[str] = Field(default=[], validation_alias="build-without", serialization_alias="build-without")
    #: The folder of the settings file these came from; globs are relative to it.
    root: str | None = Field(default=None, exclude=True)

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        return _check_codes(codes)

    @field_validator("severity")
    @classmethod
    def _severity_codes(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        _check_codes(list(value))
        return value

    @field_validator("per_file_ignores")
    @classmethod
    def _per_file_codes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for codes in value.values():
            _check_codes(codes)
        return value

    @field_validator("target_version")
    @classmethod
    def _version(cls, value: str) -> str:
        major, minor = parse_version(value)
        return f"{major}.{minor}"

    @property
    def version(self) -> tuple[int, int]:
        """The target version as ``(major, minor)``."""
        return parse_version(self.target_version)

    def is_enabled(self, code: str, opt_in: bool = False) -> bool:
        """Whether the rule ``code`` runs under these settings (``opt_in``: the rule is off by
        default, and ``HL`` alone does not select it)."""
        chosen = self.select + self.extend_select
        if opt_in:
            chosen = [p for p in chosen if p == "ALL" or len(p) > 2]
        best_select = max((_match(p, code) for p in chosen), default=-1)
        best_ignore = max((_match(p, code) for p in self.ignore), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def ignored_in(self, path: str | None, code: str) -> bool:
        """Whether ``per-file-ignores`` drops ``code`` in the file ``path``."""
        if path is None or not self.per_file_ignores:
            return False
        from .config import matches_any

        return any(
            any(_match(prefix, code) >= 0 for prefix in codes) and matches_any(path, [pattern], self.root)
            for pattern, codes in self.per_file_ignores.items()
        )

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The severity of ``code``: the most specific override, else ``default``."""
        best, found = -1, default
        for prefix, severity in self.severity.items():
            score = _match(prefix, code)
            if score > best:
                best, found = score, severity
        return found


def _match(prefix: str, code: str) -> int:
    """How specifically ``prefix`` selects ``code`` (its length), or -1."""
    if prefix == "ALL":
        return 0
    return len(prefix) if code.startswith(prefix) else -1
