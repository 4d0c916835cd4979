"""Rule profiles: one TOML file per jurisdiction in ``addin/profiles/``.

A profile fixes everything that differs between jurisdictions: the scoring method for each
绩效指标性质 (by name, from :mod:`.methods`), the over-target rule, the share of 分值 for each
qualitative grade, the funds-row method, rounding and the grade bands of the total. Every
setting is either honoured or refused when the profile is loaded: a method that does not exist
or does not fit its nature, an over-target rule for a nature it cannot apply to, a scale whose
grades have no share, a completion word that a failure word would always veto. The qualitative scales themselves (their names, grades and the words that
spell each grade) are shared by all profiles in ``addin/profiles/_scales.toml``; a profile lists
the scales it accepts and gives each grade its share. The engine takes a profile id on every
call; ``beijing-chaoyang-2024`` is the default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources

from . import form
from .errors import PerfError
from .methods import FUNDS, OVER_TARGET_NATURES, QUANTITATIVE
from .natures import EQUAL, POSITIVE, REVERSE
from .numbers import is_blank, quoted

DEFAULT_PROFILE_ID = "beijing-chaoyang-2024"
SHARED_SCALES = "_scales.toml"
OVER_TARGET_MODES = {"ladder", "finding", "none"}
# The denominator of 执行率: 全年预算数 (the form's column) or 实际到位资金 (Yichun 2022).
FUNDS_BASES = {"budget": "全年预算数", "received": "实际到位资金"}
_METHOD_KEYS = {"positive": POSITIVE, "reverse": REVERSE, "equal": EQUAL}


class ProfileDefinitionError(ValueError):
    """A shipped profile file that breaks the rules above (a developer's error, not a user's)."""


@dataclass(frozen=True)
class Grade:
    """One grade of a qualitative scale and the share of 分值 it scores."""

    name: str
    share: Decimal
    words: tuple[str, ...]          # the name first, then other spellings of the same grade
    band: tuple[Decimal, Decimal]   # shares a hand-picked score may take (min incl., max excl. below 1)


@dataclass(frozen=True)
class Scale:
    """A qualitative scale such as 优良中低差, best grade first."""

    name: str
    aliases: tuple[str, ...]
    grades: tuple[Grade, ...]


@dataclass(frozen=True)
class Statements:
    """Which 定性 actual values that state completion instead of a grade count as the best grade:
    those that start with one of ``prefixes`` (已, 均已 …), contain one of the ``completion``
    words (完成, 接入 …) and none of the ``failure`` words (取消, 终止, 逾期, 未 …)."""

    prefixes: tuple[str, ...]
    completion: tuple[str, ...]
    failure: tuple[str, ...]

    def failed(self, text: str) -> bool:
        """Whether ``text`` holds a failure word (取消, 未, 部分 …)."""
        return any(word in text for word in self.failure)

    def achieved(self, text: str) -> bool:
        return (
            text.startswith(self.prefixes)
            and any(word in text for word in self.completion)
            and not self.failed(text)
        )


@dataclass(frozen=True)
class LadderStep:
    start: Decimal    # over-target share from which this deduction applies
    deduct: Decimal   # share of 分值 deducted


@dataclass(frozen=True)
class WeightGroup:
    """A share of the 100 points a profile fixes for some 一级指标 (Yichun: 产出 60 covers the
    form's 产出指标 and 成本指标)."""

    name: str
    weight: Decimal
    level1: tuple[str, ...]


@dataclass(frozen=True)
class ReviewGrade:
    """One grade of a targets review (绩效目标审核): the lowest review score that earns it and
    what follows from it (进入预算 …)."""

    grade: str
    minimum: Decimal
    consequence: str


@dataclass(frozen=True)
class TargetsReview:
    """``[targets_review]``: how ``perfbook targets check`` reviews declared targets. ``rules``
    maps each rule the profile applies (by its name in :mod:`.target_review`, plus
    ``unreadable`` for cells that cannot be read) to the points one finding of it deducts from
    100; the review score's grade is the first of ``grades`` whose minimum it reaches."""

    rules: dict[str, Decimal]
    grades: tuple[ReviewGrade, ...]            # best first; the last starts at 0
    required_groups: tuple[str, ...]           # 一级 or 二级 labels every project must have
    satisfaction_floor: Decimal | None         # lowest acceptable 满意度 target (in %)
    total_words: tuple[str, ...]               # a 成本指标 named with one is a multi-year total


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    source: str
    limitations: tuple[str, ...]
    decimals: int
    rate_decimals: int
    funds_weight: Decimal
    funds_method: str
    funds_basis: str                 # key of FUNDS_BASES
    weight_groups: tuple[WeightGroup, ...]   # empty: the profile fixes no 一级 weights
    methods: dict[str, str]          # nature (≥ ≤ =) → method name in methods.QUANTITATIVE
    over_target_mode: str
    over_target_applies_to: tuple[str, ...]
    ladder: tuple[LadderStep, ...]
    finding_from: Decimal | None
    statements: Statements | None   # None: a statement without a grade is never a grade
    scales: tuple[Scale, ...]
    grade_bands: tuple[tuple[str, Decimal], ...]   # highest first
    notes_title: str
    notes: tuple[str, ...]
    # [targets]: the nature a bare-number target (no ≥ ≤ = in it, no 性质 column) is read with,
    # by 一级指标 ('' for any other); empty: a bare number is an error for its row.
    bare_targets: dict[str, str] = field(default_factory=dict)
    # [qualitative] default_scale: the scale of a 定性 target that states what is expected
    # (及时, 效果明显) instead of naming a scale; None: such a target is an error.
    default_scale: Scale | None = None
    # [funds] reason_below: an 执行率 below this share needs a reason in the funds row (四川 2023:
    # 未达到 90% 需说明原因); None: no such rule.
    funds_reason_below: Decimal | None = None
    # [targets_review]: the review of declared targets (perfbook targets check); None: the
    # profile does not review targets.
    targets_review: TargetsReview | None = None

    def bare_nature(self, levels: object = None) -> str | None:
        """The nature a bare-number target is read with, or None, for a row under ``levels``: its
        一级指标, or (一级, 二级) — older forms put 成本指标 as a 二级 under 产出指标."""
        names = levels if isinstance(levels, tuple) else (levels,)
        found = [self.bare_targets[key] for key in map(form.level_label, names) if key and key in self.bare_targets]
        return found[-1] if found else self.bare_targets.get("")

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def grades(self) -> tuple[str, ...]:
        """The grades of a total, best first (优, 良, 中, 差)."""
        return tuple(grade for grade, _ in self.grade_bands)


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


def _fail(profile_id: str, message: str) -> ProfileDefinitionError:
    return ProfileDefinitionError(f"profile {profile_id}: {message}")


def _scales(data: dict, shared: dict[str, dict]) -> tuple[Scale, ...]:
    """The profile's scales: shared definitions with the profile's share (and band) per grade."""
    pid, qualitative = data["id"], data["qualitative"]
    shares = qualitative["grades"]
    scales = []
    for name in qualitative["scales"]:
        if name not in shared:
            raise _fail(pid, f"unknown scale {name!r} (not in {SHARED_SCALES})")
        grades = []
        for raw in shared[name]["grades"]:
            setting = shares.get(raw["name"])
            if setting is None:
                raise _fail(pid, f"grade {raw['name']!r} of scale {name!r} has no share")
            share = _dec(setting["share"])
            band = tuple(_dec(v) for v in setting.get("band", (share, share)))
            if not (0 <= share <= 1 and len(band) == 2 and 0 <= band[0] <= band[1] <= 1):
                raise _fail(pid, f"bad share or band for grade {raw['name']!r}")
            if not band[0] <= share <= band[1]:
                raise _fail(pid, f"share of grade {raw['name']!r} lies outside its band")
            grades.append(Grade(raw["name"], share, (raw["name"], *raw.get("words", ())), band))  # type: ignore[arg-type]
        if [g.share for g in grades] != sorted((g.share for g in grades), reverse=True):
            raise _fail(pid, f"grades of scale {name!r} must score from the best down")
        scales.append(Scale(name, tuple(shared[name].get("aliases", ())), tuple(grades)))
    unused = set(shares) - {g.name for s in scales for g in s.grades}
    if unused:
        raise _fail(pid, f"shares given for grades of no listed scale: {sorted(unused)}")
    return tuple(scales)


def _statements(data: dict) -> Statements | None:
    """[qualitative.statements]: three non-empty word lists, no completion word that contains a
    failure word (it could never count)."""
    pid, raw = data["id"], data["qualitative"].get("statements")
    if raw is None:
        return None
    if set(raw) != {"prefixes", "completion", "failure"}:
        raise _fail(pid, "[qualitative.statements] must give exactly prefixes, completion and failure")
    lists = {}
    for key in ("prefixes", "completion", "failure"):
        words = raw[key]
        if not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise _fail(pid, f"qualitative.statements.{key} must be a non-empty list of words")
        lists[key] = tuple(words)
    vetoed = [c for c in lists["completion"] if any(f in c for f in lists["failure"])]
    if vetoed:
        raise _fail(pid, f"completion words {vetoed} contain a failure word and could never count")
    return Statements(lists["prefixes"], lists["completion"], lists["failure"])


def _methods(data: dict) -> dict[str, str]:
    pid, chosen = data["id"], data["quantitative"]
    if set(chosen) != set(_METHOD_KEYS):
        raise _fail(pid, f"[quantitative] must name exactly {sorted(_METHOD_KEYS)}")
    methods = {}
    for key, nature in _METHOD_KEYS.items():
        method = QUANTITATIVE.get(chosen[key])
        if method is None or nature not in method.natures:
            fitting = [m.name for m in QUANTITATIVE.values() if nature in m.natures]
            raise _fail(pid, f"{key} = {chosen[key]!r} is not a method for {nature} (one of {fitting})")
        methods[nature] = method.name
    return methods


def _weight_groups(data: dict, funds_weight: Decimal) -> tuple[WeightGroup, ...]:
    """``[[weights]]``: each names 一级指标 of the form; with the funds row they make 100."""
    pid = data["id"]
    groups = tuple(WeightGroup(g["name"], _dec(g["weight"]), tuple(g["level1"])) for g in data.get("weights", ()))
    named = [name for g in groups for name in g.level1]
    unknown = set(named) - set(form.LEVEL1)
    if unknown:
        raise _fail(pid, f"weights name unknown 一级指标 {sorted(unknown)} (one of {form.LEVEL1})")
    if len(set(named)) != len(named):
        raise _fail(pid, "a 一级指标 belongs to one weight group only")
    total = sum((g.weight for g in groups), funds_weight)
    if groups and total != form.TOTAL_WEIGHT:
        raise _fail(pid, f"weights and the funds weight add up to {total}, not {form.TOTAL_WEIGHT}")
    return groups


def _bare_targets(data: dict) -> dict[str, str]:
    """``[targets]``: ``bare`` (the nature of a bare number) and ``bare_by_level1``."""
    pid, raw = data["id"], data.get("targets")
    if raw is None:
        return {}
    if set(raw) - {"bare", "bare_by_level1"} or "bare" not in raw:
        raise _fail(pid, "[targets] gives bare and, optionally, bare_by_level1")
    pairs = [("", raw["bare"]), *raw.get("bare_by_level1", {}).items()]
    for level1, nature in pairs:
        if nature not in _METHOD_KEYS.values():
            raise _fail(pid, f"[targets] nature {nature!r} is not one of {list(_METHOD_KEYS.values())}")
        if level1 and level1 not in form.LEVEL1:
            raise _fail(pid, f"[targets] names unknown 一级指标 {level1!r}")
    return dict(pairs)


def _targets_review(data: dict) -> TargetsReview | None:
    """``[targets_review]``: rules with their deductions, grades from the best down (the last
    from 0), the required groups (labels of the form), a 满意度 floor between 0 and 100."""
    pid, raw = data["id"], data.get("targets_review")
    if raw is None:
        return None
    allowed = {"rules", "grades", "required_groups", "satisfaction_floor", "total_words"}
    if set(raw) - allowed or not {"rules", "grades"} <= set(raw):
        raise _fail(pid, f"[targets_review] gives rules and grades and, optionally, {sorted(allowed - {'rules', 'grades'})}")
    rules = {name: _dec(points) for name, points in raw["rules"].items()}
    if not rules or any(not 0 <= points <= form.TOTAL_WEIGHT for points in rules.values()):
        raise _fail(pid, f"[targets_review.rules] deduct between 0 and {form.TOTAL_WEIGHT} points per finding")
    grades = tuple(ReviewGrade(g["grade"], _dec(g["min"]), g["consequence"]) for g in raw["grades"])
    minimums = [g.minimum for g in grades]
    if not grades or minimums != sorted(set(minimums), reverse=True) or minimums[-1] != 0:
        raise _fail(pid, "targets_review.grades go from the highest minimum down to 0, each its own")
    if not all(g.grade.strip() and g.consequence.strip() for g in grades):
        raise _fail(pid, "every targets_review grade names its grade and its consequence")
    groups = tuple(raw.get("required_groups", ()))
    unknown = [g for g in groups if g not in form.LEVEL1 and g not in form.LEVEL2_TO_LEVEL1]
    if unknown:
        raise _fail(pid, f"targets_review.required_groups names unknown 一级/二级 labels {unknown}")
    floor = raw.get("satisfaction_floor")
    if floor is not None and not 0 < _dec(floor) <= 100:
        raise _fail(pid, "targets_review.satisfaction_floor is a percentage between 0 and 100")
    return TargetsReview(rules, grades, groups, None if floor is None else _dec(floor),
                         tuple(raw.get("total_words", ())))


def _inherit(data: dict, texts: dict[str, dict]) -> dict:
    """A profile with ``extends = "other"`` is the other profile's tables with its own on top
    (one level of tables merged: ``[funds]`` keys override one by one); ``limitations``,
    ``source`` and every other top-level value are the profile's own."""
    base_id = data.get("extends")
    if base_id is None:
        return data
    base = texts.get(base_id)
    if base is None or "extends" in base:
        raise _fail(data["id"], f"extends {base_id!r}, which is not a shipped profile without extends")
    merged = {k: v for k, v in base.items() if isinstance(v, dict)}
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _parse(data: dict, shared: dict[str, dict]) -> Profile:
    pid = data["id"]
    for key in ("name", "source"):
        if not str(data.get(key, "")).strip():
            raise _fail(pid, f"{key} is missing")
    if not data.get("limitations"):
        raise _fail(pid, "limitations are missing (say what the profile does not cover)")
    over = data["over_target"]
    if over["mode"] not in OVER_TARGET_MODES:
        raise _fail(pid, f"unknown over-target mode {over['mode']!r}")
    applies_to = tuple(over.get("applies_to", ()))
    if not set(applies_to) <= set(OVER_TARGET_NATURES):
        raise _fail(pid, f"over_target.applies_to may only name {OVER_TARGET_NATURES}, not {applies_to}")
    ladder = tuple(LadderStep(_dec(s["from"]), _dec(s["deduct"])) for s in over.get("ladder", ()))
    if (over["mode"] == "ladder") != bool(ladder):
        raise _fail(pid, "a ladder is given exactly when mode = 'ladder'")
    if (over["mode"] == "finding") != ("finding_from" in over):
        raise _fail(pid, "finding_from is given exactly when mode = 'finding'")
    if [s.start for s in ladder] != sorted(s.start for s in ladder):
        raise _fail(pid, "ladder steps must be in ascending order")
    funds = data["funds"]
    if funds["method"] not in FUNDS:
        raise _fail(pid, f"unknown funds method {funds['method']!r} (one of {list(FUNDS)})")
    basis = funds.get("basis", "budget")
    if basis not in FUNDS_BASES:
        raise _fail(pid, f"unknown funds basis {basis!r} (one of {list(FUNDS_BASES)})")
    groups = _weight_groups(data, _dec(funds["weight"]))
    scales = _scales(data, shared)
    default_scale = data["qualitative"].get("default_scale")
    if default_scale is not None and default_scale not in {s.name for s in scales}:
        raise _fail(pid, f"default_scale {default_scale!r} is not one of the profile's scales")
    reason_below = funds.get("reason_below")
    if reason_below is not None and not 0 < _dec(reason_below) <= 1:
        raise _fail(pid, "funds.reason_below is a share between 0 and 1")
    bands = tuple((b["grade"], _dec(b["min"])) for b in data["grades"]["bands"])
    minimums = [m for _, m in bands]
    if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
        raise _fail(pid, "grade bands must be listed from the highest, each with its own minimum")
    if not bands or minimums[-1] != 0:
        raise _fail(pid, "the lowest grade band must start at 0")
    return Profile(
        id=pid,
        name=data["name"],
        source=data["source"],
        limitations=tuple(data["limitations"]),
        decimals=int(data["rounding"]["decimals"]),
        rate_decimals=int(data["rounding"]["rate_decimals"]),
        funds_weight=_dec(funds["weight"]),
        funds_method=funds["method"],
        funds_basis=basis,
        weight_groups=groups,
        methods=_methods(data),
        over_target_mode=over["mode"],
        over_target_applies_to=applies_to,
        ladder=ladder,
        finding_from=_dec(over["finding_from"]) if "finding_from" in over else None,
        statements=_statements(data),
        scales=scales,
        grade_bands=bands,
        notes_title=data["notes"]["title"],
        notes=tuple(data["notes"]["items"]),
        bare_targets=_bare_targets(data),
        default_scale=next((s for s in scales if s.name == default_scale), None),
        funds_reason_below=None if reason_below is None else _dec(reason_below),
        targets_review=_targets_review(data),
    )


def profile_texts() -> dict[str, str]:
    """File name → TOML text of every shipped profile file (``_scales.toml`` included). A
    self-contained bundle (``perfbook lite``) replaces this function with one returning the texts
    it carries."""
    folder = resources.files("addin.profiles")
    return {e.name: e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(".toml")}


def load_profiles(texts: dict[str, str]) -> dict[str, Profile]:
    """Parse profile files (file name → TOML text); files starting with ``_`` are shared parts."""
    shared = {s["name"]: s for s in tomllib.loads(texts.get(SHARED_SCALES, "")).get("scales", ())}
    raw = {name[:-len(".toml")]: tomllib.loads(text) for name, text in texts.items() if not name.startswith("_")}
    profiles = {}
    for name in sorted(texts):
        if name.startswith("_"):
            continue
        profile = _parse(_inherit(raw[name[:-len(".toml")]], raw), shared)
        if profile.id + ".toml" != name:
            raise _fail(profile.id, f"id does not match its file {name}")
        profiles[profile.id] = profile
    return profiles


@cache
def _all_profiles() -> dict[str, Profile]:
    return load_profiles(profile_texts())


def list_profiles() -> list[Profile]:
    """Every rule profile shipped with perfbook, by id."""
    return list(_all_profiles().values())


def get_profile(profile_id: object = None) -> Profile:
    """The profile with this id; empty or ``None`` gives the default ``beijing-chaoyang-2024``."""
    if isinstance(profile_id, Profile):
        return profile_id
    if is_blank(profile_id):
        profile_id = DEFAULT_PROFILE_ID
    profiles = _all_profiles()
    key = str(profile_id).strip()
    if key not in profiles:
        raise PerfError(f"未知的规则“{quoted(key)}”，可用的规则：{'、'.join(profiles)}", "rule")
    return profiles[key]
