"""Last year's actuals, for the review's ``below_last_year`` rule (``--last-year``).

Accepted: a ``perfbook recalc --json`` result (each table's file is found again by its ``uri``
(a file of a .zip archive: the archive and its ``member``), by its ``file`` relative to the
JSON's folder or the working folder, or as the annotated copy beside the JSON, and read for its
实际完成值), a parsed-table JSON (the format of ``samples/chaoyang-2024/tables_1-30.json``), a
folder of last year's submitted tables (and .zip archives of them), or one such workbook.
Indicators are matched by project and 三级指标 name (numbering such as 指标1： ignored, see
:func:`addin.engine.target_review.key`).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from addin.engine import UserError
from addin.engine.target_review import LastYear, key, project_key


class LastYearError(UserError):
    """``--last-year`` names nothing usable."""


Index = dict[tuple[str, str], list[LastYear]]


def _add(index: Index, project: str, indicators, source: str, cells=None) -> int:
    added = 0
    for number, ind in enumerate(indicators, start=1):
        if ind.actual is None or (isinstance(ind.actual, str) and not ind.actual.strip()):
            continue
        cell = cells(number) if cells else ""
        where = f"{source}!{cell}" if cell else source
        index.setdefault((project_key(project), key(ind.level3)), []).append(LastYear(ind.actual, ind.unit, where))
        added += 1
    return added


def _read_workbook(path: Path, label: str, index: Index, notes: list[str]) -> int:
    from ..readers.container import UnreadableFile
    from ..readers.tables import NoTable, read_tables

    try:
        reads = read_tables(path)
    except (UnreadableFile, NoTable, OSError) as err:
        notes.append(f"上年结果 {label}：{err}")
        return 0
    added = 0
    for read in reads:
        added += _add(index, read.table.project, read.table.indicators, f"上年 {label} {read.sheet}",
                      lambda n, read=read: read.cell(("indicator", n, "actual")))
    return added


def _from_recalc(data: dict, json_path: Path, index: Index, notes: list[str]) -> int:
    import tempfile

    added, done = 0, set()
    tables = [(t, _path(t.get("uri")), str(t.get("member") or "")) for t in data.get("tables", ()) if isinstance(t, dict)]
    with tempfile.TemporaryDirectory(prefix="perfbook-zip-") as scratch:
        archives = _unpacked([path for _, path, member in tables if path and member], scratch)
        for table, path, member in tables:
            label = str(table.get("file", ""))
            candidates = []
            if path and member:   # a file read from a .zip archive: from it again
                if member in archives.get(path, {}):
                    candidates.append(Path(archives[path][member]))
            elif path:
                candidates.append(path)
            if label:
                candidates += [json_path.parent / label, Path(label)]
            if table.get("annotated"):
                candidates.append(json_path.parent / str(table["annotated"]))
            found = next((c for c in candidates if _is_file(c)), None)
            if found is None:
                notes.append(f"上年结果 {json_path} 中的文件 {label} 找不到，其实际完成值未用于审核")
                continue
            if found in done:
                continue
            done.add(found)
            added += _read_workbook(found, label, index, notes)
    return added


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a path the system cannot even look at (a name too long for
    it, as a Windows name of 90 Chinese characters is on Linux) is none."""
    try:
        return path.is_file()
    except OSError:
        return False


def _path(uri: object) -> Path | None:
    """The file a ``file:`` URI names (``None`` for anything else)."""
    return Path(unquote(urlparse(uri).path)) if isinstance(uri, str) and uri.startswith("file:") else None


def _unpacked(archives: list[Path], into: str) -> dict[Path, dict[str, str]]:
    """The files of the .zip archives named, unpacked as recalc does (one guarded worker for all):
    archive -> member path -> unpacked file; an archive gone or unreadable has none, a workbook
    named .zip (read as the file it is, as recalc reads it) itself under ''."""
    from ..recalc.run import unpack_archives

    archives = list(dict.fromkeys(archives))
    outcomes = unpack_archives(archives, into) if archives else []
    return {zipped: {"": str(zipped)} if outcome.as_file else {m.entry: m.path for m in outcome.members}
            for zipped, outcome in zip(archives, outcomes) if not isinstance(outcome, Exception)}


def _from_folder(folder: Path, index: Index, notes: list[str]) -> int:
    """The actuals of every table in ``folder``, those in its .zip archives included."""
    from ..readers.archive import is_archive
    from ..recalc.run import collect

    files, _ = collect([str(folder)], archives=True)
    archives = [f for f in files if is_archive(f)]
    added = sum(_read_workbook(f, str(f.relative_to(folder)), index, notes) for f in files if f not in archives)
    return added + _from_archives(archives, folder, index, notes)


def _from_archives(archives: list[Path], folder: Path, index: Index, notes: list[str]) -> int:
    """The actuals of every table in the .zip ``archives`` (named relative to ``folder``)."""
    import tempfile

    added = 0
    with tempfile.TemporaryDirectory(prefix="perfbook-zip-") as scratch:
        for zipped, members in _unpacked(archives, scratch).items():
            added += sum(_read_workbook(Path(file), "/".join(filter(None, (str(zipped.relative_to(folder)), name))),
                                        index, notes) for name, file in members.items())
    return added


def _from_parsed(data: list, json_path: Path, index: Index) -> int:
    from ..readers.jsonfile import table_from_dict

    added = 0
    for number, item in enumerate(data, start=1):
        table = table_from_dict(item)
        added += _add(index, table.project, table.indicators, f"上年 {json_path.name} 第 {number} 张表")
    return added


def load_last_year(path: str | Path) -> tuple[Index, list[str]]:
    """Last year's actuals by (project key, indicator key), and notes on what could not be used,
    from a recalc JSON, a parsed-tables JSON, a folder, a .zip archive or one workbook. Raises
    :class:`LastYearError` when ``path`` gives no actual at all."""
    from ..readers.archive import is_archive

    path = Path(path)
    index: Index = {}
    notes: list[str] = []
    if not path.exists():
        raise LastYearError(f"--last-year：{path} 不存在")
    if path.is_dir():
        added = _from_folder(path, index, notes)
    elif path.suffix.lower() == ".json":
        from ..readers.jsonfile import JsonFileError, read_json

        try:
            data = read_json(path)
        except JsonFileError as err:
            raise LastYearError(f"--last-year：{err}") from None
        if isinstance(data, dict) and isinstance(data.get("tables"), list):
            added = _from_recalc(data, path, index, notes)
        elif isinstance(data, list):
            try:
                added = _from_parsed(data, path, index)
            except (KeyError, TypeError, AttributeError, ValueError):   # (ValueError: a project that is no text)
                raise LastYearError(f"--last-year：{path} 既不是 perfbook recalc 的 JSON，也不是已解析的自评表 JSON") from None
        else:
            raise LastYearError(f"--last-year：{path} 既不是 perfbook recalc 的 JSON，也不是已解析的自评表 JSON")
    elif is_archive(path):   # the .zip a department sent, as recalc reads it
        added = _from_archives([path], path.parent, index, notes)
    else:
        added = _read_workbook(path, path.name, index, notes)
    if not added:
        detail = "；".join(notes[:3])
        raise LastYearError(f"--last-year：{path} 中没有读到任何实际完成值" + (f"（{detail}）" if detail else ""))
    return index, notes
