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


def test_unknown_scale():
    with pytest.raises(PerfError, match="定性指标的年度指标值“有效提升”不是规则认可的评价等级"):
        find_scale("有效提升", CHAOYANG)
