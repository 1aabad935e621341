"""Typed views of the directives rules care about: servers, addresses, durations, timeouts.

A view reads a :class:`~haproxy_lint.model.Line` and keeps a reference to it, so every value
can be traced back to the word that set it (diagnostics point at that word, fixes edit it).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from functools import lru_cache
from sys import intern as _intern
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from .model import Line, Word, _new, _Node, _prepare, _seal, _setattr, lazy

__all__ = [
    "Acl",
    "Address",
    "Bind",
    "Param",
    "Route",
    "Server",
    "SERVER_FLAGS",
    "parse_address",
    "parse_duration",
    "parse_int",
    "duration_has_unit",
]

# Server and default-server keywords that take no argument, in any version from 2.0 to 3.2
# (the keywords registered with no argument in HAProxy's srv_kws tables).
SERVER_FLAGS: frozenset[str] = frozenset(
    """agent-check allow-0rtt backup check check-reuse-pool check-send-proxy check-ssl
    check-via-socks4 disabled enabled force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12
    force-tlsv13 no-agent-check no-backup no-check no-check-reuse-pool no-check-send-proxy
    no-check-ssl no-send-proxy no-send-proxy-v2 no-send-proxy-v2-ssl no-send-proxy-v2-ssl-cn
    no-ssl no-ssl-reuse no-sslv3 no-tfo no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13
    non-stick send-proxy send-proxy-v2 send-proxy-v2-ssl send-proxy-v2-ssl-cn ssl ssl-reuse
    stick strict-maxconn tfo tls-tickets no-verifyhost""".split()
)

_DURATION = re.compile(r"(\d+)(us|ms|s|m|h|d)?")
_UNIT_MS = {None: 1, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def parse_duration(text: str) -> int | None:
    """A HAProxy duration in milliseconds: ``5s`` -> 5000, ``500ms`` -> 500, ``1m`` -> 60000.

    A bare number is milliseconds; microseconds round up to the next millisecond. Returns
    ``None`` for anything HAProxy would not read as a duration (``5 s``, ``fast``, ``""``).
    """
    m = _DURATION.fullmatch(text)
    if m is None:
        return None
    value = parse_int(m.group(1))
    if value is None:
        return None
    unit = m.group(2)
    if unit == "us":
        return (value + 999) // 1000
    return value * _UNIT_MS[unit]


# The views' reading of durations: a file repeats a handful of them (``inter 2s`` on thousands
# of servers), each read by several rules. Bounded, and a pure function of the text: nothing
# goes stale.
_duration_ms = lru_cache(maxsize=1024)(parse_duration)


def parse_int(text: str) -> int | None:
    """A plain decimal number (ASCII digits only, as HAProxy reads them) as an int, else ``None``.

    A number of more than 100 digits (leading zeros aside) is ``None`` too: no HAProxy setting
    takes one, and Python's ``int()`` refuses to read thousands of digits (a hostile file).
    """
    if not text.isascii() or not text.isdigit():
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 100 else None


def duration_has_unit(text: str) -> bool:
    """Whether a duration is written with a unit (``5s``) rather than bare (``5000``)."""
    return not text.isdigit()


# --- addresses -------------------------------------------------------------------------------

AddressKind = Literal["ipv4", "ipv6", "hostname", "unix", "abns", "env", "fd", "sockpair", "any", "other"]

_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
_IPV6 = re.compile(r"[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*")  # no ':' in the first run: linear time
_HOSTNAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_PORT = re.compile(r"[+-]?\d+(?:-\d+)?|\$\{?[A-Za-z_][A-Za-z0-9_]*(?:-[^}]*)?\}?")
_UNIX_PREFIXES = ("unix@", "abns@", "abnsz@", "uxst@", "uxdg@")


class Address(BaseModel):
    """A server or bind address: ``10.0.0.1:80``, ``[::1]:8443``, ``ipv6@::1``,
    ``unix@/run/app.sock``, ``app.internal:+1``, ``"${BACKEND_HOST}:80"``.

    ``port`` is the port as written (``80``, ``+1``, ``8000-8010``, ``$PORT``); ``port_number``
    its value when it is one plain number. ``kind`` says what ``host`` is.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    raw: str
    prefix: str
    host: str
    port: str | None
    kind: AddressKind

    @property
    def port_number(self) -> int | None:
        """The port when it is a plain number (not a range, an offset or a variable)."""
        return parse_int(self.port) if self.port else None

    @property
    def is_hostname(self) -> bool:
        """Whether ``host`` is a DNS name that must be resolved (not an IP, path or variable)."""
        return self.kind == "hostname"

    @property
    def on_this_host(self) -> bool:
        """Whether the address is reachable only from this machine: a socket file, an
        inherited file descriptor, a loopback address or ``localhost``."""
        if self.kind in ("unix", "abns", "fd", "sockpair"):
            return True
        host = self.host.strip("[]").lower()
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def parse_address(text: str) -> Address:
    """Read an address the way HAProxy's ``str2sa_range()`` splits it (without resolving)."""
    colon = text.find(":")
    if colon > 0 and text.find(":", colon + 1) == -1 and "@" not in text and text[0] not in "/[":
        # Most addresses: host:port, no prefix, one colon (the general case below gives the same)
        host = text[:colon]
        return _address(text, "", host, _intern(text[colon + 1 :]) or None, _host_kind(host, ""))
    prefix = ""
    rest = text
    at = text.find("@")
    if at > 0 and "/" not in text[:at] and ":" not in text[:at]:
        prefix, rest = text[: at + 1], text[at + 1 :]
    lowered = prefix.lower()
    if lowered in _UNIX_PREFIXES or (not prefix and rest.startswith("/")):
        kind: AddressKind = "abns" if lowered.startswith("abns") else "unix"
        return _address(text, prefix, rest, None, kind)
    if lowered in ("fd@", "sockpair@"):
        return _address(text, prefix, rest, None, lowered[:-1])  # type: ignore[arg-type]

    host, port = rest, None
    if rest.startswith("["):
        close = rest.find("]")
        if close != -1:
            host = rest[1:close]
            tail = rest[close + 1 :]
            port = tail[1:] if tail.startswith(":") else None
    elif ":" in rest:
        # As in HAProxy, the last colon separates the port, even after an unbracketed IPv6.
        head, _, tail = rest.rpartition(":")
        if rest.count(":") == 1 or _PORT.fullmatch(tail) or tail == "":
            host, port = head, _intern(tail)  # (one copy of 80, 443, 8080... for all servers)
    if port == "":
        port = None
    return _address(text, prefix, host, port, _host_kind(host, prefix))


