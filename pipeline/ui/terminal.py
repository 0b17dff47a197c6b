"""Progress of a CLI command on stderr: a rich bar on a terminal, plain lines otherwise.

The flows report ``progress(stage, done, total)`` (``pipeline.flows.progress``); this is the
display the CLI hands them. stdout keeps only the command's result, so a pipe receives the
summary and nothing else. Off a terminal (a pipe, a log file, cron) a line is written when a
stage starts, at most every ``LINE_EVERY_S`` seconds while it runs, and when it ends.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Off a terminal, a stage that runs for minutes writes a line this often, not one per feed.
LINE_EVERY_S = 5.0
STAGE_NAMES = {
    "fetch": "fetching feeds",
    "process": "processing captures",
    "harvest": "harvesting days",
    "export": "exporting articles",
}


class TerminalProgress:
    """A callable progress display; use as a context manager so the bar is closed."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool = True,
        bar: bool | None = None,
        line_every_s: float = LINE_EVERY_S,
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.bar = self.stream.isatty() if bar is None else bar
        self.line_every_s = line_every_s
        self._rich = None
        self._tasks: dict[str, int] = {}
        self._last_line: dict[str, float] = {}
        self._ended: set[str] = set()

    def __enter__(self) -> TerminalProgress:
        if self.enabled and self.bar:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._rich = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream, force_terminal=True),
                transient=False,
            )
            self._rich.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self._rich is not None:
            self._bar(stage, done, total)
        else:
            self._line(stage, done, total)

    def _bar(self, stage: str, done: int, total: int | None) -> None:
        assert self._rich is not None
        if stage not in self._tasks:
            self._tasks[stage] = self._rich.add_task(STAGE_NAMES.get(stage, stage), total=total)
        self._rich.update(self._tasks[stage], completed=done, total=total)

    def _line(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        first = stage not in self._last_line
        if finished and stage in self._ended:
            return
        if not (first or finished or now - self._last_line[stage] >= self.line_every_s):
            return
        self._last_line[stage] = now
        if finished:
            self._ended.add(stage)
        of = f"/{total}" if total is not None else ""
        word = "done" if finished else "..."
        self.stream.write(f"{STAGE_NAMES.get(stage, stage)}: {done}{of} {word}\n")
        self.stream.flush()
