"""perfbook's own zip reader against the standard library's :mod:`zipfile`.

:mod:`workbook_builder.readers.container` reads a package's central directory by hand with
:mod:`struct` (``_directory``, leaving to zipfile only what it does not read), inflates every member
itself (``_inflate``), checks them all in one pass (``check_package``) and hands calamine a copy
built from the checked bytes (``stored_copy``). It is kept only on this condition, checked over
the samples, every file of the hostile corpus and generated archives (duplicate names,
overlapping local headers, zip64, prepended and appended data, data descriptors, bad and
oversized extra fields, truncated directories, wrong offsets, sizes, CRCs and flags, comments
holding a fake end record, random bytes overwritten):

* perfbook accepts an archive -> zipfile reads it too, and both give the same members in the
  same order, each with the same name (a backslash in it read as /, as zipfile reads it on
  Windows, where it is the path separator: perfbook does so on every system), declared uncompressed size and bytes: the bytes
  ``_inflate`` gives, those ``_Package.read`` gives for a name (the last member of that name, as
  zipfile), and the members of the stored copy (read back by zipfile) are zipfile's;
* or perfbook refuses it, with its documented refusal and nothing else: :class:`UnreadableFile`
  from ``check_package`` / ``check_container``, or, when the package is opened, one of
  ``container._ZIP_ERRORS`` (which ``_format`` turns into :class:`UnreadableFile`). Never a
  ``struct.error``, ``IndexError``, ``KeyError``, ``MemoryError``...

perfbook may be STRICTER than zipfile: refusing an archive zipfile reads is allowed (a bomb, a
DTD, an encrypted member, a package that does not start with ``PK``, a local header whose name
bytes differ from the directory's though both decode alike, a deflated member inflating past
its declared size, which zipfile cuts...). What is never allowed is returning other names or
other bytes than zipfile, or reading an archive zipfile refuses.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.hostile_corpus import build
from workbook_builder.readers import container
from workbook_builder.readers.container import UnreadableFile, check_container, check_package

OPENED = collections.Counter()   # outcome per kind of archive, printed with -s


# the two readers ------------------------------------------------------------------------------


def zipfile_view(data: bytes):
    """zipfile's members (name, size, bytes) and its bytes per name, as on Windows (a backslash
    in a name read as /); ``None`` when it refuses."""
    try:
        with mock.patch.object(os, "sep", "\\"), zipfile.ZipFile(io.BytesIO(data)) as package:
            members = [(i.filename, i.file_size, package.read(i)) for i in package.infolist()]
            return members, {name: package.read(name) for name in _some(package.namelist())}
    except Exception:   # any refusal of zipfile's (BadZipFile, NotImplementedError, zlib.error...)
        return None


def _some(names: list[str]) -> list[str]:
    """The names whose bytes are also read by name: all, or (for a huge archive: reading by
    name is a linear search in perfbook) the first 100 and every duplicate."""
    if len(names) <= 1000:
        return names
    seen = collections.Counter(names)
    return names[:100] + [name for name in seen if seen[name] > 1]


def perfbook_view(data: bytes, measure: bool = False):
    """perfbook's members as the checks saw them, its bytes per name and the parts kept for the
    stored copy; ``None`` when it refuses, as it documents. Anything else raised fails the test."""
    try:
        archive = container._Package(data)
        archive.namelist()
    except container._ZIP_ERRORS:
        return None
    keep: list = []
    with archive:
        try:
            check_package(archive, data, measure=measure, keep=keep)
        except UnreadableFile:
            return None
        # accepted: every member must now read, with no error at all
        members = [(m.filename, m.file_size, b"".join(container._inflate(archive, data, m)))
                   for m in archive.infolist()]
        named = {name: archive.read(name) for name in _some(archive.namelist())}
    return members, named, keep


def agree(data: bytes, kind: str, measure: bool = False) -> str:
    """Assert the rule of the module's docstring for ``data``; returns what happened."""
    mine = perfbook_view(data, measure)
    theirs = zipfile_view(data)
    outcome = ("same" if mine is not None else "perfbook refuses") + (
        ", zipfile reads" if theirs is not None else ", zipfile refuses")
    OPENED[kind, outcome] += 1
    if kind.startswith("generated"):
        event(outcome)
    if mine is None:
        return outcome
    assert theirs is not None, f"{kind}: perfbook reads an archive zipfile refuses"
    members, named, keep = mine
    assert members == theirs[0], f"{kind}: members differ from zipfile's"
    assert named == theirs[1], f"{kind}: bytes by name differ from zipfile's"
    for name, size, part in members:
        assert len(part) == size, f"{kind}: {name} is not of its declared size"
    if keep:
        assert [(m.filename, m.file_size, part) for m, part in keep] == members, f"{kind}: kept parts"
        assert zipfile_view(container.stored_copy(keep)) == theirs, f"{kind}: the stored copy differs"
    return outcome


