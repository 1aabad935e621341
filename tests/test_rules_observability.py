"""HL7xx rules: one merged configuration across files, reading order of `log global`, fixes."""

from __future__ import annotations

import textwrap

from haproxy_lint import Settings, fix, lint, lint_configs, parse


def cfg(text: str, path: str | None = None):
    return parse(textwrap.dedent(text), path)


def codes(diagnostics, code):
    return [(d.path, d.line, d.message) for d in diagnostics if d.code == code]


GLOBAL_NO_SOCKET = """\
global
    log /dev/log local0
"""
GLOBAL_SOCKET = """\
global
    log /dev/log local0
    stats socket /run/haproxy/admin.sock mode 660 level admin
"""
PROXIES = """\
defaults
    mode http
    log global
    timeout connect 5s
    timeout client 30s
    timeout server 30s
backend app
    server app1 10.0.0.1:80 check
"""

HL701 = Settings(select=["HL701"])
HL702 = Settings(select=["HL702"])
HL703 = Settings(select=["HL703"])


# --- HL701 ----------------------------------------------------------------------------------------


def test_stats_socket_in_another_file_counts():
    configs = [cfg(PROXIES, "b-proxies.cfg"), cfg(GLOBAL_SOCKET, "a-global.cfg")]
    assert codes(lint_configs(configs, HL701), "HL701") == []


def test_missing_socket_is_reported_once_on_the_file_with_global():
    configs = [cfg(PROXIES, "b-proxies.cfg"), cfg(GLOBAL_NO_SOCKET, "a-global.cfg")]
    found = codes(lint_configs(configs, HL701), "HL701")
    assert [(path, line) for path, line, _ in found] == [("a-global.cfg", 1)]


def test_two_globals_in_two_files_get_one_finding_and_one_fix():
    a, b = cfg(GLOBAL_NO_SOCKET + PROXIES, "a.cfg"), cfg(GLOBAL_NO_SOCKET, "b.cfg")
    assert [p for p, _, _ in codes(lint_configs([a, b], HL701), "HL701")] == ["a.cfg"]
    # The fixer puts the file it fixes first: the choice must not depend on that order.
    assert fix(a, HL701, unsafe=True, context=[b]).changed
    assert not fix(b, HL701, unsafe=True, context=[a]).changed


def test_no_global_at_all_is_reported_without_fix():
    found = lint(cfg(PROXIES), HL701)
    assert [d.line for d in found] == [1]
    assert "no `global` section" in found[0].message
    assert found[0].fix is None


def test_no_global_in_several_files_is_reported_once():
    configs = [cfg(PROXIES, "b.cfg"), cfg("backend other\n    server o 10.0.0.9:80\n", "a.cfg")]
    assert [p for p, _, _ in codes(lint_configs(configs, HL701), "HL701")] == ["a.cfg"]


def test_empty_file_is_not_reported():
    assert lint(cfg("# nothing yet\n"), HL701) == []


def test_fix_on_last_line_without_newline():
    text = "global\n  log /dev/log local0"
    result = fix(text, HL701, unsafe=True)
    assert result.text == "global\n  log /dev/log local0\n  stats socket /run/haproxy/admin.sock mode 660 level admin"


def test_fix_in_empty_global_uses_default_indent():
    result = fix("global\n" + PROXIES, HL701, unsafe=True)
    assert result.text.startswith("global\n    stats socket /run/haproxy/admin.sock mode 660 level admin\ndefaults\n")


def test_fix_is_unsafe_only():
    assert not fix(GLOBAL_NO_SOCKET + PROXIES, HL701).changed


# --- HL702 ----------------------------------------------------------------------------------------


def test_global_log_in_an_earlier_file_feeds_log_global():
    configs = [cfg(GLOBAL_NO_SOCKET, "a.cfg"), cfg(PROXIES, "b.cfg")]
    assert codes(lint_configs(configs, HL702), "HL702") == []


def test_global_log_in_a_later_file_is_too_late():
    configs = [cfg(PROXIES, "a.cfg"), cfg(GLOBAL_NO_SOCKET, "b.cfg")]
    found = codes(lint_configs(configs, HL702), "HL702")
    assert len(found) == 1
    path, line, message = found[0]
    assert (path, line) == ("a.cfg", 3)
    assert "(b.cfg line 2)" in message


