"""The contract every rule profile keeps (run over every profile list_profiles() returns), and
the settings a profile file may not get wrong: each is refused when the profile is loaded."""

from pathlib import Path

import pytest

from addin.engine import PerfError, get_profile, list_profiles, score_indicator
from addin.engine.methods import FUNDS, QUANTITATIVE
from addin.engine.profiles import SHARED_SCALES, ProfileDefinitionError, load_profiles, profile_texts

PROFILES = list_profiles()
TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("profile", PROFILES, ids=[p.id for p in PROFILES])
def test_profile_contract(profile):
    assert profile.name.strip() and profile.source.strip()
    assert profile.limitations and all(text.strip() for text in profile.limitations)
    assert (TESTS / f"test_profile_{profile.id.replace('-', '_')}.py").is_file()
    for nature, method in profile.methods.items():
        assert nature in QUANTITATIVE[method].natures
    assert profile.funds_method in FUNDS
    minimums = [m for _, m in profile.grade_bands]
    assert minimums == sorted(minimums, reverse=True) and minimums[-1] == 0
    assert profile.scales
    for scale in profile.scales:  # complete: every grade scores, best first, within its band
        shares = [g.share for g in scale.grades]
        assert shares == sorted(shares, reverse=True)
        for grade in scale.grades:
            assert grade.band[0] <= grade.share <= grade.band[1]
            assert score_indicator("定性", scale.name, grade.name, 10, profile) == grade.share * 10
    if profile.statements is not None:  # statements of failure are never a grade
        for actual in ("已取消", "已终止", "已逾期", "已暂停", "未完成", "已完成部分"):
            with pytest.raises(PerfError, match="没有找到评价等级"):
                score_indicator("定性", profile.scales[0].name, actual, 10, profile)
        for word in profile.statements.completion:  # every completion word can count
            actual = profile.statements.prefixes[0] + word
            assert score_indicator("定性", profile.scales[0].name, actual, 10, profile) == 10
    assert profile.notes


def _texts(profile_id: str, old: str, new: str) -> dict[str, str]:
    texts = dict(profile_texts())
    name = f"{profile_id}.toml"
    assert old in texts[name], old
    texts[name] = texts[name].replace(old, new, 1)
    return texts


def test_shipped_texts_load():
    assert set(load_profiles(profile_texts())) == {p.id for p in PROFILES}
    assert SHARED_SCALES in profile_texts()


@pytest.mark.parametrize(
    "old,new,complaint",
    [
        ('applies_to = ["≥"]', 'applies_to = ["≥", "="]', "applies_to"),
        ('positive = "ratio_capped"', 'positive = "min_ratio"', "not a method for ≥"),
        ('reverse = "inverse_ratio_capped"', 'reverse = "inverse_ratio"', "not a method for ≤"),
        ('method = "rate_capped"', 'method = "rate_uncapped"', "unknown funds method"),
        ('"低" = { share = 0.3 }', "", "has no share"),
        ('"良" = { share = 0.8 }', '"良" = { share = 1.5 }', "bad share"),
        ('"良" = { share = 0.8 }', '"良" = { share = 0.8 }\n"甲" = { share = 0.8 }', "no listed scale"),
        ('"中" = { share = 0.6 }', '"中" = { share = 0.9 }', "from the best down"),
        ('scales = [    # from _scales.toml', 'scales = [ "无此等级",  # ', "unknown scale"),
        ('mode = "ladder"', 'mode = "finding"', "a ladder is given exactly"),
        ('{ grade = "良", min = 80 }', '{ grade = "良", min = 95 }', "grade bands"),
        ('{ grade = "差", min = 0 }', '{ grade = "差", min = 10 }', "lowest grade band"),
        ('id = "beijing-chaoyang-2024"', 'id = "beijing-chaoyang"', "does not match"),
        ('"完成", "通过",', '"完成", "未通过",', "contain a failure word"),
        ('prefixes = ["已", "均已", "全部"]', 'prefixes = []', "prefixes must be a non-empty list"),
        ('prefixes = ["已", "均已", "全部"]', 'prefixes = ["已", ""]', "prefixes must be a non-empty list"),
        ('failure = [', 'failures = [', "exactly prefixes, completion and failure"),
    ],
)
def test_a_setting_that_cannot_be_honoured_is_refused(old, new, complaint):
    with pytest.raises(ProfileDefinitionError, match=complaint):
        load_profiles(_texts("beijing-chaoyang-2024", old, new))


