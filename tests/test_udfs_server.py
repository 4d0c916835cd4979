"""addin.udfs imported the way xlwings Server imports it, in a fresh interpreter.

xlwings chooses its decorators when it is first imported, from XLWINGS_ON_SERVER; so the module
is loaded in a subprocess with that environment, and the functions are listed with
``custom_functions_meta`` and called through ``custom_functions_call``.
"""

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    import xlwings.server as server
    import addin.udfs as udfs

    meta = server.custom_functions_meta(udfs)
    calls = json.loads(sys.stdin.read())
    results = []
    for name, args in calls:
        data = {
            "func_name": name,
            "args": [[[a]] for a in args],
            "version": "perfbook-test",
            "client": "Office.js",
            "runtime": "1.4",
            "culture_info_name": "zh-CN",
            "date_format": "yyyy/m/d",
            "caller_address": "自评表!I12",
        }
        try:
            results.append({"value": asyncio.run(server.custom_functions_call(data, udfs))})
        except Exception as err:
            results.append({"error": type(err).__name__, "message": str(err)})
    print(json.dumps({"meta": meta, "results": results}, ensure_ascii=False))
    """
)

CALLS = [
    ("PERF_SCORE", ["≥", 1, "提供实施方案7份", 10]),
    ("PERF_SCORE", ["≥", 1, "7份", 10, "mof-2020"]),
    ("PERF_EXEC_RATE", [696.02, 695.82]),
    ("PERF_EXEC_SCORE", [696.02, 695.82, 10]),
    ("PERF_GRADE", [89.99]),
    ("PERF_VALUE", ["服务响应时间2小时内", "小时"]),
    ("PERF_CHECK", ["≥", 1, "按照既定目标提供项目总结报告7份", 10, 10, None]),
    ("PERF_SCORE", ["≥", 90, "待定", 10]),
    ("PERF_GRADE", [95, None, "多余的参数"]),
    ("PERF_VALUE", ["1" * 5000]),
    ("PERF_CHECKLIST", ["①设有目标（1分）\n②目标明确（1分）\n③目标细化（1分）\n④目标量化（1分）", "①②④"]),
    ("PERF_CHECKLIST", ["①到位及时（2分）②不及时但未影响项目进度（1分）③不及时并影响项目进度（0.5分）", 3]),
    ("PERF_BAND", ["满意率达90%（含）以上的得8分，80%（含）-90%得6分，70%（含）-80%得4分，60%（含）-70%得2分，"
                   "60%以下不得分。", 0.85]),
    ("PERF_BAND", ["故障修复时间2小时（含）以内得5分，2-4小时（含）得3分，4小时以上不得分", "3小时"]),
    ("PERF_DEDUCT", [7, "2,3", "①虚列套取扣4-7分 ②依据不合规扣2分 ③截留、挤占、挪用扣3-6分"]),
    ("PERF_DEDUCT", [7, 2]),
    ("PERF_RATIO", [207, 369, 3]),
    ("PERF_DEDUCT", [7, "②3", "①虚列套取扣4-7分 ②依据不合规扣2分"]),
    ("PERF_CHECKLIST", ["①设有目标（1分）②目标明确（2分", "①"]),
    ("PERF_SCORE", ["≥", 90, "#N/A", 10]),
]


def run_on_server():
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=json.dumps(CALLS, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


def test_metadata_and_calls_through_xlwings_server():
    out = run_on_server()
    functions = {f["name"]: f for f in out["meta"]["functions"]}
    assert set(functions) == {
        "PERF_SCORE", "PERF_EXEC_RATE", "PERF_EXEC_SCORE", "PERF_GRADE", "PERF_VALUE", "PERF_CHECK",
        "PERF_CHECKLIST", "PERF_BAND", "PERF_DEDUCT", "PERF_RATIO",
    }
    has_chinese = lambda text: any("\u4e00" <= ch <= "\u9fff" for ch in text)  # noqa: E731
    for function in functions.values():
        assert has_chinese(function["description"])
        for param in function["parameters"]:
            assert has_chinese(param["description"]), (function["name"], param["name"])
    score_params = functions["PERF_SCORE"]["parameters"]
    assert [p["name"] for p in score_params] == ["性质", "指标值", "实际完成值", "分值", "规则", "单位", "一级指标", "二级指标"]
    assert [p.get("optional", False) for p in score_params] == [False] * 4 + [True] * 4

    values = [r.get("value") for r in out["results"]]
    assert values[:7] == [
        [[7.0]], [[10.0]], [[0.9997]], [[10.0]], [["良"]], [[2.0]],
        [["实际完成值超出年度指标值600%，按规则应扣减分值的30%（3分），得分应为7.00，填报为10"]],
    ]
    error = out["results"][7]
    assert error["message"] == "实际完成值“待定”中没有可用的数值"
    assert "Traceback" not in error["message"]
    assert out["results"][8] == {"error": "ExcelInputError", "message": "函数PERF_GRADE需要1至2个参数，收到了3个"}
    assert out["results"][9]["error"] == "ExcelInputError"  # not inf, which JSON cannot carry
    assert "超出可计算的范围" in out["results"][9]["message"]
    assert values[10:17] == [[[3.0]], [[0.5]], [[6.0]], [[3.0]], [[2.0]], [[5.0]], [[1.68]]]
    assert [p["name"] for p in functions["PERF_DEDUCT"]["parameters"]] == ["分值", "扣分", "评分标准"]
    assert [p.get("optional", False) for p in functions["PERF_DEDUCT"]["parameters"]] == [False, False, True]
    assert out["results"][17]["message"] == "第2项“依据不合规”应扣2分，填报扣3分"
    assert out["results"][18]["message"].startswith("评分标准“①设有目标（1分）②目标明确（2分”无法读取")
    # a cell showing #N/A is an error value, not an empty cell (实际完成值为空)
    assert out["results"][19]["message"] == "实际完成值“#N/A”是公式的错误值，不是数值；请改正公式或填入数值"


def test_every_argument_takes_error_cells_as_their_text():
    """Where Excel passes an error cell as a code (the classic add-in), xlwings turns it into None
    unless told otherwise: every argument asks for the text (#N/A), which the engine says is an
    error value; it had said 实际完成值为空 of a cell showing #N/A."""
    script = ("import json, addin.udfs as u; print(json.dumps(sorted({o.get('err_to_str') for f in u.FUNCTIONS "
              "for a in f.__xlfunc__['args'] for o in [a['options']]})))")
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120, check=True)
    assert json.loads(done.stdout) == [True]
