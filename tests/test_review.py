"""复核本工作簿 inside Excel: the same findings as ``perfbook recalc``, through xlwings Lite (the
generated main.py, run in an interpreter that has nothing but xlwings) and directly in-process on
an xlwings remote book, for every submitted sample."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT
from tests.xlwings_payload import book_payload, recalc_findings, review_findings, run_in_lite

SUBMITTED = sorted((ROOT / "samples/chaoyang-2024/submitted").glob("*.xlsx"))
# 评价指标体系评分表 and yearly budget tables are reviewed like recalc reads them, too.
EVALUATIONS = sorted((ROOT / "samples/yueyang-2020").glob("*.xlsx")) + sorted(
    (ROOT / "samples/qinhuangdao-2020-2022").glob("*.xlsx"))

@pytest.fixture(scope="module")
def expected():
    return [recalc_findings(path) for path in SUBMITTED + EVALUATIONS]


def test_lite_review_finds_what_recalc_finds(tmp_path, expected):
    payloads = [book_payload(path) for path in SUBMITTED + EVALUATIONS]
    results = run_in_lite(tmp_path, payloads)
    assert len(results) == len(SUBMITTED) + len(EVALUATIONS) == 28
    total = 0
    for path, payload, actions, (rows, cells) in zip(SUBMITTED + EVALUATIONS, payloads, results, expected):
        got = review_findings(actions, len(payload["sheets"]))
        assert got == (rows, cells), path.name
        total += len(rows)
    assert total > 0   # the samples carry errors: the comparison compares findings, not nothing


CLASSIC = textwrap.dedent(
    """
    import json, sys
    import xlwings as xw
    from workbook_builder.deploy import review
    book = xw.Book(json=json.loads(sys.stdin.read()))
    xw.Book.caller = staticmethod(lambda: book)   # what RunPython provides in desktop Excel
    review.main()
    print(json.dumps(book.json()["actions"], ensure_ascii=False))
    """
)


def test_classic_runpython_entry_point_reviews_the_calling_book():
    path = next(p for p in SUBMITTED if p.name.startswith("26_"))
    payload = book_payload(path)
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    done = subprocess.run([sys.executable, "-c", CLASSIC], input=json.dumps(payload, ensure_ascii=False),
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    rows, cells = review_findings(json.loads(done.stdout), len(payload["sheets"]))
    assert (rows, cells) == recalc_findings(path)
    assert [r[2:4] for r in rows] == [("指标2：项目总结报告", "未按超额规则扣分")]


def test_the_review_closes_each_table_with_what_its_findings_come_to():
    """As recalc's copies: after a table's findings, a 复核结果 row at its total (计算总分比填报
    总分低 3 分) with the reported and computed totals; a table without findings says its note."""
    from workbook_builder.deploy.review import result_rows, review_grids
    from workbook_builder.readers.source import read_grids

    [path] = [p for p in SUBMITTED if p.name.startswith("26_")]
    reports = review_grids([g for g in read_grids(path)], path.name)
    *_, last = result_rows(reports)
    assert last == ["自评表", '=HYPERLINK("#\'自评表\'!J20","J20")', "朝阳区政府网站功能和监测服务项目", "总分", "复核结果",
                    "计算总分比填报总分低 3 分", 97, 94]
    reports[0].findings, reports[0].note = [], "计分由本工具计算"
    assert result_rows(reports)[-1][5] == "未发现问题：朝阳区政府网站功能和监测服务项目 总分 94.0，等级 优（计分由本工具计算）"
