"""Jurisdictions' forms of the 自评表 as data: one TOML file per form in ``addin/forms/``.

A form states where it comes from, its title, the labels of its funds block (columns and rows)
and of its indicator block (with the aliases real tables write), whether it has a 性质 and a
度量单位 column, its money unit, its group weights, its total and closing rows, and the rule
profile that scores it by default. The readers recognise a table's form from these labels and
the writers lay templates out by them (both read this one module: DOMAIN.md §2.1).

Standard library only: the engine loads forms inside Excel too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from .datafiles import parse_files, toml_texts
from .errors import PerfError
from .numbers import quoted

# What a form may name (fields of addin.engine.table.Funds and Indicator).
FUNDS_FIELDS = ("initial", "annual", "executed", "weight", "rate", "score", "reason")
INDICATOR_FIELDS = ("level1", "level2", "level3", "nature", "target", "unit", "actual", "weight", "score",
                    "reason")
REQUIRED_INDICATORS = ("level1", "level2", "level3", "target", "actual", "weight", "score")
REQUIRED_FUNDS = ("annual", "executed")   # and weight, score unless the funds block is worth 0
MONEY_UNITS = ("万元", "元")
DEFAULT_FORM_ID = "beijing-chaoyang-2024"
# Rows that end the indicator block on any form.
AFTER_INDICATORS = ("其他需要说明事项", "其他需说明事项", "填报注意事项", "填表说明", "项目负责人", "财务负责人")
# Indicator header labels of forms perfbook has no file for, read wherever a header is looked for:
# 指标内容 is the 三级指标 of the 绩效目标表 Hunan's towns file (宁乡市坝塘镇 2021), 指标目标值 the
# 指标值 of Gansu's 省级部门预算项目支出绩效目标表 (嘉峪关 2023).
OTHER_INDICATOR_LABELS = (("指标内容", "level3"), ("指标目标值", "target"))


class FormDefinitionError(ValueError):
    """A shipped form file that breaks the rules above (a developer's error, not a user's)."""


@dataclass(frozen=True)
class Form:
    """One jurisdiction's layout of the 自评表. ``*_headers`` map a field to its labels: the
    label the form prints first, then the aliases other tables of the form write."""

    id: str
    name: str
    title: str
    source: str
    jurisdiction: str
    limitations: tuple[str, ...]
    profile: str
    money_unit: str
    funds_label: str
    funds_columns: tuple[str, ...]
    funds_headers: dict[str, tuple[str, ...]]
    funds_total: tuple[str, ...]
    funds_sources: tuple[tuple[str, ...], ...]    # each sub-row: its printed label, then aliases
    indicator_columns: tuple[str, ...]
    indicator_headers: dict[str, tuple[str, ...]]
    funds_weight: Decimal
    indicators_weight: Decimal
    total_labels: tuple[str, ...]
    closing: tuple[str, ...]          # 评价结论, 存在问题, 改进措施 … after the total row
    header_totals: tuple[str, ...] = ()   # labels of a total written above the table (自评得分)
    judged: tuple[str, ...] = ()      # 一级指标 whose rows are scored by judgement (项目决策, 项目管理)
    # labels that begin a block of rows carrying its points (年度绩效目标1（80分）): a table of the
    # form without a 分值 column is read with each row's weight implied by its score
    blocks: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def has_nature(self) -> bool:
        return "nature" in self.indicator_columns

    @property
    def has_unit(self) -> bool:
        return "unit" in self.indicator_columns

    def label(self, part: str, field: str) -> str:
        """The label the form prints for ``field`` of ``part`` ('funds' or 'indicators')."""
        return (self.funds_headers if part == "funds" else self.indicator_headers)[field][0]

    def header_labels(self) -> set[str]:
        """Every label this form prints in its header rows (for recognising it)."""
        labels = {self.indicator_headers[f][0] for f in self.indicator_columns}
        labels |= {self.funds_headers[f][0] for f in self.funds_columns}
        labels |= {self.funds_total[0], *(s[0] for s in self.funds_sources)}
        return labels


def _fail(form_id: str, message: str) -> FormDefinitionError:
    return FormDefinitionError(f"form {form_id}: {message}")


def _labels(fid: str, raw: dict, fields: tuple[str, ...], part: str) -> dict[str, tuple[str, ...]]:
    headers = {}
    for key, value in raw.items():
        if key not in fields:
            raise _fail(fid, f"[{part}.headers] names unknown field {key!r} (one of {fields})")
        labels = (value,) if isinstance(value, str) else tuple(value)
        if not labels or not all(isinstance(v, str) and v.strip() for v in labels):
            raise _fail(fid, f"[{part}.headers] {key} needs at least one label")
        headers[key] = labels
    return headers


def _parse(data: dict) -> Form:
    fid = data.get("id", "?")
    for key in ("name", "title", "source", "jurisdiction", "profile"):
        if not str(data.get(key, "")).strip():
            raise _fail(fid, f"{key} is missing")
    if not data.get("limitations"):
        raise _fail(fid, "limitations are missing (say what the form file does not cover)")
    if data.get("money_unit") not in MONEY_UNITS:
        raise _fail(fid, f"money_unit must be one of {MONEY_UNITS}")
    funds, indicators = data["funds"], data["indicators"]
    funds_columns, indicator_columns = tuple(funds["columns"]), tuple(indicators["columns"])
    funds_headers = _labels(fid, funds["headers"], FUNDS_FIELDS, "funds")
    indicator_headers = _labels(fid, indicators["headers"], INDICATOR_FIELDS, "indicators")
    for columns, headers, required, part in ((funds_columns, funds_headers, REQUIRED_FUNDS, "funds"),
                                             (indicator_columns, indicator_headers, REQUIRED_INDICATORS,
                                              "indicators")):
        missing = [f for f in required if f not in columns]
        if missing:
            raise _fail(fid, f"{part}.columns lacks {missing}")
        unlabelled = [f for f in columns if f not in headers]
        if unlabelled:
            raise _fail(fid, f"{part}.columns {unlabelled} have no header label")
        if len(set(columns)) != len(columns):
            raise _fail(fid, f"{part}.columns repeat a field")
    weights = data["weights"]
    funds_weight, indicators_weight = Decimal(str(weights["funds"])), Decimal(str(weights["indicators"]))
    if funds_weight + indicators_weight != 100:
        raise _fail(fid, "weights.funds and weights.indicators add up to 100")
    scored = [f for f in ("weight", "score") if f in funds_columns]
    if funds_weight and len(scored) < 2:
        raise _fail(fid, "a funds block worth points needs its weight and score columns")
    if not funds_weight and scored:
        raise _fail(fid, "a funds block worth 0 has no weight or score column")
    return Form(
        id=fid, name=data["name"], title=data["title"], source=data["source"],
        jurisdiction=data["jurisdiction"], limitations=tuple(data["limitations"]), profile=data["profile"],
        money_unit=data["money_unit"], funds_label=funds["label"], funds_columns=funds_columns,
        funds_headers=funds_headers, funds_total=tuple(funds["total"]),
        funds_sources=tuple(tuple(s) for s in funds["sources"]),
        indicator_columns=indicator_columns, indicator_headers=indicator_headers,
        funds_weight=funds_weight, indicators_weight=indicators_weight,
        total_labels=tuple(data["totals"]["labels"]), closing=tuple(data["totals"].get("closing", ())),
        header_totals=tuple(data["totals"].get("header", ())), judged=tuple(indicators.get("judged", ())),
        blocks=tuple(indicators.get("blocks", ())),
    )


def form_texts() -> dict[str, str]:
    """File name → TOML text of every shipped form file. A self-contained bundle (``perfbook
    lite``) replaces this function with one returning the texts it carries."""
    return toml_texts("addin.forms")


def load_forms(texts: dict[str, str]) -> dict[str, Form]:
    forms = parse_files(texts, _parse, _fail)
    if DEFAULT_FORM_ID not in forms:
        raise FormDefinitionError(f"the default form {DEFAULT_FORM_ID} is missing")
    return forms


@cache
def _all_forms() -> dict[str, Form]:
    return load_forms(form_texts())


def list_forms() -> list[Form]:
    """Every form shipped with perfbook, the default first."""
    forms = _all_forms()
    return [forms[DEFAULT_FORM_ID], *(f for k, f in forms.items() if k != DEFAULT_FORM_ID)]


def get_form(form_id: object = None) -> Form:
    """The form with this id; empty or ``None`` gives the default."""
    if isinstance(form_id, Form):
        return form_id
    key = str(form_id).strip() if form_id is not None else ""
    forms = _all_forms()
    if not key:
        return forms[DEFAULT_FORM_ID]
    if key not in forms:
        raise PerfError(f"未知的表样“{quoted(key)}”，可用的表样：{'、'.join(forms)}", "form")
    return forms[key]


@cache
def vocabulary(part: str) -> tuple[tuple[str, str], ...]:
    """(label, field) for every label any form uses in ``part`` ('funds' or 'indicators'),
    longest label first: a header cell is the field of the longest label it starts with."""
    pairs = dict(OTHER_INDICATOR_LABELS) if part == "indicators" else {}
    for found in _all_forms().values():
        headers = found.funds_headers if part == "funds" else found.indicator_headers
        for field, labels in headers.items():
            for label in labels:
                pairs.setdefault(label, field)
    return tuple(sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True))


@cache
def funds_rows() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The labels of the funds total row, and (label, canonical name) of every sub-row label,
    longest first, over all forms; a sub-row's canonical name is its label without 其中."""
    totals, sources = set(), {}
    for found in _all_forms().values():
        totals.update(found.funds_total)
        for labels in found.funds_sources:
            canonical = strip_source(labels[0])
            for label in labels:
                sources.setdefault(strip_source(label), canonical)
    return (tuple(sorted(totals, key=len, reverse=True)),
            tuple(sorted(sources.items(), key=lambda kv: len(kv[0]), reverse=True)))


@cache
def ends() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels of every form's total row (总分, 合计) and of what follows the indicators
    (every form's closing blocks, and 其他需要说明事项 and the notes every form may carry)."""
    forms = _all_forms().values()
    totals = tuple(dict.fromkeys(t for f in forms for t in f.total_labels))
    closing = tuple(dict.fromkeys([*(c for f in forms for c in f.closing), *AFTER_INDICATORS]))
    return totals, closing


@cache
def header_totals() -> tuple[str, ...]:
    """The labels of a total written above the table, on any form (自评得分)."""
    return tuple(dict.fromkeys(t for f in _all_forms().values() for t in f.header_totals))


def strip_source(label: str) -> str:
    """A funds sub-row label without its 其中 prefix (其中：当年财政拨款 → 当年财政拨款)."""
    text = "".join(label.split())
    for prefix in ("其中：", "其中:", "其中"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
