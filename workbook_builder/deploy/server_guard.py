"""The request check in front of xlwings Server's custom-functions endpoint.

xlwings Server reads a custom-function call (``POST …/xlwings/custom-functions-call``) without
checking its shape: a body that is not a JSON object, a missing ``func_name``, ``args`` or
``runtime``, an unknown function name or an argument that is a JSON object makes it raise a
``KeyError``/``AttributeError``/``TypeError`` that it answers with ``500 An error occurred.``,
which Excel retries and shows without a word of Chinese; a body that is not JSON, or not sent as
JSON, gets FastAPI's English ``422``. :class:`RequestGuard` reads the body
first and answers every such request with ``400`` and one Chinese sentence; a well-formed call
passes on unchanged. Errors inside a PERF_* function are the functions' own business
(``addin.udfs.ExcelInputError``, answered 400 by xlwings Server).

When the server has an access token (``$PERFBOOK_SERVER_TOKEN``, set by ``perfbook serve``), the
guard also refuses every POST whose ``Authorization`` header is not that token, with ``401`` and one
Chinese sentence, before any body is read. xlwings Server checks the same token itself through its
custom auth provider (:func:`validate_token`, which also covers socket.io connections); the guard
answers first because xlwings Server parses a script call's body before it authenticates.
"""

from __future__ import annotations

import hmac
import json
import os

import xlwings

from addin.udfs import FUNCTIONS

ENDPOINT = "/xlwings/custom-functions-call"
MAX_BODY = 4 * 1024 * 1024  # 8 single-cell arguments of 32,767 characters fit well within
# Fields xlwings Server reads with data[...] (a missing one is a KeyError there) and their types.
_FIELDS = {"func_name": str, "args": list, "version": str, "client": str, "runtime": str}
# Fields it reads when present; any other type makes it fail.
_OPTIONAL_TEXT = ("caller_address", "culture_info_name", "date_format")
_SCALARS = (str, int, float, bool, type(None))
TOKEN_ENV = "PERFBOOK_SERVER_TOKEN"
TOKEN_MISSING = "缺少访问令牌：请在加载项任务窗格中填写服务器的访问令牌"
TOKEN_WRONG = "访问令牌不正确：请在加载项任务窗格中重新填写服务器的访问令牌"


class RequestRefused(Exception):
    """A request the guard answers itself: ``status`` and a Chinese ``str()``."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def check_token(authorization: object) -> None:
    """:class:`RequestRefused` (401) unless ``authorization`` is the server's token. The add-in sends
    the bare token (xlwings' ``getAuth``); ``Bearer <token>`` is accepted for curl and scripts.
    Fails closed: with no token configured, nothing passes."""
    expected = os.environ.get(TOKEN_ENV, "")
    given = authorization.strip() if isinstance(authorization, str) else ""
    if given[:7].lower() == "bearer ":
        given = given[7:].strip()
    if not given:
        raise RequestRefused(TOKEN_MISSING, 401)
    if not (expected and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))):
        raise RequestRefused(TOKEN_WRONG, 401)


async def validate_token(token_string: str):
    """xlwings Server's custom auth provider (``XLWINGS_AUTH_PROVIDERS=["custom"]``; the project's
    ``auth/custom`` package re-exports it): the user of a call or socket.io connection that carries
    the token, HTTP 401 with the Chinese message otherwise."""
    from fastapi import HTTPException
    from xlwings_server.models import User

    try:
        check_token(token_string)
    except RequestRefused as refused:
        raise HTTPException(refused.status, str(refused)) from None
    return User(id="perfbook-token", name="token")


def _is_cells(value: object, depth: int = 0) -> bool:
    """A cell value or a range of them: scalars in non-empty lists nested at most two deep
    (Excel sends each argument as rows of cells)."""
    if isinstance(value, _SCALARS):
        return True
    return (isinstance(value, list) and depth < 2 and len(value) > 0
            and all(_is_cells(v, depth + 1) for v in value))


def check_call(body: bytes, content_type: str | None = "application/json") -> dict:
    """The parsed custom-function call in ``body``; :class:`RequestRefused` saying in Chinese
    what is wrong with it when xlwings Server could not process it (or would answer in English)."""
    media = (content_type or "application/json").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise RequestRefused("请求的内容类型应为 application/json", 415)
    if len(body) > MAX_BODY:
        raise RequestRefused(f"请求过大（超过 {MAX_BODY // 1024 // 1024} MB），无法处理", 413)
    try:
        data = json.loads(body.decode("utf-8"))
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # no lone surrogates (\ud800)
    except (UnicodeError, ValueError, RecursionError):
        raise RequestRefused("请求内容不是有效的 JSON（UTF-8 编码）") from None
    if not isinstance(data, dict):
        raise RequestRefused("请求内容应为 JSON 对象")
    for field, kind in _FIELDS.items():
        if field not in data:
            raise RequestRefused(f"请求缺少字段“{field}”")
        if not isinstance(data[field], kind):
            raise RequestRefused(f"请求字段“{field}”的类型不正确")
    for field in _OPTIONAL_TEXT:
        if not isinstance(data.get(field), (str, type(None))):
            raise RequestRefused(f"请求字段“{field}”的类型不正确")
    if data["client"] != "Office.js" and data["version"] != xlwings.__version__:
        raise RequestRefused("加载项与服务器的 xlwings 版本不一致：请重新启动 Excel，或在任务窗格中右键选择“重新加载”")
    names = [f.__name__ for f in FUNCTIONS]
    if data["func_name"] not in names:
        shown = data["func_name"][:40]
        raise RequestRefused(f"未知的函数“{shown}”，可用的函数：{'、'.join(names)}")
    for position, value in enumerate(data["args"], start=1):
        if not _is_cells(value):
            raise RequestRefused(f"函数{data['func_name']}的第{position}个参数不是单元格的值")
    return data


class RequestGuard:
    """ASGI middleware: refuse POSTs without the access token (when the server has one) and
    malformed custom-function calls, before xlwings Server reads them."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if not (scope["type"] == "http" and scope["method"] == "POST"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        if os.environ.get(TOKEN_ENV):
            try:
                check_token(headers.get(b"authorization", b"").decode("latin-1"))
            except RequestRefused as refused:
                await _plain_text(send, refused.status, str(refused))
                return
        if not scope["path"].endswith(ENDPOINT):
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY or not message.get("more_body", False):
                break
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"").decode("latin-1") or None
        try:
            check_call(body, content_type)
        except RequestRefused as refused:
            await _plain_text(send, refused.status, str(refused))
            return
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _plain_text(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
