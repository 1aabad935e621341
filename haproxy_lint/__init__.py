"""haproxy-lint: lint and safely fix HAProxy configuration files."""

from .errors import ParseError
from .model import Config, Line, Section, Word
from .parser import parse, parse_file, read_text

__all__ = ["Config", "Line", "ParseError", "Section", "Word", "parse", "parse_file", "read_text"]
