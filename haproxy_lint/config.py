"""Settings from files: ``.haproxy-lint.yaml``, or ``[tool.haproxy-lint]`` in ``pyproject.toml``.

The file is found by walking up from the first linted file's folder (or the current folder for
standard input), the nearest one winning; ``--config FILE`` names it instead. Keys::

    select: [HL]                  # codes or prefixes; the most specific entry decides
    extend-select: []
    ignore: [HL703]
    severity: {HL203: error}      # per-rule (or prefix) severity override
    target-version: "2.8"
    thresholds: {recovery: 60s, detection: 30s}
    per-file-ignores: {"legacy/*.cfg": [HL6]}
    exclude: ["vendor/**"]

An unknown key, a code no rule has, or a bad value is an error naming the file, the line and
the key; nothing is ignored silently.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from pydantic import ValidationError

from .errors import ParseError
from .parser import decode_text, read_bytes
from .registry import all_rules
from .settings import Settings

__all__ = ["CONFIG_NAMES", "ConfigError", "find_config", "load_config", "unknown_codes", "matches_any"]

CONFIG_NAMES = (".haproxy-lint.yaml", ".haproxy-lint.yml", "pyproject.toml")

# A settings file is a few lines: larger ones are refused rather than read for minutes
# (ruamel.yaml reads about 100 KB a second, tomllib a few MB).
MAX_YAML_BYTES = 128 * 1024
MAX_TOML_BYTES = 4 * 1024 * 1024
#: A settings file is at most three levels deep; a hostile one would exhaust the stack.
MAX_YAML_DEPTH = 20


class ConfigError(ParseError):
    """A settings file that cannot be used (located like a parse error)."""


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest settings file in ``start`` (a folder or a file's folder) or above it."""
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_tool_table(path)):
                return path
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = read_bytes(path, max_size=MAX_TOML_BYTES)
    except ParseError as exc:
        # Too large to be read here: if it seems to hold our table, load_config() says so.
        return exc.message.startswith("too large") and _mentions(path, b"[tool.haproxy-lint")
    if b"haproxy-lint" not in data:  # most pyproject.toml files: no need to parse them
        return False
    import tomllib  # here: most runs find no pyproject.toml that mentions haproxy-lint

    try:
        tool = tomllib.loads(data.decode("utf-8")).get("tool")
    except (UnicodeDecodeError, ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        # Broken, but seemingly with our table: load_config() will say what is wrong.
        return b"[tool.haproxy-lint" in data or b'[tool."haproxy-lint"' in data
    return isinstance(tool, dict) and "haproxy-lint" in tool


def _mentions(path: Path, needle: bytes) -> bool:
    """Whether the file holds ``needle``, read a chunk at a time."""
    try:
        with open(path, "rb") as handle:
            tail = b""
            while chunk := handle.read(1 << 20):
                if needle in tail + chunk:
                    return True
                tail = chunk[-len(needle) :]
    except OSError:
        pass
    return False


def unknown_codes(codes: list[str]) -> list[str]:
    """The codes and prefixes that no registered rule has."""
    known = [rule.code for rule in all_rules()]
    return [c for c in codes if c != "ALL" and not any(k.startswith(c) for k in known)]


def load_config(path: str | os.PathLike[str]) -> Settings:
    """Read settings from a ``.haproxy-lint.yaml`` or a ``pyproject.toml``."""
    path = Path(path)
    limit = MAX_TOML_BYTES if path.name == "pyproject.toml" else MAX_YAML_BYTES
    try:
        # A regular file only (a FIFO would block, /dev/zero never end), of bounded size.
        text = decode_text(read_bytes(path, max_size=limit), str(path))
    except ParseError as exc:
        message = "settings file not found" if exc.message == "no such file" else f"cannot read settings: {exc.message}"
        raise ConfigError(message, path=exc.path, line=exc.line, column=exc.column, source_line=exc.source_line) from None
    if path.name == "pyproject.toml":
        data, locate = _from_pyproject(path, text)
    else:
        data, locate = _from_yaml(path, text)
    return _settings(path, data, locate)


def _from_yaml(path: Path, text: str):
    # Imported here: most runs find no YAML settings file, and ruamel.yaml is slow to import.
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        _check_yaml(YAML(typ="rt"), text, path)
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        position = getattr(exc, "position", None)  # a ReaderError (a forbidden character) has no mark
        if mark is None and isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            column = position - text.rfind("\n", 0, position)
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc
        raise ConfigError(
            "not valid YAML: " + " ".join(str(problem).split()),  # one line
            path=str(path),
            line=line,
            column=column,
        ) from None
    except (ValueError, OverflowError) as exc:  # a number of 5,000 digits, a 13th month
        raise ConfigError(f"not valid YAML: a value cannot be read: {exc}", path=str(path)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("settings must be a mapping of keys to values", path=str(path), line=1, column=1)

    def locate(keys: tuple) -> tuple[int | None, int | None]:
        node, line, column = data, None, None
        for key in keys:
            lc = getattr(node, "lc", None)
            try:
                if lc is not None and isinstance(node, dict):
                    line, column = lc.key(key)
                elif lc is not None and isinstance(key, int):
                    line, column = lc.item(key)
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        return (line + 1, column + 1) if line is not None else (None, None)

    return _plain(data), locate


def _check_yaml(yaml, text: str, path: Path) -> None:
    """Refuse, before anything is built, what a settings file never needs and a hostile one
    uses: aliases (a "billion laughs" expands to billions of nodes), tags (``!!python/...``:
    the loader never constructs objects from them, but they are refused, not ignored) and
    deep nesting (the loader recurses)."""
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

    depth = 0
    for event in yaml.parse(text):
        problem = None
        if isinstance(event, AliasEvent):
            problem = f"aliases (*{event.anchor}) are not allowed in a settings file"
        elif getattr(event, "tag", None) is not None:
            problem = f"tags ({event.tag}) are not allowed in a settings file"
        elif isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                problem = f"nested more than {MAX_YAML_DEPTH} levels deep"
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if problem is not None:
            mark = event.start_mark
            raise ConfigError(problem, path=str(path), line=mark.line + 1, column=mark.column + 1)


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)$")


def _from_pyproject(path: Path, text: str):
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool", {})
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path=str(path)) from None
    except ValueError as exc:  # TOMLDecodeError, or a number of 5,000 digits
        place = _TOML_PLACE.search(str(exc))
        raise ConfigError(
            f"not valid TOML: {_TOML_PLACE.sub('', str(exc)).rstrip()}",
            path=str(path),
            line=int(place.group(1)) if place else None,
            column=int(place.group(2)) if place else None,
        ) from None
    data = tool.get("haproxy-lint", {}) if isinstance(tool, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError("[tool.haproxy-lint] must be a table of keys to values", path=str(path))
    lines = text.splitlines()

    def locate(keys: tuple) -> tuple[int | None, int | None]:
        # tomllib keeps no positions: find the key's line inside the [tool.haproxy-lint] tables.
        inside = False
        wanted = str(keys[0]) if keys else ""
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped.strip("[] ").startswith("tool.haproxy-lint")
                if inside and len(keys) > 1 and stripped.strip("[] ").endswith("." + wanted):
                    return number, 1
                continue
            if inside and stripped.split("=", 1)[0].strip().strip('"') == wanted:
                return number, line.index(stripped[0]) + 1
        return None, None

    return data, locate


def _plain(value):
    """ruamel's commented containers as plain dicts and lists (pydantic wants those)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _settings(path: Path, data: dict, locate) -> Settings:
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        keys = tuple(first["loc"])
        line, column = locate(keys)
        key = ".".join(str(k) for k in keys)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key `{key}`"
        else:
            message = f"`{key}`: {message}"
        raise ConfigError(message, path=str(path), line=line, column=column) from None
    for field in ("select", "extend-select", "ignore"):
        values = data.get(field, [])
        for index, code in enumerate(values if isinstance(values, list) else []):
            if unknown_codes([code]):
                line, column = locate((field, index))
                raise ConfigError(f"`{field}`: no rule has the code {code!r}", path=str(path), line=line, column=column)
    for code in data.get("severity", {}) or {}:
        if unknown_codes([code]):
            line, column = locate(("severity", code))
            raise ConfigError(f"`severity`: no rule has the code {code!r}", path=str(path), line=line, column=column)
    for pattern, codes in (data.get("per-file-ignores", {}) or {}).items():
        for code in codes:
            if unknown_codes([code]):
                line, column = locate(("per-file-ignores", pattern))
                raise ConfigError(f"`per-file-ignores`: no rule has the code {code!r}", path=str(path), line=line, column=column)
    return settings.model_copy(update={"root": str(path.resolve().parent)})


def matches_any(path: str, patterns: list[str], root: str | None) -> bool:
    """Whether ``path`` (relative to ``root`` where it lies under it) matches a glob pattern."""
    candidates = {path.replace(os.sep, "/")}
    if root:
        try:
            candidates.add(os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/"))
        except ValueError:
            pass
    for candidate in candidates:
        for pattern in patterns:
            if fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(os.path.basename(candidate), pattern):
                return True
    return False
