"""The parser: lossless round trip, sections, words, conditional blocks and located errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from haproxy_lint import ParseError, fix, lint, parse, parse_file, read_text

from .conftest import corpus_files, read_corpus


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_round_trips_byte_for_byte(path):
    text = read_corpus(path)
    config = parse(text, strict=False)  # lossless even where a line cannot be read
    assert config.to_text() == text
    # every byte belongs to exactly one line: the lines tile the text
    position = len(config.bom)
    for line in config.lines:
        assert line.start == position
        assert text[line.start : line.end] == line.to_text()
        assert_parts_print_the_line(line)
        position = line.end
    assert position == len(text)


def assert_parts_print_the_line(line):
    """The splitter's promise: indent, words, blanks and comment join back to the line's
    text, and each word sits at its offsets (``to_text()`` prints the text it keeps)."""
    indent, words, seps, comment, _ = line.parts
    assert indent + "".join(raw + sep for (raw, _), sep in zip(words, seps)) + comment == line.text
    assert [(w.raw, w.start) for w in line.words] == [(raw, line.start + i) for raw, i in words]
    for word in line.words:
        assert line.text[word.start - line.start : word.end - line.start] == word.raw
    assert line.indent == indent and line.comment == comment


def test_corpus_has_every_file():
    assert len(corpus_files()) == 286


SAMPLE = (
    "\ufeff# comment with non-ASCII: café ✓\r\n"
    "global\r\n"
    "\tdaemon\t# tab-indented\r\n"
    "\r\n"
    "defaults base\r\n"
    "    timeout connect 5s\r\n"
    "frontend fe from base\r\n"
    '    http-request set-header X-Test "a b\\"c" if { path_beg /x }\r\n'
    "    acl a hdr(host) -i a\\ b 'c d' e\\#f#comment\r\n"
    "backend be\r\n"
    "    server s1 10.0.0.1:80 check   "
)


def test_sample_round_trips_and_keeps_bom_crlf_and_missing_final_newline():
    config = parse(SAMPLE)
    assert config.to_text() == SAMPLE
    assert config.bom == "\ufeff"
    assert config.lines[0].kind == "comment"
    assert config.lines[0].eol == "\r\n"
    assert config.lines[-1].eol == ""
    assert config.lines[-1].parts.seps[-1] == "   "


def test_sections_kinds_names_and_from():
    config = parse(SAMPLE)
    assert [(s.kind, s.name, s.from_name) for s in config.sections] == [
        ("global", None, None),
        ("defaults", "base", None),
        ("frontend", "fe", "base"),
        ("backend", "be", None),
    ]
    assert [d.keyword for d in config.sections[0].directives] == ["daemon"]


def test_words_raw_value_and_offsets():
    config = parse(SAMPLE)
    frontend = config.sections[2]
    header = frontend.directives[0]
    assert [w.value for w in header.words] == [
        "http-request", "set-header", "X-Test", 'a b"c', "if", "{", "path_beg", "/x", "}"
    ]
    assert header.words[3].raw == '"a b\\"c"'
    for word in header.words:
        assert SAMPLE[word.start : word.end] == word.raw
    acl = frontend.directives[1]
    assert [w.value for w in acl.words] == ["acl", "a", "hdr(host)", "-i", "a b", "c d", "e#f"]
    assert acl.comment == "#comment"


@pytest.mark.parametrize(
    "line, values",
    [
        ("a b\tc", ["a", "b", "c"]),
        ('a "b c" d', ["a", "b c", "d"]),
        ("a 'b \\ c'", ["a", "b \\ c"]),  # single quotes are literal
        ('a "x"\'y\'z', ["a", "xyz"]),  # quoted parts glue into one word
        ('a "$HOME" "${H}" "${H-x y}"', ["a", "$HOME", "${H}", "${H-x y}"]),  # kept as written
        ("a \\x41\\1", ["a", "A\\1"]),  # hex escape; unknown escape keeps its backslash
        ('a "" b', ["a", "", "b"]),  # an empty argument
        ("a#b c", ["a"]),  # '#' ends the line even inside a word
        ('a "#b" c', ["a", "#b", "c"]),
        ("\\#a", ["#a"]),
    ],
)
def test_word_splitting_follows_haproxy(line, values):
    config = parse("global\n    " + line + "\n")
    assert config.sections[0].directives[0].values == values


def test_unknown_keyword_is_a_normal_directive():
    config = parse("backend b\n    frobnicate the widget\n")
    assert config.sections[0].directives[0].keyword == "frobnicate"


def test_directives_before_any_section_are_kept_in_the_preamble():
    config = parse("daemon\nglobal\n")
    assert [d.keyword for d in config.preamble] == ["daemon"]


def test_section_keyword_followed_by_a_comment_opens_a_section():
    config = parse("global#the global section\n    daemon#daemonize\nfrontend         foo\n")
    assert [(s.kind, s.name) for s in config.sections] == [("global", None), ("frontend", "foo")]
    assert config.sections[0].directives[0].keyword == "daemon"


def test_a_keyword_that_only_starts_like_a_section_is_a_directive():
    config = parse("backend b\n    backends x\n    global-thing y\n")
    assert [s.kind for s in config.sections] == ["backend"]
    assert [d.keyword for d in config.sections[0].directives] == ["backends", "global-thing"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("backend b\n", "section"),
        ("\t backend\n", "section"),
        ("backend\rb\n", "section"),  # a CR is a blank after the keyword...
        ("\rbackend b\n", "directive"),  # ...not before it (HAProxy's indent is " \t\v\f")
        ("backend\x0cb\n", "section"),
        ('"backend" b\n', "directive"),  # a quoted keyword is no section keyword
        ('backend"" b\n', "directive"),
        ("back\\end b\n", "directive"),
        ("backend", "section"),  # the last line, without a line ending
        (".diag x\n", "message"),
        ("  .notice#x\n", "message"),
        (".diagx\n", "directive"),
        ("'.alert' x\n", "directive"),
    ],
)
def test_section_headers_and_messages_are_told_from_directives_as_haproxy_does(text, kind):
    config = parse(text)
    assert config.lines[0].kind == kind
    assert len(config.sections) == (kind == "section")
    assert config.to_text() == text


def test_every_section_keyword_up_to_3_2():
    kinds = (
        "global defaults frontend backend listen resolvers peers userlist mailers program "
        "http-errors ring cache log-forward log-profile fcgi-app crt-store traces acme"
    ).split()
    config = parse("".join(f"{kind} n{i}\n    x\n" for i, kind in enumerate(kinds)))
    assert [s.kind for s in config.sections] == kinds


def test_conditional_blocks_nest_and_mark_depth():
    text = (
        "global\n"
        ".if defined(A)\n"
        "    daemon\n"
        "  .if streq(\"$B\",x)\n"
        "    nbthread 2\n"
        "  .elif defined(C)\n"
        "    nbthread 3\n"
        "  .else\n"
        "    nbthread 4\n"
        "  .endif\n"
        ".endif\n"
        ".notice \"hello\"\n"
        "    maxconn 10\n"
    )
    config = parse(text)
    assert config.to_text() == text
    kinds = [(line.kind, line.depth) for line in config.lines]
    assert kinds == [
        ("section", 0), ("if", 0), ("directive", 1), ("if", 1), ("directive", 2), ("elif", 1),
        ("directive", 2), ("else", 1), ("directive", 2), ("endif", 1), ("endif", 0),
        ("message", 0), ("directive", 0),
    ]
    assert [d.keyword for d in config.sections[0].directives] == ["daemon", "nbthread", "nbthread", "nbthread", "maxconn"]


def test_a_conditional_block_may_hold_whole_sections():
    config = parse(".if defined(X)\nbackend a\n    server s 1.1.1.1:80\n.endif\nbackend b\n")
    assert [s.name for s in config.sections] == ["a", "b"]


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("global\n.endif\n", 2, 1, "'.endif' without a matching '.if'"),
        ("global\n  .else\n", 2, 3, "'.else' without a matching '.if'"),
        ("global\n.if 1\n.if 2\n.endif\n", 2, 1, "'.if' block is never closed"),
        ("global\n.if 1\n.else\n.elif 2\n.endif\n", 4, 1, "'.elif' after '.else'"),
    ],
)
def test_broken_conditional_blocks_are_located_errors(text, line, column, message):
    with pytest.raises(ParseError) as info:
        parse(text, "x.cfg")
    error = info.value
    assert (error.path, error.line, error.column) == ("x.cfg", line, column)
    assert message in error.message


REFUSED = [
    # (text, line, column, message start, raised even with strict=False)
    ('global\n    log "/dev/log local0\n', 2, 9, "unterminated double quote", False),
    ("global\n    log 'x\n", 2, 9, "unterminated single quote", False),
    ("global\n    daemon\0\n", 2, 11, "stray NUL character", True),
    ("global\n.endif\n", 2, 1, "'.endif' without a matching '.if'", True),
    ("global\n.if 1\n", 2, 1, "'.if' block is never closed", True),
    ("global\n.if 1\n.else\n.else\n.endif\n", 4, 1, "'.else' after '.else'", True),
    (".if 1\n" * 100 + ".endif\n" * 100, 100, 1, "too many nested '.if'", True),
]


@pytest.mark.parametrize("text, line, column, message, always", REFUSED, ids=[r[3] for r in REFUSED])
def test_parse_raises_what_lint_and_fix_refuse(text, line, column, message, always):
    """parse() raises a ParseError for every text lint() and fix() refuse, with the same
    one-line message and place; strict=False keeps only unterminated quotes for later."""
    with pytest.raises(ParseError) as parsed:
        parse(text, "x.cfg")
    error = parsed.value
    assert (error.path, error.line, error.column) == ("x.cfg", line, column)
    assert error.message.startswith(message) and "\n" not in error.message
    assert str(error) == f"x.cfg:{line}:{column}: {error.message}"
    for refuse in (lambda: lint(text, path="x.cfg"), lambda: fix(text, path="x.cfg"), lambda: parse_file_of(text)):
        with pytest.raises(ParseError) as caught:
            refuse()
        assert (caught.value.line, caught.value.column, caught.value.message) == (line, column, error.message)
    if always:
        with pytest.raises(ParseError):
            parse(text, "x.cfg", strict=False)
    else:
        config = parse(text, "x.cfg", strict=False)
        assert str(config.errors[0]) == str(error)
        with pytest.raises(ParseError) as caught:  # and lint() of that Config refuses it too
            lint(config)
        assert str(caught.value) == str(error)


def parse_file_of(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.cfg"
        path.write_text(text, encoding="utf-8")
        parse_file(path)


def test_unterminated_quote_is_a_located_parse_error():
    text = 'global\n    log "/dev/log local0\nbackend b\n    a \'b c\n'
    with pytest.raises(ParseError) as info:
        parse(text, "q.cfg")
    error = info.value
    assert (error.path, error.line, error.column) == ("q.cfg", 2, 9)
    assert error.message == "unterminated double quote: opened here, never closed on this line"
    assert str(error) == "q.cfg:2:9: " + error.message
    assert error.source_line == '    log "/dev/log local0'


def test_unterminated_quote_is_recorded_and_the_rest_still_parses_when_not_strict():
    text = 'global\n    log "/dev/log local0\nbackend b\n'
    config = parse(text, "q.cfg", strict=False)
    assert config.to_text() == text
    assert [s.kind for s in config.sections] == ["global", "backend"]
    (error,) = config.errors
    assert (error.line, error.column) == (2, 9)
    assert "unterminated double quote" in error.message
    with pytest.raises(ParseError):
        config.check()


def test_single_quote_unterminated():
    config = parse("global\n    a 'b c\n", strict=False)
    assert config.errors[0].column == 7
    assert "single quote" in config.errors[0].message


def test_positions_are_one_based_lines_and_columns():
    config = parse("global\n    daemon\n")
    word = config.sections[0].directives[0].words[0]
    assert config.position(word.start) == (2, 5)


def test_read_text_errors(tmp_path):
    with pytest.raises(ParseError, match="no such file"):
        read_text(tmp_path / "missing.cfg")
    with pytest.raises(ParseError, match="directory"):
        read_text(tmp_path)
    latin = tmp_path / "latin.cfg"
    latin.write_bytes(b"global\n    log caf\xe9\n")
    with pytest.raises(ParseError) as info:
        read_text(latin)
    assert (info.value.line, info.value.column) == (2, 12)
    assert "not UTF-8" in info.value.message


def test_unreadable_file(tmp_path, monkeypatch):
    # Tests run as root in CI, where chmod 000 does not stop reads: make open() refuse instead.
    path = tmp_path / "secret.cfg"
    path.write_text("global\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(ParseError, match="cannot read: Permission denied"):
        read_text(path)


def test_parse_file_keeps_crlf(tmp_path):
    path = tmp_path / "crlf.cfg"
    path.write_bytes(b"global\r\n    daemon\r\n")
    config = parse_file(path)
    assert config.path == str(path)
    assert config.to_text() == "global\r\n    daemon\r\n"


def test_reused_words_are_the_words_a_fresh_parse_cuts():
    from haproxy_lint.model import reuse_words

    text = 'global\n    log /dev/log local0\nbackend app\n    acl a path "/x y"\n    server s1 10.0.0.1:80 check\n'
    old = parse(text)
    for line in old.lines:
        line.words
    new_text = text.replace("local0", "local10")  # one line changes, the ones after it move
    new = parse(new_text)
    reuse_words(new, old)
    assert new.lines[0].words is old.lines[0].words  # same text, same place: shared
    # same text, moved: the same words, moved by as much (the parts they came from are gone)
    assert new.lines[3].words_cut
    assert [w.start - 1 for w in new.lines[3].words] == [w.start for w in old.lines[3].words]
    assert all(a.raw is b.raw and a.value is b.value for a, b in zip(new.lines[3].words, old.lines[3].words))
    fresh = parse(new_text)
    assert [line.words for line in new.lines] == [line.words for line in fresh.lines]
    assert [line.parts for line in new.lines] == [line.parts for line in fresh.lines]
    assert new.to_text() == new_text


def test_a_line_is_built_with_the_constructor_of_earlier_versions():
    """``Line(kind, line, start, end, text, eol, depth)``: ``end`` is no longer stored (it
    follows from the rest) but the signature library users call is kept, and checked."""
    from haproxy_lint import Line

    [parsed] = parse("backend b\n    mode http\n").sections[0].directives
    built = Line("directive", 2, 10, 24, "    mode http", "\n", 0)
    assert built == parsed and built.end == parsed.end == 24 and built.keyword == "mode"
    with pytest.raises(ValueError, match="ends at 24, not 23"):
        Line("directive", 2, 10, 23, "    mode http", "\n", 0)
