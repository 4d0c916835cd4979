"""Recognising the scale of a 定性 row and the grade its free-text actual states."""

import pytest

from addin.engine import PerfError, get_profile
from addin.engine.qualitative import find_scale, read_grade

CHAOYANG = get_profile("beijing-chaoyang-2024")


@pytest.mark.parametrize(
    "target, scale",
    [
        ("优良中低差", "优良中低差"),
        ("优良中 低差", "优良中低差"),
        ("优良种低差", "优良中低差"),  # typo seen in the wild
        ("好坏", "好坏"),
        ("优良中", "优良中"),
        ("合格/不合格", "合格/不合格"),
        ("合格、不合格", "合格/不合格"),
        ("高中低", "高中低"),
        ("优良", "优良"),
        ("符合/不符合", "符合/不符合"),
        ("非常满意、较满意、基本满意、不满意", "非常满意、较满意、基本满意、不满意"),
        ("优", "优良中低差"),  # a single grade names the scale it belongs to
    ],
)
def test_find_scale(target, scale):
    assert find_scale(target, CHAOYANG).name == scale


@pytest.mark.parametrize(
    "actual, target, grade",
    [
        ("优（按照合同要求进行运维服务）", "优良中低差", "优"),
        ("好（完成全区政务网各项办公和业务系统的正常运转）", "好坏", "好"),
        ("合格", "合格/不合格", "合格"),
        ("不合格", "合格/不合格", "不合格"),
        ("符合(符合建设要求)", "符合/不符合", "符合"),
        ("不符合", "符合/不符合", "不符合"),
        ("数据共享率高", "高中低", "高"),
        ("已通过专家验收，验收结果为优", "优良", "优"),
        ("高(发现问题及时通知相关部门完成整改,误报率低于5%)", "高中低", "高"),
        ("优(根据实际账单量进行支出)", "优良中", "优"),
        ("良（部分功能延期上线）", "优良中低差", "良"),
        ("中", "优良中低差", "中"),
        ("质量一般", "优良中低差", "中"),
        ("优秀", "优良中低差", "优"),
        ("优（保障区政府网站通过北京市普查）", "好坏", "好"),  # 优 is the best of any scale
        ("差（未按期完成）", "好坏", "坏"),
        ("已接入政务专网", "好坏", "好"),  # achieved statement, as scored in table #4
        ("较满意", "非常满意、较满意、基本满意、不满意", "较满意"),
        ("<span>优</span>（按合同完成）", "优良中低差", "优"),
        ("较好", "优良中低差", "良"),   # the second of 好/较好/一般/较差/差 (it had read as 好, the best)
        ("运行效果较好", "优良中", "良"),
        ("较好", "好坏", "好"),
    ],
)
def test_read_grade(actual, target, grade):
    scale = find_scale(target, CHAOYANG)
    assert read_grade(actual, scale, CHAOYANG).name == grade


@pytest.mark.parametrize(
    "actual, message",
    [
        ("优化了系统性能", "实际完成值“优化了系统性能”中没有找到评价等级（优良中低差：优、良、中、低、差）"),
        ("未接入政务专网", "没有找到评价等级"),
        ("待评估", "没有找到评价等级"),
        ("", "定性指标的实际完成值为空"),
        ("没有偏差", "没有找到评价等级"),
    ],
)
def test_unknown_grade(actual, message):
    scale = find_scale("优良中低差", CHAOYANG)
    with pytest.raises(PerfError, match=message):
        read_grade(actual, scale, CHAOYANG)


@pytest.mark.parametrize("actual, target", [
    ("良", "好坏"),                        # the middle of 优良中低差, the worst of 优良: not 坏 (0 points)
    ("良好（运行稳定）", "合格/不合格"),     # 良好: 良 of 优良中低差, 好 of 好坏
    ("较好", "符合/不符合"),
    ("差", "优良"),                        # the worst of 优良 is 良 (80%): not a failure's share
    ("差", "优良中"),
])
def test_a_grade_of_other_scales_that_disagree_on_its_place_is_asked_for(actual, target):
    """A grade word of other scales maps by its position only where they agree (best, or worst
    onto a worst that scores 0): 良 on a 好坏 row had scored 0, and PERF_CHECK had asked to cut
    a 10 to 0; 差 on an 优良 row had scored 8."""
    scale = find_scale(target, CHAOYANG)
    with pytest.raises(PerfError, match="没有找到评价等级"):
        read_grade(actual, scale, CHAOYANG)


def test_a_failing_grade_of_another_scale_is_the_failing_grade():
    for actual, target, grade in (("不合格", "优良中低差", "差"), ("差", "合格/不合格", "不合格"), ("不好", "优良中低差", "差")):
        assert read_grade(actual, find_scale(target, CHAOYANG), CHAOYANG).name == grade


