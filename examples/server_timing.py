"""List every server with its effective `inter`, `fall` and `rise`, and how long HAProxy takes
to notice it is down (detection) and to send it traffic again once it is back (recovery).

The values are the effective ones: the server's own parameters over `default-server` (the
backend's, then its `defaults` section's), over HAProxy's defaults (`inter 2s`, `fall 3`,
`rise 2`; `fastinter` and `downinter` default to `inter`). Worst cases, as HAProxy's manual
describes the check intervals (and rules HL204/HL205 compute them):

- detection: `inter` + (`fall` - 1) x `fastinter`: the first failed check comes up to
  `inter` after the failure, the next ones every `fastinter`;
- recovery: `downinter` + (`rise` - 1) x `fastinter`.

Usage: python examples/server_timing.py [haproxy.cfg]
"""

from __future__ import annotations

import sys
from pathlib import Path

import haproxy_lint
from haproxy_lint import Server

BUNDLED = Path(__file__).resolve().parent.parent / "fixtures" / "examples" / "haproxy.cfg"


def duration(ms: int) -> str:
    """``5000`` -> ``5s``, ``1500`` -> ``1.5s``, ``90000`` -> ``1m30s``."""
    if ms < 1000:
        return f"{ms}ms"
    minutes, ms = divmod(ms, 60_000)
    seconds = f"{ms / 1000:g}s" if ms else ""
    return f"{minutes}m{seconds}" if minutes else seconds


def origin(server: Server, name: str) -> str:
    """Where an effective parameter comes from: its line, or HAProxy's default."""
    param = server.get(name)
    if param is None:
        return "default"
    return f"line {param.line.line}" + ("" if param.line is server.line else ", default-server")


def main(path: str) -> int:
    try:
        config = haproxy_lint.parse_file(path)
    except haproxy_lint.ParseError as error:
        print(f"{error}", file=sys.stderr)
        return 2
    for proxy in config.proxies:
        if not proxy.is_backend or not proxy.servers:
            continue
        print(proxy.label)
        for server in proxy.servers:  # server and server-template lines, not default-server
            name = server.name or "?"
            if not server.check:
                print(f"  {name}: not checked (HAProxy always considers it up)")
                continue
            detection = server.inter + (server.fall - 1) * server.fastinter
            recovery = server.downinter + (server.rise - 1) * server.fastinter
            print(
                f"  {name}: inter {duration(server.inter)} ({origin(server, 'inter')}),"
                f" fall {server.fall} ({origin(server, 'fall')}), rise {server.rise} ({origin(server, 'rise')});"
                f" detection {duration(detection)}, recovery {duration(recovery)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(BUNDLED)))
