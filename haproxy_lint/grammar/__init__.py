"""The Lark grammar of HAProxy's configuration language (haproxy.lark)."""
