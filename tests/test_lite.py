"""perfbook lite: the generated main.py runs with nothing but the standard library and xlwings."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import xlwings

from addin.engine import exec_score, score_indicator
from workbook_builder.cli import main

RUNNER = textwrap.dedent(
    """
    import json, sys
    calls = json.loads(sys.stdin.read())
    import main, addin
    import xlwings.server as server
    meta = server.custom_functions_meta(main)
    scores = [main.PERF_SCORE(*args) for args in calls["scores"]]
    funds = [main.PERF_EXEC_SCORE(*args) for args in calls["funds"]]
    framework_calls = [getattr(main, name)(*args) for name, args in calls["frameworks"]]
    import addin.engine.frameworks as frameworks
    framework_ids = [f.id for f in frameworks.list_frameworks()]
    try:
        import openpyxl  # noqa: F401
        isolated = False
    except ImportError:
        isolated = True
    print(json.dumps({
        "origin": addin.__spec__.origin,
        "isolated": isolated,
        "functions": {f["name"]: f["description"] for f in meta["functions"]},
        "scores": scores,
        "funds": funds,
        "framework_calls": framework_calls,
        "framework_ids": framework_ids,
        "grade": main.PERF_GRADE(94, "mof-2020"),
    }, ensure_ascii=False))
    """
)


def test_generated_main_py_in_a_clean_interpreter(tmp_path, chaoyang_tables):
    out = tmp_path / "lite"
    assert main(["lite", "-o", str(out)]) == 0
    assert (out / "requirements.txt").read_text() == "xlwings\n"
    only_xlwings = tmp_path / "only-xlwings"
    only_xlwings.mkdir()
    (only_xlwings / "xlwings").symlink_to(Path(xlwings.__file__).parent)
    rows = [i for t in chaoyang_tables for i in t.indicators]
    calls = {
        "scores": [[i.nature, i.target, i.actual, i.weight, None, i.unit] for i in rows],
        "funds": [[t.funds.annual, t.funds.executed, t.funds.weight] for t in chaoyang_tables],
        "frameworks": [
            ["PERF_CHECKLIST", ["①到位及时（2分）②不及时但未影响项目进度（1分）③不及时并影响项目进度（0.5分）", "②"]],
            ["PERF_BAND", ["满意率达90%（含）以上的得8分，80%（含）-90%得6分，80%以下不得分", "96%"]],
            ["PERF_DEDUCT", [7, "①5", "①虚列套取扣4-7分 ②依据不合规扣2分"]],
            ["PERF_RATIO", [219.91, 219.91, 10]],
        ],
    }
    script = f"import sys; sys.path[:0] = [{str(only_xlwings)!r}, {str(out)!r}]\n" + RUNNER
    env = {"PATH": os.environ.get("PATH", ""), "XLWINGS_ON_SERVER": "true",
           "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", script], input=json.dumps(calls, ensure_ascii=False),
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=True)
    result = json.loads(done.stdout)
    assert result["origin"] == "perfbook-lite" and result["isolated"]
    assert sorted(result["functions"]) == ["PERF_BAND", "PERF_CHECK", "PERF_CHECKLIST", "PERF_DEDUCT",
                                           "PERF_EXEC_RATE", "PERF_EXEC_SCORE", "PERF_GRADE", "PERF_RATIO",
                                           "PERF_SCORE", "PERF_VALUE"]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in d) for d in result["functions"].values())
    assert result["scores"] == [float(score_indicator(*args)) for args in calls["scores"]]
    assert result["funds"] == [float(exec_score(*args)) for args in calls["funds"]]
    assert result["grade"] == "优"
    assert result["framework_calls"] == [1.0, 8.0, 2.0, 10.0]
    assert result["framework_ids"] == ["mof-2020", "yueyang-2020"]   # the framework files are bundled


def test_a_users_own_main_py_is_not_replaced_without_force(tmp_path, capsys):
    out = tmp_path / "lite"
    out.mkdir()
    (out / "main.py").write_text("print('我的代码')\n", encoding="utf-8")
    assert main(["lite", "-o", str(out)]) == 2
    assert "已有不是 perfbook 写出的 main.py" in capsys.readouterr().err
    assert (out / "main.py").read_text(encoding="utf-8") == "print('我的代码')\n" and not (out / "requirements.txt").exists()
    (out / "main.py").unlink()
    (out / "requirements.txt").write_text("xlwings\npandas\n", encoding="utf-8")   # (a line of theirs added)
    assert main(["lite", "-o", str(out)]) == 2 and "requirements.txt" in capsys.readouterr().err
    assert main(["lite", "-o", str(out), "--force"]) == 0
    ours = (out / "main.py").read_text(encoding="utf-8")
    (out / "main.py").write_text(ours.replace("perfbook 0.", "perfbook 9.", 1), encoding="utf-8")   # (another version's)
    assert main(["lite", "-o", str(out)]) == 0 and (out / "main.py").read_text(encoding="utf-8") == ours


def test_an_output_that_is_a_file_is_said_to_be_one(tmp_path, capsys):
    """lite -o 已有文件: a file, not a folder, at once (it had said 已有不是 perfbook 写出的 main.py…
    加 --force, and with --force 路径中有一段不是文件夹)."""
    (tmp_path / "已有文件").write_text("x", encoding="utf-8")
    for force in ([], ["--force"]):
        assert main(["lite", "-o", str(tmp_path / "已有文件"), *force]) == 2
        assert "已有文件 是文件，不是文件夹" in capsys.readouterr().err
    assert (tmp_path / "已有文件").read_text(encoding="utf-8") == "x"
