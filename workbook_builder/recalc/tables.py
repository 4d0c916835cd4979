"""``perfbook score``: the tables of a parsed-table JSON file re-scored (no workbooks involved)."""

from __future__ import annotations

from pathlib import Path

from addin.engine import evaluate_table, get_profile

from ..readers.jsonfile import load_tables
from .result import ScoredTable, ScoreResult


def score_tables(path: str | Path, profile: str | None = None) -> ScoreResult:
    """Every table of ``path`` (the format of ``samples/chaoyang-2024/tables_1-30.json``)
    re-scored with ``profile`` (each table's own when it declares one, else the default)."""
    path = Path(path)
    rules = get_profile(profile)
    tables = load_tables(path)
    scored = [ScoredTable(n, evaluate_table(t, profile)) for n, t in enumerate(tables, start=1)]
    return ScoreResult(path, rules.id, scored)

