"""beijing-chaoyang-2024: notes 6–8 of the Chaoyang 2024 self-evaluation form."""

from decimal import Decimal

import pytest

from addin.engine import get_profile, score_detail, score_indicator

ID = "beijing-chaoyang-2024"


def test_is_the_default_and_states_its_source():
    profile = get_profile(None)
    assert profile.id == ID
    assert "填报注意事项" in profile.source
    assert profile.limitations and len(profile.notes) == 8


@pytest.mark.parametrize(
    "actual, deduction, score",
    [
        ("2", "0", "10.00"),    # +100%: no deduction
        ("2.99", "0", "10.00"),  # +199%
        ("3", "0.10", "9.00"),  # +200% (含)
        ("3.99", "0.10", "9.00"),
        ("4", "0.20", "8.00"),  # +300% (含)
        ("5.99", "0.20", "8.00"),
        ("6", "0.30", "7.00"),  # +500% (含)
        ("7", "0.30", "7.00"),  # table #26
        ("100", "0.30", "7.00"),
    ],
)
def test_over_target_ladder_of_note_7(actual, deduction, score):
    detail = score_detail("≥", "1", actual, 10, ID)
    assert detail.deduction == Decimal(deduction)
    assert detail.score == Decimal(score)


def test_ladder_only_for_positive_indicators():
    assert score_indicator("≤", "12", "1", 10, ID) == Decimal("10.00")


def test_qualitative_shares():
    assert score_indicator("定性", "优良中低差", "优（…）", 30, ID) == Decimal("30.00")
    assert score_indicator("定性", "优良中低差", "良", 30, ID) == Decimal("24.00")
    assert score_indicator("定性", "优良中低差", "中", 30, ID) == Decimal("18.00")
    assert score_indicator("定性", "优良中低差", "差", 30, ID) == Decimal("0.00")
    assert score_indicator("定性", "好坏", "坏", 30, ID) == Decimal("0.00")
    assert score_indicator("定性", "合格/不合格", "合格", 10, ID) == Decimal("10.00")


def test_equal_not_met_scores_the_smaller_ratio():
    assert score_indicator("=", "4", "3份", 15, ID) == Decimal("11.25")
