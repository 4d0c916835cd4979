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

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            conn.close()

    def call(self, name, *args):
        payload = {
            "client": "Office.js", "func_name": name, "args": [[[a]] for a in args],
            "caller_address": "[自评表.xlsx]自评表!J13", "culture_info_name": "zh-CN",
            "date_format": "yyyy/m/d", "version": "test", "runtime": "1.4",
        }
        return self.request("POST", "/xlwings/custom-functions-call", payload)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    project = tmp_path_factory.mktemp("xlwings-server")
    perfbook = Path(sys.executable).with_name("perfbook")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    log = open(project / "server.log", "w+")  # a file, not a pipe: a full pipe would block the server
    process = subprocess.Popen([str(perfbook), "serve", "--port", str(port), "--project-dir", str(project)],
                               stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
    client = Client(port)
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.request("GET", "/")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.seek(0)
            pytest.fail("xlwings Server did not start:\n" + log.read())
        time.sleep(0.2)
    yield client
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
        "性质", "指标值", "实际完成值", "分值", "规则", "单位"]


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
    perfbook = Path(sys.executable).with_name("perfbook")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    log = open(tmp_path / "server.log", "w+")
    process = subprocess.Popen([str(perfbook), "serve", "--port", str(port), "--project-dir", str(tmp_path)],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    client, deadline = Client(port), time.monotonic() + 60
    while True:
        try:
            if client.request("GET", "/")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    assert processes_serving(port)
    process.terminate()  # SIGTERM, as systemd or a container sends it
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while processes_serving(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_serving(port) == []
    with pytest.raises(OSError):
        client.request("GET", "/")
    log.close()
