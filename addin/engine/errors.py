"""The error types a user can cause, rooted in :class:`UserError`.

Every input perfbook cannot use raises a :class:`UserError` whose ``str()`` is one Chinese
sentence saying what was wrong. The engine raises :class:`PerfError`; the workbook side adds its
own subclasses (project lists, output files, deployment). Adapters map the one base type: the
Excel functions to the cell's error text (``addin.udfs``), the command line to ``错误：…`` and
exit code 2 (``workbook_builder.cli``).
"""

from __future__ import annotations



class UserError(Exception):
    """Something the user can fix; ``str(err)`` is a Chinese sentence for the user."""


class PerfError(UserError, ValueError):
    """An input the engine cannot score. ``field`` names the input it concerns ('nature',
    'target', 'actual', 'weight', 'score', …) when the engine knows it, so that a reader can
    point at the right cell."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class concerning:  # noqa: N801 - used as a function: ``with concerning("target"):``
    """Tag every :class:`PerfError` raised inside the block with ``field`` (if it has none).
    A plain class, not ``contextlib.contextmanager``: it runs several times per indicator row."""

    __slots__ = ("field",)

    def __init__(self, field: str):
        self.field = field

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, err, traceback) -> bool:
        if err is not None and isinstance(err, PerfError) and err.field is None:
            err.field = self.field
        return False   # the error goes on
