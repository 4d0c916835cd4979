"""The single error type of the engine.

Every input the engine cannot use raises :class:`PerfError` with a Chinese message that says
what was wrong, so that the Excel functions and the command line can show it as it is.
"""


class PerfError(ValueError):
    """An input the engine cannot score; ``str(err)`` is a Chinese sentence for the user."""
