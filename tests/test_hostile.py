"""Hostile input (issue 7, "Hardening"): files and settings built to hurt the linter.

For each case, the library (``parse``/``parse_file``/``lint``/``fix``) and the command line
(``haproxy-lint PATH`` and ``haproxy-lint --fix PATH``) must take bounded time and memory, and
for bad input give one located error line (``path[:line:col]: error: ...``, as every error
of the command line looks), exit 2, no traceback, and write nothing (same bytes, same mtime,
no stray temporary file). Valid input, however large, simply works.

Cases that could hang or eat the machine if the product regressed (a quadratic regular
expression, reading a FIFO or /dev/zero, a "billion laughs") run in a child process with a
``timeout=`` and, where it matters, a memory limit: pytest-timeout is not installed. The
timeouts are protection, not measurements (figures: ``benchmarks/hostile.py``).

Decisions recorded here:

- ``.if`` nesting: HAProxy refuses a 100th nested level ("too many nested '.if', max is 100",
  MAXNESTEDCONDS in include/haproxy/cfgcond-t.h, 2.4 to 3.2), counted in skipped blocks too,
  and stops reading. The parser does the same: a ParseError at the line and column of the
  100th nested ``.if``, raised (not one of ``Config.errors``, since HAProxy reads no further),
  and reported before a block never closed, as HAProxy reads line by line.
- A NUL byte anywhere (a directive, a comment, the last line): HAProxy 2.6 refuses the file
  ("Stray NUL character at position N", or "Missing LF on last line" when it is on the last
  line); ``parse()`` raises a ParseError at its line and column (HAProxy's position).
- Anything but a regular file (folder aside, which stands for its ``*.cfg`` files) is refused
  before it is opened: a FIFO, ``/dev/zero``, ``/dev/null``, a socket.
- Settings files: aliases, tags and nesting deeper than 20 levels are refused before
  anything is built; a YAML file over 128 KiB or a pyproject.toml over 4 MiB is refused.
"""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import haproxy_lint
from haproxy_lint.cli import run
from haproxy_lint.config import ConfigError, load_config
from haproxy_lint.errors import ParseError

from .conftest import haproxy_binaries

HEAD = (
    "global\n    log /dev/log local0\n    stats socket /run/haproxy.sock mode 600 level admin\n\n"
    "defaults\n    mode http\n    log global\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\n"
)
BACKEND = "backend app\n    server s1 127.0.0.1:8080 check\n"
FIXABLE = HEAD.replace("timeout connect 5s", "timeout connect 50") + BACKEND
HAPROXY_26 = haproxy_binaries().get("2.6")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every entry under ``folder``: its bytes (regular files only), mtime and mode."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            data = None
            if stat.S_ISREG(info.st_mode) and info.st_mode & 0o444:
                with open(path, "rb") as handle:
                    data = handle.read()
            found[os.path.relpath(path, folder)] = (data, info.st_mtime_ns, info.st_mode)
    return found


def assert_located_error(code: int, out: str, err: str, head: str) -> None:
    """Exit 2, no traceback, and exactly one error line, the first, which starts with ``head``;
    any other line is the source-and-caret display (bounded) or the summary."""
    assert code == 2, out + err
    assert "Traceback" not in out + err
    lines = (out + err).splitlines()
    assert lines[0].startswith(head), lines[0][:300]
    assert [line for line in lines if ": error: " in line] == [lines[0]]
    assert all(len(line) < 400 for line in lines), "a long source line is shown clipped"


