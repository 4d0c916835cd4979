"""The classic Windows add-in route, tested on any platform.

xlwings' own VBA wrapper generator runs on the PERF_* functions with the Windows-only modules
stubbed, in a subprocess (xlwings picks its decorators when first imported).
"""

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT
from workbook_builder.deploy import classic as excel_addin
from workbook_builder.cli import main

PROBE = textwrap.dedent(
    """
    import io, json, sys, types
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client", "win32api"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
    sys.modules["pythoncom"].CoInitialize = lambda: None
    import xlwings
    import xlwings.udfs as classic
    # What xlwings/__init__.py does on Windows with pywin32: the classic decorators.
    xlwings.func, xlwings.arg, xlwings.ret = classic.xlfunc, classic.xlarg, classic.xlret
    import addin.udfs as udfs

    class Book:
        Name = "自评表.xlsx"

    out = io.StringIO()
    classic.generate_vba_wrapper("addin.udfs", udfs, out, Book())
    info = {f.__name__: {"category": f.__xlfunc__["category"], "doc": f.__xlfunc__["ret"]["doc"]}
            for f in udfs.FUNCTIONS}
    print(json.dumps({"vba": out.getvalue(), "info": info}, ensure_ascii=False))
    """
)


@pytest.fixture(scope="module")
def classic():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT,
                          check=True, timeout=120)
    import json

    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "signature",
    [
        "Function PERF_SCORE(性质, 指标值, 实际完成值, 分值, Optional 规则, Optional 单位, Optional 一级指标, Optional 二级指标)",
        "Function PERF_EXEC_RATE(全年预算数, 全年执行数, Optional 规则, Optional 实际到位, Optional 金额单位)",
        "Function PERF_EXEC_SCORE(全年预算数, 全年执行数, Optional 分值, Optional 规则, Optional 实际到位, Optional 金额单位)",
        "Function PERF_GRADE(总分, Optional 规则)",
        "Function PERF_VALUE(实际完成值, Optional 单位)",
        "Function PERF_CHECK(性质, 指标值, 实际完成值, 分值, 得分, 偏差原因, Optional 规则, Optional 单位, Optional 一级指标, Optional 二级指标)",
        "Function PERF_CHECKLIST(评分标准, 达成项)",
        "Function PERF_BAND(评分标准, 值)",
        "Function PERF_DEDUCT(分值, 扣分, Optional 评分标准)",
        "Function PERF_RATIO(实际, 计划, 分值, Optional 评分标准)",
    ],
)
def test_vba_wrapper_for_every_function(classic, signature):
    assert signature + "\n" in classic["vba"]
    name = signature.split()[1].split("(")[0]
    assert f'XLPy.CallUDF("addin.udfs", "{name}", Array(' in classic["vba"]


def test_category_and_chinese_descriptions(classic):
    assert set(classic["info"]) == {"PERF_SCORE", "PERF_EXEC_RATE", "PERF_EXEC_SCORE", "PERF_GRADE",
                                    "PERF_VALUE", "PERF_CHECK", "PERF_CHECKLIST", "PERF_BAND",
                                    "PERF_DEDUCT", "PERF_RATIO"}
    for info in classic["info"].values():
        assert info["category"] == "绩效评价"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in info["doc"])


def test_vba_wrapper_fits_the_chinese_code_page(classic):
    classic["vba"].encode("cp936")
    assert excel_addin.unencodable_argument_names("cp936") == []
    assert "性质" in excel_addin.unencodable_argument_names("cp1252")


def test_config_lines_are_replaced_and_removed():
    old = '"INTERPRETER_WIN","C:\\\\old\\\\python.exe"\n"LICENSE_KEY","abc"\n\n"udf modules","x"\n'
    new = excel_addin.update_config(old, {"INTERPRETER_WIN": r"C:\env\pythonw.exe", "UDF MODULES": "addin.udfs"})
    assert new == '"LICENSE_KEY","abc"\n"INTERPRETER_WIN","C:\\env\\pythonw.exe"\n"UDF MODULES","addin.udfs"\n'
    assert excel_addin.update_config(new, None) == '"LICENSE_KEY","abc"\n'
    assert excel_addin.update_config("", None) == ""


def test_settings_prefer_pythonw(tmp_path):
    python = tmp_path / "python.exe"
    python.write_text("")
    assert excel_addin.settings(str(python))["INTERPRETER_WIN"] == str(python)
    (tmp_path / "pythonw.exe").write_text("")
    assert excel_addin.settings(str(python)) == {
        "INTERPRETER_WIN": str(tmp_path / "pythonw.exe"), "UDF MODULES": "addin.udfs"}


def test_config_is_read_back(tmp_path):
    path = tmp_path / "xlwings.conf"
    path.write_text(excel_addin.update_config("", {"INTERPRETER_WIN": "p", "UDF MODULES": "addin.udfs"}))
    assert excel_addin.read_config(path) == {"INTERPRETER_WIN": "p", "UDF MODULES": "addin.udfs"}


@pytest.mark.skipif(sys.platform.startswith("win"), reason="checks the refusal off Windows")
@pytest.mark.parametrize("action", ["install", "uninstall", "status"])
def test_commands_say_no_excel_and_exit_2(action, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["addin", action]) == 2
    err = capsys.readouterr().err
    assert "本机不是 Windows，没有桌面版 Excel" in err and "perfbook serve" in err
    assert not (tmp_path / ".xlwings").exists()
