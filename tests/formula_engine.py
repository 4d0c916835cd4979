"""Evaluate generated workbooks with the independent formula engine ``formulas``.

perfbook's own PERF_* functions (the objects in ``addin.udfs``) are registered as Excel functions,
so a workbook is computed the way Excel computes it with the add-in loaded.
"""

from __future__ import annotations

import os

os.environ.setdefault("TQDM_DISABLE", "1")  # formulas shows a progress bar while loading

import formulas  # noqa: E402
import numpy as np  # noqa: E402
import schedula  # noqa: E402
from formulas.functions import wrap_func  # noqa: E402
from formulas.tokens.operand import XlError  # noqa: E402

from addin.udfs import FUNCTIONS  # noqa: E402


def _scalar(value):
    if isinstance(value, np.ndarray):
        items = [_scalar(v) for v in value.ravel().tolist()]
        return items[0] if len(items) == 1 else items
    if value is schedula.EMPTY:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _register(function):
    def call(*args):
        values = [_scalar(a) for a in args]
        for value in values:
            if isinstance(value, XlError):
                return value
        result = function(*values)
        return "" if result is None else result

    call.__name__ = function.__name__
    formulas.get_functions()[function.__name__] = wrap_func(call)


for _function in FUNCTIONS:
    _register(_function)


class Evaluated:
    """A workbook loaded into ``formulas``; cells are addressed as ``'自评表'!J13``."""

    def __init__(self, path):
        self.book = os.path.basename(path)
        self.model = formulas.ExcelModel().loads(str(path)).finish()

    def key(self, sheet: str, cell: str) -> str:
        return f"'[{self.book}]{sheet.upper()}'!{cell.replace('$', '')}"

    def calculate(self, sheet: str, inputs: dict[str, object]) -> dict:
        keyed = {self.key(sheet, ref): value for ref, value in inputs.items()}
        unknown = [k for k in keyed if k not in self.model.dsp.data_nodes]
        if unknown:  # formulas silently ignores inputs it does not know
            raise KeyError(f"cells not used by any formula: {unknown}")
        solution = self.model.calculate(inputs=keyed)
        return {k: _scalar(v.value) for k, v in solution.items() if hasattr(v, "value")}

    def value(self, solution: dict, sheet: str, cell: str):
        return solution[self.key(sheet, cell)]


def compare_cells(got: dict, expected: dict) -> dict:
    """The cells where ``got`` differs from ``expected`` (numbers to 1e-9): cell -> (got, expected)."""
    wrong = {}
    for ref, want in expected.items():
        value = got.get(ref, "")
        if isinstance(want, float) and isinstance(value, (int, float)):
            if abs(value - want) > 1e-9:
                wrong[ref] = (value, want)
        elif value != want:
            wrong[ref] = (value, want)
    return wrong