def python(code: str, *args: str, timeout: float = 60, memory_mb: int | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` in a child Python (``sys.argv[1:] == args``), killed after ``timeout``
    seconds, its address space capped at ``memory_mb`` if given."""

    def limit() -> None:
        if memory_mb is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        env={**os.environ, "NO_COLOR": "1"},
    )


# The whole tool on one file, in a child process: library parse/lint/fix, then the command
# line (lint, and --fix on a copy), in-process there. Prints a JSON report.
_EVERYTHING = r"""
import contextlib, io, json, os, sys, time
import haproxy_lint
from haproxy_lint.cli import run
from haproxy_lint.errors import ParseError

path, copy = sys.argv[1], sys.argv[2]
report = {}

def step(name, call):
    start = time.perf_counter()
    try:
        call()
        report[name] = "ok"
    except ParseError as exc:
        report[name] = "ParseError: " + str(exc)[:300]
    report[name + " seconds"] = round(time.perf_counter() - start, 3)

def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return {"code": code, "out": out.getvalue()[:5000], "err": err.getvalue()[:5000],
            "chars": len(out.getvalue()) + len(err.getvalue()), "seconds": round(time.perf_counter() - start, 3)}

step("parse_file", lambda: haproxy_lint.parse_file(path).check())
try:
    text = haproxy_lint.read_text(path)
except ParseError:
    text = None
if text is not None:
    step("lint", lambda: haproxy_lint.lint(text, path=path))
    step("fix", lambda: haproxy_lint.fix(text, unsafe=True, path=path))
report["cli"] = cli(path)
report["cli --fix"] = cli("--fix", "--unsafe-fixes", copy)
peak = next((int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")), 0)
report["peak MB"] = round(peak / 1024, 1)
print(json.dumps(report))
"""


def everything(tmp_path: Path, content: bytes | None, timeout: float = 60) -> tuple[dict, Path, Path]:
    """Write ``content`` (unless ``None``: already written) to haproxy.cfg and copy.cfg, run the
    whole tool on them in a child; check that the child ended normally. Returns the report and
    the two paths."""
    path = tmp_path / "haproxy.cfg"
    copy = tmp_path / "copy.cfg"
    if content is not None:
        path.write_bytes(content)
        copy.write_bytes(content)
    result = python(_EVERYTHING, str(path), str(copy), timeout=timeout, memory_mb=3072)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    return json.loads(result.stdout), path, copy


def assert_refused_untouched(tmp_path: Path, content: bytes, head: str, timeout: float = 60) -> dict:
    """The whole tool refuses the file with one located error (``head`` is what the error line
    starts with, after the path) and writes nothing."""
    (tmp_path / "haproxy.cfg").write_bytes(content)
    (tmp_path / "copy.cfg").write_bytes(content)
    before = snapshot(tmp_path)
    report, path, copy = everything(tmp_path, None, timeout)
    for step in ("parse_file", "lint", "fix"):
        if step in report:
            assert report[step].startswith(f"ParseError: {path}{head.replace(': error:', ':', 1)}"), report[step]
    for name, target in (("cli", path), ("cli --fix", copy)):
        result = report[name]
        assert_located_error(result["code"], result["out"], result["err"], f"{target}{head}")
    assert snapshot(tmp_path) == before
    return report


# --- 1. a 5 MB single line ------------------------------------------------------------------

MB5 = 5_000_000
MB1 = 1_000_000  # enough to tell linear from quadratic (a million squared is hours)


@pytest.mark.parametrize(
    "content",
    [
        HEAD + "backend app\n    acl big path_beg " + "x" * MB5 + "\n    server s1 127.0.0.1:8080 check\n",
        HEAD + "# " + "x" * MB5 + "\n" + BACKEND,
        HEAD + "backend app\n    acl big path_beg " + "x " * (MB1 // 2) + "\n    server s1 127.0.0.1:8080 check\n",
        HEAD + 'backend app\n    acl big path_beg "' + "x\\\"" * (MB1 // 3) + '"\n    server s1 127.0.0.1:8080 check\n',
        # Found quadratic: the IPv6 test of an address (1 MB of ':' took hours).
        HEAD + "backend app\n    server s1 " + ":" * MB1 + "g:80 check\n",
        # Found crashing: int() refuses more than 4,300 digits.
        HEAD.replace("timeout server 30s", "timeout server " + "9" * MB1) + BACKEND,
        HEAD + ".if " + "(" * 100_000 + "1" + ")" * 100_000 + "\n" + BACKEND + ".endif\n",
    ],
    ids=["acl-5MB", "comment-5MB", "500k-words", "escaped-quotes-1MB", "colons-1MB", "digits-1MB", "parens-200k"],
)
def test_a_huge_line_is_linted_and_fixed_in_bounded_time(tmp_path, content):
    report, path, copy = everything(tmp_path, content.encode(), timeout=90)
    for step in ("parse_file", "lint", "fix"):
        assert report[step] == "ok", report[step]
        assert report[step + " seconds"] < 20, report  # seconds in fact (linear); hours if quadratic
    for name in ("cli", "cli --fix"):
        assert report[name]["code"] in (0, 1), report[name]
        assert "Traceback" not in report[name]["err"]
    assert report["peak MB"] < 1500, report
    assert sorted(os.listdir(tmp_path)) == ["copy.cfg", "haproxy.cfg"]  # no temporary file left
    assert path.read_bytes() == content.encode()  # linted, not fixed


def test_an_error_on_a_huge_line_is_one_line_with_a_clipped_caret(tmp_path):
    content = HEAD + "backend app\n    acl big path_beg " + "x" * MB5 + ' "unterminated\n'
    report = assert_refused_untouched(tmp_path, content.encode(), ":13:5000023: error: unterminated double quote")
    out = report["cli"]["out"]
    assert report["cli"]["chars"] < 1000, out
    source, caret = out.splitlines()[1:3]
    assert source.startswith("  …x") and source.endswith('"unterminated')
    assert caret.index("^") == source.index('"')


# --- 2. nested .if ----------------------------------------------------------------------------


def nested(levels: int, closed: bool = True) -> str:
    """``levels`` nested ``.if 1`` around a backend; HEAD is 11 lines, the first ``.if`` line 12."""
    return HEAD + ".if 1\n" * levels + BACKEND + (".endif\n" * levels if closed else "")


def test_ten_thousand_nested_ifs_are_one_error_like_haproxy(tmp_path):
    # HAProxy refuses the 100th level, at its line: line 12 holds the first '.if'.
    report = assert_refused_untouched(tmp_path, nested(10_000).encode(), ":111:1: error: too many nested '.if'")
    assert "HAProxy refuses more than 99 levels ('max is 100')" in report["cli"]["out"]


def test_ten_thousand_unclosed_ifs_are_reported_as_too_deep_first(tmp_path):
    # HAProxy reads line by line: it stops at the 100th level before it reaches the end.
    assert_refused_untouched(tmp_path, nested(10_000, closed=False).encode(), ":111:1: error: too many nested '.if'")


def test_a_million_flat_ifs_after_a_too_deep_one_do_not_matter(tmp_path):
    # The depth is checked in one pass over the lines; the error is the same.
    content = nested(100, closed=False) + ".if 1\n.endif\n" * 200_000
    assert_refused_untouched(tmp_path, content.encode(), ":111:1: error: too many nested '.if'")


def test_ninety_nine_levels_are_fine_everywhere(capsys, tmp_path):
    text = nested(99)
    config = haproxy_lint.parse(text)
    assert max(line.depth for line in config.lines) == 99
    haproxy_lint.lint(text)
    haproxy_lint.fix(text, unsafe=True)
    path = tmp_path / "deep.cfg"
    path.write_text(text)
    for fmt in ("text", "json", "sarif", "github", "gitlab", "junit"):
        code, out, err = cli(capsys, "--format", fmt, str(path))
        assert code in (0, 1) and "Traceback" not in err
    code, out, err = cli(capsys, "--fix", "--unsafe-fixes", str(path))
    assert code in (0, 1) and "Traceback" not in err


@pytest.mark.skipif(HAPROXY_26 is None, reason="needs Debian's haproxy (2.6)")
@pytest.mark.parametrize("levels, accepted", [(99, True), (100, False)])
def test_the_nesting_limit_is_haproxys(tmp_path, levels, accepted):
    path = tmp_path / "n.cfg"
    path.write_text(nested(levels))
    result = subprocess.run([HAPROXY_26, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert ("too many nested '.if', max is 100" not in result.stderr) == accepted, result.stderr
    if not accepted:
        assert f"[{path}:111]" in result.stderr
        with pytest.raises(ParseError) as caught:
            haproxy_lint.parse_file(path)
        assert (caught.value.line, caught.value.column) == (111, 1)
    else:
        haproxy_lint.parse_file(path)


def test_deep_parentheses_and_negations_in_a_condition(tmp_path):
    for condition in ("(" * 5000 + "1" + ")" * 5000, "!" * 100_000 + "1", "(" * 5000):
        text = HEAD + f".if {condition}\n" + BACKEND + ".endif\n"
        haproxy_lint.lint(text)
        haproxy_lint.fix(text)


def test_a_long_chain_of_defaults_is_no_recursion(tmp_path):
    # HAProxy accepts thousands of `defaults dN from dN-1`: so must the rules (a recursion
    # overflowed the stack, and walking the chain from every proxy took minutes).
    chain = "".join(f"defaults d{i} from d{i - 1}\n    option httplog\n" for i in range(1, 3000))
    content = HEAD.replace("defaults\n", "defaults d0\n") + chain + "backend app from d2999\n    server s1 127.0.0.1:8080 check\n"
    report, _, _ = everything(tmp_path, content.encode(), timeout=90)
    assert report["lint"] == report["fix"] == "ok"
    assert report["cli"]["code"] in (0, 1)


# --- 3. a large file --------------------------------------------------------------------------

_PEAK = r"""
import resource, sys
sys.path.insert(0, sys.argv[2])
from parse_bench import generate
def hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
from haproxy_lint.cli import run
import haproxy_lint.linter, haproxy_lint.rules  # the modules, before the baseline
open(sys.argv[1], "w").write(generate(int(float(sys.argv[3]) * 1_000_000 / 52)))
base = hwm()
code = run(["--statistics", "-q", sys.argv[1]])
print(f"\nBASE {base} PEAK {hwm()} EXIT {code}")
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_a_large_file_lints_with_memory_linear_in_its_size(tmp_path):
    # The 50 MB run takes about 90 s here: it is in benchmarks/hostile.py, with its figures.
    bench = str(Path(__file__).resolve().parent.parent / "benchmarks")
    peaks = {}
    for mb in (1, 2):
        path = tmp_path / f"big{mb}.cfg"
        result = python(_PEAK, str(path), bench, str(mb), timeout=120, memory_mb=4096)
        assert result.returncode == 0, result.stderr[-2000:]
        fields = result.stdout.split()[-6:]
        base, peak, code = float(fields[1]), float(fields[3]), int(fields[5])
        assert code in (0, 1)
        assert peak < 2048
        peaks[mb] = peak - base
    # Twice the size, about twice the memory (never the square).
    assert peaks[2] < 2.6 * peaks[1], peaks


# --- 4. NUL bytes -----------------------------------------------------------------------------

NUL_CASES = {
    # content, where HAProxy 2.6 and the linter put it (line, column = HAProxy's position)
    "directive": (HEAD + "backend app\n    balance round\0robin\n    server s1 127.0.0.1:8080 check\n", 13, 18),
    "comment": (HEAD + "# a comm\0ent\n" + BACKEND, 12, 9),
    "last line": (HEAD + BACKEND + "# no newline\0", 14, 13),
}


@pytest.mark.parametrize("name", NUL_CASES)
def test_a_nul_byte_is_a_located_error(tmp_path, name):
    content, line, column = NUL_CASES[name]
    report = assert_refused_untouched(tmp_path, content.encode(), f":{line}:{column}: error: stray NUL character")
    assert "\u2400" in report["cli"]["out"]  # shown as a visible symbol under the caret


@pytest.mark.skipif(HAPROXY_26 is None, reason="needs Debian's haproxy (2.6)")
@pytest.mark.parametrize("name", NUL_CASES)
def test_haproxy_refuses_a_nul_byte_at_the_same_place(tmp_path, name):
    content, line, column = NUL_CASES[name]
    path = tmp_path / "nul.cfg"
    path.write_text(content)
    result = subprocess.run([HAPROXY_26, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"[{path}:{line}]: " in result.stderr
    assert (f"Stray NUL character at position {column}." in result.stderr) or (
        f"Missing LF on last line, file might have been truncated at position {column}." in result.stderr
    )


# --- 5. invalid UTF-8 -------------------------------------------------------------------------


def test_invalid_utf8_in_a_comment_is_located_at_the_byte(tmp_path):
    content = (HEAD + BACKEND + "# naïve café ").encode() + b"\xff\xfe rest\n"
    # Column counts characters: "# naïve café " is 13 characters (15 bytes).
    report = assert_refused_untouched(tmp_path, content, ":14:14: error: not UTF-8 text (byte 0xff)")
    assert report["cli"]["out"].splitlines()[2] == "  " + " " * 13 + "^"


def test_invalid_utf8_on_standard_input_is_located(capsys, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"global\n  log \xc3\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, err = cli(capsys, "-", "--stdin-filename", "in.cfg")
    assert_located_error(code, out, err, "in.cfg:2:7: error: not UTF-8 text (byte 0xc3)")


# --- 6. paths that are not configuration files ------------------------------------------------

_CLI = "import sys; from haproxy_lint.cli import run; sys.exit(run(sys.argv[1:]))"
_READ = "import sys, haproxy_lint; haproxy_lint.parse_file(sys.argv[1])"


def refused_in_a_child(path: str, head: str, library: str | None = None) -> None:
    """CLI (lint and --fix) and library (its message is ``library``, if not the same), each in
    a child process that must not hang."""
    for args in ([path], ["--fix", path]):
        result = python(_CLI, *args, timeout=30, memory_mb=1024)
        assert_located_error(result.returncode, result.stdout, result.stderr, f"{path}{head}")
    result = python(_READ, path, timeout=30, memory_mb=1024)
    last = result.stderr.rstrip().splitlines()[-1]
    expected = library or head.replace(": error:", ":", 1)
    assert result.returncode == 1 and last == f"haproxy_lint.errors.ParseError: {path}{expected}", last


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.cfg"
    os.mkfifo(fifo)
    before = snapshot(tmp_path)
    refused_in_a_child(str(fifo), ": error: is a FIFO (named pipe), not a regular file")
    # A folder stands for its *.cfg files, which a FIFO is not (HAProxy skips it too).
    refused_in_a_child(str(tmp_path), ": error: folder holds no *.cfg file", ": is a directory, not a configuration file")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_character_device_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    refused_in_a_child(device, ": error: is a character device, not a regular file")


def test_a_socket_is_refused(capsys, tmp_path):
    path = tmp_path / "s.cfg"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError:
        pytest.skip("no unix sockets here")
    with server:
        code, out, err = cli(capsys, str(path))
        assert_located_error(code, out, err, f"{path}: error: is a socket, not a regular file")


def test_a_folder_without_cfg_files(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("global\n")
    (tmp_path / "sub.cfg").mkdir()  # a folder named *.cfg is not a file either
    before = snapshot(tmp_path)
    for args in ([str(tmp_path)], ["--fix", str(tmp_path)]):
        code, out, err = cli(capsys, *args)
        assert_located_error(code, out, err, f"{tmp_path}: error: folder holds no *.cfg file")
    with pytest.raises(ParseError, match="is a directory"):
        haproxy_lint.parse_file(tmp_path)
    assert snapshot(tmp_path) == before


def test_missing_file_symlink_loop_and_dangling_symlink(capsys, tmp_path):
    loop = tmp_path / "loop.cfg"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.cfg"
    dangling.symlink_to(tmp_path / "nowhere.cfg")
    before = snapshot(tmp_path)
    for path, head in (
        (tmp_path / "missing.cfg", ": error: no such file"),
        (dangling, ": error: no such file"),
        (loop, ": error: cannot read: Too many levels of symbolic links"),
    ):
        for args in ([str(path)], ["--fix", str(path)]):
            code, out, err = cli(capsys, *args)
            assert_located_error(code, out, err, f"{path}{head}")
        with pytest.raises(ParseError):
            haproxy_lint.parse_file(path)
    assert snapshot(tmp_path) == before


def test_an_unreadable_file(capsys, tmp_path, monkeypatch):
    path = tmp_path / "secret.cfg"
    path.write_text(FIXABLE)
    path.chmod(0)
    if os.geteuid() == 0:  # root reads a file whatever its mode: make opening it fail as it would
        real_open = os.open

        def refusing_open(name, *args, **kwargs):
            if os.fspath(name) == str(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
    try:
        for args in ([str(path)], ["--fix", str(path)]):
            code, out, err = cli(capsys, *args)
            assert_located_error(code, out, err, f"{path}: error: cannot read: Permission denied")
    finally:
        path.chmod(0o600)
    assert path.read_text() == FIXABLE


def test_a_path_with_spaces_and_non_ascii_characters(capsys, tmp_path):
    folder = tmp_path / "dossier été 日本"
    folder.mkdir()
    path = folder / "ma conf ü.cfg"
    path.write_text(FIXABLE)
    code, out, err = cli(capsys, "--select", "HL203", str(path))
    assert code == 1 and out.startswith(f"{path}:8:21: HL203 [warning] [*] `50` has no unit")
    code, out, err = cli(capsys, "--fix", "--select", "HL203", str(path))
    assert code == 0, out + err
    assert path.read_text() == FIXABLE.replace("connect 50\n", "connect 50ms\n")
    assert os.listdir(folder) == ["ma conf ü.cfg"]
    broken = folder / "cassé ü.cfg"
    broken.write_text("global\n.endif\n")
    code, out, err = cli(capsys, str(broken))
    assert_located_error(code, out, err, f"{broken}:2:1: error: '.endif' without a matching '.if'")


# --- 7. settings files ------------------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)  # 9**9 strings once expanded


def yaml_cases(marker: Path) -> dict[str, tuple[bytes, str]]:
    """Settings file content -> what the error line says after ``path``."""
    return {
        "python tag": (
            f'select: !!python/object/apply:os.system ["touch {marker}"]\n'.encode(),
            ":1:9: error: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed",
        ),
        "python tag on top": (
            f'!!python/object/apply:os.system ["touch {marker}"]\n'.encode(),
            ":1:1: error: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed",
        ),
        "custom tag": (b"ignore: !foo [HL703]\n", ":1:9: error: tags (!foo) are not allowed"),
        "billion laughs": (BOMB.encode(), ":2:8: error: aliases (*a) are not allowed in a settings file"),
        "deep nesting": (b"select: " + b"[" * 50_000 + b"]" * 50_000 + b"\n", ":1:28: error: nested more than 20 levels deep"),
        "huge": (b"select:\n" + b"  - HL1\n" * 100_000, ": error: cannot read settings: too large (800,008 bytes; at most 131,072)"),
        "a list": (b"- select\n- HL1\n", ":1:1: error: settings must be a mapping of keys to values"),
        "a string": (b"select HL1\n", ":1:1: error: settings must be a mapping of keys to values"),
        "invalid": (b"select: [HL1\nignore: x\n", ":2:7: error: not valid YAML: expected ',' or ']', but got ':'"),
        "invalid UTF-8": (b"# caf\xe9\nselect: [HL1]\n", ":1:6: error: cannot read settings: not UTF-8 text (byte 0xe9)"),
        "NUL": (b"select: [HL1]\0\n", ":1:14: error: not valid YAML: special characters are not allowed"),
        "5,000 digits": (b"ignore: " + b"9" * 5000 + b"\n", ": error: not valid YAML: a value cannot be read: Exceeds the limit"),
        "13th month": (b"ignore: 2001-13-45\n", ": error: not valid YAML: a value cannot be read: month must be in 1..12"),
    }


_LOAD = "import sys; from haproxy_lint.config import load_config; load_config(sys.argv[1])"


#: Run in a child with a memory cap and a timeout: a regression would eat memory or run code.
RISKY_YAML = {"python tag", "python tag on top", "billion laughs", "deep nesting", "huge"}


@pytest.mark.parametrize("name", list(yaml_cases(Path("/x"))))
def test_a_hostile_yaml_settings_file_is_one_located_error(capsys, tmp_path, name):
    marker = tmp_path / "pwned"
    content, head = yaml_cases(marker)[name]
    settings = tmp_path / ".haproxy-lint.yaml"
    settings.write_bytes(content)
    target = tmp_path / "haproxy.cfg"
    target.write_text(FIXABLE)
    before = snapshot(tmp_path)
    library = "haproxy_lint.config.ConfigError: " + str(settings) + head.replace(": error:", ":", 1)
    # Found next to the configuration, and named with --config.
    runs = ([str(target)], ["--fix", str(target)], ["--config", str(settings), str(target)])
    if name in RISKY_YAML:
        for args in runs:
            result = python(_CLI, *args, timeout=30, memory_mb=1024)
            assert_located_error(result.returncode, result.stdout, result.stderr, f"{settings}{head}")
        result = python(_LOAD, str(settings), timeout=30, memory_mb=1024)
        assert library in result.stderr, result.stderr[-800:]
    else:
        for args in runs:
            code, out, err = cli(capsys, *args)
            assert_located_error(code, out, err, f"{settings}{head}")
        with pytest.raises(ConfigError) as caught:
            load_config(settings)
        assert f"haproxy_lint.config.ConfigError: {caught.value}".startswith(library)
    assert not marker.exists()
    assert snapshot(tmp_path) == before


def test_the_yaml_loader_never_constructs_python_objects(tmp_path):
    # Even past the tag check, the loader is ruamel's round-trip one (a SafeConstructor):
    # it has no constructor for python/object tags.
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    assert issubclass(YAML(typ="rt").Constructor, SafeConstructor)
    marker = tmp_path / "pwned"
    data = YAML(typ="rt").load(f'!!python/object/apply:os.system ["touch {marker}"]\n')
    assert list(data) == [f"touch {marker}"] and not marker.exists()


@pytest.mark.parametrize(
    "content, head",
    [
        (b"[tool.haproxy-lint]\nselect = [HL1\n", ":2:11: error: not valid TOML: Invalid value"),
        (b"[tool.haproxy-lint]\nselect = " + b"[" * 5000 + b"]" * 5000 + b"\n", ": error: not valid TOML: nested too deeply"),
        (b"[tool.haproxy-lint]\nselect = " + b"9" * 5000 + b"\n", ": error: not valid TOML: Exceeds the limit"),
        (b"[tool]\nhaproxy-lint = 5\n", ": error: [tool.haproxy-lint] must be a table of keys to values"),
        (b"[tool.haproxy-lint]\n# caf\xe9\n", ":2:6: error: cannot read settings: not UTF-8 text (byte 0xe9)"),
        (b"[tool.haproxy-lint]\n" + b"# padding\n" * 500_000, ": error: cannot read settings: too large"),
    ],
    ids=["invalid", "deep", "digits", "not-a-table", "utf8", "huge"],
)
def test_a_hostile_pyproject_is_one_located_error(capsys, tmp_path, content, head):
    settings = tmp_path / "pyproject.toml"
    settings.write_bytes(content)
    target = tmp_path / "haproxy.cfg"
    target.write_text(FIXABLE)
    before = snapshot(tmp_path)
    for args in ([str(target)], ["--fix", str(target)], ["--config", str(settings), str(target)]):
        code, out, err = cli(capsys, *args)
        assert_located_error(code, out, err, f"{settings}{head}")
    with pytest.raises(ConfigError):
        load_config(settings)
    assert snapshot(tmp_path) == before


def test_a_settings_file_that_is_a_fifo_or_a_device(tmp_path):
    target = tmp_path / "haproxy.cfg"
    target.write_text(FIXABLE)
    fifo = tmp_path / "settings.yaml"
    os.mkfifo(fifo)
    for settings, what in ((fifo, "a FIFO (named pipe)"), ("/dev/zero", "a character device")):
        result = python(_CLI, "--config", str(settings), str(target), timeout=30, memory_mb=1024)
        assert_located_error(
            result.returncode, result.stdout, result.stderr, f"{settings}: error: cannot read settings: is {what}, not a regular file"
        )
    # Found by the search for settings: a FIFO named like a settings file is not one.
    os.rename(fifo, tmp_path / ".haproxy-lint.yaml")
    result = python(_CLI, str(target), timeout=30)
    assert result.returncode == 1 and "HL203" in result.stdout


# --- 8. nothing is executed, nothing is reached, only the named files are written -------------


def test_nothing_in_a_configuration_is_run_or_contacted(capsys, tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    text = textwrap.dedent(
        f"""\
        global
            lua-load {tmp_path}/x.lua
            external-check
            insecure-fork-wanted
            log syslog.example.com:514 local0
            stats socket /run/haproxy.sock mode 600 level admin

        defaults
            mode http
            log global
            timeout connect 50
            timeout client 30s
            timeout server 30s

        resolvers dns
            nameserver ns1 8.8.8.8:53

        program pwn
            command touch {marker}

        backend app
            option external-check
            external-check command /bin/touch
            external-check path "/bin:/usr/bin"
            http-request lua.pwn
            server s1 backend.example.com:80 check resolvers dns
            server s2 other.example.org:443 check ssl verify required ca-file /etc/ssl/certs/ca.pem
        """
    )
    (tmp_path / "x.lua").write_text(f'os.execute("touch {marker}")\n')

    def forbidden(*args, **kwargs):
        raise AssertionError(f"the linter tried to run or reach something: {args!r}")

    import subprocess as subprocess_module

    for module, name in (
        (socket, "socket"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
        (socket, "gethostbyname"),
        (subprocess_module, "Popen"),
        (os, "system"),
        (os, "popen"),
        (os, "execv"),
        (os, "execve"),
        (os, "posix_spawn"),
        (os, "fork"),
    ):
        if hasattr(module, name):
            monkeypatch.setattr(module, name, forbidden)
    haproxy_lint.lint(text)
    fixed = haproxy_lint.fix(text, unsafe=True)
    assert fixed.changed
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    for args in ([str(path)], ["--diff", str(path)], ["--fix", "--unsafe-fixes", str(path)]):
        code, out, err = cli(capsys, *args)
        assert code in (0, 1) and "Traceback" not in err, err
    assert not marker.exists()
    assert path.read_text() == fixed.text


def test_fix_writes_only_the_files_it_was_asked_to_fix(capsys, tmp_path):
    names = ["a.cfg", "b.cfg", "conf.d/c.cfg", "notes.txt", ".haproxy-lint.yaml", "broken.cfg"]
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(FIXABLE if name != ".haproxy-lint.yaml" else "ignore: [HL701]\n")
    (tmp_path / "broken.cfg").write_text(FIXABLE + ".endif\n")
    (tmp_path / "link.cfg").symlink_to(tmp_path / "b.cfg")
    before = snapshot(tmp_path)
    code, out, err = cli(capsys, "--fix", str(tmp_path / "a.cfg"), str(tmp_path / "broken.cfg"))
    assert code == 2 and "Traceback" not in err  # broken.cfg does not parse: left alone
    after = snapshot(tmp_path)
    assert set(after) == set(before), "no file added or removed (no temporary file left)"
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"a.cfg"}
    assert (tmp_path / "a.cfg").read_text() == FIXABLE.replace("connect 50\n", "connect 50ms\n")
    # Through a symlink, the target is rewritten and the link kept.
    code, out, err = cli(capsys, "--fix", str(tmp_path / "link.cfg"))
    assert code in (0, 1)
    final = snapshot(tmp_path)
    assert {name for name in final if final[name] != after[name]} == {"b.cfg"}
    assert (tmp_path / "link.cfg").is_symlink()
