"""The five scoring methods of an evaluation framework and the criterion parser, each on its own;
property tests: every method stays within [0, 分值]; a band never gives more to a worse value, on
generated criteria too (bands both ways with random boundaries, with and without （含）; checklists
that add up or pick one)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.engine import PerfError
from addin.engine.frameworks import METHODS, band, checklist, deduction, judgement, parse_criterion, ratio
from addin.engine.frameworks.methods import NotAllowed

D = Decimal
GOALS = "①设有目标（1分）②目标明确（1分）③目标细化（1分）④目标量化（1分）"
TIMELY = "①到位及时（2分）②不及时但未影响项目进度（1分）③不及时并影响项目进度（0.5分）"
SATISFACTION = "满意率达90%（含）以上的得8分，80%（含）-90%得6分，70%（含）-80%得4分，60%（含）-70%得2分，60%以下不得分。"
REPAIR = "故障修复时间2小时（含）以内得5分，2-4小时（含）得3分，4小时以上不得分"
FUNDS_USE = "①虚列套取扣4-7分 ②依据不合规扣2分 ③截留、挤占、挪用扣3-6分 ④超标准开支扣2-5分 ⑤超预算扣2-5分"


@pytest.mark.parametrize("met,points", [("①②④", 3), ("1,2,4", 3), ("全部", 4), (None, 0), ("", 0), (3, 1),
                                        ("1、3", 2)])
def test_checklist_adds_the_items_met(met, points):
    assert checklist(parse_criterion(GOALS, 4), met) == points


def test_checklist_alternatives_score_the_one_chosen():
    criterion = parse_criterion(TIMELY, 2)
    assert criterion.alternatives
    assert checklist(criterion, "③") == D("0.5") and checklist(criterion, "①") == 2
    with pytest.raises(PerfError, match="只能选择一项"):
        checklist(criterion, "①②")
    with pytest.raises(PerfError, match="只能选择一项"):
        checklist(criterion, "全部")


@pytest.mark.parametrize("text", ["设有目标(1分) 目标明确(1分) 目标细化（1分） 目标量化(1分)",
                                  "设有目标(1分)目标明确(1分)目标细化(1分)目标量化(1分)。"])
def test_an_unnumbered_checklist_is_itemised_by_its_points(text):
    """Hunan's 计分表 lists the items without ①②: each item ends with its (N分)."""
    criterion = parse_criterion(text, 4)
    assert [(i.number, i.label, i.high) for i in criterion.items] == [
        (1, "设有目标", 1), (2, "目标明确", 1), (3, "目标细化", 1), (4, "目标量化", 1)]
    assert checklist(criterion, "1,3") == 2 and checklist(criterion, "全部") == 4
    two = parse_criterion("符合分配办法(2分) 分配公平合理(3分)", 5)
    assert [(i.label, i.high) for i in two.items] == [("符合分配办法", 2), ("分配公平合理", 3)]
    assert parse_criterion("资料齐全(3分)", 3).items[0].label == "资料齐全"


@pytest.mark.parametrize("text,points,items", [
    ("目标设定(4分)：设有目标(1分) 目标明确(1分) 目标细化(1分) 目标量化(1分)", 4,
     [("设有目标", 1), ("目标明确", 1), ("目标细化", 1), ("目标量化", 1)]),   # a heading is no item
    ("资金管理(2分)：制度健全(2分)", 2, [("制度健全", 2)]),
    ("设有目标(1分)、目标明确(1分)", 2, [("设有目标", 1), ("目标明确", 1)]),
    ("①设有目标(1分) 其他(1分)", 1, [("设有目标", 1)]),   # numbered (one ①): read as numbered
])
def test_how_an_unnumbered_list_is_itemised(text, points, items):
    assert [(i.label, i.high) for i in parse_criterion(text, points).items] == items


def test_points_followed_by_more_text_are_not_an_item_list():
    """Text after the last (N分) is no item of its own: the list is not itemised by the points,
    and one entry's points do not add up to the 分值."""
    with pytest.raises(PerfError, match="各项分值合计1分"):
        parse_criterion("设有目标(1分) 目标明确(1分) 其他情况酌减", 2)


@pytest.mark.parametrize("met,message", [("⑤", "第5项不在评分标准中"), ("1,1", "重复"), ("abc", "应写成")])
def test_checklist_refuses_what_it_cannot_read(met, message):
    with pytest.raises(PerfError, match=message):
        checklist(parse_criterion(GOALS, 4), met)


@pytest.mark.parametrize("value,points", [("96%", 8), ("90%", 8), ("89.99%", 6), ("80%", 6), (0.85, 6),
                                          ("满意率为75%", 4), ("60%", 2), ("59%", 0), (0.3, 0)])