def test_missing_source_or_limitations_is_refused():
    texts = _texts("mof-2020", "limitations = [", "unused = [")
    with pytest.raises(ProfileDefinitionError, match="limitations"):
        load_profiles(texts)
    texts = _texts("mof-2020", 'source = "', 'source = "" #')
    with pytest.raises(ProfileDefinitionError, match="source"):
        load_profiles(texts)


def test_finding_mode_needs_its_threshold():
    with pytest.raises(ProfileDefinitionError, match="finding_from"):
        load_profiles(_texts("mof-2020", "finding_from = 1.0", "#"))


def test_the_chosen_method_is_the_one_applied():
    texts = _texts("beijing-chaoyang-2024", 'reverse = "inverse_ratio_capped"', 'reverse = "linear_to_double"')
    profile = load_profiles(texts)["beijing-chaoyang-2024"]
    assert score_indicator("≤", 2, 3, 10, profile) == 5     # 1 − (3−2)/2
    assert str(score_indicator("≤", 2, 3, 10)) == "6.67"
    texts = _texts("beijing-chaoyang-2024", 'equal = "min_ratio"', 'equal = "all_or_nothing"')
    assert score_indicator("=", 4, 5, 10, load_profiles(texts)["beijing-chaoyang-2024"]) == 0


def test_profiles_share_their_scales():
    chaoyang, mof = (p for p in PROFILES if p.id in ("beijing-chaoyang-2024", "mof-2020"))
    words = lambda p: {s.name: [g.words for g in s.grades] for s in p.scales}  # noqa: E731
    assert {k: v for k, v in words(mof).items() if k in words(chaoyang)} == words(chaoyang)


@pytest.mark.parametrize("old,new,complaint", [
    ('basis = "received"', 'basis = "planned"', "unknown funds basis"),
    ('level1 = ["效益指标"]', 'level1 = ["效益"]', "unknown 一级指标"),
    ('level1 = ["效益指标"]', 'level1 = ["效益指标", "成本指标"]', "one weight group only"),
    ('name = "满意度"\nweight = 5', 'name = "满意度"\nweight = 6', "add up to 101"),
])
def test_yichun_settings_that_cannot_be_honoured_are_refused(old, new, complaint):
    with pytest.raises(ProfileDefinitionError, match=complaint):
        load_profiles(_texts("yichun-2022", old, new))


def test_a_profile_without_statements_accepts_none():
    texts = dict(profile_texts())
    name = "beijing-chaoyang-2024.toml"
    start = texts[name].index("\n[qualitative.statements]")
    end = texts[name].index("\n[qualitative.grades]")
    texts[name] = texts[name][:start] + texts[name][end:]
    profile = load_profiles(texts)["beijing-chaoyang-2024"]
    assert profile.statements is None
    with pytest.raises(PerfError, match="没有找到评价等级"):
        score_indicator("定性", "好坏", "已接入政务专网", 10, profile)
    assert score_indicator("定性", "好坏", "已接入政务专网", 10) == 10


@pytest.mark.parametrize(
    "profile_id,old,new,complaint",
    [
        ("mof-2020", 'bare = "≥"', 'bare = "定性"', "not one of"),
        ("mof-2020", 'bare = "≥"', 'bares = "≥"', "gives bare"),
        ("mof-2020", '{ "成本指标" = "≤" }', '{ "投入指标" = "≤" }', "unknown 一级指标"),
        ("mof-2020", 'default_scale = "达成/部分达成/未达成"', 'default_scale = "甲乙丙"', "default_scale"),
        ("sichuan-2023", "reason_below = 0.9", "reason_below = 90", "between 0 and 1"),
        ("sichuan-2023", 'extends = "mof-2020"', 'extends = "no-such"', "extends"),
    ],
)
def test_new_settings_that_cannot_be_honoured_are_refused(profile_id, old, new, complaint):
    with pytest.raises(ProfileDefinitionError, match=complaint):
        load_profiles(_texts(profile_id, old, new))


def test_extends_takes_the_base_tables_and_overrides_key_by_key():
    texts = _texts("sichuan-2023", "reason_below = 0.9", "reason_below = 0.8\nweight = 20")
    sichuan = load_profiles(texts)["sichuan-2023"]
    assert sichuan.funds_weight == 20 and sichuan.funds_method == "rate_capped"   # method from mof-2020
    assert str(sichuan.funds_reason_below) == "0.8" and sichuan.source != get_profile("mof-2020").source