def agree_in_public(data: bytes, path: Path) -> None:
    """``check_container`` on ``data`` as the file ``path``: refused with UnreadableFile only, or
    accepted with a stored copy (when it makes one) holding zipfile's members of the original."""
    path.write_bytes(data)
    try:
        checked = check_container(path)
    except UnreadableFile:
        return
    if checked.format == "doc":   # (no zip: LibreOffice's .docx of it is checked as any; where it converts)
        return
    assert checked.data == data
    if checked.format not in ("xls", "et"):
        theirs = zipfile_view(data)
        assert theirs is not None, f"{path.name}: check_container accepts an archive zipfile refuses"
        if checked.stored is not None:
            assert zipfile_view(checked.stored) == theirs, f"{path.name}: the stored copy differs"


# the samples and the hostile corpus -----------------------------------------------------------

SAMPLES = sorted(p for folder in (ROOT / "samples", ROOT / "tests" / "data") for p in folder.rglob("*")
                 if p.suffix.lower() in (".xlsx", ".xlsm", ".docx", ".ods") and p.is_file())


def test_samples_agree(tmp_path):
    assert len(SAMPLES) >= 30
    for source in SAMPLES:
        data = source.read_bytes()
        outcome = agree(data, "sample", measure=source.suffix.lower() in (".xlsx", ".xlsm"))
        assert outcome == "same, zipfile reads", source   # the samples are read
        agree_in_public(data, tmp_path / f"copy{source.suffix}")


def test_hostile_corpus_agrees(tmp_path):
    folder = tmp_path / "corpus"
    build(folder)
    files = [Path(top) / name for top, _, names in os.walk(folder) for name in names]
    files = [f for f in files if f.is_file() and not f.is_symlink()]
    zips = 0
    for path in files:
        data = path.read_bytes()
        zips += data[:2] == b"PK"
        agree(data, "hostile corpus", measure=True)
        agree_in_public(data, tmp_path / f"copy{path.suffix}")
    assert zips >= 100


# archives made on purpose ---------------------------------------------------------------------


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes data descriptors (flag bit 3)."""

    def __init__(self, buffer: io.BytesIO):
        self.buffer = buffer

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        return self.buffer.write(b)


def write_zip(members, how: str = "plain") -> bytes:
    """An archive of ``members`` (name, bytes, compression, force_zip64) written by zipfile:
    ``plain``; ``stream`` (data descriptors); ``zip64`` (zipfile's limits lowered while writing,
    so the directory entries hold zip64 extra fields and a zip64 end record is written)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), contextlib.ExitStack() as stack:
        warnings.simplefilter("ignore")   # duplicate names
        if how == "zip64":
            stack.enter_context(mock.patch.object(zipfile, "ZIP64_LIMIT", 16))
            stack.enter_context(mock.patch.object(zipfile, "ZIP_FILECOUNT_LIMIT", 1))
        with zipfile.ZipFile(_Unseekable(buffer) if how == "stream" else buffer, "w") as out:
            for name, data, method, force in members:
                info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
                info.compress_type = method
                if force or how == "zip64":   # (a compressed size past the lowered limit needs it)
                    with out.open(info, "w", force_zip64=True) as part:
                        part.write(data)
                else:
                    out.writestr(info, data)
    return buffer.getvalue()


_EOCD = struct.Struct("<4s4H2LH")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR = struct.Struct("<4sLQL")


