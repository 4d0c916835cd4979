"""How much room a cell's text takes: its display width in character cells and the lines it
wraps to, for column widths and for row heights (LibreOffice and WPS do not fit a row's height to
wrapped text when they open a file, so the writer sets it)."""

from __future__ import annotations

from ..console import width
from .inert import cell_text

LINE_HEIGHT = 15   # points a line of wrapped text takes (Excel's default row: 11-point text)
MAX_LINES = 20     # a row grows to at most this many lines (409 points is Excel's limit)


def text_width(value: object) -> int:
    """Display width of ``value`` in character cells: CJK and full-width characters count two."""
    text = f"{value:.2f}" if isinstance(value, float) else cell_text(value)
    longest = max(text.split("\n"), key=len, default="")
    return len(longest) if longest.isascii() else width(longest)


def wrapped_lines(text: str, column_width: int) -> int:
    """How many lines ``text`` takes wrapped in a column ``column_width`` characters wide (as
    :func:`text_width` counts them; a cell's padding takes one), each of its own lines
    wrapped: what a row's height must hold for all of it to be seen and printed, since neither
    LibreOffice nor WPS fits a row's height to wrapped text on opening a file."""
    usable = max(column_width - 1, 1)
    return sum(max(1, -(-text_width(line) // usable)) for line in text.split("\n"))


def row_height(lines: int) -> float | None:
    """The height of a row holding ``lines`` lines of wrapped text (at most :data:`MAX_LINES`),
    or None for one line (the default height)."""
    return LINE_HEIGHT * min(lines, MAX_LINES) if lines > 1 else None
