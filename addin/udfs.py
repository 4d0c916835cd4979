"""Excel worksheet functions PERF_* (xlwings): parse the cells, call the engine, format the result.

One module serves the classic Windows add-in, xlwings Server and xlwings Lite: ``xlwings``
picks the right ``func``/``arg`` decorators for the runtime it finds. The function docstrings
and the ``doc=`` texts are what Excel's function wizard shows, so they are in Chinese.
Engine errors become Excel errors in one place, :func:`_excel_error`.
"""

from __future__ import annotations

import functools
import inspect
import sys

from xlwings import XlwingsError, arg, func

from .engine.errors import PerfError
from .engine.findings import check_indicator
from .engine.form import carry_levels
from .engine.frameworks.criteria import DEDUCTION, RATIO, Criterion, parse_criterion
from .engine.frameworks.methods import band, checklist, deduction, ratio
from .engine.natures import parse_weight
from .engine.numbers import as_float, quoted, unit_word
from .engine.profiles import list_profiles
from .engine.scoring import PERCENT_WORDS, actual_value, exec_rate, exec_score, grade_of, score_indicator

CATEGORY = "绩效评价"
RULE = "规则"   # the argument naming the rule profile
LEVELS = ("一级指标", "二级指标")   # arguments that may be a column of cells (see _levels)

# Help shown in Excel's function wizard for each argument, by argument name.
ARGUMENT_HELP = {
    "性质": "绩效指标性质：≥（正向）、≤（反向）、= 或 定性；也接受 >=、<=、≧、＝ 等写法",
    "指标值": ("年度指标值（A）：数值或文字，如 90、≥90%；百分比写 90（单位 %）或文字“90%”，不要用百分比格式的单元格"
             "（显示 90% 的单元格存的是 0.9）；定性指标填评价等级，如 优良中低差"),
    "实际完成值": ("实际完成值（B）：数值或文字，如 用户满意度为100%、优（按合同完成）；单位为 % 且年度指标值不低于 50 的“≥”“=”指标，"
              "0 到 2 之间的数按小数读（百分比格式的 95% 即 0.95）；“计划10个，实际完成8个”读实际的 8；"
              "只说未达到的文字（未达到10个、低于95%）报错，请填写实际完成的数值"),
    "分值": "该指标的分值（满分）",
    "得分": "表中填报的得分",
    "偏差原因": "偏差原因分析及改进措施",
    "一级指标": "可选，该行的一级指标（或从表的第一行到本行的一级指标列，合并单元格按上方读取），如 成本指标；性质留空且指标值只写数值时，按规则决定读作“≥”还是“≤”",
    "二级指标": "可选，该行的二级指标（或同样行数的二级指标列），如 经济成本指标；作用同 一级指标",
    "全年预算数": "全年预算数（万元，或按 金额单位），如 150 或 150万元",
    "全年执行数": "全年执行数（万元，或按 金额单位），如 141.116 或 141.116万元",
    "总分": "自评总分（0–100）",
    "规则": "可选，计分规则编号，默认 beijing-chaoyang-2024；可用 mof-2020 等",
    "单位": "可选，绩效度量单位，如 万元；从文字中读数时优先取该单位的数值，没有时换算其他单位的数值（30分钟 按 0.5小时，480000元 按 48万元）",
    "评分标准": "评价指标体系中该项的评分标准（评价标准）原文，如 ①设有目标（1分）②目标明确（1分）",
    "达成项": "达成的项，写作 ①②④、1,2,4 或 全部；留空为都未达成",
    "值": ("实际值，如 85%、3小时、180分钟；带单位时换算为评分标准的单位（如 分钟、小时、天，元、万元），单位无法换算（如 % 与 小时）时报错；"
          "不带单位的数按评分标准的单位；百分比的评分标准下 0 到 2 之间的数按小数读（百分比格式的 0.85 即 85%，1.05 即 105%）；"
          "满意率、合格率等不会超过100%的比率超过100%时报错"),
    "扣分": "扣分，一个数或多个数，如 2 或 2,3（也可写 ①4③3 指明扣分项）；留空为不扣分",
    "实际到位": "可选，实际到位资金（万元）；规则按 实际支出 ÷ 实际到位 计算执行率时必填（如 yichun-2022）",
    "金额单位": "可选，金额的单位：万元（默认）或 元；写了单位的金额（141.116万元、1,411,160元、150万）换算为该单位；一个金额写了单位而另一个只有数值时须写明（否则报错，以免把元当作万元）",
    "实际": "实际数，如 实际到位资金、实际完成数",
    "计划": "计划数，如 计划到位资金、计划完成数（应大于0）",
}