def split(data: bytes) -> tuple[bytes, list[bytearray], bool]:
    """A zipfile-written archive (no comment) as the bytes before its central directory, the
    directory's entries and whether it has zip64 end records."""
    end = len(data) - _EOCD.size
    zip64 = data[end - _LOCATOR.size:end - _LOCATOR.size + 4] == b"PK\x06\x07"
    if zip64:
        at = _LOCATOR.unpack_from(data, end - _LOCATOR.size)[2]
        offset = _EOCD64.unpack_from(data, at)[9]
    else:
        offset = _EOCD.unpack_from(data, end)[6]
    entries, at = [], offset
    while data[at:at + 4] == b"PK\x01\x02":
        names, extras, comments = struct.unpack_from("<3H", data, at + 28)
        entries.append(bytearray(data[at:at + 46 + names + extras + comments]))
        at += 46 + names + extras + comments
    return data[:offset], entries, zip64


def assemble(body: bytes, entries: list[bytes], zip64: bool, count: int | None = None,
             comment: bytes = b"") -> bytes:
    """``body``, then the directory of ``entries`` and end records stating ``count`` entries."""
    directory = b"".join(entries)
    count = len(entries) if count is None else count
    tail = b""
    if zip64:
        tail = (_EOCD64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), len(body))
                + _LOCATOR.pack(b"PK\x06\x07", 0, len(body) + len(directory), 1))
    return body + directory + tail + _EOCD.pack(b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                                len(directory), min(len(body), 0xFFFFFFFF), len(comment)) + comment


def entry_with(entry: bytes, name: bytes | None = None, extra: bytes | None = None) -> bytearray:
    """A directory entry with another name or extra field (its lengths updated)."""
    names, extras, _ = struct.unpack_from("<3H", entry, 28)
    old_name, old_extra, comment = entry[46:46 + names], entry[46 + names:46 + names + extras], entry[46 + names + extras:]
    name = old_name if name is None else name
    extra = old_extra if extra is None else extra
    head = bytearray(entry[:46])
    struct.pack_into("<2H", head, 28, len(name), len(extra))
    return head + name + extra + comment


def field(entry: bytearray, at: int, fmt: str, value: int) -> None:
    struct.pack_into(fmt, entry, at, value & ((1 << (8 * struct.calcsize(fmt))) - 1))


