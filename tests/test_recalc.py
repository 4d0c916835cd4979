"""perfbook recalc on the sample submissions: exactly the real anomalies, and nothing lost."""

import hashlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import libreoffice
from tests.conftest import ROOT
from workbook_builder.cli import main

sys.path.insert(0, str(ROOT / "samples"))
import make_submitted  # noqa: E402

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"
SNAPSHOT = Path(__file__).parent / "data" / "snapshots" / "recalc_submitted.json"
ANOMALIES = {
    ("朝阳区“城市管理大脑”（一期）", "H6", "exec_score_mismatch"),
    ("朝阳区公共信用信息服务平台", "H6", "exec_score_mismatch"),
    ("朝阳区公共信用信息服务平台", "G6", "exec_rate_mismatch"),
    ("朝阳区政府网站功能和监测服务项目", "J14", "penalty_not_applied"),
}


def recalc(tmp_path, *paths, extra=()):
    out, result = tmp_path / "out", tmp_path / "result.json"
    code = main(["recalc", *map(str, paths), "-o", str(out), "--json", str(result), "--jobs", "1", *extra])
    return code, json.loads(result.read_text(encoding="utf-8")), out


def located(data):
    return {(t["project"], f["cell"], f["kind"]) for t in data["tables"] for f in t["findings"]}


