"""Peak memory over named intervals: a sampler thread and the peak-over-interval rule.

RssSampler records (time.time(), RSS of this process plus all its descendants)
every `interval` seconds: dbt runs as a subprocess, so its memory counts. A
stage's peak is the largest sample inside its interval; a stage shorter than the
sampling interval, with no sample inside it, takes the larger of the two samples
around it (the memory it started and ended with). The whole run's peak is the
largest sample. ru_maxrss of this process and of its waited-for children is
reported beside it as a cross-check (the kernel's own high-water marks; the
children's is the largest single child, not a sum).

The sums double-count pages shared between processes, so they err high, as the
watchdog summing `ps -o rss` over a process group does.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import resource
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psutil

MIB = 1024 * 1024
DEFAULT_INTERVAL = 0.2


@dataclass(frozen=True)
class Sample:
    t: float  # time.time()
    rss: int  # bytes: this process and its descendants
    cpu: float = 0.0  # CPU seconds (user + system) used so far by the process tree


def tree_usage(process: psutil.Process) -> tuple[int, float]:
    """(RSS in bytes, CPU seconds so far) of process and every live descendant, plus the
    CPU of its children that ended (vanished ones count 0)."""
    rss, cpu = 0, 0.0
    try:
        procs = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0.0
    for i, p in enumerate(procs):
        try:
            rss += p.memory_info().rss
            times = p.cpu_times()
        except psutil.Error:
            continue  # ended between listing and reading
        cpu += times.user + times.system
        if i == 0:  # the root's waited-for children (dbt runs that finished)
            cpu += times.children_user + times.children_system
    return rss, cpu


def cpu_between(samples: Sequence[Sample], start: float, end: float) -> float | None:
    """CPU seconds the tree used between start and end: the CPU of the last sample at or
    before each (the first sample for a time before it). None without samples.

    On a machine shared with other work, wall seconds stretch with the load and CPU
    seconds much less: both are reported.
    """
    if not samples:
        return None
    times = [s.t for s in samples]

    def at(t: float) -> float:
        i = bisect.bisect_right(times, t) - 1
        return samples[max(i, 0)].cpu

    return max(at(end) - at(start), 0.0)


def peak_between(samples: Sequence[Sample], start: float, end: float) -> int | None:
    """Largest RSS of the samples in [start, end]; with none inside, the larger of the
    last sample before start and the first after end. None when there are no samples.

    samples: in time order.
    """
    if not samples:
        return None
    times = [s.t for s in samples]
    lo = bisect.bisect_left(times, start)
    hi = bisect.bisect_right(times, end)
    if hi > lo:
        return max(s.rss for s in samples[lo:hi])
    around = [samples[i].rss for i in (lo - 1, hi) if 0 <= i < len(samples)]
    return max(around)


def ru_maxrss_mib() -> dict[str, float]:
    """The kernel's high-water marks (ru_maxrss, KiB on Linux) of this process and of
    its largest waited-for child, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self": round(own / 1024, 1), "children": round(children / 1024, 1)}


class RssSampler:
    """A daemon thread sampling the RSS of this process tree.

    on_tick(sampler), if given, is called from the sampling thread about every
    tick_seconds (the benchmark writes its partial results there, so a run the
    kernel kills still leaves its figures so far).
    """

    def __init__(
        self,
        interval: float = DEFAULT_INTERVAL,
        on_tick: Callable[[RssSampler], None] | None = None,
        tick_seconds: float = 10.0,
    ):
        self.interval = interval
        self.on_tick, self.tick_seconds = on_tick, tick_seconds
        self._process = psutil.Process(os.getpid())
        self._samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self.start_rss = 0

    def sample(self) -> Sample:
        s = Sample(time.time(), *tree_usage(self._process))
        with self._lock:
            self._samples.append(s)
        return s

    def _run(self) -> None:
        last_tick = time.monotonic()
        while not self._stop.wait(self.interval):
            self.sample()
            if self.on_tick is not None and time.monotonic() - last_tick >= self.tick_seconds:
                last_tick = time.monotonic()
                # a failed partial write must not stop the sampling
                with contextlib.suppress(Exception):
                    self.on_tick(self)

    def start(self) -> RssSampler:
        self.start_rss = self.sample().rss
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def __enter__(self) -> RssSampler:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)

    def peak(self) -> int:
        return max((s.rss for s in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> int | None:
        return peak_between(self.samples, start, end)
