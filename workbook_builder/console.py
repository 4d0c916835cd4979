"""Plain-text tables for the terminal, aligned for Chinese (full-width characters count twice)."""

from __future__ import annotations

import unicodedata
from itertools import accumulate


class _Wide(dict):
    """Whether a character is full-width or wide, looked up once per character (a dict's
    lookup, not a call into unicodedata, for every character of every cell and line)."""

    def __missing__(self, ch: str) -> bool:
        wide = self[ch] = unicodedata.east_asian_width(ch) in "WF"
        return wide


_WIDE = _Wide()


def width(text: str) -> int:
    """Display columns ``text`` takes: full-width and wide characters count two."""
    return len(text) if text.isascii() else len(text) + sum(map(_WIDE.__getitem__, text))


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` display columns, with … when cut."""
    if width(text) <= limit:
        return text
    columns = accumulate(1 + _WIDE[ch] for ch in text)   # (rising: the characters that fit come first)
    return text[:sum(1 for c in columns if c <= limit - 1)] + "…"


def render(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """Rows under headers; columns whose index is in ``right`` are right-aligned."""
    widths = [max(width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - width(str(cell)))
            out.append(pad + str(cell) if i in right else str(cell) + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