class ExcelInputError(PerfError, XlwingsError):
    """An engine error on its way to Excel. As an ``XlwingsError`` it is a deliberate error to
    xlwings Server (HTTP 400 with the message, not a retried 500) and to xlwings Lite."""


def _excel_error(err: PerfError) -> Exception:
    """The exception Excel shows as the cell's error text: the Chinese message, no traceback.

    xlwings Server and Lite show ``#VALUE!`` with the message of an :class:`ExcelInputError`;
    the classic Windows add-in shows a COM exception's description in the cell.
    """
    if sys.platform.startswith("win"):
        try:
            from win32com.server.exception import COMException
        except ImportError:
            pass
        else:
            return COMException(desc=str(err))
    return ExcelInputError(str(err))


def excel_function(**help_overrides: str):
    """Declare an Excel function: the number of arguments is checked, arguments arrive as single
    cells (see :func:`_cell`), engine errors become :func:`_excel_error`, every argument gets its Chinese help (``ARGUMENT_HELP``
    unless overridden) and xlwings registers it under :data:`CATEGORY`. The help is also kept
    as ``function.argument_help`` for the README."""

    def decorate(function):
        parameters = inspect.signature(function).parameters.values()
        names = [p.name for p in parameters]
        required = sum(p.default is inspect.Parameter.empty for p in parameters)

        @functools.wraps(function)
        def wrapper(*args):
            try:
                _check_count(function.__name__, len(args), required, len(names))
                values = [_cell(value, name) for value, name in zip(args, names)]
                _check_order(function.__name__, names, values)
                return function(*values)
            except PerfError as err:
                raise _excel_error(err) from None

        wrapper.argument_help = {n: help_overrides.get(n, ARGUMENT_HELP[n]) for n in names}
        for name in reversed(names):
            # err_to_str: a cell showing #N/A arrives as "#N/A", said as an error value (as None it
            # had been 实际完成值为空)
            wrapper = arg(name, doc=wrapper.argument_help[name], err_to_str=True)(wrapper)
        return func(category=CATEGORY)(wrapper)

    return decorate


def _check_count(name: str, given: int, required: int, accepted: int) -> None:
    """Refuse a call with too few or too many arguments: an extra argument is never ignored."""
    if required <= given <= accepted:
        return
    expected = f"{required}个" if required == accepted else f"{required}至{accepted}个"
    raise PerfError(f"函数{name}需要{expected}参数，收到了{given}个")


def _check_order(name: str, names: list[str], values: list[object]) -> None:
    """Refuse arguments given in another function's order: 规则 is the 3rd of PERF_EXEC_RATE and
    the 4th of PERF_EXEC_SCORE, and a call copied from one to the other had said 分值不能为负数
    （mof-2020） (the -2020 of the rule's name) or 未知的规则“145.0”."""
    where = f"{name}的规则是第{names.index(RULE) + 1}个参数" if RULE in names else f"{name}没有规则参数"
    for label, value in zip(names, values):
        if label == RULE and value.__class__ in (int, float):
            raise PerfError(f"参数“规则”应为计分规则编号（如 mof-2020），收到的是数值{quoted(value)}；"
                            f"{where}，请检查参数的顺序")
        if label != RULE and isinstance(value, str) and value.strip() in _profile_ids():
            raise PerfError(f"参数“{label}”收到的是计分规则编号“{value.strip()}”；{where}，请检查参数的顺序")


