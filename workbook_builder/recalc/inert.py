"""Cell text that stays text: what perfbook writes into its outputs can never become a formula,
break the XML, or flood a cell.

Submitted workbooks are untrusted. A project name such as ``=HYPERLINK("http://…")`` must reach
the summary and the annotated copy as the characters the user typed, not as a live formula (the
outputs write every text as a string cell, see :func:`is_formula_like`); control characters
(Excel stores a line break pasted from Word as ``_x000B_``) are made visible instead of being
refused by the XML writer; and a megabyte-long cell is cut with ``…``.
"""

from __future__ import annotations

import re

MAX_TEXT = 1000  # characters of one output cell; Excel's own limit is 32,767
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# "_x000B_" in cell XML is Excel's escape for a character; a literal one is itself escaped.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match) -> str:
    char = match.group()
    if char in "\x0b\x0c":  # Word's manual line break and page break
        return "\n"
    if "\udc80" <= char <= "\udcff":   # a byte that was not UTF-8 (a file name's), as shown_path shows it
        return f"\\x{ord(char) - 0xdc00:02x}"
    if "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":   # half a character, or one XML cannot hold
        return "\ufffd"
    return "\u2421" if char == "\x7f" else chr(0x2400 + ord(char))  # ␀ … ␟, ␡


def cell_text(value: object, limit: int = MAX_TEXT) -> str:
    """``value`` as text for an output cell: control characters shown as line breaks or their
    Unicode control pictures (␀ … ␟), lone surrogates (which no UTF-8 file can hold) as ``\\xff``
    (an undecoded byte) or �, U+FFFE/U+FFFF (which XML cannot hold) as �, Excel's ``_xHHHH_`` escapes kept literal, at most ``limit``
    characters (cut with ``…``)."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(_visible, text.replace("\r\n", "\n"))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def xml_text(text: str) -> str:
    """``text`` for a ``<t>`` element written by hand: literal ``_xHHHH_`` escaped as Excel does,
    so that Excel shows it as typed."""
    return _EXCEL_ESCAPE.sub(r"_x005F_\1", text)


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet would take for a formula if it were typed or written as one."""
    return text.startswith(_FORMULA_START)
