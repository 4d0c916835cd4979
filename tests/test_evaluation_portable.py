"""Portable 评价指标体系评分表 (``perfbook evaluation new --portable``): the native formulas agree
with the engine on every input LibreOffice computes them for.

The differential test types a few thousand generated inputs (item numbers, words, numbers, %,
units, separators, circled numbers, deductions named and not) into copies of each framework's
portable template, lets LibreOffice compute them, and compares every score with the engine's
method reading the same inputs as recalc reads them: a number the formula shows is the engine's;
where the engine refuses the inputs the formula shows its prompt (请…), never a number.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from addin.engine import PerfError
from addin.engine.frameworks import METHODS, get_framework, list_frameworks
from tests import libreoffice
from workbook_builder.cli import main
from workbook_builder.forms import evaluation_layout as E
from workbook_builder.forms import evaluation_portable as EP
from workbook_builder.forms.evaluation import build_evaluation_workbook, write_evaluation
from workbook_builder.readers.evaluation import read_evaluations
from workbook_builder.readers.source import read_grids

needs_soffice = pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
FRAMEWORKS = [f.id for f in list_frameworks()]
COPIES = 60   # filled copies of each framework's template, computed in one LibreOffice call

# what must score (not show a prompt) wherever its method is used
WELL_FORMED = {"met": ["①②", "1,2", "1、2", "全部", "无", "1", 2, 0, "全部\t", "\n无"],
               "value": [96, "96%", 0.96, "96", "96％", "96 %", "９６", "96\n", "\t96%"],
               "planned": [100, "100%", "100\t"], "deductions": ["无", 0, "不扣分", "无\t", "①1\t③1", "①1，", "3、"]}
# then, in the copies after the well-formed ones, each of these once: what a reviewer's fuzz found
# the formulas reading otherwise than the engine (a number where it refuses, another number)
ADVERSE = {"met": [True, "=TRUE()", "=1/0", "\u3000无", "①" + " " * 5000],
           "value": [True, "=NA()", "0.96％", "9%6", "89.99999999999999999", "1000000000000000", 1e-16,
                     ("%", 0.8999999999996), "96" + " " * 5000],
           "planned": [False, "=1/0", "1e2"],
           "deductions": [True, "=1/0", "4.00000000000001", "①3.999999999999999", "0.999999999999999", 1e-16,
                          "4" + " " * 5000]}


# Cells that are no text or number a method reads: every method refuses them (a reviewer's fuzz had
# LibreOffice's ISNUMBER take TRUE and a date for numbers, and an error pass through as the score)
ODD_CELLS = [True, False, "=1/0", "=NA()"]   # (a date is a number to the formulas: see the module's limitations)


def _met(rng: random.Random) -> object:
    pieces = ["①", "②", "③", "④", "⑤", "⑥", "1", "2", "3", "4", "5", "7", "01", "0", "１", "２", "12"]
    separators = ["", ",", "，", "、", " ", ";", "；", "/", "和", "及", "\n", "-", "第", "项"]
    kind = rng.random()
    if kind < 0.05:
        return rng.choice(ODD_CELLS)
    if kind < 0.15:
        return rng.choice(["全部", "无", "ALL", "none", "全 部", "0", "０", " 全部", "都未达成", "所有", "x", "①②③④⑤⑥",
                           "\u3000无", "全部\u3000", "\u00a0无"])
    if kind < 0.25:
        return rng.choice([0, 1, 2, 3, 4, 6, 1.5, -1])
    return rng.choice(["", " "]) + rng.choice(separators).join(
        rng.choice(pieces) for _ in range(rng.randint(1, 4))) + rng.choice(["", " ", "，"])


def _amount(rng: random.Random) -> object:
    kind = rng.random()
    if kind < 0.05:
        return rng.choice(ODD_CELLS)
    if kind < 0.12:   # full-width forms, a % astray, past the engine's bounds, more decimals than a value has
        return rng.choice(["0.96％", "1％", "2％", "９６", "９６％", "０．９６", "96 %", "\u00a096", "9%6", "0.%96",
                           "1000000000000000", "0.0000000000000001", 1e15, 1e-16, "89.99999999999999999",
                           ("%", 0.8999999999996)])
    if kind < 0.35:
        return rng.choice([0, 0.5, 0.95, 1, 1.2, 2, 2.5, 55, 59.99, 60, 69.5, 70, 80, 85, 89.99, 90, 95, 100, 120,
                           -5, 340, 369, 380])
    if kind < 0.45:
        return ("%", rng.choice([0.55, 0.6, 0.85, 0.9, 1, 1.2, 2.5]))   # a number in a %-formatted cell
    number = rng.choice(["96", "85.5", "0.9", "60", "90", "1,000", "(85)", "-5", "9.5.1", "100", ".5", "1e2", "８５"])
    return number + rng.choice(["", "%", "％", " ", "分", "万元", "小时"])


def _deductions(rng: random.Random) -> object:
    kind = rng.random()
    if kind < 0.05:
        return rng.choice([*ODD_CELLS, 1e-16, "0.999999999999999", "①3.999999999999999", "4.00000000000001", "4."])
    if kind < 0.2:
        return rng.choice([0, 1, 2, 3, 4, 4.5, 7, 10, -1])
    if kind < 0.35:
        return rng.choice(["无", "不扣分", "未扣分", "没有", "扣3分", "3", "2,3", "2 3", "０", "扣３分", "4..5", "①", "x"])
    named = "".join(rng.choice(["①", "②", "③", "④", "⑤", "⑥"]) + rng.choice(["", " "])
                    + rng.choice(["0", "1", "2", "3", "4", "4.5", "5", "6", "7", "8", ""]) + rng.choice(["", "，", " ", "、"])
                    for _ in range(rng.randint(1, 3)))
    return rng.choice(["", "扣", " ", "3", "x"]) + named + rng.choice(["", "分"])


GENERATE = {"met": _met, "value": _amount, "planned": _amount, "deductions": _deductions}


def _fill(ws, lay, index: int, method: str, rng: random.Random, copy: int) -> None:
    fields = [f for f in E.INPUT_FIELDS if f in METHODS[method].inputs]
    for field in fields:
        fixed, adverse, first = WELL_FORMED[field], ADVERSE[field], max(map(len, WELL_FORMED.values()))
        if copy < len(fixed):   # (the first copies: well formed; then the adverse ones; then generated)
            value = fixed[copy]
        elif first <= copy < first + len(adverse):
            value = adverse[copy - first]
        else:
            value = GENERATE[field](rng)
        cell = ws[lay.item_cell(field, index)]
        if isinstance(value, tuple):
            cell.value, cell.number_format = value[1], "0%"
        else:
            cell.value = value


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    """framework → [(inputs file, the file LibreOffice computed)]."""
    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    root = tmp_path_factory.mktemp("portable-evaluation")
    rng = random.Random(20261207)
    written = {}
    for framework_id in FRAMEWORKS:
        framework = get_framework(framework_id)
        lay = E.Layout(len(framework.rows()), len(framework.levels))
        paths = []
        for copy in range(COPIES):
            book = build_evaluation_workbook(framework, portable=True)
            ws = book[E.SHEET]
            for index, (_, _, item) in enumerate(framework.rows()):
                if item.criterion.method in ("checklist", "band", "ratio", "deduction"):
                    _fill(ws, lay, index, item.criterion.method, rng, copy)
            path = root / "in" / framework_id / f"{copy:03d}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            book.save(path)
            paths.append(path)
        written[framework_id] = paths
    done = libreoffice.in_one_call(written, root / "out", "xlsx", libreoffice.recalculate)
    return {framework_id: list(zip(written[framework_id], done[framework_id])) for framework_id in FRAMEWORKS}


def _engine(criterion, row) -> Decimal | str:
    try:
        return METHODS[criterion.method].score(criterion, row.inputs)
    except PerfError as err:
        return f"拒绝：{err}"


@needs_soffice
@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_every_score_the_formulas_show_is_the_engines(computed, framework_id):
    """Over the generated inputs: a number shown is the engine's to the cent; inputs the engine
    refuses show a prompt (never a number, never an error value); the well-formed inputs all
    score where the engine scores them."""
    from addin.engine.frameworks.criteria import parse_criterion

    framework = get_framework(framework_id)
    compared = prompted = stricter = 0
    for source, done in computed[framework_id]:
        shown = load_workbook(done, data_only=True)[E.SHEET]
        [read] = read_evaluations(read_grids(done), done.name)   # the inputs as recalc reads them
        lay = E.Layout(len(framework.rows()), len(framework.levels))
        for index, ((_, _, item), row) in enumerate(zip(framework.rows(), read.form.rows)):
            method = item.criterion.method
            if method == "judgement":
                continue
            got = shown[lay.item_cell("score", index)].value
            want = _engine(parse_criterion(row.criterion, item.points), row)
            where = (source.name, lay.item_cell("score", index), row.inputs, got, want)
            assert got is not None and not (isinstance(got, str) and got.startswith("#")), where
            compared += 1
            fields = [f for f in E.INPUT_FIELDS if f in METHODS[method].inputs]
            well_formed = int(source.stem) < min(len(WELL_FORMED[f]) for f in fields)
            if isinstance(got, str):
                assert got.startswith(E.PROMPT), where
                prompted += 1
                stricter += not isinstance(want, str)
                assert not (well_formed and not isinstance(want, str)), where   # (what the template asks for scores)
            else:
                assert not isinstance(want, str), where
                assert Decimal(str(got)).quantize(Decimal("0.01")) == want, where
    # (most generated inputs are malformed on purpose; the engine reads some of them more leniently:
    # 96分 against 60, ８５, 1,000, 1e2, units: the template asks for them as numbers)
    assert compared > 800 and prompted < compared * 0.75 and stricter < compared * 0.2, (compared, prompted, stricter)


@needs_soffice
def test_recalc_of_a_portable_template_finds_what_it_finds_in_the_addins(tmp_path):
    """The 岳阳 sheet filled as in the add-in test, computed by LibreOffice: recalc reads its
    scores as reported and finds the same as on the add-in template (no note: nothing to compute);
    an input the formula does not read (3小时 for a % band) shows its prompt, and recalc says what
    is wrong at the input, under one note."""
    from tests.test_recalc_evaluation import FILLED_YUEYANG
    from workbook_builder.readers.tables import NOTE_PROMPTS
    from workbook_builder.recalc.run import recalc

    reports = {}
    for portable in (False, True):
        path = write_evaluation("yueyang-2020", tmp_path / f"in{portable}" / "评分表.xlsx", portable=portable)
        wb = load_workbook(path)
        for ref, value in FILLED_YUEYANG.items():
            wb[E.SHEET][ref] = value
        wb.save(path)
        if portable:
            [path] = libreoffice.recalculate([path], tmp_path / "lo")
        [reports[portable]] = recalc([str(path)], tmp_path / f"out{portable}", jobs=1).reports
    addin, native = reports[False], reports[True]
    assert native.note == "" and native.computed_total == addin.computed_total == 81.42
    # (the 9 typed where 8 is the most is in the 小计 the formula adds, as in Excel: a finding
    # more than in the add-in's file never computed, whose 小计 recalc computes itself)
    assert sorted((f.cell, f.kind) for f in native.findings) == sorted(
        [(f.cell, f.kind) for f in addin.findings] + [("I29", "total_mismatch")])

    path = tmp_path / "in_prompt" / "评分表.xlsx"
    write_evaluation("yueyang-2020", path, portable=True)
    wb = load_workbook(path)
    for ref, value in {**FILLED_YUEYANG, "L26": "3小时"}.items():
        wb[E.SHEET][ref] = value
    wb.save(path)
    [saved] = libreoffice.recalculate([path], tmp_path / "lo2")
    assert load_workbook(saved, data_only=True)[E.SHEET]["I26"].value.startswith(E.PROMPT)
    [report] = recalc([str(saved)], tmp_path / "out_prompt", jobs=1).reports
    assert report.note == NOTE_PROMPTS
    assert [(f.cell, f.kind) for f in report.findings if f.cell.endswith("26")] == [("L26", "unreadable")]

    path = tmp_path / "in_prompts" / "评分表.xlsx"   # (most filled rows prompting: still the prompts' note)
    write_evaluation("yueyang-2020", path, portable=True)
    wb = load_workbook(path)
    for row in range(5, 10):
        wb[E.SHEET][f"K{row}"] = "x"
    wb.save(path)
    [saved] = libreoffice.recalculate([path], tmp_path / "lo3")
    [report] = recalc([str(saved)], tmp_path / "out_prompts", jobs=1).reports
    assert report.note == NOTE_PROMPTS and {f.cell for f in report.findings} >= {f"K{row}" for row in range(5, 10)}


def test_evaluation_new_portable_writes_no_perf_function(tmp_path, capsys):
    """``--portable``: no PERF_* call anywhere, every formula within Excel's 8,192 characters, the
    mode recorded on the hidden sheet and said on the screen."""
    for framework_id in FRAMEWORKS:
        path = tmp_path / f"{framework_id}.xlsx"
        assert main(["evaluation", "new", "--framework", framework_id, "-o", str(path), "--portable"]) == 0
        assert "通用公式" in capsys.readouterr().out
        book = load_workbook(path)
        formulas = [c.value for ws in book for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
        assert formulas and not [f for f in formulas if "PERF_" in f.upper()]
        called = {name for f in formulas for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', "", f))}
        assert called <= EP.FUNCTIONS, called - EP.FUNCTIONS   # (what Excel 2010, WPS and LibreOffice share)
        assert max(map(len, formulas)) <= 8192
        assert ["公式", "通用公式（无需加载项）"] in [[c.value for c in row[:2]] for row in book[E.META_SHEET].iter_rows()]


def test_every_prompt_begins_as_recalc_recognises_it():
    """recalc tells a portable score's prompt from a typed text by its first character."""
    from workbook_builder.forms import evaluation_portable as EP

    prompts = [value for name, value in vars(EP).items() if name.endswith("_PROMPT")]
    assert len(prompts) == 7 and all(p.startswith(f'"{E.PROMPT}') for p in prompts)


