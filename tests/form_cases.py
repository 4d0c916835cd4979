"""Shared by the per-form tests: a real transcription read as a workbook, re-scored."""

from real_tables import REAL, workbook
from workbook_builder.readers.tables import read_tables
from workbook_builder.recalc.run import report_table


def read_real(stem: str, tmp_path, profile: str | None = "mof-2020"):
    """(ReadTable, TableReport, TableResult) of ``tests/data/forms/real/<stem>.json``."""
    [read] = read_tables(workbook(REAL / f"{stem}.json", tmp_path / f"{stem}.xlsx"))
    report, result = report_table(read, profile, f"{stem}.xlsx")
    return read, report, result