@pytest.fixture
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_submitted_samples_report_exactly_the_anomalies(tmp_path, in_root):
    code, data, _ = recalc(tmp_path, "samples/chaoyang-2024/submitted")
    assert code == 0
    assert len(data["tables"]) == 30 and data["unreadable"] == []
    assert located(data) == ANOMALIES
    for table in data["tables"]:   # the machine's absolute path: checked, then normalised
        assert table.pop("uri") == (ROOT / table["file"].replace("submitted/", "samples/chaoyang-2024/submitted/", 1)).as_uri()
    if os.environ.get("PERFBOOK_UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for got, want in zip(data["tables"], snapshot["tables"]):
        assert got == want
    assert data == snapshot


def test_same_results_from_filled_perfbook_templates(tmp_path, chaoyang_tables):
    folder = tmp_path / "templates"
    tables = [t for t in chaoyang_tables]
    make_submitted.make_templates(tables, folder, range(1, 31))
    code, data, _ = recalc(tmp_path, folder)
    assert code == 0 and len(data["tables"]) == 30
    assert all(t["template"] for t in data["tables"])
    standard = {(p, k) for p, _, k in ANOMALIES}
    assert {(p, k) for p, _, k in located(data)} == standard
    assert {c for _, c, _ in located(data)} == {"H6", "G6", "J14"}


def test_uncalculated_template_is_computed_as_the_addin_would(tmp_path, chaoyang_tables):
    """Saved by a program that does not compute formulas: perfbook computes the scores (one note,
    no finding per empty score cell) and finds what Excel with the add-in would show: table 26
    row 2 scored 7 by the rules, without a reason."""
    folder = tmp_path / "templates"
    make_submitted.make_templates(chaoyang_tables, folder, (26,), uncalculated=(26,))
    code, data, _ = recalc(tmp_path, folder)
    [table] = data["tables"]
    assert [(f["kind"], f["cell"]) for f in table["findings"]] == [("missing_reason", "K14")]
    assert table["reported_total"] is None and "计分由本工具计算" in table["note"]
    assert table["computed_total"] == 94.0 and table["grade"] == "优"


@pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
def test_perf_templates_filled_without_the_addin_find_what_excel_would(tmp_path, chaoyang_tables):
    """The 30 PERF_* templates filled in and saved by LibreOffice (every PERF_* cell then holds
    #NAME?, its formula lower-cased): one note per file, no #NAME? finding, and the findings of
    the same files whose scores were computed as the add-in computes them."""
    folder = tmp_path / "templates"
    make_submitted.make_templates(chaoyang_tables, folder, range(1, 31), uncalculated=range(1, 31))
    saved = libreoffice.recalculate(sorted(folder.glob("*.xlsx")), tmp_path / "saved-by-libreoffice")
    book = load_workbook(saved[0])
    assert "perf_score(" in str(book["自评表"]["J13"].value).lower()
    assert load_workbook(saved[0], data_only=True)["自评表"]["J13"].value == "#NAME?"
    _, by_office, _ = recalc(tmp_path / "a", saved[0].parent)
    _, uncomputed, _ = recalc(tmp_path / "b", folder)
    found = lambda data: sorted((t["project"], f["kind"], f["cell"]) for t in data["tables"] for f in t["findings"])  # noqa: E731
    assert len(by_office["tables"]) == 30
    assert all("#NAME?" in t["note"] for t in by_office["tables"])
    assert found(by_office) == found(uncomputed) == [(chaoyang_tables[25].project, "missing_reason", "K14")]
    assert [t["computed_total"] for t in by_office["tables"]] == [t["computed_total"] for t in uncomputed["tables"]]


def test_originals_are_never_modified(tmp_path, in_root):
    digest = lambda: {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SUBMITTED.glob("*.xlsx")}  # noqa: E731
    before = digest()
    recalc(tmp_path, "samples/chaoyang-2024/submitted")
    assert digest() == before


def test_outputs_summary_and_annotated_copy(tmp_path, in_root):
    _, data, out = recalc(tmp_path, "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx")
    [table] = data["tables"]
    summary = load_workbook(out / "复核汇总.xlsx")
    assert summary.sheetnames == ["项目", "问题", "等级分布", "问题类型", "金额与得分", "无法读取", "部门",
                                  "北京市朝阳区数据局"]
    assert summary["等级分布"]._charts and summary["问题类型"]._charts and summary["金额与得分"]._charts
    projects = list(summary["项目"].iter_rows(values_only=True))
    assert projects[1][1:4] == ("xlsx", "自评表", "朝阳区政府网站功能和监测服务项目")
    assert projects[1][5:6] == ("beijing-chaoyang-2024",) and projects[1][8:12] == (97, 94, "优", 1)
    copy = load_workbook(out / table["annotated"])
    assert copy.sheetnames[0] == "复核结果"
    flagged = copy["自评表"]["J14"]
    assert "得分应为7.00" in flagged.comment.text and flagged.fill.fgColor.rgb.endswith("FF9999")
    computed_column = copy["自评表"].max_column - 1
    assert copy["自评表"].cell(14, computed_column).value == 7.0


def test_strict_exit_code(tmp_path, in_root):
    code, _, _ = recalc(tmp_path, "samples/chaoyang-2024/submitted/05_朝阳区“城市管理大脑”（一期）.xlsx",
                        extra=("--strict",))
    assert code == 1
    code, _, _ = recalc(tmp_path, "samples/chaoyang-2024/submitted/01_2022-2023年朝阳区互联网接入服务.xlsx",
                        extra=("--strict",))
    assert code == 0


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["recalc", str(tmp_path / "nothing-here"), "-o", str(tmp_path / "o")]) == 2
    assert "没有找到要复核的" in capsys.readouterr().err
    assert main(["recalc", str(SUBMITTED), "-o", str(tmp_path / "o"), "--profile", "nope"]) == 2
    assert "未知的规则“nope”" in capsys.readouterr().err


def test_workbook_rule_cell_wins_over_option(tmp_path, chaoyang_tables):
    folder = tmp_path / "templates"
    make_submitted.make_templates(chaoyang_tables, folder, (26,))
    [path] = folder.glob("*.xlsx")
    wb = load_workbook(path)
    wb["自评表"]["C22"] = "mof-2020"
    wb.save(path)
    _, data, _ = recalc(tmp_path, folder, extra=("--profile", "beijing-chaoyang-2024"))
    [table] = data["tables"]
    assert table["profile"] == "mof-2020"
    # mof-2020 has no fixed deduction but lets a target set too low be reduced 'as appropriate':
    # indicator 1's reduced score with its reason stands; indicator 2's over-target without a
    # reason is a finding.
    assert {(f["cell"], f["kind"]) for f in table["findings"]} == {("K14", "over_target")}
    wb["自评表"]["C22"] = "no-such-rule"
    wb.save(path)
    _, data, _ = recalc(tmp_path, folder)
    [table] = data["tables"]
    assert table["profile"] == "beijing-chaoyang-2024"
    [rule] = [f for f in table["findings"] if "未知的规则“no-such-rule”" in f["message"]]
    assert rule["cell"] == "C22" and rule["reported"] == "no-such-rule"


