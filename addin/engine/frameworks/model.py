"""An evaluation indicator system as a weighted tree: 一级 → 二级 → 三级 items, one TOML file each.

Each framework in ``addin/frameworks/*.toml`` states its source and limitations, the rule
profile whose grade bands grade its total (``grades_profile``), and its tree; every third-level
item has 分值, 具体指标 (``explanation``) and 评分标准 (``criterion``), whose method is read by
:func:`.criteria.parse_criterion`. A shipped file whose weights do not add up (三级 → 二级 → 一级 →
100) or whose criteria cannot be read is refused when it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ..datafiles import parse_files, toml_texts
from ..errors import PerfError
from ..profiles import get_profile
from .criteria import Criterion, parse_criterion
from .methods import METHODS

TOTAL_POINTS = Decimal(100)


class FrameworkDefinitionError(ValueError):
    """A shipped framework file that breaks the rules above (a developer's error)."""


@dataclass(frozen=True)
class Item:
    """A third-level item (三级指标)."""

    name: str
    points: Decimal
    explanation: str
    criterion: Criterion


@dataclass(frozen=True)
class Group:
    """A first- or second-level node: its 分值 and its children."""

    name: str
    points: Decimal
    children: tuple  # Group (一级 → 二级) or Item (二级 → 三级)


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    source: str
    limitations: tuple[str, ...]
    grades_profile: str
    levels: tuple[Group, ...]   # 一级 groups, whose children are 二级 groups of items

    def __hash__(self) -> int:
        return hash(self.id)

    def rows(self) -> list[tuple[Group, Group, Item]]:
        """Every third-level item with its 一级 and 二级, in table order."""
        return [(l1, l2, item) for l1 in self.levels for l2 in l1.children for item in l2.children]

    def method_counts(self) -> dict[str, int]:
        """How many third-level items each scoring method scores, by the method's Chinese name."""
        counts: dict[str, int] = {}
        for _, _, item in self.rows():
            label = METHODS[item.criterion.method].label
            counts[label] = counts.get(label, 0) + 1
        return counts


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


def _fail(framework_id: str, message: str) -> FrameworkDefinitionError:
    return FrameworkDefinitionError(f"framework {framework_id}: {message}")


def _sum_check(fid: str, group: Group) -> None:
    total = sum((c.points for c in group.children), Decimal(0))
    if total != group.points:
        raise _fail(fid, f"{group.name}: children add up to {total}, not {group.points}")


def _parse(data: dict) -> Framework:
    fid = data.get("id", "?")
    for key in ("name", "source"):
        if not str(data.get(key, "")).strip():
            raise _fail(fid, f"{key} is missing")
    if not data.get("limitations"):
        raise _fail(fid, "limitations are missing (say what the framework does not cover)")
    try:
        get_profile(data.get("grades_profile"))
    except PerfError as err:
        raise _fail(fid, f"grades_profile: {err}") from None
    levels = []
    for l1 in data.get("level1", ()):
        seconds = []
        for l2 in l1.get("level2", ()):
            items = []
            for raw in l2.get("items", ()):
                try:
                    criterion = parse_criterion(raw["criterion"], raw["points"])
                except PerfError as err:
                    raise _fail(fid, f"{raw['name']}: {err}") from None
                items.append(Item(raw["name"], _dec(raw["points"]), raw.get("explanation", ""), criterion))
            if not items:
                raise _fail(fid, f"{l2['name']} has no items")
            seconds.append(Group(l2["name"], _dec(l2["points"]), tuple(items)))
        if not seconds:
            raise _fail(fid, f"{l1['name']} has no second-level groups")
        levels.append(Group(l1["name"], _dec(l1["points"]), tuple(seconds)))
    framework = Framework(fid, data["name"], data["source"], tuple(data["limitations"]),
                          data["grades_profile"], tuple(levels))
    for l1 in framework.levels:
        _sum_check(fid, l1)
        for l2 in l1.children:
            _sum_check(fid, l2)
    total = sum((l1.points for l1 in framework.levels), Decimal(0))
    if total != TOTAL_POINTS:
        raise _fail(fid, f"first-level weights add up to {total}, not {TOTAL_POINTS}")
    return framework


def framework_texts() -> dict[str, str]:
    """File name → TOML text of every shipped framework. A self-contained bundle (``perfbook
    lite``) replaces this function with one returning the texts it carries."""
    return toml_texts("addin.frameworks")


def load_frameworks(texts: dict[str, str]) -> dict[str, Framework]:
    return parse_files(texts, _parse, _fail)


@cache
def _all() -> dict[str, Framework]:
    return load_frameworks(framework_texts())


def list_frameworks() -> list[Framework]:
    """Every evaluation framework shipped with perfbook, by id."""
    return list(_all().values())


def get_framework(framework_id: object) -> Framework:
    if isinstance(framework_id, Framework):
        return framework_id
    key = "" if framework_id is None else str(framework_id).strip()
    frameworks = _all()
    if key not in frameworks:
        raise PerfError(f"未知的评价指标体系“{key}”，可用的有：{'、'.join(frameworks)}", "framework")
    return frameworks[key]
