"""The built-in rules, one module per theme; each rule is a small documented class."""

#: Modules of haproxy_lint.rules whose Rule subclasses are registered, in this order.
BUILTIN_MODULES: tuple[str, ...] = (
    "suppressions",
    "health_checks",
    "http2_checks",
    "check_servers",
    "timeouts",
    "tls",
    "dns",
    "pools",
    "deprecated",
    "observability",
    "security",
    "structure",
    "shapes",
    "vocabulary",
)