def test_band_owns_each_boundary_as_the_text_says(value, points):
    assert band(parse_criterion(SATISFACTION, 8), value) == points


@pytest.mark.parametrize("value,points", [("1.5小时", 5), ("2小时", 5), (3, 3), ("4小时", 3), ("4.1小时", 0)])
def test_band_in_the_other_direction(value, points):
    assert band(parse_criterion(REPAIR, 5), value) == points


@pytest.mark.parametrize("value,points", [(0.85, 6), (1, 8), (1.05, 8), (85, 6), (105, 8), ("85%", 6),
                                          ("105%", 8), ("0.85", 6), (0.59, 0), (2, 8), (0, 0)])
def test_a_percent_band_reads_a_bare_number_up_to_2_as_a_fraction(value, points):
    """A %-formatted cell showing 105% holds 1.05: it scores like 105%, not like 1.05%."""
    assert band(parse_criterion(SATISFACTION.replace("满意率", "完成率"), 8), value) == points


@pytest.mark.parametrize("value,said", [(1.05, "实际值1.05即105%"), ("105%", "实际值105%，满意率"), (2, "即200%"),
                                        (150, "即150%"), ("100.5%", "实际值100.5%，满意率")])
def test_a_satisfaction_rate_above_100_percent_is_refused(value, said):
    """满意率 120% is no survey's result (it had scored full points, as 2 in a %-formatted cell)."""
    with pytest.raises(NotAllowed, match=said):
        band(parse_criterion(SATISFACTION, 8), value)
    assert band(parse_criterion(SATISFACTION, 8), 1) == 8 and band(parse_criterion(SATISFACTION, 8), "100%") == 8


@pytest.mark.parametrize("value,points", [("180分钟", 3), ("120分钟", 5), ("0.1天", 3), ("1天", 0), ("3h", 3),
                                          ("修复用时90分钟", 5)])
def test_a_value_with_a_unit_of_the_same_quantity_is_converted(value, points):
    assert band(parse_criterion(REPAIR, 5), value) == points


@pytest.mark.parametrize("criterion,value,message", [
    (SATISFACTION, "3小时", "单位是小时，评分标准的单位是%"),
    (REPAIR, "85%", "单位是%，评分标准的单位是小时"),
    (REPAIR, "3万元", "单位是万元，评分标准的单位是小时"),
])
def test_a_value_in_a_unit_that_cannot_be_converted_is_refused_not_scored_0(criterion, value, message):
    with pytest.raises(PerfError, match=message):
        band(parse_criterion(criterion), value)


@pytest.mark.parametrize("value", ["4.5分", "85分", "满意度得分 4.5 分"])
def test_a_score_is_no_rate_for_a_percent_band(value):
    """A satisfaction survey's 4.5分 (of 5) had scored 0 as 4.5%, and 85分 had been read as 85%."""
    with pytest.raises(PerfError, match="是分数，评分标准按百分比分档，请填写百分比"):
        band(parse_criterion(SATISFACTION, 8), value)
    assert band(parse_criterion(REPAIR, 5), "90分钟") == 5   # (分钟 is a unit of time)


def test_a_small_percent_band_refuses_a_bare_number_it_cannot_read_one_way():
    errors = parse_criterion("差错率0.5%（含）以内得5分，0.5%-1%（含）得3分，1%以上不得分。", 5)
    assert [b.high for b in errors.bands] == [D("0.5"), D(1), None]   # 0.5 is no clause end
    assert band(errors, "0.8%") == 3 and band(errors, 0.003) == 5 and band(errors, 1.5) == 0
    with pytest.raises(PerfError, match="可读作30%（百分比格式的单元格）或0.3%"):
        band(errors, 0.3)


def test_band_without_inclusion_marks_takes_the_usual_reading():
    criterion = parse_criterion("完成率90%以上得4分，80%-90%得2分，80%以下不得分", 4)
    assert [band(criterion, v) for v in ("90%", "85%", "80%", "79%")] == [4, 2, 2, 0]


def test_ratio_is_capped_and_rounded():
    criterion = parse_criterion("根据项目资金的实际到位率计算得分（3分）", 3)
    assert ratio(criterion, 369, 369) == 3 and ratio(criterion, 400, 369) == 3
    assert ratio(criterion, 207, 369) == D("1.68")
    cost = parse_criterion("项目产出成本按绩效目标控制得3分，未完成的，按超支比例扣减。", 3)
    assert ratio(cost, 110, 100) == D("2.70") and ratio(cost, 90, 100) == 3
    with pytest.raises(PerfError, match="计划值为0"):
        ratio(criterion, 1, 0)