def _address(raw: str, prefix: str, host: str, port: str | None, kind: AddressKind) -> Address:
    # Strings cut from a string and a kind from the list: nothing for pydantic to validate,
    # and this runs once per server of a large file: built as _trusted builds, the fields set
    # here with no dict in between.
    address = _new(Address)
    _setattr(address, "raw", raw)
    _setattr(address, "prefix", prefix)
    _setattr(address, "host", host)
    _setattr(address, "port", port)
    _setattr(address, "kind", kind)
    return _seal(address, _ADDRESS_FIELDS)


_ADDRESS_FIELDS = _prepare(Address)


def _host_kind(host: str, prefix: str) -> AddressKind:
    if "$" in host:
        return "env"
    if host in ("", "*", "::", "0.0.0.0"):
        return "any"
    if _IPV4.fullmatch(host):
        return "ipv4"
    if ":" in host and _IPV6.fullmatch(host):
        return "ipv6"
    if prefix.lower() in ("ipv4@", "ipv6@", "udp@", "udp4@", "udp6@", "tcp@", "tcp4@", "tcp6@", "quic4@", "quic6@", "mptcp@", "mptcp4@", "mptcp6@", ""):
        if _HOSTNAME.fullmatch(host) and not host.replace(".", "").isdigit():
            return "hostname"
    return "other"


# --- servers ---------------------------------------------------------------------------------


class Param(_Node):
    """One parameter of a server line: ``inter 5s`` (``value`` "5s"), or a flag like ``check``.

    ``word`` is the parameter's keyword, ``value_word`` its argument (``None`` for a flag).
    A plain class with slots, as the tree's are (a large file has tens of thousands).
    """

    # _word, _value_word: the slots behind word and value_word (see _FoundLater); _at: the
    # index of ``word`` among the line's words
    __slots__ = ("name", "value", "_word", "_value_word", "line", "_at", "_duration", "_integer")
    _fields = _dumped = ("name", "value", "word", "value_word", "line")

    name: str
    value: str | None
    word: Word
    value_word: Word | None
    line: Line
    _at: int
    _duration: int | None
    _integer: int | None

    def __init__(self, name: str, value: str | None, word: Word, value_word: Word | None, line: Line) -> None:
        self.name = name
        self.value = value
        self._word = word
        self._value_word = value_word
        self.line = line

    def _key(self) -> tuple[object, ...]:
        return (self.name, self.value, self.word, self.value_word, self.line)

    @property
    def start(self) -> int:
        return self.word.start

    @property
    def end(self) -> int:
        return (self.value_word or self.word).end

    # duration and integer: read by several rules for every server, computed once and kept in
    # their slot (empty until then: a parameter is built with one store fewer each)

    @property
    def duration(self) -> int | None:
        """The value as a duration in milliseconds (``None`` if absent or malformed)."""
        try:
            return self._duration
        except AttributeError:
            found = self._duration = _duration_ms(self.value) if self.value is not None else None
            return found

    @property
    def integer(self) -> int | None:
        """The value as an integer (``None`` if absent or not a number)."""
        try:
            return self._integer
        except AttributeError:
            found = None
            if self.value is not None:
                try:
                    found = int(self.value)
                except ValueError:
                    pass
            self._integer = found
            return found