SHEET = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
RELS = (b'<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
BOOK = b'<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>'
BASE = [("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED, False),
        ("xl/workbook.xml", BOOK, zipfile.ZIP_DEFLATED, False),
        ("xl/_rels/workbook.xml.rels", RELS, zipfile.ZIP_DEFLATED, False),
        ("xl/worksheets/sheet1.xml", SHEET, zipfile.ZIP_STORED, False),
        ("docProps/app.xml", b"<Properties/>", zipfile.ZIP_DEFLATED, False)]


def _base() -> tuple[bytes, list[bytearray], bool]:
    return split(write_zip(BASE))


def _duplicate_names():
    return write_zip(BASE + [("xl/workbook.xml", b"<workbook>second</workbook>", zipfile.ZIP_DEFLATED, False)])


def _duplicate_entry():   # two directory entries for one local header
    body, entries, z = _base()
    return assemble(body, entries + [entries[1]], z)


def _overlapping_other_name():   # an entry pointing at another member's local header
    body, entries, z = _base()
    field(entries[4], 42, "<L", struct.unpack_from("<L", entries[1], 42)[0])
    return assemble(body, entries, z)


def _duplicate_after_bzip2():   # the first of two same-named members is read through zipfile
    return write_zip([("xl/workbook.xml", b"<!DOCTYPE x [<!ENTITY a 'b'>]><workbook/>", zipfile.ZIP_BZIP2, False),
                      ("xl/workbook.xml", b"<workbook/>", zipfile.ZIP_STORED, False)])


def forge_crc(data: bytes, crc: int) -> bytes:
    """``data`` and 4 bytes more, chosen so that its CRC-32 is ``crc`` (CRC-32 is affine over
    GF(2): solve for the 32 bits)."""
    base = zlib.crc32(data + bytes(4))
    columns = [zlib.crc32(data + (1 << bit).to_bytes(4, "little")) ^ base for bit in range(32)]
    rows = [(columns_bit, 1 << n) for n, columns_bit in enumerate(columns)]   # value, which bits make it
    basis: dict[int, tuple[int, int]] = {}
    for value, bits in rows:   # Gaussian elimination on the highest set bit
        for top in sorted(basis, reverse=True):
            if value >> top & 1:
                value, bits = value ^ basis[top][0], bits ^ basis[top][1]
        if value:
            basis[value.bit_length() - 1] = (value, bits)
    want, chosen = crc ^ base, 0
    for top in sorted(basis, reverse=True):
        if want >> top & 1:
            want, chosen = want ^ basis[top][0], chosen ^ basis[top][1]
    assert want == 0
    forged = data + chosen.to_bytes(4, "little")
    assert zlib.crc32(forged) == crc
    return forged


def _duplicate_names_same_crc():   # the first, with a DTD, has the CRC of the second
    second = BOOK
    first = forge_crc(b"<!DOCTYPE x [<!ENTITY a 'b'>]>" + BOOK + b"<!--", zlib.crc32(second))
    return write_zip(BASE[:1] + [("xl/workbook.xml", first, zipfile.ZIP_DEFLATED, False)] + BASE[1:])


def _lzma_corrupt():   # its properties overwritten: lzma's own error, not zipfile's
    data = bytearray(write_zip(BASE + [("xl/media/x.bin", b"x" * 100, zipfile.ZIP_LZMA, False)]))
    body, entries, z = split(bytes(data))
    local = struct.unpack_from("<L", entries[-1], 42)[0]
    begin = local + 30 + sum(struct.unpack_from("<2H", body, local + 26))
    body = bytearray(body)
    body[begin + 4:begin + 9] = b"\xff" * 5
    return assemble(bytes(body), entries, z)


def _bzip2_longer_size():   # declares more bytes than its stream holds: zipfile returns it short
    body, entries, z = split(write_zip(BASE + [("xl/media/x.bin", b"", zipfile.ZIP_BZIP2, False)]))
    field(entries[-1], 24, "<L", 1)
    return assemble(body, entries, z)


def _stored_cut_short():   # a stored member whose compressed size is less than its size
    body, entries, z = _base()
    field(entries[3], 20, "<L", struct.unpack_from("<L", entries[3], 20)[0] - 10)   # the stored sheet
    return assemble(body, entries, z)


def _stored_longer():   # compressed size more than the size: zipfile reads the first bytes
    body, entries, z = _base()
    field(entries[3], 20, "<L", struct.unpack_from("<L", entries[3], 20)[0] + 10)
    return assemble(body, entries, z)


def _directory_with_data():
    return write_zip(BASE + [("xl/media/", b"not empty", zipfile.ZIP_STORED, False)])


def _directory_with_wrong_crc():
    body, entries, z = split(write_zip(BASE + [("xl/media/", b"", zipfile.ZIP_STORED, False)]))
    field(entries[-1], 16, "<L", 0x12345678)
    return assemble(body, entries, z)


def _flag(bit: int):
    body, entries, z = _base()
    field(entries[1], 8, "<H", struct.unpack_from("<H", entries[1], 8)[0] | bit)
    return assemble(body, entries, z)


def _local_utf8_flag():   # the local header says UTF-8, the directory cp437, for the same bytes
    data = write_zip(BASE + [("xl/XXtXX.xml", b"<x/>", zipfile.ZIP_STORED, False)])
    body, entries, z = split(data.replace(b"xl/XXtXX.xml", "xl/été.xml".encode()))
    local = struct.unpack_from("<L", entries[-1], 42)[0]
    body = bytearray(body)
    field(body, local + 6, "<H", struct.unpack_from("<H", body, local + 6)[0] | 0x800)
    return assemble(bytes(body), entries, z)


def _negative_offset():   # the end record places the directory past its end: offsets go negative
    body, entries, z = _base()
    data = bytearray(assemble(body, entries, z))
    field(data, len(data) - 6, "<L", len(body) + 100)
    return bytes(data)


def _empty_member_past_the_end():   # found by hypothesis: a member of 0 bytes whose local extra field
    data = bytearray(write_zip([("xl/workbook.xml", b"", zipfile.ZIP_DEFLATED, False)]))   # runs past the end:
    field(data, 28, "<H", 0x0300)   # zipfile reads its 2 compressed bytes and fails; perfbook had read it empty
    return bytes(data)


def _bad_extra(extra: bytes):
    def make():
        body, entries, z = _base()
        entries[1] = entry_with(entries[1], extra=extra)
        return assemble(body, entries, z)
    return make


def _nul_in_name():
    body, entries, z = _base()
    entries[4] = entry_with(entries[4], name=b"docProps/app.xml\x00.exe")
    return assemble(body, entries, z)


def _many_entries():   # more than 65535: a zip64 end record
    return write_zip([(f"e{n}", b"", zipfile.ZIP_STORED, False) for n in range(0x10001)])


def _fake_end_in_comment(count: int, size: int, offset: int):
    def make():
        body, entries, z = _base()
        fake = _EOCD.pack(b"PK\x05\x06", 0, 0, count, count, size, offset, 0)
        return assemble(body, entries, z, comment=b"comment " + fake)
    return make


def _truncated_directory(cut: int):
    def make():
        data = write_zip(BASE)
        end = len(data) - _EOCD.size
        return data[:end - cut] + data[end:]
    return make


MADE = {
    "duplicate names": _duplicate_names,
    "duplicate directory entry (one local header)": _duplicate_entry,
    "overlapping local header, other name": _overlapping_other_name,
    "duplicate names, the first bzip2": _duplicate_after_bzip2,
    "duplicate names, the same CRC": _duplicate_names_same_crc,
    "lzma member corrupt": _lzma_corrupt,
    "bzip2 member shorter than its size": _bzip2_longer_size,
    "stored, compressed size < size": _stored_cut_short,
    "stored, compressed size > size": _stored_longer,
    "directory entry with data": _directory_with_data,
    "directory entry with a wrong CRC": _directory_with_wrong_crc,
    "flag bit 0 (encrypted)": lambda: _flag(0x1),
    "flag bit 3 (data descriptor) set by hand": lambda: _flag(0x8),
    "flag bit 5 (patched data)": lambda: _flag(0x20),
    "flag bit 6 (strong encryption)": lambda: _flag(0x40),
    "local header UTF-8, directory cp437": _local_utf8_flag,
    "negative header offsets": _negative_offset,
    "an empty member whose data would start past the end": _empty_member_past_the_end,
    "first 3 bytes cut (offsets shifted below 0)": lambda: write_zip(BASE)[3:],
    "extra field cut short": _bad_extra(b"\x99\x99\x10\x00ab"),
    "extra field: zip64 record, nothing to read": _bad_extra(b"\x01\x00\x00\x00"),
    "extra field: zip64 record, sizes not 0xFFFFFFFF": _bad_extra(struct.pack("<HHQQ", 1, 16, 5, 5)),
    "extra field: unicode path (0x7075)": _bad_extra(b"\x75\x70\x09\x00\x01\x00\x00\x00\x00evil"),
    "extra field: 3 trailing bytes": _bad_extra(b"\x55\x54\x01\x00\x00ab\x00"),
    "extra field: 65535 bytes": _bad_extra(b"\x99\x99\xfb\xff" + b"\x00" * 0xFFFB),
    "NUL in a directory name": _nul_in_name,
    "data descriptors (unseekable stream)": lambda: write_zip(BASE, "stream"),
    "zip64 local headers (force_zip64)": lambda: write_zip([(n, d, m, True) for n, d, m, _ in BASE]),
    "zip64 directory and end record": lambda: write_zip(BASE, "zip64"),
    "zip64 with data descriptors": lambda: write_zip([(n, d, m, True) for n, d, m, _ in BASE], "stream"),
    "more than 65535 entries": _many_entries,
    "prepended data (self-extracting)": lambda: b"MZ" + b"\x90" * 4000 + write_zip(BASE),
    "prepended data starting with PK": lambda: b"PK\x03\x04" + b"\x00" * 100 + write_zip(BASE),
    "appended data": lambda: write_zip(BASE) + b"\x00" * 64,
    "comment": lambda: assemble(*_base(), comment=b"a comment"),
    "comment holding a fake empty end record": _fake_end_in_comment(0, 0, 0),
    "comment holding a fake end record at offset 0": _fake_end_in_comment(4, 200, 0),
    "truncated central directory (1 byte)": _truncated_directory(1),
    "truncated central directory (one entry)": _truncated_directory(60),
    "end record counts one entry too many": lambda: assemble(*_base(), count=len(BASE) + 1),
    "end record counts one entry too few": lambda: assemble(*_base(), count=len(BASE) - 1),
    "empty archive": lambda: write_zip([]),
}


def _backslash(how: str = "plain"):   # written with a | in its place, the same length, in both headers
    members = [(n.replace("docProps/", "docProps|"), d, m, f) for n, d, m, f in BASE]
    return write_zip(members, how).replace(b"docProps|", b"docProps\\")


MADE["backslash in names, zip64 directory (read by zipfile)"] = lambda: _backslash("zip64")


def test_a_backslash_in_a_name_reads_as_zipfile_reads_it_on_windows():
    """zipfile writes a backslash in a name as / where it is the path separator (Windows), and
    perfbook on every system: a package written with \\ (a Chinese attendance system's export,
    calamine's issue_530.xlsx) had been read on Windows only."""
    assert agree(_backslash(), "backslash in a name") == "same, zipfile reads"
    assert "docProps/app.xml" in container._Package(_backslash()).namelist()


@pytest.mark.parametrize("kind", list(MADE))
def test_made_archives_agree(tmp_path, kind):
    data = MADE[kind]()
    agree(data, kind, measure=True)
    agree_in_public(data, tmp_path / "made.xlsx")


# generated archives ---------------------------------------------------------------------------

NAMES = st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml", "mimetype",
                         "word/document.xml", "a", "dir/", "xl/été.xml", "表/中文.xml", "A"])
