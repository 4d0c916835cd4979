"""perfbook serve: the real xlwings Server on 127.0.0.1, exercised over HTTP."""

import http.client
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from addin.engine import exec_score, score_indicator
from workbook_builder.cli import main
from workbook_builder.deploy import server as serve_module
from workbook_builder.deploy.server_guard import TOKEN_ENV, TOKEN_MISSING, TOKEN_WRONG

# Not imported here: importing xlwings_server switches xlwings to server mode in this process.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("xlwings_server") is None,
                                reason="xlwings Server (the server extra) is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
            conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            conn.close()

    def call(self, name, *args, headers=None):
        return self.request("POST", CALL, payload(name, *args), headers)

    def post_raw(self, body: bytes, content_type="application/json", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", CALL, body=body, headers={"Content-Type": content_type, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()


CALL = "/xlwings/custom-functions-call"


def payload(name, *args, cells=True):
    """A custom-function call as Excel sends it: each argument as rows of cells."""
    return {
        "client": "Office.js", "func_name": name, "args": [[[a]] for a in args] if cells else list(args),
        "caller_address": "[自评表.xlsx]自评表!J13", "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d", "version": "test", "runtime": "1.4",
    }


def start_server(port: int, project: Path, log, token: str | None = None) -> subprocess.Popen:
    """``perfbook serve`` on 127.0.0.1:port (with ``token`` in $PERFBOOK_SERVER_TOKEN), once it
    answers (or the test fails with its log)."""
    perfbook = Path(sys.executable).with_name("perfbook")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_") and k != TOKEN_ENV}
    if token:
        env[TOKEN_ENV] = token
    process = subprocess.Popen([str(perfbook), "serve", "--port", str(port), "--project-dir", str(project)],
                               stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
    client = Client(port)
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.request("GET", "/")[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.seek(0)
            pytest.fail("xlwings Server did not start:\n" + log.read())
        time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    project = tmp_path_factory.mktemp("xlwings-server")
    log = open(project / "server.log", "w+")  # a file, not a pipe: a full pipe would block the server
    process = start_server(port, project, log)
    yield Client(port)
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_manifest_names_the_functions_source_without_namespace(server):
    status, manifest = server.request("GET", "/manifest.xml")
    assert status == 200
    assert f"http://127.0.0.1:{server.port}/xlwings/custom-functions-meta.json" in manifest
    assert f"http://127.0.0.1:{server.port}/xlwings/custom-functions-code.js" in manifest
    assert "<Namespace" not in manifest
    assert "78c935ca-9977-4921-a0fa-d731261fda9b" in manifest  # perfbook's own manifest id


def test_metadata_lists_the_ten_functions_in_chinese(server):
    status, body = server.request("GET", "/xlwings/custom-functions-meta.json")
    assert status == 200
    functions = {f["name"]: f for f in json.loads(body)["functions"]}
    assert set(functions) == {"PERF_SCORE", "PERF_EXEC_RATE", "PERF_EXEC_SCORE", "PERF_GRADE",
                              "PERF_VALUE", "PERF_CHECK", "PERF_CHECKLIST", "PERF_BAND", "PERF_DEDUCT",
                              "PERF_RATIO"}
    chinese = lambda t: any("\u4e00" <= c <= "\u9fff" for c in t)  # noqa: E731
    for function in functions.values():
        assert chinese(function["description"])
        assert all(chinese(p["description"]) for p in function["parameters"])
    assert [p["name"] for p in functions["PERF_SCORE"]["parameters"]] == [
        "性质", "指标值", "实际完成值", "分值", "规则", "单位", "一级指标", "二级指标"]


def test_every_sample_scores_as_the_engine(server, chaoyang_tables):
    for table in chaoyang_tables:
        f = table.funds
        status, body = server.call("PERF_EXEC_SCORE", f.annual, f.executed, f.weight)
        assert (status, json.loads(body)) == (200, {"result": [[float(exec_score(f.annual, f.executed, f.weight))]]})
        for i in table.indicators:
            status, body = server.call("PERF_SCORE", i.nature, i.target, i.actual, i.weight, None, i.unit)
            expected = float(score_indicator(i.nature, i.target, i.actual, i.weight, None, i.unit))
            assert (status, json.loads(body)) == (200, {"result": [[expected]]}), i


def test_unusable_input_is_a_message_not_a_500(server):
    status, body = server.call("PERF_SCORE", "≥", 90, "待定", 10)
    assert (status, body) == (400, "实际完成值“待定”中没有可用的数值")
    status, body = server.call("PERF_GRADE", 95, "no-such-rule")
    assert status == 400 and body.startswith("未知的规则“no-such-rule”")
    assert "Traceback" not in body


def processes_serving(port: int) -> list[int]:
    """Pids whose command line runs something on ``--port port`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--port" in args and str(port).encode() in args:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
def test_sigterm_stops_the_server_and_frees_the_port(tmp_path):
    port = free_port()
    log = open(tmp_path / "server.log", "w+")
    process = start_server(port, tmp_path, log)
    assert processes_serving(port)
    process.terminate()  # SIGTERM, as systemd or a container sends it
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while processes_serving(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_serving(port) == []
    with pytest.raises(OSError):
        Client(port).request("GET", "/")
    log.close()


def test_review_script_through_the_script_endpoint(server):
    """复核本工作簿 called the way Excel's task pane calls it, with the workbook as Office.js sends
    it: the same findings (and highlighted cells) as perfbook recalc, for every submitted sample."""
    from urllib.parse import quote

    from tests.conftest import ROOT
    from tests.xlwings_payload import book_payload, recalc_findings, review_findings

    status, body = server.request("GET", "/xlwings/custom-scripts-meta.json")
    assert status == 200 and "复核本工作簿" in body
    found = 0
    for path in sorted((ROOT / "samples/chaoyang-2024/submitted").glob("*.xlsx")):
        payload = book_payload(path)
        status, body = server.request("POST", "/xlwings/custom-scripts-call/" + quote("复核本工作簿"), payload)
        assert status == 200, body
        got = review_findings(json.loads(body)["actions"], len(payload["sheets"]))
        expected = recalc_findings(path)
        assert got == expected, path.name
        found += len(expected[0])
    assert found > 0


def _without(field):
    body = payload("PERF_GRADE", 95)
    del body[field]
    return body


def _json(body) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# Malformed and hostile calls, as bytes, with (status, text the answer must contain).
# Function level: reach the PERF_* function (answered by xlwings Server as 400 + ExcelInputError).
# Request level: refused by perfbook's guard before xlwings Server reads them.
MALFORMED = {
    "too few arguments": (payload("PERF_SCORE", "≥", 90), 400, "函数PERF_SCORE需要4至8个参数，收到了2个"),
    "too many arguments": (payload("PERF_GRADE", 95, None, "x"), 400, "函数PERF_GRADE需要1至2个参数，收到了3个"),
    "no arguments": (payload("PERF_VALUE"), 400, "函数PERF_VALUE需要1至2个参数，收到了0个"),
    "nine arguments to PERF_SCORE": (payload("PERF_SCORE", "≥", 90, 95, 10, None, None, None, None, 1), 400, "收到了9个"),
    "a range of cells": (payload("PERF_SCORE", "≥", 90, [[1, 2], [3, 4]], 10, cells=False), 400,
                         "参数“实际完成值”应为单个单元格"),
    "a row of cells": (payload("PERF_VALUE", [[1, 2]], cells=False), 400, "应为单个单元格"),
    "an empty range": (payload("PERF_VALUE", [], cells=False), 400, "第1个参数不是单元格的值"),
    "an empty row": (payload("PERF_VALUE", [[]], cells=False), 400, "第1个参数不是单元格的值"),
    "rows of unequal length": (payload("PERF_VALUE", [[1, 2], [3]], cells=False), 400, "应为单个单元格"),
    "a JSON object as a cell": (payload("PERF_VALUE", {"a": 1}), 400, "函数PERF_VALUE的第1个参数不是单元格的值"),
    "cells nested too deep": (payload("PERF_VALUE", [[[[1]]]], cells=False), 400, "第1个参数不是单元格的值"),
    "5000 digits": (payload("PERF_VALUE", "1" * 5000), 400, "超出可计算的范围"),
    "a 1 MB text": (payload("PERF_VALUE", "待定" * 350_000), 400, "中没有可用的数值"),
    "a 1 MB nature": (payload("PERF_SCORE", "≥" * 1_000_000, 90, 95, 10), 400, "未知的绩效指标性质"),
    "a total of 1000": (payload("PERF_GRADE", 1000), 400, "总分1000超过满分100分"),
    "a total of 1e308": (payload("PERF_GRADE", 1e308), 400, "超出可计算的范围"),
    "a weight of 1e26": (payload("PERF_SCORE", "≥", 90, 95, 1e26), 400, "分值“1e+26”超出可计算的范围"),
    "a weight of −10": (payload("PERF_SCORE", "≥", 90, 95, "−10"), 400, "分值不能为负数（−10）"),
    "an integer of 400 digits": (payload("PERF_GRADE", 10 ** 400), 400, "超出可计算的范围"),
    "a rate beyond decimal": (payload("PERF_EXEC_RATE", 1e-15, 1e14), 400, "计算结果超出可计算的范围"),
    "a date as the actual": (payload("PERF_VALUE", "2024年12月31日"), 400, "是日期，不是数值"),
    "a statement of failure": (payload("PERF_SCORE", "定性", "好坏", "已取消", 10), 400, "没有找到评价等级"),
    "a logical value": (payload("PERF_GRADE", True), 400, "总分应为数值，收到的是逻辑值"),
    "a 100,000-character rule": (payload("PERF_GRADE", 95, "规" * 100_000), 400, "未知的规则"),
    "a number as the nature": (payload("PERF_SCORE", 1, 90, 95, 10), 400, "未知的绩效指标性质“1”"),
    "not JSON": (b"this is not json", 400, "请求内容不是有效的 JSON"),
    "an empty body": (b"", 400, "请求内容不是有效的 JSON"),
    "invalid UTF-8": (b'{"func_name": "\xff\xfe"}', 400, "请求内容不是有效的 JSON"),
    "truncated JSON": (_json(payload("PERF_GRADE", 95))[:-5], 400, "请求内容不是有效的 JSON"),
    "JSON nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, 400, "请求内容不是有效的 JSON"),
    "an integer of 5000 digits": (_json(payload("PERF_GRADE", 1)).replace(b"[[1]]", b"[[" + b"9" * 5000 + b"]]"),
                                  400, "请求内容不是有效的 JSON"),
    "a JSON array": (b"[]", 400, "请求内容应为 JSON 对象"),
    "a JSON string": (b'"PERF_GRADE"', 400, "请求内容应为 JSON 对象"),
    "JSON null": (b"null", 400, "请求内容应为 JSON 对象"),
    "no func_name": (_without("func_name"), 400, "请求缺少字段“func_name”"),
    "no args": (_without("args"), 400, "请求缺少字段“args”"),
    "no version": (_without("version"), 400, "请求缺少字段“version”"),
    "no client": (_without("client"), 400, "请求缺少字段“client”"),
    "no runtime": (_without("runtime"), 400, "请求缺少字段“runtime”"),
    "func_name a number": ({**payload("PERF_GRADE", 95), "func_name": 123}, 400, "请求字段“func_name”的类型不正确"),
    "args a string": ({**payload("PERF_GRADE", 95), "args": "95"}, 400, "请求字段“args”的类型不正确"),
    "args an object": ({**payload("PERF_GRADE", 95), "args": {"总分": 95}}, 400, "请求字段“args”的类型不正确"),
    "args null": ({**payload("PERF_GRADE", 95), "args": None}, 400, "请求字段“args”的类型不正确"),
    "runtime a number": ({**payload("PERF_GRADE", 95), "runtime": 1.4}, 400, "请求字段“runtime”的类型不正确"),
    "an unknown function": (payload("NO_SUCH_FUNCTION", 1), 400, "未知的函数“NO_SUCH_FUNCTION”"),
    "a module attribute": (payload("__name__", 1), 400, "未知的函数“__name__”"),
    "an imported name": (payload("FUNCTIONS", 1), 400, "未知的函数“FUNCTIONS”"),
    "a body over 4 MB": (_json(payload("PERF_VALUE", "1" * (5 * 1024 * 1024))), 413, "请求过大"),
    "culture_info_name a number": ({**payload("PERF_GRADE", 95), "culture_info_name": 5}, 400,
                                   "请求字段“culture_info_name”的类型不正确"),
    "date_format a list": ({**payload("PERF_GRADE", 95), "date_format": ["y"]}, 400, "请求字段“date_format”的类型不正确"),
    "caller_address a number": ({**payload("PERF_GRADE", 95), "caller_address": 5}, 400,
                                "请求字段“caller_address”的类型不正确"),
    "another client's version": ({**payload("PERF_GRADE", 95), "client": "Python", "version": "0.1"}, 400,
                                 "加载项与服务器的 xlwings 版本不一致"),
    "a lone surrogate in a cell": (json.dumps(payload("PERF_SCORE", "定性", "好坏", "\ud800", 10)).encode(), 400,
                                   "请求内容不是有效的 JSON"),
    "a lone surrogate in the rule": (json.dumps(payload("PERF_GRADE", 95, "\udfff")).encode(), 400,
                                     "请求内容不是有效的 JSON"),
}
_NON_FINITE = {  # JSON extensions Python (and so xlwings Server) accepts: NaN, Infinity
    "NaN": (b"NaN", "总分“nan”不是有限的数值"),
    "Infinity": (b"Infinity", "总分“inf”不是有限的数值"),
    "-Infinity": (b"-Infinity", "总分“-inf”不是有限的数值"),
    "1e400": (b"1e400", "总分“inf”不是有限的数值"),
}
for _name, (_literal, _message) in _NON_FINITE.items():
    MALFORMED[f"{_name} as a cell"] = (
        _json(payload("PERF_GRADE", 1)).replace(b"[[1]]", b"[[" + _literal + b"]]"), 400, _message)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_calls_get_a_chinese_4xx_never_a_500(server, case):
    body, expected_status, expected_text = MALFORMED[case]
    status, text = server.post_raw(body if isinstance(body, bytes) else _json(body))
    assert (status, expected_text in text) == (expected_status, True), text[:300]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert "Traceback" not in text and "Error" not in text and len(text) < 500


def test_malformed_calls_are_at_least_the_issues_41():
    assert len(MALFORMED) >= 41


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_call_not_sent_as_json_is_refused_in_chinese(server, content_type):
    status, text = server.post_raw(_json(payload("PERF_GRADE", 95)), content_type=content_type)
    assert (status, text) == (415, "请求的内容类型应为 application/json")


def test_the_server_still_answers_after_the_malformed_calls(server):
    assert server.call("PERF_GRADE", 95) == (200, '{"result":[["优"]]}')
    assert server.post_raw(_json(payload("PERF_VALUE", "12份", cells=False))) == (200, '{"result":[[12.0]]}')
    assert server.post_raw(_json(payload("PERF_GRADE", 95)), "application/json; charset=utf-8")[0] == 200


# Access token: required beyond this machine, enforced whenever set.
TOKEN = "perfbook-test-token-0123456789"


class Started(BaseException):
    """Raised instead of exec'ing uvicorn: the server would have started. A BaseException, as
    exec never returns: ``main`` reports an ``Exception`` as an internal error (exit code 3)."""


@pytest.fixture
def no_start(monkeypatch):
    """``perfbook serve`` in this process without starting anything: exec and Popen raise
    :class:`Started` with the command and environment the server would have got."""
    def started(*args, env=None, **kwargs):
        raise Started(args[1] if len(args) > 1 else args[0], env if env is not None else args[2])

    monkeypatch.setattr(serve_module.os, "execve", started)
    monkeypatch.setattr(serve_module.subprocess, "Popen", started)
    monkeypatch.delenv(TOKEN_ENV, raising=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "perfbook.example.gov.cn"])
def test_serving_beyond_this_machine_without_a_token_is_refused(no_start, tmp_path, capsys, host):
    assert main(["serve", "--host", host, "--project-dir", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"错误：在 {host} 上监听时") and "必须设置访问令牌" in err
    assert "环境变量 PERFBOOK_SERVER_TOKEN" in err and "--token" in err and "--host 127.0.0.1" in err


def test_loopback_hosts():
    assert all(map(serve_module.is_loopback, ["127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST", "127.0.0.2"]))
    assert not any(map(serve_module.is_loopback, ["0.0.0.0", "::", "", "10.0.0.1", "example.org", "::ffff:0:0"]))


@pytest.mark.parametrize("token", ["short", "令牌令牌令牌令牌令牌令牌令牌令牌", "with a space in it 0123"])
def test_a_token_the_add_in_cannot_send_is_refused(no_start, tmp_path, capsys, token):
    assert main(["serve", "--token", token, "--project-dir", str(tmp_path)]) == 2
    assert "访问令牌须至少 16 个字符" in capsys.readouterr().err


@pytest.mark.parametrize("source", ["environment", "option"])
def test_the_token_reaches_the_server_by_its_environment_only(no_start, monkeypatch, tmp_path, capsys, source):
    if source == "environment":
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with pytest.raises(Started) as started:
        main(["serve", "--host", "0.0.0.0", "--project-dir", str(tmp_path)]
             + (["--token", TOKEN] if source == "option" else []))
    cmd, env = started.value.args
    assert env[TOKEN_ENV] == TOKEN and env["XLWINGS_AUTH_PROVIDERS"] == '["custom"]'
    assert not any(TOKEN in arg for arg in cmd)
    assert not any(TOKEN in f.read_text(encoding="utf-8") for f in tmp_path.rglob("*") if f.is_file())
    assert "已启用访问令牌" in capsys.readouterr().out


def test_without_a_token_xlwings_auth_is_off(no_start, tmp_path):
    with pytest.raises(Started) as started:
        main(["serve", "--project-dir", str(tmp_path)])
    env = started.value.args[1]
    assert (env[TOKEN_ENV], env["XLWINGS_AUTH_PROVIDERS"]) == ("", "[]")


def test_xlwings_custom_auth_provider_is_perfbooks_token_check(tmp_path):
    """xlwings Server imports ``auth.custom`` from the project (falling back to its own example,
    which accepts "test-token"): it must be perfbook's check, answering 401 in Chinese."""
    serve_module.write_project(tmp_path)
    code = (
        "import asyncio, sys\n"
        "from fastapi import HTTPException\n"
        "from auth.custom import validate_token\n"
        "for token in ['', 'test-token', sys.argv[1] + 'x', 'Bearer wrong']:\n"
        "    try:\n"
        "        asyncio.run(validate_token(token))\n"
        "        print('accepted', token)\n"
        "    except HTTPException as refused:\n"
        "        print(refused.status_code, refused.detail)\n"
        "print(asyncio.run(validate_token(sys.argv[1])).id)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env.update(serve_module.environment(tmp_path, token=TOKEN), XLWINGS_LICENSE_KEY="noncommercial")
    run = subprocess.run([sys.executable, "-c", code, TOKEN], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.splitlines() == [f"401 {TOKEN_MISSING}"] + [f"401 {TOKEN_WRONG}"] * 3 + ["perfbook-token"], run.stderr


@pytest.fixture(scope="module")
def token_server(tmp_path_factory):
    """``perfbook serve`` on 127.0.0.1 with a token: loopback, but a given token is enforced."""
    port = free_port()
    project = tmp_path_factory.mktemp("xlwings-server-token")
    log = open(project / "server.log", "w+")
    process = start_server(port, project, log, token=TOKEN)
    yield Client(port)
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_a_call_without_the_token_is_refused(token_server):
    assert token_server.call("PERF_GRADE", 95) == (401, TOKEN_MISSING)
    assert token_server.call("PERF_GRADE", 95, headers={"Authorization": ""}) == (401, TOKEN_MISSING)
    # refused before the body is read: a malformed call gets 401, not the guard's 400
    assert token_server.post_raw(b"this is not json") == (401, TOKEN_MISSING)


@pytest.mark.parametrize("authorization", ["wrong", "test-token", TOKEN + "x", TOKEN[:-1], TOKEN.upper(),
                                           "Bearer wrong", f"Basic {TOKEN}"])
def test_a_call_with_a_wrong_token_is_refused(token_server, authorization):
    assert token_server.call("PERF_GRADE", 95, headers={"Authorization": authorization}) == (401, TOKEN_WRONG)


@pytest.mark.parametrize("authorization", [TOKEN, f"Bearer {TOKEN}", f" {TOKEN} "])
def test_a_call_with_the_token_is_answered(token_server, authorization):
    assert token_server.call("PERF_GRADE", 95, headers={"Authorization": authorization}) == (200, '{"result":[["优"]]}')


def test_the_review_script_needs_the_token(token_server):
    from urllib.parse import quote

    from tests.conftest import ROOT
    from tests.xlwings_payload import book_payload

    path = "/xlwings/custom-scripts-call/" + quote("复核本工作簿")
    book = book_payload(next((ROOT / "samples/chaoyang-2024/submitted").glob("*.xlsx")))
    assert token_server.request("POST", path, book) == (401, TOKEN_MISSING)
    assert token_server.request("POST", path, book, {"Authorization": "test-token"}) == (401, TOKEN_WRONG)
    assert token_server.request("POST", path, book, {"Authorization": TOKEN})[0] == 200


def test_the_task_pane_asks_for_the_token_and_no_page_reveals_it(token_server, server):
    for path in ["/", "/manifest.xml", "/taskpane.html", "/static/js/auth.js",
                 "/xlwings/custom-functions-meta.json", "/xlwings/custom-functions-code.js"]:
        status, body = token_server.request("GET", path)
        assert status == 200 and TOKEN not in body, path  # the add-in loads these before it has the token
    assert 'id="perfbook-token"' in token_server.request("GET", "/taskpane.html")[1]
    assert 'id="perfbook-token"' not in server.request("GET", "/taskpane.html")[1]
    auth_js = token_server.request("GET", "/static/js/auth.js")[1]
    assert "globalThis.getAuth" in auth_js and 'provider: "custom"' in auth_js


def test_missing_certificate_files_are_said_before_the_server_starts(no_start, tmp_path, capsys):
    """``--ssl-keyfile key.pem`` copied from the README without the file: said in Chinese, exit 2
    (the server had started, then ended in uvicorn's FileNotFoundError traceback)."""
    assert main(["serve", "--ssl-keyfile", str(tmp_path / "key.pem"), "--ssl-certfile", str(tmp_path / "cert.pem"),
                 "--project-dir", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--ssl-keyfile 给出的文件" in err and "不存在或不是文件" in err
    (tmp_path / "cert.pem").write_text("-----BEGIN CERTIFICATE-----", encoding="ascii")
    assert main(["serve", "--ssl-keyfile", str(tmp_path), "--ssl-certfile", str(tmp_path / "cert.pem"),
                 "--project-dir", str(tmp_path)]) == 2   # (a folder is no key file either)
    assert "--ssl-keyfile 给出的文件" in capsys.readouterr().err