class _FoundLater:
    """A word of a parameter read from its line's values (Server.from_line), found among the
    line's words when first read, then kept in its slot: a large file's server lines are cut
    into words only for the servers a rule reports on. (A descriptor for these two: a
    ``__getattr__`` would slow the reads of every attribute of every Param.)"""

    __slots__ = ("slot", "offset")

    def __init__(self, slot: Any, offset: int) -> None:
        self.slot = slot
        self.offset = offset

    def __get__(self, param: Param | None, owner: type | None = None) -> Any:
        if param is None:
            return self
        try:
            return self.slot.__get__(param, owner)
        except AttributeError:  # (an empty slot: a parameter of Server.from_line's)
            word = param.line.words[param._at + self.offset]
            self.slot.__set__(param, word)
            return word

    def __set__(self, param: Param, word: Word | None) -> None:
        self.slot.__set__(param, word)


if not TYPE_CHECKING:  # (for type checkers, the attributes are the annotated ones)
    Param.word = _FoundLater(Param._word, 0)
    Param.value_word = _FoundLater(Param._value_word, 1)


ServerKind = Literal["server", "default-server", "server-template"]


class Server(BaseModel):
    """A ``server``, ``server-template`` or ``default-server`` line, with its parameters.

    ``params`` holds the parameters written on this line (the last one wins when repeated).
    ``inherited`` holds what ``default-server`` lines give it (this proxy's over its
    ``defaults`` section's); it is filled in for the servers of
    :attr:`haproxy_lint.effective.Proxy.servers`. :meth:`get` looks at both, honouring
    ``no-<flag>`` on the server line.

    ``name_word``, ``address_word`` and the words of the parameters are found on first read,
    then kept (the values are read from the line without cutting it into words).
    """

    model_config = ConfigDict(frozen=True, defer_build=True, ignored_types=(lazy,))

    kind: ServerKind
    line: Line
    name: str | None
    name_word: Word | None
    address: Address | None
    address_word: Word | None
    params: dict[str, Param]
    inherited: dict[str, Param] = {}

    @classmethod
    def from_line(cls, line: Line, inherited: dict[str, Param] | None = None) -> Server:
        """Read a ``server``, ``server-template`` or ``default-server`` line."""
        # From the line's values: its words (name_word, address_word, the parameters') are
        # found when first read (see Param), most often never on a large file.
        plain = line.plain_values
        values: Sequence[str] = plain if plain is not None else line.values
        kind = line.keyword
        # Built without validation, as _trusted builds (a large file has thousands of servers:
        # the fields are set here one by one, in the class's order, with no dict in between);
        # a word left out is found when read.
        server = _new(cls)
        _setattr(server, "kind", kind)
        _setattr(server, "line", line)
        if kind == "default-server":
            first_param = 1
            _setattr(server, "name", None)
            _setattr(server, "name_word", None)
            _setattr(server, "address", None)
            _setattr(server, "address_word", None)
        else:
            first_param = 4 if kind == "server-template" else 3
            n = len(values)
            if n > 1:
                _setattr(server, "name", values[1])
            else:
                _setattr(server, "name", None)
                _setattr(server, "name_word", None)
            if n >= first_param:
                _setattr(server, "address", parse_address(values[first_param - 1]))
            else:
                _setattr(server, "address", None)
                _setattr(server, "address_word", None)
        _setattr(server, "params", _read_params(line, values, first_param))
        _setattr(server, "inherited", inherited or {})
        return _seal(server)

    if not TYPE_CHECKING:  # (for type checkers, the fields are the annotated ones)

        def __getattr__(self, name: str) -> Any:
            # Called only for an attribute not set: a word from_line left to be found.
            if name in ("name_word", "address_word"):
                return _with_words(self)[name]
            return super().__getattr__(name)

        # pydantic reads the fields from the instance's __dict__ (dumps, equality, repr,
        # copies): the words from_line left out are found first.
        @property
        def __dict__(self) -> dict[str, Any]:
            return _with_words(self)

        @__dict__.setter
        def __dict__(self, fields: dict[str, Any]) -> None:
            _instance_dict.__set__(self, fields)

    def get(self, name: str) -> Param | None:
        """The effective parameter ``name``: this line's, else the inherited one.

        A ``no-<name>`` flag on this line (``no-check``, ``no-ssl``) cancels an inherited
        ``<name>``; likewise ``<name>`` cancels an inherited ``no-<name>``.
        """
        return self.effective_params.get(name)

    @lazy  # rules ask again and again, for thousands of servers: one lookup, not three
    def effective_params(self) -> dict[str, Param]:
        """What :meth:`get` answers, for every name: this line's parameters over the
        inherited ones, less those a ``no-<name>`` on this line cancels."""
        own = self.params
        inherited = self.inherited
        merged = own
        if inherited:
            merged = {name: param for name, param in inherited.items() if name not in own and "no-" + name not in own}
            if merged:
                merged.update(own)
            else:  # (a server line that sets all its defaults again: no dict of its own)
                merged = own
        return merged

    def flag(self, name: str) -> Param | None:
        """The parameter that decides flag ``name``: ``name`` or ``no-name``, this line's over
        the inherited one (``None`` when neither is set). A ``no-`` result is a deliberate
        opt-out, such as ``no-check``."""
        params = self.params
        found = params.get(name) or params.get("no-" + name)
        if found is None:
            inherited = self.inherited
            if inherited:
                found = inherited.get(name) or inherited.get("no-" + name)
        return found

    def has(self, flag: str) -> bool:
        """Whether the flag is effectively set (``check``, ``ssl``, ``backup``...)."""
        return flag in self.effective_params  # (its values are never None)

    def value(self, name: str) -> str | None:
        param = self.get(name)
        return param.value if param else None

    def duration(self, name: str) -> int | None:
        param = self.get(name)
        return param.duration if param else None

    def integer(self, name: str) -> int | None:
        param = self.get(name)
        return param.integer if param else None

    @lazy  # rules ask again and again, for thousands of servers
    def check(self) -> bool:
        return self.has("check")

    @lazy
    def backup(self) -> bool:
        return self.has("backup")

    @lazy
    def ssl(self) -> bool:
        return self.has("ssl")

    @lazy
    def inter(self) -> int:
        """Effective ``inter`` in ms (HAProxy's default: 2s)."""
        return self.duration("inter") or 2000

    @lazy
    def fastinter(self) -> int:
        """Effective ``fastinter`` in ms (defaults to ``inter``)."""
        return self.duration("fastinter") or self.inter

    @lazy
    def downinter(self) -> int:
        """Effective ``downinter`` in ms (defaults to ``inter``)."""
        return self.duration("downinter") or self.inter

    @lazy
    def fall(self) -> int:
        """Effective ``fall`` (HAProxy's default: 3)."""
        value = self.integer("fall")
        return 3 if value is None else value

    @lazy
    def rise(self) -> int:
        """Effective ``rise`` (HAProxy's default: 2)."""
        value = self.integer("rise")
        return 2 if value is None else value

    @property
    def verify(self) -> str | None:
        return self.value("verify")

    @property
    def sni(self) -> str | None:
        return self.value("sni")

    @property
    def check_port(self) -> int | None:
        """The ``port`` parameter (health checks go to this port) as a number."""
        value = self.value("port")
        return parse_int(value) if value else None

    @property
    def resolvers(self) -> str | None:
        return self.value("resolvers")

    @property
    def init_addr(self) -> list[str]:
        """The ``init-addr`` methods in order (``["last", "libc", "none"]``), or ``[]``."""
        value = self.value("init-addr")
        return value.split(",") if value else []