def test_findings_stand_when_the_copy_cannot_be_written(tmp_path, in_root, monkeypatch, capsys):
    from workbook_builder.recalc import copies as module  # imported by check_file when needed

    def broken(*args):
        raise OSError(30, "Read-only file system")  # EROFS

    monkeypatch.setattr(module, "write_copy", broken)
    _, data, _ = recalc(tmp_path, "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx")
    [table] = data["tables"]
    assert table["annotated"] is None
    assert table["annotation_error"] == "复核副本无法写出（磁盘只读），复核结果见汇总表"
    assert [f["kind"] for f in table["findings"]] == ["penalty_not_applied"]
    assert "复核副本无法写出" in capsys.readouterr().out


def test_funds_sources_that_do_not_add_up_are_found_at_the_total_cell(tmp_path, chaoyang_tables):
    """The form's own rule, on a standard-layout workbook: 年度资金总额 0 while 当年财政拨款 shows
    89.974 (seen in real tables); the finding points at the 年度资金总额 cell of that column."""
    from openpyxl import Workbook

    wb = Workbook()
    make_submitted.write_standard(wb.active, chaoyang_tables[0])
    ws = wb.active
    total_row = next(r for r in range(1, 20) if ws.cell(r, 2).value == "年度资金总额")
    ws.cell(total_row, 3, 0)
    ws.cell(total_row + 1, 3, 89.974)            # 其中：当年财政拨款, 年初预算数
    ws.cell(total_row + 1, 4, chaoyang_tables[0].funds.annual)   # 全年预算数 adds up
    path = tmp_path / "sources.xlsx"
    wb.save(path)
    _, data, _ = recalc(tmp_path, path)
    [finding] = [f for f in data["tables"][0]["findings"] if f["kind"] == "funds_sum"]
    assert finding["cell"] == f"C{total_row}"
    assert finding["message"] == "年初预算数：当年财政拨款 89.974 = 89.974，与年度资金总额 0 不一致"
    assert (finding["reported"], finding["expected"]) == (0, 89.974)


def test_filled_template_sources_are_read_and_checked(tmp_path, chaoyang_tables):
    from workbook_builder.forms.layout import SHEET, Layout

    folder = tmp_path / "templates"
    make_submitted.make_templates(chaoyang_tables, folder, [3])
    [path] = folder.glob("*.xlsx")
    wb = load_workbook(path)
    lay = Layout(len(chaoyang_tables[2].indicators))
    wb[SHEET][lay.funds_cell("executed", "其他资金")] = 1.5
    wb.save(path)
    _, data, _ = recalc(tmp_path, path)
    [finding] = [f for f in data["tables"][0]["findings"] if f["kind"] == "funds_sum"]
    assert finding["cell"] == lay.funds_cell("executed")


def test_unreadable_target_is_located_at_the_target_cell(tmp_path, chaoyang_tables):
    from openpyxl import Workbook

    wb = Workbook()
    make_submitted.write_standard(wb.active, chaoyang_tables[0])
    ws = wb.active
    first = next(r for r in range(1, 40) if ws.cell(r, 5).value in ("≥", "≤", "=", "定性"))
    ws.cell(first, 6, "待定")
    path = tmp_path / "target.xlsx"
    wb.save(path)
    _, data, _ = recalc(tmp_path, path)
    cells = {(f["kind"], f["cell"]) for f in data["tables"][0]["findings"]}
    assert ("unreadable", f"F{first}") in cells