@functools.cache
def _profile_ids() -> frozenset[str]:
    return frozenset(p.id for p in list_profiles())


def _cell(value: object, label: str) -> object:
    """A single cell's value: unwraps 1×1 ranges; empty text is an empty cell. The levels
    (:data:`LEVELS`) may be a column from the table's first row down to this one: kept as a list."""
    if label in LEVELS and isinstance(value, (list, tuple)) and len(value) != 1:
        return [_cell(v, f"{label}的每一行") for v in value]   # (each row's cell of the column)
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise PerfError(f"参数“{label}”应为单个单元格，收到了多个单元格")
        value = value[0]
    if isinstance(value, str) and not value.strip():
        return None
    return value


def signature(function) -> str:
    """``PERF_SCORE(性质, …, [规则], [单位])`` as the README and the Lite help show it."""
    params = inspect.signature(function).parameters.values()
    names = [p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in params]
    return f"{function.__name__}({', '.join(names)})"


def _levels(level1: object, level2: object) -> tuple[object, object]:
    """The row's (一级, 二级) as recalc reads the table: given as cells, or as the columns from the
    table's first row down to this row (merged or blank cells above, carried down)."""
    if not isinstance(level1, list) and not isinstance(level2, list):
        return carry_levels([(level1, level2)])[0]   # (经济成本指标 as 二级 or 一级 alone: 成本指标)
    ones = level1 if isinstance(level1, list) else [level1]
    twos = level2 if isinstance(level2, list) else [level2]
    if len(ones) != len(twos) or not ones:
        raise PerfError("参数“一级指标”和“二级指标”应为同样多行的两列（从表的第一行到本行）")
    return carry_levels(zip(ones, twos))[-1]


@excel_function()
def PERF_SCORE(性质, 指标值, 实际完成值, 分值, 规则=None, 单位=None, 一级指标=None, 二级指标=None):
    """计算一项绩效指标的得分：正向 B/A、反向 A/B、定性按等级，封顶为分值，超额按规则扣分。"""
    return as_float(score_indicator(性质, 指标值, 实际完成值, 分值, 规则, 单位, _levels(一级指标, 二级指标)))


@excel_function()
def PERF_EXEC_RATE(全年预算数, 全年执行数, 规则=None, 实际到位=None, 金额单位=None):
    """计算预算执行率 = 全年执行数 / 全年预算数（规则要求时为 ÷ 实际到位资金），以小数返回（如 0.9997），请设置百分比格式。"""
    return as_float(exec_rate(全年预算数, 全年执行数, 规则, 实际到位, 金额单位))


@excel_function(分值="年度资金总额行的分值，留空按规则（通常为 10）")
def PERF_EXEC_SCORE(全年预算数, 全年执行数, 分值=None, 规则=None, 实际到位=None, 金额单位=None):
    """计算年度资金总额（预算执行率）一行的得分：执行率（不超过 100%）× 分值，保留两位小数。"""
    return as_float(exec_score(全年预算数, 全年执行数, 分值, 规则, 实际到位, 金额单位))


@excel_function()
def PERF_GRADE(总分, 规则=None):
    """按规则的等级区间给出自评等级：优、良、中 或 差。"""
    return grade_of(总分, 规则)


@excel_function(实际完成值="含数值的文字，如 项目总金额993.5559万元，2024年支出695.82万元")
def PERF_VALUE(实际完成值, 单位=None):
    """从文字中读出计分所用的数值（优先取指定单位的第一个数，没有时换算其他单位的数，年份不算），读不出时报错。"""
    return as_float(actual_value(实际完成值, 单位))


@excel_function()
def PERF_CHECK(性质, 指标值, 实际完成值, 分值, 得分, 偏差原因, 规则=None, 单位=None, 一级指标=None, 二级指标=None):
    """检查一行填报是否一致：一致时返回空文本，否则返回一句中文说明（如得分应为多少、缺少偏差原因）。"""
    findings = check_indicator(性质, 指标值, 实际完成值, 分值, 得分, 偏差原因, 规则, 单位, _levels(一级指标, 二级指标))
    return "；".join([f.message for f in findings] + _percent_format_hint(指标值, 实际完成值, 单位))