PIECES = [b"a", b"<x/>", b"\x00", b"xy", b"<row/>", b"\xff\xfe", b"PK\x03\x04", b"PK\x05\x06", b"z" * 7,
          b"<!DOCTYPE"]   # (a declaration is refused: rare, so that most archives get to be compared)
CONTENTS = st.one_of(st.binary(max_size=64), st.builds(lambda piece, n: piece * n, st.sampled_from(PIECES),
                                                       st.integers(0, 1500)))
METHODS = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                           zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
MEMBERS = st.lists(st.tuples(NAMES, CONTENTS, METHODS, st.sampled_from([False, False, False, True])),
                   max_size=6)
FIELDS = [(6, "<B"), (8, "<H"), (10, "<H"), (16, "<L"), (20, "<L"), (24, "<L"), (42, "<L")]
EXTRAS = st.one_of(
    st.binary(max_size=40),
    st.builds(lambda kind, length, body: struct.pack("<HH", kind, length) + body,
              st.sampled_from([1, 0x5455, 0x7075, 0x7875, 0x9999]), st.integers(0, 0xFFFF), st.binary(max_size=40)),
    st.builds(lambda sizes: struct.pack("<HH", 1, 8 * len(sizes)) + b"".join(struct.pack("<Q", s) for s in sizes),
              st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 5000), max_size=3)),
)


