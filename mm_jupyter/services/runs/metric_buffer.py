"""Metric points waiting to be written, column-wise: one series per (run, key).

A point costs 24 bytes here (``array('q')`` step, ``array('d')`` value and time), not
a tuple of five objects (~150 bytes), so a million points buffer in 24 MB. The logging
thread only appends; the flusher writes the points a series held when the flush
began, in slices, then deletes them with one slice delete per column. Neither needs a
lock: the logging thread appends step, value, time in that order and the flusher
takes as many points as the time column holds, each append or delete a C call under
the GIL.

Bounded by size as well as by time. ``log_metric``'s fast path only appends to the
series in its run's ``hot`` dict; the flusher polls the total and, past
``MAX_BUFFERED``, empties ``hot`` (``cool``) so the next point takes the slow path,
where ``MetricBuffer.check`` makes the logging thread write the buffer itself
(back-pressure). The slow paths check the total every ``room`` points; past
``FLUSH_POINTS`` they wake the flusher, which otherwise writes every
``FLUSH_EVERY_S`` or when its poll finds ``FLUSH_POINTS`` waiting.
"""

from __future__ import annotations

import threading
from array import array
from collections import deque
from collections.abc import Callable
from typing import Any

FLUSH_POINTS = 250_000  # buffered points that wake the flusher before its time
MAX_BUFFERED = 1_500_000  # the logging thread writes before buffering more (36 MB)
MIN_ROOM = 256  # points a series logs between two checks of the total, at least

# One taken series: run id, key, steps, values, times (copies, owned by the taker).
Taken = tuple[str, str, "array[int]", "array[float]", "array[float]"]


class MetricSeries:
    """The buffered points of one key of one run, and the key's next automatic step.

    ``next`` is one more than the highest step logged so far; a series exists from the
    key's first point on. A series of a run that is not recorded discards its points.
    """

    __slots__ = ("add_stamp", "add_step", "add_value", "buffer", "key", "listed", "next",
                 "room", "run_id", "stamps", "steps", "values")

    def __init__(self, buffer: MetricBuffer | None, run_id: str | None, key: str,
                 first_step: int) -> None:
        self.buffer = buffer
        self.run_id = run_id
        self.key = key
        self.next = first_step + 1
        self.steps: Any
        self.values: Any
        self.stamps: Any
        if run_id is None:
            self.steps = self.values = self.stamps = deque(maxlen=0)  # discards
            self.room = 1 << 62
        else:
            self.steps, self.values, self.stamps = array("q"), array("d"), array("d")
            self.room = 0  # the first point lists the series in the buffer
        self.listed = False
        # Bound once: log_metric's fast path calls them (the columns are never replaced).
        self.add_step = self.steps.append
        self.add_value = self.values.append
        self.add_stamp = self.stamps.append

    def take_step(self, step: int) -> None:
        """Note an explicit ``step`` (the next automatic one follows the highest)."""
        if step >= self.next:
            self.next = step + 1

    def add(self, step: int, value: float, stamp: float) -> None:
        """Buffer one point (its step already decided)."""
        self.steps.append(step)
        self.values.append(value)
        self.stamps.append(stamp)
        self.room -= 1
        if self.room <= 0 and self.buffer is not None:
            self.buffer.check(self)

    def extend(self, steps: array[int], values: array[float], stamp: float) -> None:
        """Buffer many points at once (checked, steps decided; the caller then checks
        the buffer's bounds)."""
        n = len(values)
        self.steps.extend(steps)
        self.values.extend(values)
        if type(self.stamps) is array:
            self.stamps.extend(array("d", (stamp,)) * n)
        self.room -= n


class MetricBuffer:
    """Every series with points to write; see the module docstring."""

    def __init__(self, *, wake: Callable[[], None], write_now: Callable[[], None],
                 active_ids: Callable[[], set[str]]) -> None:
        self._wake = wake
        self._write_now = write_now
        self._active_ids = active_ids
        self.series: list[MetricSeries] = []
        self._lock = threading.Lock()  # listing and pruning, not appending
        self._idle: set[int] = set()
        self.peak = 0  # the most points seen buffered at a check (tests, benchmarks)

    def new_series(self, run_id: str | None, key: str, first_step: int) -> MetricSeries:
        """Return a series for ``key`` of run ``run_id`` (discarding if not recorded)."""
        return MetricSeries(self, run_id, key, first_step)

    def count(self) -> int:
        """Return how many points are buffered."""
        return sum(len(s.stamps) for s in list(self.series))

    def check(self, series: MetricSeries) -> None:
        """List ``series`` if new; wake the flusher or write now if the buffer is full."""
        if not series.listed:
            with self._lock:
                if not series.listed:
                    self.series.append(series)
                    series.listed = True
        total = self.count()
        self.peak = max(self.peak, total)
        if total >= MAX_BUFFERED:
            self._write_now()  # back-pressure: this thread pays for the write
            total = self.count()
        if total >= FLUSH_POINTS:
            self._wake()
            headroom = MAX_BUFFERED - total
        else:
            headroom = FLUSH_POINTS - total
        series.room = max(MIN_ROOM, headroom // max(1, len(self.series)))

    def snapshot(self) -> list[tuple[MetricSeries, int]]:
        """Return each series with points and how many it holds now (the flusher's
        share: the logging thread only appends after them)."""
        return [(s, n) for s in list(self.series) if (n := len(s.stamps))]

    def cool(self, runs: list[Any]) -> None:
        """Send the next point of every key of ``runs`` through ``log_metric``'s slow
        path, which checks the bounds (the fast path does not)."""
        for run in runs:
            run.hot.clear()

    def prune(self) -> None:
        """Forget series of runs no longer active that stayed empty since the last
        prune (a run's last points come right after it leaves the active list)."""
        active = self._active_ids()
        with self._lock:
            keep, idle = [], set()
            for s in self.series:
                if len(s.stamps) or s.run_id in active:
                    keep.append(s)
                elif id(s) not in self._idle:
                    keep.append(s)
                    idle.add(id(s))
                else:
                    s.listed = False
                    s.room = 0  # its next point lists it again
            self.series, self._idle = keep, idle


def piece(series: MetricSeries, start: int, end: int) -> Taken:
    """Return points ``start:end`` of ``series`` (copies)."""
    return (series.run_id or "", series.key, series.steps[start:end],
            series.values[start:end], series.stamps[start:end])


def drop(series: MetricSeries, n: int) -> None:
    """Forget the first ``n`` points of ``series`` (written or spooled)."""
    del series.stamps[:n]
    del series.values[:n]
    del series.steps[:n]


def as_tuples(taken: list[Taken]) -> list[tuple[str, str, int, float, float]]:
    """Return taken series as ``(run_id, key, step, value, ts)`` points."""
    return [
        (run_id, key, step, value, stamp)
        for run_id, key, steps, values, stamps in taken
        for step, value, stamp in zip(steps, values, stamps, strict=True)
    ]