def test_ratio_converts_the_actual_into_the_planned_amounts_unit():
    """2,070,000元 of 369万元 is 207万元 of it (the units had been dropped: 2,070,000 ÷ 369, full points)."""
    criterion = parse_criterion("根据项目资金的实际到位率计算得分（3分）", 3)
    assert ratio(criterion, "2,070,000元", "369万元") == ratio(criterion, "207万元", "369万元") == D("1.68")
    with pytest.raises(PerfError, match="实际值写的是万元，计划值“369”没有写单位"):
        ratio(criterion, "207万元", 369)   # 元 or 万元? (950000 of 100万元 had scored full points)
    with pytest.raises(PerfError, match="计划值写的是万元，实际值“950000”没有写单位"):
        ratio(criterion, 950000, "100万元")
    assert ratio(criterion, "3小时", "180分钟") == 3
    with pytest.raises(PerfError, match="实际值“3小时”的单位是小时，计划值的单位是万元，两者无法换算"):
        ratio(criterion, "3小时", "5万元")


def test_deduction_checks_each_amount_against_its_item():
    criterion = parse_criterion(FUNDS_USE, 7)
    assert deduction(criterion, None) == 7
    assert deduction(criterion, "2,3") == 2         # 依据不合规 2 + 截留 3
    assert deduction(criterion, "①5③4") == 0       # floored at 0
    assert deduction(criterion, 2) == 5
    with pytest.raises(PerfError, match="应扣2分"):
        deduction(criterion, "②3")
    with pytest.raises(PerfError, match="与评分标准的扣分项不符"):
        deduction(criterion, 1)
    assert deduction(D(7), "1,2") == 4              # without a criterion: any amounts


def test_judgement_within_the_points():
    criterion = parse_criterion("完成绩效目标设定的经济效益得8分，未完成的，按完成情况酌情扣分。", 8)
    assert criterion.method == "judgement" and judgement(criterion, 6.5) == D("6.5")
    with pytest.raises(PerfError, match="0–8"):
        judgement(criterion, 9)


@pytest.mark.parametrize("text,points,message", [
    ("①设有目标（1分）②目标明确（2分）", 4, "合计3分"),
    ("①设有目标（1分）③目标明确（1分）", 2, "编号不连续"),
    ("满意率90%以上得8分，80%以下得4分", 8, "不相接"),
    ("满意率90%（含）以上得8分，80%-90%（含）得6分，80%以下不得分", 8, "同时属于"),
    ("满意率90%以上得6分，80%-90%得8分，80%以下不得分", 8, "单调"),
    ("①虚列套取扣9分", 7, "超过该指标分值"),
    ("满意率达90%以上的得8分", 8, "读不出至少两档"),
])
def test_a_form_that_cannot_be_read_is_an_error_not_a_zero(text, points, message):
    with pytest.raises(PerfError, match=message) as err:
        parse_criterion(text, points)
    assert "无法读取" in str(err.value) or "两档" in str(err.value)


def test_anything_else_is_judgement():
    assert parse_criterion("根据项目实际情况综合评价", 5).method == "judgement"
    assert parse_criterion(None, 5).method == "judgement"


def test_methods_are_a_registry():
    assert set(METHODS) == {"checklist", "band", "ratio", "deduction", "judgement"}


_money = st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.integers(1, 4), unique=True))
def test_checklist_stays_within_points(picked):
    assert 0 <= checklist(parse_criterion(GOALS, 4), ",".join(map(str, picked))) <= 4


@given(_money, st.decimals(min_value=D("0.01"), max_value=10000, places=2))
def test_ratio_stays_within_points(actual, planned):
    for text in ("未完成100%的同比例扣减", "按超支比例扣减"):
        assert 0 <= ratio(parse_criterion(text, 5), actual, planned) <= 5


@given(st.lists(st.sampled_from(["①4", "①7", "②2", "③3", "③6", "④5", "⑤2"]), unique_by=lambda s: s[0]))
def test_deduction_stays_within_points(parts):
    assert 0 <= deduction(parse_criterion(FUNDS_USE, 7), "".join(parts)) <= 7


@given(st.decimals(min_value=0, max_value=150, places=2), st.decimals(min_value=0, max_value=150, places=2))
def test_a_band_never_gives_more_to_a_worse_value(a, b):
    criterion = parse_criterion(SATISFACTION.replace("满意率", "完成率"), 8)   # (a 满意率 stops at 100%)
    low, high = sorted((a, b))
    assert 0 <= band(criterion, f"{low}%") <= band(criterion, f"{high}%") <= 8
    repair = parse_criterion(REPAIR, 5)
    assert band(repair, f"{low}小时") >= band(repair, f"{high}小时")


