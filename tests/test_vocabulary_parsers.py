"""The small parsers of haproxy_lint.vocabulary: sample expressions, conditions, log-format."""

from __future__ import annotations

import pytest

from haproxy_lint.vocabulary.expressions import parse_condition, parse_expression
from haproxy_lint.vocabulary.logformat import check_log_format


def test_expression_fetch_converters_and_arguments():
    expr = parse_expression("req.hdr(host,1),lower,map(/a.map,def)")
    assert expr.error is None
    assert (expr.fetch.name, expr.fetch.args, expr.fetch.arg_count) == ("req.hdr", ["host", "1"], 2)
    assert [(c.name, c.arg_count) for c in expr.converters] == [("lower", 0), ("map", 2)]
    assert (expr.converters[1].start, expr.converters[1].end) == (22, 25)


@pytest.mark.parametrize("text, count", [("src", 0), ("src()", 0), ("var(txn.x)", 1), ('str("a,b")', 1),
                                         ("regsub(a\\,b,c)", 2), ("field(1,\\))", 2)])
def test_argument_counts_respect_quotes_escapes_and_parentheses(text, count):
    assert parse_expression(text).fetch.arg_count == count


def test_expression_errors():
    assert "missing closing ')'" in parse_expression("src,ipmask(24").error[2]
    assert "missing comma" in parse_expression("src(x)y").error[2]
    assert parse_expression("(x)").fetch is None


def test_expression_stops_at_the_closing_bracket_of_a_log_format_fetch():
    text = "%[src,lower]rest"
    expr = parse_expression(text, 2, stop="]")
    assert expr.error is None and text[expr.end] == "]"


def test_condition_terms():
    cond = parse_condition(["if", "!is_api", "||", "{", "path_beg", "/x", "}", "or", "!", "a", "OR", "b"], 1)
    assert cond.named == [(1, "is_api"), (9, "a"), (11, "b")]
    assert cond.anonymous == [(3, 6)]
    assert parse_condition(["{", "src", "1.2.3.4"]).error == (0, "missing closing '}' in condition")


ALIASES = frozenset({"ci", "cp", "Tr", "ID", "H"})
FLAGS = frozenset({"Q", "X", "E"})


@pytest.mark.parametrize("text", ["%ci:%cp", "%{+Q}[src]", "5%%", "%[req.hdr(x),regsub(a,]),b)]", "%ID", "%",
                                  "100%-", "%{+Q,-E}ci"])
def test_valid_log_formats(text):
    assert list(check_log_format(text, ALIASES, FLAGS)) == []


@pytest.mark.parametrize("text, kind, where", [
    ("%cx", "alias", (0, 3)), ("50%off", "alias", (2, 6)), ("%[src", "syntax", (0, 5)),
    ("%{+Z}ci", "flag", (2, 4)), ("%{+Q} x", "syntax", (0, 5)), ("%5", "syntax", (0, 2)),
])
def test_log_format_problems(text, kind, where):
    [problem] = check_log_format(text, ALIASES, FLAGS)
    assert problem.kind == kind and (problem.start, problem.end) == where


def test_aliases_are_not_judged_without_a_table():
    assert list(check_log_format("%anything", frozenset(), frozenset())) == []