@needs_soffice
def test_a_copy_of_the_sheet_scores_its_own_inputs(tmp_path):
    """The evaluator copies the portable sheet for a second project: the copy's formulas read the
    copy's inputs (their helper cells are on the sheet itself, in hidden columns)."""
    path = write_evaluation("yueyang-2020", tmp_path / "评分表.xlsx", portable=True)
    wb = load_workbook(path)
    copy = wb.copy_worksheet(wb[E.SHEET])
    copy.title = "乙项目"
    for ws, met, value in ((wb[E.SHEET], "①②③④", "95%"), (copy, "①", "50%")):
        ws["K5"], ws["L26"] = met, value   # 目标内容 (checklist), 服务对象满意度 (band)
    wb.save(path)
    [done] = libreoffice.recalculate([path], tmp_path / "lo")
    shown = load_workbook(done, data_only=True)
    assert (shown[E.SHEET]["I5"].value, shown[E.SHEET]["I26"].value) == (4, 8)
    assert (shown["乙项目"]["I5"].value, shown["乙项目"]["I26"].value) == (1, 0)
    assert shown[E.SHEET].column_dimensions["P"].hidden


@pytest.mark.parametrize(("text", "says"), [
    ("故障修复时间2小时（含）以内得5分，2-4小时（含）得3分，4小时以上不得分", "分档计分的单位“小时”无法写成通用公式"),
    ("差错率0.5%（含）以内得5分，0.5%-1%（含）得3分，1%以上不得分", "档位在 0 至 2% 之间")])
