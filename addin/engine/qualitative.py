"""Qualitative (定性) indicators: which scale a row uses and which grade its actual value states.

The 年度指标值 of a 定性 row names its scale (``优良中低差``, ``好坏``, ``合格/不合格`` …) and the
实际完成值 states the grade in free text: ``优（按照合同要求进行运维服务）``, ``合格``,
``已通过专家验收，验收结果为优``, ``数据共享率高``. A grade word of another scale is mapped by its
position (the best grade of any scale is the best grade of the row's scale), so ``优（…）`` on a
``好坏`` row reads as 好. A statement of completion without a grade (``已接入政务专网``) counts as
the best grade only as the profile's ``[qualitative.statements]`` allow: a statement of failure
(``已取消``, ``已逾期``) or anything else is refused, never guessed.
"""

from __future__ import annotations

import re

from .errors import PerfError
from .numbers import is_blank, normalize_text, quoted
from .profiles import Grade, Profile, Scale
from .targets import two_bounds

_SEPARATORS = re.compile(r"[\s/、,，;；|]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STATED = re.compile(r"(?:结果|评价|等级|评定|评级|效果|情况|结论)(?:为|是|:)\s*")
_PROPERTY_END = "率度性量果况为是均较很"
_BRACKETED_END = re.compile(r"[（(]\s*([^（()）]{1,6}?)\s*[)）][。.!！ ]*$")   # 运行良好（优）: the grade it closes on


def name_key(text: str) -> str:
    """A scale name or grade as compared: normalised, without spaces or separators (优、良、中 is 优良中)."""
    return _SEPARATORS.sub("", normalize_text(text))


# Dates inside a statement target (2021年12月完成, 12月底前): the statement stays a statement.
_DATES = re.compile(r"\d{4}年|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日")


def find_scale(target: object, profile: Profile) -> Scale:
    """The profile's scale named by a 定性 row's 年度指标值 (or by a single grade written there)."""
    text = name_key(str(target)) if target is not None else ""
    if not text:
        raise PerfError("定性指标的年度指标值为空，应填写评价等级，如“优良中低差”")
    for scale in profile.scales:
        if text in _names(scale):
            return scale
    for scale in profile.scales:
        if any(text in grade.words for grade in scale.grades):
            return scale
    if profile.default_scale is not None and _CJK.search(text) and not re.search(r"\d", _DATES.sub("", text)):
        return profile.default_scale   # 及时, 效果明显, 2021年12月完成: a statement of what is expected
    said = two_bounds(target)   # ≥50%且≤80%: read as no number, and no grade either
    if said:
        raise PerfError(said)
    known = "、".join(s.name for s in profile.scales)
    raise PerfError(f"定性指标的年度指标值“{quoted(target)}”不是规则认可的评价等级（可用：{known}）")


def _standalone(text: str, start: int, end: int) -> bool:
    """A grade word at text[start:end] that is not part of a longer Chinese word."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not _CJK.match(after) and (start == 0 or not _CJK.match(before) or before in "为是")


def _stated_grade(text: str, words: list[tuple[str, Grade]]) -> Grade | None:
    """The grade stated in ``text`` using one of ``words`` (longest spelling first)."""
    for word, grade in words:  # at the start: 优（…）, 合格, 好(…)
        if text.startswith(word) and _standalone(text, 0, len(word)):
            return grade
    closing = _BRACKETED_END.search(text)   # 运行良好（优）: a grade alone in closing brackets
    if closing:
        grade = next((grade for word, grade in words if closing.group(1) == word), None)
        if grade is not None:
            return grade
    for match in _STATED.finditer(text):  # 验收结果为优
        rest = text[match.end():]
        for word, grade in words:
            if rest.startswith(word) and _standalone(rest, 0, len(word)):
                return grade
    stripped = text.rstrip("。.!！ ")
    for word, grade in words:  # at the end, after a property: 数据共享率高, 效果较好
        before = stripped[-len(word) - 1] if len(stripped) > len(word) else ""
        if stripped.endswith(word) and (not _CJK.match(before) or before in _PROPERTY_END):
            return grade
    return None


# Derived from the profiles' scales (never from cell values), once per scale: keyed by id()
# with the scale kept alive beside its entry, so an id is never reused for another scale.
_DERIVED: dict[tuple[str, int], tuple[Scale, object]] = {}


def _derived(kind: str, scale: Scale, make) -> object:
    entry = _DERIVED.get((kind, id(scale)))
    if entry is None:
        entry = _DERIVED[(kind, id(scale))] = (scale, make(scale))
    return entry[1]


def _names(scale: Scale) -> frozenset[str]:
    """The keys of the scale's name and aliases, as :func:`find_scale` compares them."""
    return _derived("names", scale, lambda s: frozenset({name_key(s.name), *map(name_key, s.aliases)}))


def _words(scale: Scale) -> list[tuple[str, Grade]]:
    """The scale's grade words with their grades, longest spelling first."""
    def make(s: Scale) -> list[tuple[str, Grade]]:
        pairs = [(word, grade) for grade in s.grades for word in grade.words]
        return sorted(pairs, key=lambda p: len(p[0]), reverse=True)

    return _derived("words", scale, make)


def _position(grade: Grade, scale: Scale) -> str:
    return "best" if grade is scale.grades[0] else "worst" if grade is scale.grades[-1] else "middle"


def _one_grade(text: str, actual: object, scale: Scale) -> None:
    """Refuse an actual that is only grades of the scale, more than one (``优/良``, ``良、中``):
    read from its start it would be the best of them."""
    parts = [part for part in _SEPARATORS.split(text) if part]
    if len(parts) < 2:
        return
    spelled = dict(_words(scale))
    grades = {spelled[part].name for part in parts if part in spelled}
    if len(grades) > 1 and all(part in spelled for part in parts):
        raise PerfError(f"实际完成值“{quoted(actual)}”写了几个等级（{'、'.join(sorted(grades, key=[g.name for g in scale.grades].index))}），"
                        f"请只填写一个")


def read_grade(actual: object, scale: Scale, profile: Profile, target: object = None) -> Grade:
    """The grade of ``scale`` that a free-text 实际完成值 states. Under the profile's default
    scale (a target that states what is expected, such as 及时), an actual value that states the
    same (``及时``, ``效果明显，群众满意``) is the best grade."""
    if is_blank(actual):
        raise PerfError("定性指标的实际完成值为空，应填写评价等级，如“优”")
    text = normalize_text(str(actual))
    if scale is profile.default_scale and target is not None:
        expected = name_key(str(target))
        if expected and name_key(text).startswith(expected) and not (profile.statements and profile.statements.failed(text)):
            return scale.grades[0]
    _one_grade(text, actual, scale)
    grade = _stated_grade(text, _words(scale))
    if grade is not None:
        return grade
    # A grade word of other scales, mapped by its position where every scale stating it agrees:
    # the best, or the worst onto a worst that fails (its band reaches 0: 坏, 不合格, 未达成). 良 is
    # the middle of 优良中低差 and the worst of 优良, 良好 the best of 好坏: on a 好坏 or 合格/不合格
    # row it is asked for, not taken for 坏 (0 points); 差 on an 优良 row is not taken for 良 (80%).
    positions = {_position(found, other) for other in profile.scales if other is not scale
                 if (found := _stated_grade(text, _words(other))) is not None}
    if positions == {"best"}:
        return scale.grades[0]
    if positions == {"worst"} and scale.grades[-1].band[0] == 0:
        return scale.grades[-1]
    if profile.statements is not None and profile.statements.achieved(text):
        return scale.grades[0]  # 已接入政务专网; never 已取消 (see the profile's statements)
    names = "、".join(g.name for g in scale.grades)
    raise PerfError(f"实际完成值“{quoted(actual)}”中没有找到评价等级（{scale.name}：{names}）")