#: The descriptor of a pydantic model's own ``__dict__`` (which Server wraps).
_instance_dict: Any = BaseModel.__dict__["__dict__"]


def _with_words(server: Server) -> dict[str, Any]:
    """The server's ``__dict__``, with the words from_line left out found and put in their
    place among the fields (dumps and repr show the fields in order)."""
    fields: dict[str, Any] = _instance_dict.__get__(server)
    if "name_word" in fields and "address_word" in fields:
        return fields
    words = server.line.words
    found = {"name_word": words[1], "address_word": words[3 if server.kind == "server-template" else 2]}
    complete = {name: fields[name] if name in fields else found[name] for name in type(server).model_fields}
    complete.update(fields)  # (the computed attributes kept)
    _instance_dict.__set__(server, complete)
    return complete


def _param(name: str, word: Word, value_word: Word | None, line: Line) -> Param:
    value = value_word.value if value_word is not None else None
    return Param(name, value, word, value_word, line)


def _read_params(line: Line, values: Sequence[str], first: int) -> dict[str, Param]:
    params: dict[str, Param] = {}
    i = first
    n = len(values)
    while i < n:
        name = values[i]
        # (_param_at inline: several parameters on each of thousands of lines)
        param = _new(Param)
        param.line = line
        param._at = i
        opposite = _OPPOSITE.get(name)
        if opposite is not None:  # a flag
            # On one line too, the last of a flag and its no- form wins (`check no-check`).
            params.pop(opposite, None)
            param.name = name
            param.value = param._value_word = None
            params[name] = param
            i += 1
            continue
        if name.startswith("set-proxy-v2-tlv-fmt("):
            name = "set-proxy-v2-tlv-fmt"
        param.name = name
        if i + 1 < n:
            param.value = values[i + 1]
        else:
            param.value = param._value_word = None
        params[name] = param
        i += 2
        if name == "source":
            # source <addr> [usesrc <addr>] [interface <name>]
            while i + 1 < n and values[i] in ("usesrc", "interface"):
                params[values[i]] = _param_at(values[i], values[i + 1], line, i)
                i += 2
    return params


