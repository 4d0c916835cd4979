"""Windows-safe, unique output names and atomic writes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook_builder.files import MAX_STEM, Taken, atomic_save, numbered, safe_stem, unique_names


@pytest.mark.parametrize(
    "name, stem",
    [
        ('朝阳区"城市管理大脑"/一期:*?<>|', "朝阳区_城市管理大脑__一期______"),
        ("  项目。 ", "项目。"),
        ("项目...", "项目"),
        ("CON", "_CON"),
        ("", "未命名"),
        ("a\tb\nc", "a b c"),
    ],
)
def test_safe_stem(name, stem):
    assert safe_stem(name) == stem


@given(st.text())
def test_safe_stem_is_always_safe(name):
    stem = safe_stem(name)
    assert stem and len(stem) <= MAX_STEM + 1
    assert len(stem.encode("utf-8", "surrogateescape")) <= 3 * MAX_STEM + 1   # (a file name's 255 bytes left room)


def test_a_stem_of_characters_outside_the_bmp_fits_a_file_names_bytes():
    """300 × 𠀀 (4 bytes each) had made a name of 320 bytes: 未生成…文件名过长."""
    stem = safe_stem("𠀀" * 300)
    assert stem == "𠀀" * 60 and len(stem.encode()) == 240
    assert not set(stem) & set('\\/:*?"<>|') and stem == stem.strip(" .")


def test_unique_names_case_insensitive():
    assert unique_names(["a", "A", "b", "a"], ".xlsx") == ["a.xlsx", "A（2）.xlsx", "b.xlsx", "a（3）.xlsx"]


def test_unique_names_in_one_unicode_form():
    """表é (one character) and 表é (e and a combining accent): one name on macOS."""
    assert unique_names(["表\u00e9", "表e\u0301"], ".xlsx") == ["表\u00e9.xlsx", "表e\u0301（2）.xlsx"]


def test_atomic_save_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_text("old")

    def broken(path):
        open(path, "w").write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_save(broken, target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    atomic_save(lambda p: open(p, "w").write("new"), target)
    assert target.read_text() == "new"


def test_atomic_save_gives_normal_file_permissions(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        path = atomic_save(lambda tmp: open(tmp, "w").write("x"), tmp_path / "out.txt")
        assert path.stat().st_mode & 0o777 == 0o644
        os.umask(0o002)
        path = atomic_save(lambda tmp: open(tmp, "w").write("y"), tmp_path / "out.txt")
        assert path.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    "text, shown",
    [("a\x0bb", "a\\x0bb"), ("=HYPERLINK(1)", "=HYPERLINK(1)"), ("行\n一", "行\n一"), ("长" * 30, "长" * 19 + "…")],
)
def test_inert_text(text, shown):
    from workbook_builder.files import inert_text

    assert inert_text(text, 20) == shown


def test_numbering_many_files_of_one_name_goes_on_from_the_last_number():
    """An archive of 20,000 表.xlsx (a hostile probe's): each name is numbered from the last
    number given, not counted up from 2 again (a few looks a name, not thousands), and a
    number a real file already has is passed over."""
    looks = []

    def key(text):
        looks.append(text)
        return text

    taken = Taken({"表（3）.xlsx"})
    names = [numbered("表.xlsx", taken, key) for _ in range(2000)]
    assert names[:4] == ["表.xlsx", "表（2）.xlsx", "表（4）.xlsx", "表（5）.xlsx"] and len(set(names)) == 2000
    assert len(looks) < 10 * 2000
    assert numbered("表（2）.xlsx", taken) == "表（2）（2）.xlsx"   # (another name: numbered on its own)
