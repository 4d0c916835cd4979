"""Logging for perfbook's commands: warnings and unexpected errors go to standard error with
their tracebacks, so that a programming error is never hidden behind a user's sentence.

``--debug`` (or ``PERFBOOK_DEBUG=1``) shows debug messages too and lets an unexpected error
propagate with its traceback instead of becoming one file's failure (recalc then runs in one
process). The switch is the environment variable, so that worker processes see it as well.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("perfbook")
DEBUG_VARIABLE = "PERFBOOK_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def configure(debug: bool = False) -> None:
    """Send perfbook's log to standard error: warnings and errors, everything with ``debug``."""
    if debug:
        os.environ[DEBUG_VARIABLE] = "1"
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if debugging() else logging.WARNING)
    logger.propagate = False
