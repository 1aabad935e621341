"""Generated configurations full of fixable hazards, in random order, indentation and line
endings, for several target versions: fixing never produces text that does not parse, never
drops a broken fix, and fixing again changes nothing. (That fixes touch only their own spans
is checked round by round on every fixture, in test_rules.py.)"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from haproxy_lint import Settings, fix, parse

HEADERS = ["global", "defaults", "frontend fe", "backend be", "listen li"]
HAZARDS = [
    "timeout connect 5000",
    "timeout server 30",
    "clitimeout 50000",
    "contimeout 4000",
    "option httpchk GET /health HTTP/1.1\\r\\nHost:\\ app.example.com",
    "option httpchk",
    "http-check expect status 200 201 202",
    "http-check expect status 200-399",
    "server s1 10.0.0.1:80 check inter 2000",
    "server s2 10.0.0.2:80",
    "server spare 10.0.0.3:80 check  # standby",
    "server t1 10.0.0.4:443 ssl force-sslv3 verify none",
    "server t2 10.0.0.5:443 ssl no-sslv3 no-tlsv10 no-tlsv11 verify none",
    "default-server inter 1000 force-tlsv12",
    "bind :443 ssl crt /etc/ssl/x.pem force-tlsv11",
    "block if { src 10.0.0.1 }",
    "redispatch",
    "reqadd X-Proto:\\ https",
    "rspadd X-Frame-Options:\\ DENY",
    "monitor-net 10.0.0.0/8",
    "option forceclose",
    "stats socket /run/haproxy.sock mode 666 level admin",
    "timeout check 9s",
    "mode http",
    "log global",
]


@st.composite
def configs(draw):
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from(["    ", "\t", "  "]))
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        lines.append(draw(st.sampled_from(HEADERS)))
        for hazard in draw(st.lists(st.sampled_from(HAZARDS), max_size=6)):
            lines.append(indent + hazard)
        if draw(st.booleans()):
            lines.append("")
    text = eol.join(lines)
    return text + (eol if draw(st.booleans()) else "")


@settings(max_examples=150, deadline=None)
@given(configs(), st.sampled_from(["2.0", "2.6", "3.2"]), st.booleans())
def test_fixing_generated_configs_is_idempotent_and_local(text, version, unsafe):
    options = Settings(target_version=version)
    result = fix(text, options, unsafe=unsafe)
    assert not result.broken
    parse(result.text).check()
    assert fix(result.text, options, unsafe=unsafe).text == result.text