@given(st.decimals(min_value=0, max_value=8, places=2))
def test_allowed_scores_are_those_the_methods_give(score):
    criterion = parse_criterion(FUNDS_USE, 7)
    if score <= 7 and METHODS["deduction"].allows(criterion, score):
        assert score in (7, 0) or 7 - score >= 2
    assert not METHODS["band"].allows(parse_criterion(SATISFACTION, 8), D("7"))


# --- generated criteria ----------------------------------------------------------------------

INCLUDED = "（含）"
CIRCLED = "①②③④⑤⑥"
TIER_LABELS = ("及时", "不及时但未影响进度", "不及时并影响进度", "基本完成", "部分完成", "未完成")


@st.composite
def band_criteria(draw):
    """(text, 分值, direction, boundaries, owners, unit) of a band criterion: ``up`` (more is better,
    ``…90%（含）以上的得8分…60%以下不得分``) or ``down`` (less is better, ``…2小时（含）以内得5分…``),
    1–4 random boundaries, each owned by the band above (``upper``) or below (``lower``) through
    ``（含）``, or by neither mark (``None``: the usual reading)."""
    direction = draw(st.sampled_from(["up", "down"]))
    unit = draw(st.sampled_from(["%"] if direction == "up" else ["小时", "天", "分钟"]))
    count = draw(st.integers(1, 4))
    bounds = sorted(draw(st.lists(st.decimals(min_value=1, max_value=200, places=1), min_size=count,
                                  max_size=count, unique=True)))
    points = sorted(draw(st.lists(st.decimals(min_value=0, max_value=20, places=1), min_size=count + 1,
                                  max_size=count + 1, unique=True).filter(lambda p: max(p) > 0)))
    if direction == "down":
        points.reverse()                        # points[i]: the band below bounds[i], then the top band
    owners = draw(st.lists(st.sampled_from(["upper", "lower", None]), min_size=count, max_size=count))
    b = [format(x, "f") for x in bounds]

    def low_mark(i):   # the band whose lower boundary is bounds[i]
        return INCLUDED if owners[i] == "upper" else ""

    def high_mark(i):  # the band whose upper boundary is bounds[i]
        return INCLUDED if owners[i] == "lower" else ""

    def gain(p):
        return "不得分" if p == 0 else f"得{format(p, 'f')}分"

    bottom = f"{b[0]}{unit}{high_mark(0)}{'以下' if direction == 'up' else '以内'}{gain(points[0])}"
    middle = [f"{b[i]}{unit}{low_mark(i)}-{b[i + 1]}{unit}{high_mark(i + 1)}{gain(points[i + 1])}"
              for i in range(count - 1)]
    top = f"{b[-1]}{unit}{low_mark(count - 1)}以上{'的' if direction == 'up' else ''}{gain(points[-1])}"
    clauses = [bottom, *middle, top]
    if direction == "up":
        clauses.reverse()
    text = ("完成率达" if direction == "up" else "故障修复时间") + "，".join(clauses) + "。"
    return text, max(points), direction, bounds, owners, unit, points


@st.composite
def checklists(draw):
    """(text, 分值, alternatives, item points): ``①…（1分）②…（2分）`` adding up to 分值, or
    alternative tiers with decreasing points of which the first is 分值."""
    alternatives = draw(st.booleans())
    count = draw(st.integers(2 if alternatives else 1, 6))
    points = draw(st.lists(st.decimals(min_value=D("0.5"), max_value=5, places=1), min_size=count,
                           max_size=count, unique=alternatives))
    if alternatives:
        points.sort(reverse=True)
    labels = TIER_LABELS if alternatives else [f"条件{i}" for i in range(1, count + 1)]
    text = "".join(f"{CIRCLED[i]}{labels[i]}（{format(p, 'f')}分）" for i, p in enumerate(points))
    return text, max(points) if alternatives else sum(points), alternatives, points


def _text(value: D, unit: str) -> str:
    return f"{format(value, 'f')}{unit}"