def test_files_that_are_no_tables_are_skipped_not_unreadable(tmp_path):
    folder = tmp_path / "收到"
    folder.mkdir()
    shutil_copy = __import__("shutil").copy
    shutil_copy(SUBMITTED / next(p.name for p in SUBMITTED.glob("26_*.xlsx")), folder / "表26.xlsx")
    (folder / "说明.txt").write_text("各单位自评表", encoding="utf-8")
    (folder / "~$表26.xlsx").write_bytes(b"lock")
    (folder / "坏.xlsx").write_bytes(b"not a workbook")
    code, data, _ = recalc(tmp_path, folder, extra=("--strict",))
    assert data["summary"]["skipped_files"] == 2 and data["summary"]["unreadable_files"] == 1
    assert {f["file"].split("/")[-1]: f["skipped"] for f in data["unreadable"]} == {
        "说明.txt": True, "~$表26.xlsx": True, "坏.xlsx": False}
    assert code == 1


def test_copies_of_originals_sharing_a_stem_name_their_format(tmp_path):
    from tests.conftest import ROOT as root

    folder = tmp_path / "收到"
    folder.mkdir()
    for name in ("26_website.xls", "26_website.ods"):
        (folder / name).write_bytes((root / "tests" / "data" / "formats" / name).read_bytes())
    _, data, out = recalc(tmp_path, folder)
    assert {t["annotated"] for t in data["tables"]} == {"26_website（xls）_复核.xlsx", "26_website（ods）_复核.xlsx"}
    assert all((out / t["annotated"]).is_file() for t in data["tables"])


def test_copies_of_originals_of_one_name_in_several_folders_name_their_folder(tmp_path):
    """单位A/自评表.xlsx and 单位B/自评表.xlsx: each copy says whose it is (单位A_自评表_复核.xlsx),
    not 自评表_复核（2）.xlsx; a name met once keeps its plain copy name."""
    folder = tmp_path / "收到"
    for unit, prefix in (("单位A", "26"), ("单位B", "01")):
        (folder / unit).mkdir(parents=True)
        shutil.copy(next(SUBMITTED.glob(f"{prefix}_*.xlsx")), folder / unit / "自评表.xlsx")
    shutil.copy(next(SUBMITTED.glob("02_*.xlsx")), folder / "单位B")
    _, data, out = recalc(tmp_path, folder)
    assert {t["file"]: t["annotated"] for t in data["tables"]} == {
        "收到/单位A/自评表.xlsx": "单位A_自评表_复核.xlsx", "收到/单位B/自评表.xlsx": "单位B_自评表_复核.xlsx",
        f"收到/单位B/{next(SUBMITTED.glob('02_*.xlsx')).name}": f"{next(SUBMITTED.glob('02_*.xlsx')).stem}_复核.xlsx"}
    assert all((out / t["annotated"]).is_file() for t in data["tables"])


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_the_copy_is_made_from_the_bytes_read_not_the_file_opened_again(tmp_path, monkeypatch, suffix):
    """A file replaced by another after it was read and checked (a unit re-sending while the batch
    runs, a race): its copy is the file read, with its findings, never the other file carrying
    them (nor anything unchecked: a bomb, a pipe swapped in)."""
    from tests.office_formats import to_docx
    from workbook_builder.recalc import run as module

    read, other = SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", SUBMITTED / "05_朝阳区“城市管理大脑”（一期）.xlsx"
    path = tmp_path / f"表{suffix}"
    replacement = tmp_path / f"other{suffix}"
    if suffix == ".docx":
        to_docx(read, path)
        to_docx(other, replacement)
    else:
        path.write_bytes(read.read_bytes())
        replacement.write_bytes(other.read_bytes())
    original = path.read_bytes()
    score = module._score

    def swapped_after_reading(file):
        score(file)
        os.replace(replacement, path)

    monkeypatch.setattr(module, "_AFTER_CHECK", (module._load, module._find, swapped_after_reading))
    [report] = module.check_file(str(path), None, str(tmp_path / "out"), "表_复核.xlsx", path.name)
    copy = tmp_path / "out" / report.annotated
    if suffix == ".docx":
        import docx

        text = "".join(cell.text for table in docx.Document(copy).tables for row in table.rows for cell in row.cells)
        source = "".join(cell.text for table in docx.Document(io.BytesIO(original)).tables for row in table.rows
                         for cell in row.cells)
    else:
        text = str([c.value for row in load_workbook(copy)["自评表"].iter_rows() for c in row])
        source = str([c.value for row in load_workbook(io.BytesIO(original))["自评表"].iter_rows() for c in row])
    assert "朝阳区政府网站功能和监测服务项目" in text and "城市管理大脑" not in text
    assert len(text) >= len(source) * 0.9


