"""``python -m haproxy_lint``: the same as the ``haproxy-lint`` command."""

from .cli import entry_point

entry_point()
