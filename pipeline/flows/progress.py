"""Progress reports from long flows: a callback, so that no flow knows how it is shown.

A flow calls ``progress(stage, done, total)`` as work completes: ``stage`` is "fetch",
"process", "harvest" or "export", ``done`` the units finished so far and ``total`` all of them
(None when unknown). The CLI passes a terminal display (``pipeline.ui.terminal``); the DAGs pass
nothing and read the flows' log lines instead.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """The default: report nothing."""