def test_a_files_bytes_are_let_go_once_its_copy_is_written(tmp_path, monkeypatch):
    """The bytes a copy is made from are kept for it alone: when a file's copy is written, no other
    file's bytes are held (files over LARGE go through alone: a chunk of them had held them all)."""
    import gc
    import zipfile

    from workbook_builder.recalc import run as module

    jobs = []
    for n, source in enumerate(sorted(SUBMITTED.glob("*.xlsx"))[:3]):
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(source.read_bytes())
        with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as package:   # a picture: over LARGE
            package.writestr("xl/media/image1.png", os.urandom(module.LARGE + 1))
        jobs.append((str(path), None, str(tmp_path / "out"), f"{n}_复核.xlsx", path.name))
    for path in (SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", SUBMITTED / "05_朝阳区“城市管理大脑”（一期）.xlsx",
                 ROOT / "tests/data/formats/26_website.ods"):   # small: staged; an .ods's copy is of its values
        jobs.append((str(path), None, str(tmp_path / "out"), f"{path.stem[:2]}{path.suffix}_复核.xlsx", path.name))
    annotate, held = module._annotate, []

    def watched(file, alone):
        held.append(sum(1 for f in gc.get_objects() if isinstance(f, module._File) and f is not file and f.data))
        return annotate(file, alone)

    monkeypatch.setattr(module, "_annotate", watched)
    outcomes = module.check_files(jobs)
    assert all(isinstance(o, list) and o[0].annotated for o in outcomes)
    assert held == [0, 0, 0, 1, 0, 0]   # (the staged are loaded together: the first sees the next's bytes)


def test_a_target_contradicting_its_nature_is_said_at_the_nature_cell(tmp_path):
    """Table 26's first row with its target rewritten ≤1份 beside 性质 ≥: said at the 性质 cell,
    scored by the 性质 (the reported 7 stays right: the over-target deduction applies)."""
    book = load_workbook(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    ws = book["自评表"]
    assert (ws["E13"].value, ws["F13"].value) == ("≥", 1)
    ws["F13"] = "≤1份"
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / "26.xlsx")
    _, data, _ = recalc(tmp_path, tmp_path / "in", extra=("--no-copies",))
    [table] = data["tables"]
    conflict = [f for f in table["findings"] if f["kind"] == "nature_conflict"]
    assert [(f["cell"], f["message"]) for f in conflict] == [("E13", "绩效指标性质为“≥”，年度指标值写的却是“≤”；已按性质计分，请核对")]
    assert not any(f["cell"] == "J13" for f in table["findings"])


def test_a_blank_total_is_a_finding_where_the_form_has_a_total_row(tmp_path):
    """The unit cleared 总分's 得分 (J19): 总分未填写，应为 the computed total; it had passed with no
    finding, while a blank 年度资金总额 得分 was one."""
    from workbook_builder.recalc.run import recalc

    [source] = SUBMITTED.glob("01_*.xlsx")
    book = load_workbook(source)
    book["自评表"]["J19"] = None
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / source.name)
    [report] = recalc([str(tmp_path / "in")], tmp_path / "out", jobs=1).reports
    [finding] = [f for f in report.findings if f.cell == "J19"]
    assert finding.kind == "score_missing" and finding.message == f"总分未填写，应为{report.computed_total:g}"