@given(band_criteria(), st.lists(st.decimals(min_value=0, max_value=250, places=2), min_size=2, max_size=6))
def test_a_generated_band_never_gives_more_to_a_worse_value(generated, values):
    text, points, direction, bounds, _, unit, _ = generated
    criterion = parse_criterion(text, points)
    assert criterion.method == "band" and criterion.points == points
    probes = sorted({*values, *bounds, *(x + D("0.01") for x in bounds), *(x - D("0.01") for x in bounds)})
    probes = [v for v in probes if v >= 0]
    scores = [band(criterion, _text(v, unit)) for v in probes]
    assert all(0 <= s <= points for s in scores)
    better_first = scores if direction == "up" else scores[::-1]
    assert better_first == sorted(better_first)       # more is better (up) or less is better (down)


@given(band_criteria())
def test_a_generated_band_gives_each_boundary_to_the_band_that_owns_it(generated):
    text, points, direction, bounds, owners, unit, band_points = generated
    criterion = parse_criterion(text, points)
    for i, (bound, owner) in enumerate(zip(bounds, owners)):
        if owner is None:   # the usual reading: 以上 and a range's start own it, unless 以内 meets a range
            owner = "lower" if direction == "down" and i == 0 and len(bounds) > 1 else "upper"
        expected = band_points[i] if owner == "lower" else band_points[i + 1]
        assert band(criterion, _text(bound, unit)) == expected
        inside_above = (bound + bounds[i + 1]) / 2 if i + 1 < len(bounds) else bound + 1
        assert band(criterion, _text(inside_above, unit)) == band_points[i + 1]


@given(checklists(), st.data())
def test_a_generated_checklist_stays_within_points_and_adds_up(generated, data):
    text, points, alternatives, item_points = generated
    criterion = parse_criterion(text, points)
    assert criterion.method == "checklist" and criterion.alternatives == alternatives
    numbers = range(1, len(item_points) + 1)
    if alternatives:
        chosen = [data.draw(st.sampled_from(numbers))]
    else:
        chosen = data.draw(st.lists(st.sampled_from(numbers), unique=True))
    score = checklist(criterion, ",".join(map(str, chosen)))
    assert 0 <= score <= points
    assert score == sum((item_points[n - 1] for n in chosen), D(0))
    if not alternatives:
        assert checklist(criterion, "全部") == points


@given(st.decimals(min_value=D("0.5"), max_value=30, places=1), st.decimals(min_value=-5, max_value=40, places=2))
def test_judgement_stays_within_points(points, score):
    criterion = parse_criterion("按完成情况酌情扣分", points)
    if 0 <= score <= points:
        assert 0 <= judgement(criterion, score) <= points
    else:
        with pytest.raises(PerfError, match="应在0"):
            judgement(criterion, score)


def test_a_single_value_at_the_top_is_a_band_of_its_own():
    """完成率100%得5分，90%（含）-100%得3分，90%以下不得分: 5 at 100% (and above), 3 from 90% to
    below 100%, 0 below 90% (a single value was "没有读出数值区间")."""
    from addin import udfs

    criterion = "完成率100%得5分，90%（含）-100%得3分，90%以下不得分"
    assert [udfs.PERF_BAND(criterion, v) for v in ("100%", "95%", "90%", "85%", "105%")] == [5, 3, 3, 0, 5]


def test_an_unnumbered_deduction_no_item_allows_is_not_allowed_not_unreadable():
    """3 against items deducting 4–7 and 2 is read, and not allowed (it had been 无法读取的值)."""
    from addin.engine.frameworks.methods import NotAllowed

    with pytest.raises(NotAllowed, match="扣分3与评分标准的扣分项不符"):
        deduction(parse_criterion("①虚列套取扣4-7分 ②依据不合规扣2分", 7), "3")


@pytest.mark.parametrize("text", [
    "满意率≥90%得8分，80%≤满意率<90%得6分，满意率<80%不得分",   # comparison signs
    "满意率90%以上得8分，80%至90%得6分，80%以下不得分",           # 至 for a range
    "满意率90%及以上得8分，80%到90%得6分，80%以下不得分",
])
def test_bands_written_with_signs_or_words_for_a_range(text):
    """Wordings of real criteria (they had been refused as no bands, or as bands that do not meet)."""
    criterion = parse_criterion(text, 8)
    assert [band(criterion, v) for v in ("90%", "89.9%", "80%", "79.9%")] == [8, 6, 6, 0]


def test_comparison_signs_say_which_band_owns_a_boundary():
    repair = parse_criterion("故障修复时间≤2小时得5分，2小时<修复时间≤4小时得3分，修复时间>4小时不得分", 5)
    assert [band(repair, v) for v in ("2小时", "2.1小时", "4小时", "4.1小时")] == [5, 3, 3, 0]
    with pytest.raises(PerfError, match="各档区间不相接"):   # 80% to 90% belongs to no band
        parse_criterion("满意率90%及以上得8分，80%以下得0分", 8)
