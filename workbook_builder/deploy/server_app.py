"""The ASGI application ``perfbook serve`` runs: xlwings Server with perfbook's request guard.

uvicorn imports this module (``workbook_builder.deploy.server_app:main_app``) in the server
process, where the ``XLWINGS_*`` settings are already in the environment. The guard
(:class:`~workbook_builder.deploy.server_guard.RequestGuard`) is placed innermost among the
FastAPI app's middleware, so its answers still pass xlwings Server's CORS and security headers.
"""

from starlette.middleware import Middleware
from xlwings_server.main import app, main_app  # noqa: F401  (main_app is what uvicorn serves)

from .server_guard import RequestGuard

app.user_middleware.append(Middleware(RequestGuard))