def _mutate_directory(draw, body: bytes, entries: list[bytearray], zip64: bool) -> bytes:
    """Directory-level changes: duplicated, dropped, reordered entries, fields changed, names and
    extra fields replaced, local headers poked, the count in the end record wrong."""
    body, count = bytearray(body), None
    for _ in range(draw(st.integers(0, 3))):
        if not entries:
            break
        i = draw(st.integers(0, len(entries) - 1))
        j = draw(st.integers(0, len(entries) - 1))
        change = draw(st.sampled_from(["duplicate", "point", "field", "extra", "name", "drop", "swap", "local",
                                       "count"]))
        event(f"directory change: {change}")
        if change == "duplicate":
            entries.insert(draw(st.integers(0, len(entries))), bytearray(entries[i]))
        elif change == "point":
            field(entries[i], 42, "<L", struct.unpack_from("<L", entries[j], 42)[0])
        elif change == "field":
            at, fmt = draw(st.sampled_from(FIELDS))
            old = struct.unpack_from(fmt, entries[i], at)[0]
            value = draw(st.one_of(st.integers(-40, 40).map(lambda d: old + d),
                                   st.sampled_from([0, 0xFFFF, 0xFFFFFFFF, 0x800, 0x8, 0x1, 9, 12, 14, 99]),
                                   st.integers(0, 0xFFFFFFFF)))
            field(entries[i], at, fmt, value)
        elif change == "extra":
            entries[i] = entry_with(entries[i], extra=draw(EXTRAS))
        elif change == "name":
            old = entries[i][46:46 + struct.unpack_from("<H", entries[i], 28)[0]]
            entries[i] = entry_with(entries[i], name=draw(st.sampled_from(
                [old + b"\x00x", old.upper(), old[:-1], b"", "é".encode(), b"\xff\xfe", old + b"/"])))
        elif change == "drop":
            count = len(entries)
            del entries[i]
        elif change == "swap":
            entries[i], entries[j] = entries[j], entries[i]
        elif change == "local":
            at = struct.unpack_from("<L", entries[i], 42)[0] + draw(st.sampled_from([6, 8, 14, 18, 22, 26, 28, 30]))
            if at + 2 <= len(body):
                body[at:at + 2] = draw(st.binary(min_size=2, max_size=2))
        elif change == "count":
            count = len(entries) + draw(st.sampled_from([-1, 1, 100]))
    return assemble(bytes(body), entries, zip64, count=None if count is None else max(count, 0))


