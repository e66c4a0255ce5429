"""Named stages of a run, with their wall-clock start and end: what benchmarks read.

A step wraps itself in `with stage("linkage:prediction"):`. The interval goes to
the log (seconds only) and to an in-process list; the benchmark samples the
process's memory on its own and takes each stage's peak over its interval.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stage:
    name: str
    started: float  # time.time()
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started


_lock = threading.Lock()
_recorded: list[Stage] = []


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Record how long the block takes as stage `name` (also when it raises)."""
    started = time.time()
    try:
        yield
    finally:
        record(name, started, time.time())


def record(name: str, started: float, ended: float) -> None:
    """Record a stage timed by the caller (one that is named only once it has ended)."""
    done = Stage(name, started, ended)
    with _lock:
        _recorded.append(done)
    log.info("stage %s: %.1f s", name, done.seconds)


def recorded() -> list[Stage]:
    """The stages recorded in this process so far, in the order they ended."""
    with _lock:
        return list(_recorded)


def clear() -> None:
    with _lock:
        _recorded.clear()
