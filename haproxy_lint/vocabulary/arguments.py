"""What follows an action: how many positional arguments, or which options.

HAProxy's action parsers read a fixed number of words (``add-header <name> <fmt>``), or
options from a closed list (``redirect ... code 301 drop-query``), and then refuse any word
that is not ``if``/``unless`` ("expects either 'if' or 'unless' followed by a condition but
found 'iff'"). These tables are written from the parsers (``src/http_act.c``,
``src/http_rules.c``, ``src/tcpcheck.c``...) and each entry is checked against HAProxy 2.6 and
2.8 in ``tests/test_rules_vocabulary.py``; actions not listed here are not judged this way.
They hold from 2.2 on (2.0 parsed several of these actions differently).
"""

from __future__ import annotations

__all__ = ["ACTION_ARITY", "ACTION_OPTIONS", "CHECK_OPTIONS", "SINCE"]

#: The first version these tables describe.
SINCE = (2, 2)

#: Actions of the HTTP and TCP rule sets that take a fixed number of words: (least, most).
ACTION_ARITY: dict[str, tuple[int, int]] = {
    "accept": (0, 0), "allow": (0, 0), "reject": (0, 0), "close": (0, 0),
    "disable-l7-retry": (0, 0), "wait-for-handshake": (0, 0), "unset-var": (0, 0),
    "add-header": (2, 2), "set-header": (2, 2), "early-hint": (2, 2),
    "del-header": (1, 3),  # <name> [-m <method>]
    "replace-header": (3, 3), "replace-value": (3, 3),
    "set-path": (1, 1), "set-pathq": (1, 1), "set-query": (1, 1), "set-uri": (1, 1), "set-method": (1, 1),
    "replace-path": (2, 2), "replace-pathq": (2, 2), "replace-uri": (2, 2),
    "set-log-level": (1, 1), "set-nice": (1, 1), "set-tos": (1, 1), "set-mark": (1, 1),
    "add-acl": (1, 1), "del-acl": (1, 1), "del-map": (1, 1), "set-map": (2, 2),
    "set-var-fmt": (1, 1), "use-service": (1, 1),
}

#: Actions that read options (each with how many words follow it) until ``if``/``unless``;
#: ``_first`` is how many positional words come before them.
ACTION_OPTIONS: dict[str, dict[str, int]] = {
    "deny": {"deny_status": 1, "status": 1, "content-type": 1, "default-errorfiles": 0, "errorfile": 1,
             "errorfiles": 1, "file": 1, "lf-file": 1, "string": 1, "lf-string": 1, "hdr": 2},
    "tarpit": {"deny_status": 1, "status": 1, "content-type": 1, "default-errorfiles": 0, "errorfile": 1,
               "errorfiles": 1, "file": 1, "lf-file": 1, "string": 1, "lf-string": 1, "hdr": 2},
    "return": {"status": 1, "content-type": 1, "default-errorfiles": 0, "errorfile": 1, "errorfiles": 1,
               "file": 1, "lf-file": 1, "string": 1, "lf-string": 1, "hdr": 2},
    "auth": {"realm": 1},
}

#: ``http-check``/``tcp-check`` actions and their options (2.2 on: src/tcpcheck.c), by rule set
#: and action; ``tcp-check send <data>`` takes its data first, then only ``comment``.
_CONNECT = {"default": 0, "addr": 1, "port": 1, "comment": 1, "send-proxy": 0, "via-socks4": 0, "ssl": 0,
            "sni": 1, "alpn": 1, "proto": 1, "linger": 0}
CHECK_OPTIONS: dict[str, dict[str, int]] = {
    "http-check connect": _CONNECT,
    "tcp-check connect": _CONNECT,
    "http-check send": {"meth": 1, "uri": 1, "uri-lf": 1, "ver": 1, "hdr": 2, "body": 1, "body-lf": 1, "comment": 1},
}
