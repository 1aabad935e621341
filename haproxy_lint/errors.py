"""The error raised when a configuration cannot be read or parsed."""

from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(Exception):
    """A configuration that cannot be read or parsed, and where the problem is.

    ``message`` is one line, without the place; ``str(error)`` is ``path:line:column:
    message`` (``<string>`` for text given without a path).
    ``line`` and ``column`` are 1-based; both are ``None`` when the problem has no place in
    the text (a missing file). ``source_line`` is the offending line's text, for a caret
    display. Raised by :func:`parse`, :func:`parse_file`, :func:`read_text`, and by
    :func:`lint` and :func:`fix` for the texts :func:`parse` refuses.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.source_line = source_line

    def location(self) -> str:
        """``path:line:column``, or as much of it as is known (``<string>`` without a path)."""
        parts = [self.path or "<string>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"
