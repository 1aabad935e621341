"""Generated configurations: random sections, words, quotes, comments, blank lines, CRLF and
odd blanks always print back exactly, and the model sees the keywords and words written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from haproxy_lint import parse
from haproxy_lint.model import SECTION_KINDS

from .test_parser import assert_parts_print_the_line

BLANK = st.text(alphabet=" \t\x0b\x0c", min_size=1, max_size=3)
INDENT = st.text(alphabet=" \t", max_size=4)
PLAIN = st.from_regex(r"[a-zA-Z0-9_./:,()\[\]{}=+!-]{1,8}", fullmatch=True)
KEYWORD = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True).filter(lambda k: k not in SECTION_KINDS)

# (raw word, value HAProxy reads)
WORD = st.one_of(
    PLAIN.map(lambda w: (w, w)),
    st.from_regex(r"[a-z $é{}#]{0,6}", fullmatch=True).map(lambda w: (f'"{w}"', w)),
    st.from_regex(r"[a-z \\\"#$]{0,6}", fullmatch=True).map(lambda w: (f"'{w}'", w)),
    st.tuples(PLAIN, PLAIN).map(lambda p: (f"{p[0]}\\ {p[1]}", f"{p[0]} {p[1]}")),
    PLAIN.map(lambda w: (f'"{w}\\"x"', f'{w}"x')),
    PLAIN.map(lambda w: (f"\\#{w}", f"#{w}")),
    st.just(('"${VAR-default}"', "${VAR-default}")),
)
# No NUL: HAProxy refuses a file with one anywhere, and so does parse() (tests/test_hostile.py).
COMMENT = st.from_regex(r"#[^\n\r\x00]{0,12}", fullmatch=True)


@st.composite
def directive(draw):
    keyword = draw(KEYWORD)
    words = draw(st.lists(WORD, max_size=5))
    text = draw(INDENT) + keyword
    for raw, _ in words:
        text += draw(BLANK) + raw
    text += draw(st.text(alphabet=" \t", max_size=2))  # trailing blanks, or blanks before a comment
    if draw(st.booleans()):
        text += draw(COMMENT)  # may touch the last word: '#' ends a word too
    return ("directive", text, [keyword] + [value for _, value in words])


@st.composite
def line(draw):
    kind = draw(st.sampled_from(["directive", "directive", "directive", "comment", "blank"]))
    if kind == "directive":
        return draw(directive())
    if kind == "comment":
        return ("comment", draw(INDENT) + draw(COMMENT), None)
    return ("blank", draw(st.text(alphabet=" \t", max_size=3)), None)


@st.composite
def config_text(draw):
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    expected: list[tuple[str, list[str] | None]] = []
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(sorted(SECTION_KINDS)))
        name = draw(st.one_of(st.none(), PLAIN))
        header = kind + ("" if name is None else " " + name)
        lines.append(header)
        expected.append(("section", [kind] + ([] if name is None else [name])))
        body = draw(st.lists(line(), max_size=6))
        if body and draw(st.booleans()):
            # wrap part of the body in a conditional block
            cut = draw(st.integers(0, len(body)))
            body = body[:cut] + [("if", ".if defined(X)", [".if", "defined(X)"])] + body[cut:] + [("endif", ".endif", [".endif"])]
        for kind_, text, words in body:
            lines.append(text)
            expected.append((kind_, words))
    text = eol.join(lines)
    if lines and draw(st.booleans()):
        text += eol
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + text, expected


@settings(max_examples=300, deadline=None)
@given(config_text())
def test_generated_configs_round_trip_and_type_correctly(case):
    text, expected = case
    config = parse(text)
    assert config.to_text() == text
    for line in config.lines:
        assert_parts_print_the_line(line)
    assert not config.errors
    # a text ending in a blank line may hold one line fewer than was generated
    seen = [(l.kind, l.values if l.kind not in ("comment", "blank") else None) for l in config.lines]
    assert seen[: len(expected)] == expected[: len(seen)]
    assert len(seen) in (len(expected), len(expected) - 1) or (not expected and not seen)
