"""``perfbook serve``: xlwings Server (the ``xlwings-server`` package) serving the PERF_* functions
and the script 复核本工作簿.

xlwings Server imports the packages ``custom_functions`` and ``custom_scripts`` from its project
directory; perfbook writes a project directory whose ``custom_functions`` re-exports
``addin.udfs`` and whose ``custom_scripts`` the review script (:mod:`.review`), and configures
the server through its ``XLWINGS_*`` settings: production mode with an empty functions
namespace, so Excel shows ``=PERF_SCORE(...)`` exactly as the templates write it, perfbook's own
manifest ids, and CORS open for Excel on the web. Engine errors reach Excel as HTTP 400 with the
Chinese message (see ``addin.udfs.ExcelInputError``); malformed calls are refused in Chinese
before xlwings Server reads them (``server_app`` serves xlwings Server's app behind
``server_guard.RequestGuard``).

Access token: listening beyond this machine needs one (:func:`access_token`). It reaches the server
process only through its environment (``$PERFBOOK_SERVER_TOKEN``, never a file in the project or the
uvicorn command line), and turns on xlwings Server's custom auth provider, whose ``validate_token``
is :func:`.server_guard.validate_token`. In Excel the user types the token once into the task pane
(``templates/taskpane.html``); the project's ``static/js/auth.js`` keeps it in the add-in's
localStorage and gives it to xlwings' ``getAuth()``, which the add-in calls before every function
or script call to fill the ``Authorization`` header.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import subprocess
import sys
from pathlib import Path

from addin.engine import UserError
from addin.udfs import FUNCTIONS

from .server_guard import TOKEN_ENV

# perfbook's own manifest ids (xlwings Server's defaults are shared by every installation).
MANIFEST_IDS = {
    "PROD": "78c935ca-9977-4921-a0fa-d731261fda9b",
    "DEV": "0f3b3a57-6c52-4d5c-9d33-6e1f4c7b2a10",
}
PROJECT_NAME = "绩效评价"
REVIEW_MODULE, REVIEW_SCRIPT = "workbook_builder.deploy.review", "复核本工作簿"
TOKEN_STORAGE_KEY = "perfbook-server-token"

# xlwings' getAuth(): the token the user typed into the task pane, sent as the Authorization
# header of every function and script call (and socket.io connection).
AUTH_JS = """\
// Written by perfbook serve: the access token of this server, as typed into the task pane.
(function () {
  const key = "%(key)s";
  const stored = () => {
    try {
      return localStorage.getItem(key) || "";
    } catch (error) {
      return "";
    }
  };
  globalThis.getAuth = async function () {
    return { token: stored(), provider: "custom" };
  };
  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("perfbook-token-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const status = document.getElementById("perfbook-token-status");
      try {
        localStorage.setItem(key, document.getElementById("perfbook-token").value.trim());
        status.textContent = "已保存，请重新计算工作簿。";
      } catch (error) {
        status.textContent = "无法保存令牌：" + error;
      }
    });
  });
})();
""" % {"key": TOKEN_STORAGE_KEY}

# The task pane: a field for the token when the server requires one (no token in the page itself).
TASKPANE_HTML = """\
{# Written by perfbook serve: the task pane, with the access token field. #}
{% extends "base.html" %}
{% block content %}
  {% if "custom" in (settings.auth_providers or []) %}
    <form id="perfbook-token-form" class="m-3">
      <label for="perfbook-token" class="form-label">服务器访问令牌</label>
      <input id="perfbook-token" type="password" class="form-control" autocomplete="off" />
      <div class="form-text">向服务器管理员索取；保存在本机，调用 PERF_* 函数时发送给服务器。</div>
      <button type="submit" class="btn btn-primary mt-2">保存</button>
      <div id="perfbook-token-status" class="form-text"></div>
    </form>
  {% endif %}
{% endblock content %}
"""


class ServerUnavailable(UserError):
    """xlwings Server is not installed (the ``server`` extra)."""


def write_project(folder: Path) -> Path:
    """The xlwings Server project directory that serves addin.udfs, with the access token's
    custom auth provider, ``getAuth()`` and task pane (xlwings Server prefers a project's files
    to its own)."""
    names = ", ".join(f.__name__ for f in FUNCTIONS)
    files = {
        "custom_functions/__init__.py": "# Written by perfbook serve: the Excel functions of perfbook.\n"
        f"from addin.udfs import {names}  # noqa: F401\n",
        "custom_scripts/__init__.py": "# Written by perfbook serve: the scripts of perfbook (task pane buttons).\n"
        f"from {REVIEW_MODULE} import {REVIEW_SCRIPT}  # noqa: F401\n",
        "auth/__init__.py": "",
        "auth/custom/__init__.py": "# Written by perfbook serve: the access token check of xlwings Server.\n"
        "from workbook_builder.deploy.server_guard import validate_token  # noqa: F401\n",
        "static/js/auth.js": AUTH_JS,
        "templates/taskpane.html": TASKPANE_HTML,
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach a server listening on ``host``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def access_token(host: str, token: str | None = None) -> str | None:
    """The token the server will require: ``token``, else ``$PERFBOOK_SERVER_TOKEN``, else none.
    Listening beyond this machine without one is refused (anyone who can reach the port could run
    the functions and scripts), and so is a token the add-in could not send in an HTTP header."""
    token = token or os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        raise UserError(
            f"在 {host} 上监听时，本机以外的电脑也能访问服务器，必须设置访问令牌：请设置环境变量 {TOKEN_ENV}"
            "（可用 python -c \"import secrets; print(secrets.token_urlsafe(32))\" 生成），或使用 --token；"
            "只在本机使用时请用 --host 127.0.0.1")
    if token is not None and not re.fullmatch(r"[!-~]{16,}", token):
        raise UserError("访问令牌须至少 16 个字符，且只含英文字母、数字和符号（不含空格和中文）")
    return token


def environment(project: Path, hostname: str | None = None, token: str | None = None) -> dict[str, str]:
    """The settings xlwings Server reads; they must be set before xlwings is imported. With a
    token, xlwings Server's custom auth provider is on and the guard checks POSTs too."""
    env = {
        "XLWINGS_AUTH_PROVIDERS": '["custom"]' if token else "[]",
        TOKEN_ENV: token or "",
        "XLWINGS_ON_SERVER": "true",
        "XLWINGS_PROJECT_DIR": str(project),
        "XLWINGS_ENVIRONMENT": "prod",
        "XLWINGS_FUNCTIONS_NAMESPACE": "",
        "XLWINGS_PROJECT_NAME": PROJECT_NAME,
        "XLWINGS_ENABLE_HOTRELOAD": "false",
        "XLWINGS_CORS_ALLOW_ORIGINS": '["*"]',
        "DOTENV_PATH": str(project / ".env"),
        **{f"XLWINGS_MANIFEST_ID_{k}": v for k, v in MANIFEST_IDS.items()},
    }
    if hostname:
        env["XLWINGS_HOSTNAME"] = hostname
    return env


def command(host: str, port: int, ssl_keyfile: str | None = None,
            ssl_certfile: str | None = None) -> list[str]:
    """The uvicorn command line that runs xlwings Server (with perfbook's request guard)."""
    cmd = [sys.executable, "-m", "uvicorn", "workbook_builder.deploy.server_app:main_app", "--host", host,
           "--port", str(port), "--workers", "1"]
    if ssl_keyfile and ssl_certfile:
        cmd += ["--ssl-keyfile", ssl_keyfile, "--ssl-certfile", ssl_certfile]
    return cmd


def require_installed() -> None:
    """Raise :class:`ServerUnavailable` when xlwings Server (or uvicorn) is not installed."""
    if importlib.util.find_spec("xlwings_server") is None or importlib.util.find_spec("uvicorn") is None:
        raise ServerUnavailable("没有安装 xlwings Server：请在 perfbook 源代码目录中运行 pip install \".[server]\"")


def serve(host: str, port: int, project: Path, ssl_keyfile: str | None = None,
          ssl_certfile: str | None = None, hostname: str | None = None, token: str | None = None) -> int:
    """Run the server until it is stopped. It runs in a new interpreter, because xlwings chooses
    its Excel-function decorators from the environment when it is first imported.

    On POSIX the server replaces this process (``exec``): whatever stops ``perfbook serve``
    (Ctrl+C, SIGTERM from systemd, a container or a test) reaches uvicorn itself, and no server
    is left running on the port. Windows has no ``exec``; there the child is waited for and
    terminated when the wait is interrupted."""
    token = access_token(host, token)
    require_installed()
    env = dict(os.environ, **environment(write_project(project), hostname, token))
    env.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    cmd = command(host, port, ssl_keyfile, ssl_certfile)
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(cmd[0], cmd, env)
    child = subprocess.Popen(cmd, env=env)
    try:
        return child.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if child.poll() is None:
            child.terminate()
            child.wait()