def test_unknown_scale():
    with pytest.raises(PerfError, match="定性指标的年度指标值“有效提升”不是规则认可的评价等级"):
        find_scale("有效提升", CHAOYANG)


FAILURES = ["已取消", "已终止", "已逾期", "已暂停", "已中止", "已延期", "已撤销", "已停止服务",
            "已完成部分", "已逾期完成", "全部取消", "均已暂停", "已完成，但验收不合格", "未完成", "尚未完成",
            # partial completion is not the best grade either
            "已完成80%", "已完成８０％", "已基本完成", "已完成但有遗漏", "已大部完成", "已完成，待验收", "已上线，仍在调试",
            "已交付，缺少文档"]


@pytest.mark.parametrize("profile", ["beijing-chaoyang-2024", "mof-2020"])
@pytest.mark.parametrize("actual", FAILURES)
def test_a_statement_of_failure_is_no_grade(profile, actual):
    rules = get_profile(profile)
    for target in ("好坏", "优良中低差"):
        scale = find_scale(target, rules)
        with pytest.raises(PerfError, match="没有找到评价等级"):
            read_grade(actual, scale, rules)


@pytest.mark.parametrize(
    "actual",
    ["已接入政务专网", "已完成", "均已完成验收", "全部上线运行", "已按合同要求完成运维", "已通过验收"],
)
def test_a_statement_of_completion_is_the_best_grade(actual):
    for profile in ("beijing-chaoyang-2024", "mof-2020"):
        rules = get_profile(profile)
        scale = find_scale("好坏", rules)
        assert read_grade(actual, scale, rules) is scale.grades[0]


@pytest.mark.parametrize("actual", ["已调整", "已知悉", "已", "已开始实施"])
def test_a_statement_without_a_completion_word_is_not_guessed(actual):
    scale = find_scale("好坏", CHAOYANG)
    with pytest.raises(PerfError, match="没有找到评价等级"):
        read_grade(actual, scale, CHAOYANG)


def test_without_statements_in_the_profile_no_statement_counts():
    from dataclasses import replace

    strict = replace(CHAOYANG, statements=None)
    with pytest.raises(PerfError, match="没有找到评价等级"):
        read_grade("已接入政务专网", find_scale("好坏", strict), strict)


def test_perf_check_no_longer_passes_a_failure():
    from addin.engine import check_indicator

    (finding,) = check_indicator("定性", "好坏", "已取消", 10, 10, None)
    assert finding.kind == "unreadable" and "没有找到评价等级" in finding.message


@pytest.mark.parametrize("actual, grade", [
    ("运行良好（优）", "优"), ("运行良好(良)", "良"), ("运行良好（ 中 ）。", "中"), ("运行良好（优秀）", "优"),
    ("优（按照合同要求进行运维服务）", "优"),   # (a grade at the start, its reason in brackets)
])
def test_a_grade_alone_in_closing_brackets_is_the_grade_stated(actual, grade):
    """运行良好（优）: the bracketed grade a sentence closes on is the grade, not “no grade found”."""
    from addin.engine.scoring import score_detail

    assert score_detail("定性", "优良中低差", actual, 10).grade.name == grade


def test_a_sentence_closing_on_other_words_in_brackets_still_states_no_grade():
    from addin.engine import PerfError
    from addin.engine.scoring import score_detail

    with pytest.raises(PerfError, match="没有找到评价等级"):
        score_detail("定性", "优良中低差", "运行良好（按合同）", 10)


@pytest.mark.parametrize(("actual", "grade"), [
    ("部分达成预期指标", "部分达成"), ("未达成预期指标", "未达成"),   # 湖北's printed 备注
    ("部分达成年度指标并具有一定效果", "部分达成"), ("未达成年度指标且效果较差", "未达成"),   # the national bands
    ("达成预期指标", "达成"), ("未达到预期", "未达成"), ("部分达到预期目标", "部分达成"),
])
def test_the_three_grade_scale_in_its_official_wordings(actual, grade):
    for profile in ("mof-2020", "hubei-2020", "sichuan-2023"):
        rules = get_profile(profile)
        assert read_grade(actual, find_scale("达成/部分达成/未达成", rules), rules).name == grade


@pytest.mark.parametrize("actual", ["优/良", "优、良", "良 / 中"])
def test_an_actual_of_several_grades_is_refused(actual):
    scale = find_scale("优良中低差", CHAOYANG)
    with pytest.raises(PerfError, match="写了几个等级"):
        read_grade(actual, scale, CHAOYANG)


def test_two_spellings_of_one_grade_are_that_grade():
    """优/优秀 names one grade: read, not refused as several."""
    scale = find_scale("优良中低差", CHAOYANG)
    assert read_grade("优/优秀", scale, CHAOYANG).name == "优"
