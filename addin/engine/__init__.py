"""perfbook's scoring engine: standard library only, pure functions on plain data.

Modules: ``numbers`` (numbers out of free text, Excel rounding), ``natures`` (≥ ≤ = 定性, 分值),
``qualitative`` (scales and grades), ``methods`` (the named scoring formulas), ``scoring`` (one
row, the funds row, the grade), ``findings`` (what is inconsistent, and why), ``table`` (a whole
自评表), ``form`` (the form's labels), ``profiles`` (rules per jurisdiction), ``errors``.
"""

from .errors import PerfError, UserError
from .findings import KINDS, Finding, check_indicator
from .natures import NATURES, parse_nature, parse_weight
from .numbers import as_float, read_value, round_half_up
from .profiles import DEFAULT_PROFILE_ID, Profile, get_profile, list_profiles
from .scoring import IndicatorScore, exec_rate, exec_score, grade_of, score_detail, score_indicator
from .table import Funds, FundsSource, Indicator, Table, TableFinding, TableResult, evaluate_table

__all__ = [
    "DEFAULT_PROFILE_ID", "KINDS", "NATURES", "Finding", "Funds", "FundsSource", "Indicator",
    "IndicatorScore", "PerfError", "Profile", "Table", "TableFinding", "TableResult", "UserError",
    "as_float", "check_indicator", "evaluate_table", "exec_rate", "exec_score", "get_profile",
    "grade_of", "list_profiles", "parse_nature", "parse_weight", "read_value", "round_half_up",
    "score_detail", "score_indicator",
]