def test_nothing_logged_across_files_is_reported_once():
    configs = [cfg("global\n    maxconn 100\n", "a.cfg"), cfg(PROXIES.replace("    log global\n", ""), "b.cfg")]
    found = codes(lint_configs(configs, HL702), "HL702")
    assert [(p, line) for p, line, _ in found] == [("a.cfg", 1)]
    assert found[0][2].startswith("nothing is logged")


def test_no_log_after_log_lines_empties_the_list():
    text = GLOBAL_NO_SOCKET + PROXIES + "frontend www\n    bind :80\n    log global\n    no log\n"
    # `no log` is deliberate: not reported, although the list ends up empty.
    assert lint(text, HL702) == []


def test_log_lines_after_no_log_count():
    text = GLOBAL_NO_SOCKET + PROXIES.replace("    log global\n", "    no log\n") + "frontend www\n    bind :80\n    log global\n"
    assert lint(text, HL702) == []


def test_single_silent_proxy_of_a_defaults_is_named():
    text = GLOBAL_NO_SOCKET + PROXIES.replace("    log global\n", "")
    found = lint(text, HL702)
    assert [d.line for d in found] == [8]
    assert found[0].message.startswith("backend `app` has no `log` line (nor its defaults at line 3)")


def test_proxy_without_defaults():
    text = GLOBAL_NO_SOCKET + "frontend www\n    bind :80\n    log global\nfrontend api\n    bind :81\n"
    found = lint(text, HL702)
    assert [d.message.split(":")[0] for d in found] == ["frontend `api` has no `log` line"]



def test_log_global_before_global_is_reported_once_for_every_proxy_using_it():
    # Proxies without log lines of their own share their defaults' loggers; one with its own
    # `log global` line has a second line that copies nothing; one with an address logs.
    text = (
        "defaults\n    mode http\n    log global\n"
        "frontend a\n    bind :80\nfrontend b\n    bind :81\n"
        "frontend c\n    bind :82\n    log global\n"
        "frontend d\n    bind :83\n    log 127.0.0.1:514 local0\n"
        "global\n    log /dev/log local0\n"
    )
    assert [(d.line, d.message.split(":")[0]) for d in lint(text, HL702)] == [
        (3, "`log global` copies nothing"), (10, "`log global` copies nothing")]

# --- HL703 ----------------------------------------------------------------------------------------


def test_fix_in_defaults_with_only_a_header():
    text = "defaults\nbackend app\n    server app1 10.0.0.1:80 check\n"
    result = fix(text, HL703, unsafe=True)
    assert result.text == "defaults\n    option log-health-checks\nbackend app\n    server app1 10.0.0.1:80 check\n"


def test_fix_goes_before_the_servers_of_a_proxy_without_options():
    text = "backend app\n  timeout server 5s\n  # the servers\n  server app1 10.0.0.1:80 check\n"
    result = fix(text, HL703, unsafe=True)
    assert result.text == (
        "backend app\n  timeout server 5s\n  option log-health-checks\n  # the servers\n  server app1 10.0.0.1:80 check\n"
    )


def test_option_disabled_in_defaults_is_deliberate():
    text = "defaults\n    no option log-health-checks\nbackend app\n    server app1 10.0.0.1:80 check\n"
    assert lint(text, HL703) == []


def test_server_template_with_check():
    text = "defaults\n    mode http\nbackend app\n    server-template app 3 app.local:80 check\n"
    assert [d.line for d in lint(text, HL703)] == [1]


def test_frontend_is_not_concerned():
    text = "defaults\n    mode http\nfrontend www\n    bind :80\n"
    assert lint(text, HL703) == []


def test_proxies_without_defaults_are_reported_once_and_fixed_together():
    text = (
        "backend a\n    server a1 10.0.0.1:80 check\n"
        "backend b\n    option httpchk\n    server b1 10.0.0.2:80 check\n"
        "backend c\n    server c1 10.0.0.3:80\n"
    )
    found = lint(text, HL703)
    assert [d.line for d in found] == [1]
    assert "backend `a`, backend `b`, which have no `defaults` section" in found[0].message
    result = fix(text, HL703, unsafe=True)
    assert result.text == (
        "backend a\n    option log-health-checks\n    server a1 10.0.0.1:80 check\n"
        "backend b\n    option httpchk\n    option log-health-checks\n    server b1 10.0.0.2:80 check\n"
        "backend c\n    server c1 10.0.0.3:80\n"
    )
