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
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from addin.engine import UserError
from addin.udfs import FUNCTIONS

# perfbook's own manifest ids (xlwings Server's defaults are shared by every installation).
MANIFEST_IDS = {
    "PROD": "78c935ca-9977-4921-a0fa-d731261fda9b",
    "DEV": "0f3b3a57-6c52-4d5c-9d33-6e1f4c7b2a10",
}
PROJECT_NAME = "绩效评价"
REVIEW_MODULE, REVIEW_SCRIPT = "workbook_builder.deploy.review", "复核本工作簿"


class ServerUnavailable(UserError):
    """xlwings Server is not installed (the ``server`` extra)."""


def write_project(folder: Path) -> Path:
    """The xlwings Server project directory that serves addin.udfs."""
    functions = folder / "custom_functions"
    scripts = folder / "custom_scripts"
    functions.mkdir(parents=True, exist_ok=True)
    scripts.mkdir(parents=True, exist_ok=True)
    names = ", ".join(f.__name__ for f in FUNCTIONS)
    (functions / "__init__.py").write_text(
        "# Written by perfbook serve: the Excel functions of perfbook.\n"
        f"from addin.udfs import {names}  # noqa: F401\n",
        encoding="utf-8",
    )
    (scripts / "__init__.py").write_text(
        "# Written by perfbook serve: the scripts of perfbook (task pane buttons).\n"
        f"from {REVIEW_MODULE} import {REVIEW_SCRIPT}  # noqa: F401\n",
        encoding="utf-8",
    )
    return folder


def environment(project: Path, hostname: str | None = None) -> dict[str, str]:
    """The settings xlwings Server reads; they must be set before xlwings is imported."""
    env = {
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


def serve(host: str, port: int, project: Path, ssl_keyfile: str | None = None,
          ssl_certfile: str | None = None, hostname: str | None = None) -> int:
    """Run the server until it is stopped. It runs in a new interpreter, because xlwings chooses
    its Excel-function decorators from the environment when it is first imported.

    On POSIX the server replaces this process (``exec``): whatever stops ``perfbook serve``
    (Ctrl+C, SIGTERM from systemd, a container or a test) reaches uvicorn itself, and no server
    is left running on the port. Windows has no ``exec``; there the child is waited for and
    terminated when the wait is interrupted."""
    if importlib.util.find_spec("xlwings_server") is None or importlib.util.find_spec("uvicorn") is None:
        raise ServerUnavailable("没有安装 xlwings Server：请运行 pip install \"perfbook[server]\"")
    env = dict(os.environ, **environment(write_project(project), hostname))
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