PERCENT_FORMAT_HINT = ("年度指标值与实际完成值相差约100倍：设为百分比格式的单元格中 90% 存为 0.9，"
                       "请统一写成 90（单位 %）或文字“90%”")


def _percent_format_hint(target: object, actual: object, unit: object) -> list[str]:
    """The hint for a row in % whose target and actual are number cells about a hundredfold apart,
    one of them at most 2: a cell formatted as a percentage passes 90% as 0.9, which a function
    cannot tell from 0.9 (it sees no format), and the row is scored on the mixed numbers."""
    numbers = [abs(v) for v in (target, actual) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) < 2 or 0 in numbers or unit_word(unit if isinstance(unit, str) else None) not in PERCENT_WORDS:
        return []
    small, large = sorted(numbers)
    return [PERCENT_FORMAT_HINT] if small <= 2 and large / small >= 50 else []


@excel_function()
def PERF_CHECKLIST(评分标准, 达成项):
    """按评分标准逐项计分：达成各项的分值之和；各项为互斥档次（如 ①到位及时（2分）②不及时但未影响项目进度（1分））时取所选一项的分值。"""
    return as_float(checklist(parse_criterion(评分标准), 达成项))


@excel_function(评分标准="评价指标体系中该项的分档评分标准原文，如 满意率达90%（含）以上的得8分，80%（含）-90%得6分，80%以下不得分")
def PERF_BAND(评分标准, 值):
    """按评分标准分档计分（如 满意率达90%（含）以上的得8分，80%（含）-90%得6分…）：给出实际值所在一档的得分；实际值的单位与评分标准不符且无法换算时报错，不按 0 分计。"""
    return as_float(band(parse_criterion(评分标准), 值))


@excel_function(分值="该项的分值（满分）", 评分标准="可选，扣分制的评分标准原文（如 ①虚列套取扣4-7分 ②依据不合规扣2分），用于检查每项扣分是否在允许范围内")
def PERF_DEDUCT(分值, 扣分, 评分标准=None):
    """扣分制计分：分值减去各项扣分，最低为 0；给出评分标准时逐项检查扣分是否在其允许的范围内。"""
    points = parse_weight(分值)
    if 评分标准 is None:
        return as_float(deduction(points, 扣分))
    criterion = parse_criterion(评分标准, points)
    if criterion.method != DEDUCTION:
        raise PerfError("该评分标准不是扣分制（应写明“扣N分”或“扣N-M分”）", "criterion")
    return as_float(deduction(criterion, 扣分))


@excel_function(分值="该项的分值（满分）",
                评分标准="可选，比例计分的评分标准原文；写明“按超支比例扣减”时按 分值 ×（1 − 超支比例）计分（如 产出成本）")
def PERF_RATIO(实际, 计划, 分值, 评分标准=None):
    """比例计分：min(实际 ÷ 计划, 1) × 分值，保留两位小数（如 到位率、完成率，未完成的同比例扣减）；评分标准写明按超支比例扣减时为 分值 ×（1 − 超支比例）。"""
    points = parse_weight(分值)
    criterion = Criterion(RATIO, points) if 评分标准 is None else parse_criterion(评分标准, points)
    if criterion.method != RATIO:
        raise PerfError("该评分标准不是比例计分（如“根据实际到位率计算得分”“按超支比例扣减”）", "criterion")
    return as_float(ratio(criterion, 实际, 计划))


FUNCTIONS = (PERF_SCORE, PERF_EXEC_RATE, PERF_EXEC_SCORE, PERF_GRADE, PERF_VALUE, PERF_CHECK,
             PERF_CHECKLIST, PERF_BAND, PERF_DEDUCT, PERF_RATIO)
