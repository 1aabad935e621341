"""Live: real HAProxy 2.6 runs the health checks of a bad configuration against a small HTTP
server and marks it DOWN; with the rule's fix (or the "Use instead" of its page) the same
server is UP. The server is Python's http.server, which answers GET and nothing else (501 for
OPTIONS or `get`), as many application servers do.

Each case starts HAProxy in the foreground (``-db``) with a stats socket in a temporary folder
and checks every 100 ms, and reads the verdict from ``show stat``. It takes about a second.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from haproxy_lint import Settings, fix, lint

from .conftest import haproxy_binaries

#: How long to wait for the first check verdict.
DEADLINE_S = 5.0


class _GetOnly(BaseHTTPRequestHandler):
    """200 on `GET /health`, 404 on other paths; other methods get http.server's 501."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status = 200 if self.path == "/health" else 404
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def app_port():
    """The port of a GET-only HTTP server on 127.0.0.1, stopped after the test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GetOnly)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def haproxy(tmp_path):
    """A function that starts HAProxy 2.6 on a configuration and returns the path of its stats
    socket; every HAProxy started here is killed after the test, whatever happens."""
    binary = haproxy_binaries().get("2.6")
    if binary is None:
        pytest.skip("HAProxy 2.6 (/usr/sbin/haproxy) is not installed")
    started: list[subprocess.Popen] = []

    def start(config: str, name: str) -> Path:
        sock = tmp_path / f"{name}.sock"
        path = tmp_path / f"{name}.cfg"
        path.write_text(config.replace("@SOCKET@", str(sock)))
        process = subprocess.Popen(
            [binary, "-db", "-f", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path
        )
        started.append(process)
        return sock

    try:
        yield start
    finally:
        for process in started:
            process.kill()
            process.wait(timeout=10)


def show_stat(sock: Path) -> dict[tuple[str, str], dict[str, str]]:
    """``show stat`` over the runtime API, by (proxy, server)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        client.connect(str(sock))
        client.sendall(b"show stat\n")
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:] if line]
    return {(row["pxname"], row["svname"]): row for row in rows}


def verdict(sock: Path) -> tuple[str, str]:
    """The status of app/s1 once its first check has run: (status, check_status)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if sock.exists():
            try:
                row = show_stat(sock)[("app", "s1")]
            except (OSError, KeyError, IndexError):
                row = None
            # Servers start UP with check status INI: wait for a real check. "* " marks a
            # check in progress (its last result follows): "* INI" on a loaded machine.
            if row is not None:
                check = row["check_status"].removeprefix("* ")
                if check not in ("", "INI"):
                    return row["status"], check
        time.sleep(0.05)
    raise AssertionError(f"no check verdict within {DEADLINE_S}s")


CONFIG = """\
global
    stats socket @SOCKET@ level admin

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 1s

backend app
{checks}
    server s1 127.0.0.1:{port} check inter 100ms rise 1 fall 1
"""

# (rule, the check lines of the bad configuration, those of the good one: None = the rule's fix)
CASES = [
    # A bare `option httpchk` sends OPTIONS /: 501.
    ("HL117", ["option httpchk"], ["option httpchk", "http-check send meth GET uri /health"]),
    # A lower-case method: 501; the safe fix writes GET.
    ("HL116", ["option httpchk get /health"], None),
    # A second send after an expect, accepted because the option comes last: Socket error.
    (
        "HL118",
        [
            "http-check send meth GET uri /health",
            "http-check expect status 200",
            "http-check send meth GET uri /health",
            "option httpchk",
        ],
        [
            "option httpchk",
            "http-check connect",
            "http-check send meth GET uri /health",
            "http-check expect status 200",
            "http-check connect",
            "http-check send meth GET uri /health",
        ],
    ),
]


def _config(lines: list[str], port: int) -> str:
    return CONFIG.format(checks="\n".join("    " + line for line in lines), port=port)


@pytest.mark.parametrize("code, bad, good", CASES, ids=[case[0] for case in CASES])
def test_bad_check_marks_a_healthy_server_down_and_the_fix_brings_it_up(code, bad, good, app_port, haproxy):
    settings = Settings(select=[code], target_version="2.6")
    bad_text = _config(bad, app_port)
    assert [d.code for d in lint(bad_text, settings)], f"{code} does not report the bad configuration"

    status, check = verdict(haproxy(bad_text, "bad"))
    assert status == "DOWN", (status, check)
    assert check in ("L7STS", "SOCKERR", "L7RSP"), check

    good_text = fix(bad_text, settings).text if good is None else _config(good, app_port)
    assert good_text != bad_text
    assert lint(good_text, settings) == [], f"{code} still reports the fixed configuration"
    status, check = verdict(haproxy(good_text, "good"))
    assert (status, check) == ("UP", "L7OK")
