"""Rule profiles: one TOML file per jurisdiction in ``addin/profiles/``.

A profile fixes everything that differs between jurisdictions: the formula for each
绩效指标性质, the over-target rule, the qualitative scales and the share of 分值 for each grade,
the funds-row formula, rounding and the grade bands of the total. The engine takes a profile id on
every call; ``beijing-chaoyang-2024`` is the default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from .errors import PerfError

DEFAULT_PROFILE_ID = "beijing-chaoyang-2024"

QUANTITATIVE_FORMULAS = {
    "positive": {"ratio_capped"},
    "reverse": {"inverse_ratio_capped", "linear_to_double"},
    "equal": {"min_ratio", "all_or_nothing"},
}
OVER_TARGET_MODES = {"ladder", "finding", "none"}
FUNDS_FORMULAS = {"rate_capped"}


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
class LadderStep:
    start: Decimal    # (B − A) / A from which this deduction applies
    deduct: Decimal   # share of 分值 deducted


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    source: str
    limitations: tuple[str, ...]
    decimals: int
    rate_decimals: int
    funds_weight: Decimal
    positive: str
    reverse: str
    equal: str
    over_target_mode: str
    over_target_applies_to: tuple[str, ...]
    ladder: tuple[LadderStep, ...]
    finding_from: Decimal | None
    achieved_statement: bool
    scales: tuple[Scale, ...]
    grade_bands: tuple[tuple[str, Decimal], ...]   # highest first
    notes_title: str
    notes: tuple[str, ...]


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


def _grade(raw: dict) -> Grade:
    share = _dec(raw["share"])
    band = tuple(_dec(v) for v in raw.get("band", (share, share)))
    if not (Decimal(0) <= share <= 1 and len(band) == 2 and 0 <= band[0] <= band[1] <= 1):
        raise ValueError(f"bad grade {raw!r}")
    return Grade(raw["name"], share, (raw["name"], *raw.get("words", ())), band)  # type: ignore[arg-type]


def _parse(data: dict) -> Profile:
    quantitative = data["quantitative"]
    for key, allowed in QUANTITATIVE_FORMULAS.items():
        if quantitative[key] not in allowed:
            raise ValueError(f"{data['id']}: unknown {key} formula {quantitative[key]!r}")
    over = data["over_target"]
    if over["mode"] not in OVER_TARGET_MODES or data["funds"]["formula"] not in FUNDS_FORMULAS:
        raise ValueError(f"{data['id']}: unknown over-target mode or funds formula")
    ladder = tuple(
        LadderStep(_dec(step["from"]), _dec(step["deduct"])) for step in over.get("ladder", ())
    )
    if [s.start for s in ladder] != sorted(s.start for s in ladder):
        raise ValueError(f"{data['id']}: ladder steps must be in ascending order")
    bands = tuple((b["grade"], _dec(b["min"])) for b in data["grades"]["bands"])
    if [m for _, m in bands] != sorted((m for _, m in bands), reverse=True):
        raise ValueError(f"{data['id']}: grade bands must be listed from the highest")
    return Profile(
        id=data["id"],
        name=data["name"],
        source=data["source"],
        limitations=tuple(data.get("limitations", ())),
        decimals=int(data["rounding"]["decimals"]),
        rate_decimals=int(data["rounding"]["rate_decimals"]),
        funds_weight=_dec(data["funds"]["weight"]),
        positive=quantitative["positive"],
        reverse=quantitative["reverse"],
        equal=quantitative["equal"],
        over_target_mode=over["mode"],
        over_target_applies_to=tuple(over.get("applies_to", ())),
        ladder=ladder,
        finding_from=_dec(over["finding_from"]) if "finding_from" in over else None,
        achieved_statement=bool(data["qualitative"].get("achieved_statement", False)),
        scales=tuple(
            Scale(s["name"], tuple(s.get("aliases", ())), tuple(_grade(g) for g in s["grades"]))
            for s in data["qualitative"]["scales"]
        ),
        grade_bands=bands,
        notes_title=data["notes"]["title"],
        notes=tuple(data["notes"]["items"]),
    )


def profile_texts() -> dict[str, str]:
    """File name → TOML text of every shipped profile. A self-contained bundle (``perfbook
    lite``) replaces this function with one returning the texts it carries."""
    folder = resources.files("addin.profiles")
    return {e.name: e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(".toml")}


@cache
def _all_profiles() -> dict[str, Profile]:
    profiles = {}
    for name, text in sorted(profile_texts().items()):
        profile = _parse(tomllib.loads(text))
        if profile.id + ".toml" != name:
            raise ValueError(f"profile id {profile.id!r} does not match file {name}")
        profiles[profile.id] = profile
    return profiles


def list_profiles() -> list[Profile]:
    """Every rule profile shipped with perfbook, by id."""
    return list(_all_profiles().values())


def get_profile(profile_id: object = None) -> Profile:
    """The profile with this id; empty or ``None`` gives the default ``beijing-chaoyang-2024``."""
    if profile_id is None or (isinstance(profile_id, str) and not profile_id.strip()):
        profile_id = DEFAULT_PROFILE_ID
    if isinstance(profile_id, Profile):
        return profile_id
    profiles = _all_profiles()
    key = str(profile_id).strip()
    if key not in profiles:
        raise PerfError(f"未知的规则“{key}”，可用的规则：{'、'.join(profiles)}")
    return profiles[key]