def test_a_criterion_no_formula_reads_as_the_engine_is_refused_naming_its_item(text, says):
    """No shipped framework has one, but a band in hours (the engine converts 180分钟) or with
    boundaries from 0 to 2% (a %-formatted 0.5 or a typed 0.5?) is refused when the template is
    generated, naming the item, rather than written as a formula that could score differently."""
    from types import SimpleNamespace

    from addin.engine.frameworks import parse_criterion
    from workbook_builder.forms.evaluation import score_formula
    from workbook_builder.forms.portable import NotPortable

    item = SimpleNamespace(name="故障修复", criterion=parse_criterion(text, Decimal(5)))
    with pytest.raises(NotPortable, match=f"三级指标“故障修复”：.*{says}"):
        score_formula(item, E.Layout(1, 1), 0, portable=True)


@needs_soffice
def test_the_formulas_survive_saving_as_xls_and_ods(tmp_path):
    """Saved as .xls (Excel 97-2003) and .ods and opened again, every score is the same: a 6,149-
    character 扣分制 formula had been written to .xls as =NA() (its amounts now read in helpers)."""
    from tests.office_formats import convert
    from tests.test_recalc_evaluation import FILLED_YUEYANG

    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx", portable=True)
    wb = load_workbook(path)
    for ref, value in {**FILLED_YUEYANG, "N12": "①5③3"}.items():
        wb[E.SHEET][ref] = value
    wb.save(path)
    [computed] = libreoffice.recalculate([path], tmp_path / "xlsx")
    scores = lambda book: [load_workbook(book, data_only=True)[E.SHEET][f"I{r}"].value for r in range(5, 32)]  # noqa: E731
    want = scores(computed)
    assert want[7] == 0 and all(v not in (None, "") for v in want)   # (I12: 7 − 5 − 3, floored at 0)
    for fmt in ("xls", "ods"):
        [saved] = convert([computed], fmt, tmp_path / fmt, tmp_path / "profile")
        [opened] = libreoffice.recalculate([saved], tmp_path / f"{fmt}-again")
        assert scores(opened) == want, fmt


def test_a_portable_sheet_never_computed_is_not_said_to_miss_the_add_in(tmp_path):
    """Filled and saved by a program that computes nothing: scored here under the note, which
    speaks of formulas not computed, not of an add-in a portable sheet does not need."""
    from tests.test_recalc_evaluation import FILLED_YUEYANG
    from workbook_builder.readers.tables import NOTE_NOT_COMPUTED_PORTABLE
    from workbook_builder.recalc.run import recalc

    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx", portable=True)
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        wb[E.SHEET][ref] = value
    wb.save(path)
    [report] = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert report.note == NOTE_NOT_COMPUTED_PORTABLE and report.computed_total == 81.42
