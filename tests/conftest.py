from pathlib import Path

import pytest

from workbook_builder.readers.jsonfile import load_tables

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TABLES = ROOT / "samples" / "chaoyang-2024" / "tables_1-30.json"


@pytest.fixture(scope="session")
def chaoyang_tables():
    return load_tables(SAMPLE_TABLES)


def refuse_replacing(monkeypatch, ending: str) -> None:
    """``os.replace`` onto a path ending with ``ending`` refused as Windows refuses a file open in
    Excel or Word (the last step of every atomic save)."""
    import errno
    import os

    real = os.replace

    def replace(source, target, *args, **kwargs):
        if str(target).endswith(ending):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
