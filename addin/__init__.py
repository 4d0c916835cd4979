"""perfbook's scoring engine: standard library only, pure functions on plain data."""

from .errors import PerfError
from .numbers import read_value, round_half_up
from .profile import DEFAULT_PROFILE_ID, Profile, get_profile, list_profiles
from .scoring import (
    NATURES,
    IndicatorScore,
    exec_rate,
    exec_score,
    grade_of,
    parse_nature,
    score_detail,
    score_indicator,
)

__all__ = [
    "DEFAULT_PROFILE_ID",
    "NATURES",
    "IndicatorScore",
    "PerfError",
    "Profile",
    "exec_rate",
    "exec_score",
    "get_profile",
    "grade_of",
    "list_profiles",
    "parse_nature",
    "read_value",
    "round_half_up",
    "score_detail",
    "score_indicator",
]