def _mutate_bytes(draw, data: bytes) -> bytes:
    """Archive-level changes: a comment (with a fake end record or not), data before or after,
    a cut, bytes overwritten."""
    for _ in range(draw(st.integers(0, 2))):
        change = draw(st.sampled_from(["comment", "fake end", "prepend", "append", "cut", "poke"]))
        event(f"byte change: {change}")
        if change in ("comment", "fake end"):
            comment = draw(st.binary(max_size=30))
            if change == "fake end":
                fake = _EOCD.pack(b"PK\x05\x06", 0, 0, *draw(st.tuples(st.integers(0, 5), st.integers(0, 5))),
                                  draw(st.integers(0, 400)), draw(st.integers(0, len(data))), 0)
                comment = comment + fake + draw(st.sampled_from([b"", b"x"]))
            end = data.rfind(b"PK\x05\x06")
            if end >= 0 and len(data) - end >= 22:
                data = data[:end + 20] + struct.pack("<H", len(comment)) + comment
        elif change == "prepend":
            data = draw(st.sampled_from([b"MZ", b"PK\x03\x04", b""])) + draw(st.binary(max_size=50)) + data
        elif change == "append":
            data += draw(st.binary(min_size=1, max_size=30))
        elif change == "cut":
            data = data[:draw(st.integers(0, len(data)))]
        elif change == "poke" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 4:]
    return data


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("zip-differential")


@settings(max_examples=700, deadline=None,   # about 7 s
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(data=st.data())
def test_generated_archives_agree(scratch, data):
    members = data.draw(MEMBERS, label="members")
    how = data.draw(st.sampled_from(["plain", "plain", "stream", "zip64"]), label="written")
    event(f"written: {how}")
    archive = write_zip(members, how)
    body, entries, zip64 = split(archive)
    if data.draw(st.booleans(), label="change the directory"):
        archive = _mutate_directory(data.draw, body, entries, zip64)
    archive = _mutate_bytes(data.draw, archive)
    small_chunks = data.draw(st.booleans(), label="small chunks")   # the streaming paths of _inflate
    with mock.patch.object(container, "_CHUNK", 64) if small_chunks else contextlib.nullcontext():
        agree(archive, f"generated ({how})", measure=data.draw(st.booleans(), label="measure"))
        agree_in_public(archive, scratch / "generated.xlsx")


def teardown_module():
    if os.environ.get("ZIP_DIFFERENTIAL_REPORT"):   # with -s: what each kind of archive gave
        for (kind, outcome), n in sorted(OPENED.items()):
            print(f"{n:5} {kind}: {outcome}")