def _param_at(name: str, value: str | None, line: Line, at: int) -> Param:
    """The parameter whose keyword is the line's word ``at``, its words found when first read."""
    param = _new(Param)
    param.name = name
    param.value = value
    param.line = line
    param._at = at
    if value is None:
        param._value_word = None
    return param


#: Each flag's opposite: ``no-check`` for ``check``, ``check`` for ``no-check``.
_OPPOSITE = {name: name[3:] if name.startswith("no-") else "no-" + name for name in SERVER_FLAGS}


# --- bind, routing and ACL lines -------------------------------------------------------------


def _bind_takes_argument(name: str) -> bool:
    """Whether a bind option takes a value, per the newest keyword table that knows it."""
    from .keywords import VERSIONS, table

    for version in reversed(VERSIONS):
        info = table(version).option_info("bind", name)
        if info is not None:
            return info.takes_arg
    return False  # an option no version documents: read it as a flag


class Bind(BaseModel):
    """A ``bind`` line: its addresses (``bind :80,:8080``) and its options.

    ``params`` maps each option to its :class:`Param` (``ssl``, ``crt /etc/x.pem``,
    ``ssl-min-ver TLSv1.2``...); which options take a value comes from the keyword tables.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    line: Line
    addresses: list[Address]
    address_word: Word | None
    params: dict[str, Param]

    @classmethod
    def from_line(cls, line: Line) -> Bind:
        words = line.words
        address_word = words[1] if len(words) > 1 else None
        addresses = [parse_address(part) for part in address_word.value.split(",")] if address_word else []
        params: dict[str, Param] = {}
        i = 2
        while i < len(words):
            word = words[i]
            if _bind_takes_argument(word.value) and i + 1 < len(words):
                params[word.value] = _param(word.value, word, words[i + 1], line)
                i += 2
            else:
                params[word.value] = _param(word.value, word, None, line)
                i += 1
        return cls(line=line, addresses=addresses, address_word=address_word, params=params)

    @property
    def ssl(self) -> bool:
        return "ssl" in self.params


class Route(BaseModel):
    """A ``use_backend`` or ``default_backend`` line: the backend it names and its condition.

    ``dynamic`` is true when the name is computed per request (``%[req.hdr(host)]``) or comes
    from the environment: such a name cannot be resolved by reading the configuration.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    line: Line
    backend: str | None
    backend_word: Word | None
    condition: list[Word]

    @classmethod
    def from_line(cls, line: Line) -> Route:
        words = line.words
        name = words[1] if len(words) > 1 else None
        condition = list(words[2:]) if len(words) > 2 and words[2].value in ("if", "unless") else []
        return cls(line=line, backend=name.value if name else None, backend_word=name, condition=condition)

    @property
    def dynamic(self) -> bool:
        word = self.backend_word
        return word is not None and ("%[" in word.value or "$" in word.raw)


class Acl(BaseModel):
    """An ``acl <name> <criterion> [flags] [operator] <value> ...`` line."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    line: Line
    name: str | None
    criterion: str | None
    values: list[Word]

    @classmethod
    def from_line(cls, line: Line) -> Acl:
        words = line.words
        return cls(
            line=line,
            name=words[1].value if len(words) > 1 else None,
            criterion=words[2].value if len(words) > 2 else None,
            values=list(words[3:]),
        )
