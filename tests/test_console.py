"""Terminal text aligned for Chinese: full-width and wide characters take two columns."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from workbook_builder.console import clip, render, width


def columns(text: str) -> int:
    """The definition, character by character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@given(st.text())
def test_width_counts_wide_characters_twice(text):
    assert width(text) == columns(text)


@given(st.text(), st.integers(min_value=1, max_value=60))
def test_clip_keeps_the_longest_start_that_fits_with_an_ellipsis(text, limit):
    cut = clip(text, limit)
    if columns(text) <= limit:
        assert cut == text
        return
    kept = cut[:-1]
    assert cut.endswith("…") and text.startswith(kept) and columns(kept) <= limit - 1
    assert columns(text[:len(kept) + 1]) > limit - 1   # one more character would not fit


def test_clip_and_render_align_chinese():
    assert clip("朝阳区政务平台密码应用安全", 10) == "朝阳区政…"
    assert render(["项目", "n"], [["朝阳", "1"], ["ab", "22"]], right={1}).splitlines() == [
        "项目   n", "----  --", "朝阳   1", "ab    22"]
