from pathlib import Path

import pytest

from workbook_builder.readers.jsonfile import load_tables

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TABLES = ROOT / "samples" / "chaoyang-2024" / "tables_1-30.json"


@pytest.fixture(scope="session")
def chaoyang_tables():
    return load_tables(SAMPLE_TABLES)
