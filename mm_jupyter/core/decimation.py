"""Min-max decimation of a step series: at most N points that keep every extreme.

The steps of a series are cut into equal buckets; each bucket keeps the point with its
lowest and the one with its highest finite value (±inf count as values), and the first
and last point of the series stay, so at most ``2 * buckets + 2`` points come out.

Why not LTTB (largest-triangle-three-buckets): it keeps the visually most salient point
of each bucket and can drop the one spike or collapse a reader compares runs for; min-max
never does. It also needs no look-back, so it runs in one pass over points streamed from
the database in step order, with constant memory per series.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

Point = tuple[int, float | None]


def bucket_count(max_points: int) -> int:
    """Buckets that keep a thinned series within ``max_points`` (min and max of each,
    plus the first and last point)."""
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4, not {max_points}")
    return (max_points - 2) // 2


def _is_value(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def minmax_decimate(
    points: Iterable[Point], *, count: int, first_step: int, last_step: int, max_points: int
) -> Iterator[Point]:
    """Yield the points of a series sorted by step that min-max decimation keeps.

    ``count``, ``first_step`` and ``last_step`` describe the whole series (the
    database knows them before streaming it). A series of at most ``max_points``
    points comes through whole, NaN included; a longer one loses its NaN points
    (a gap inside a bucket cannot be drawn at that resolution).
    """
    if count <= max_points:
        yield from points
        return
    buckets = bucket_count(max_points)
    span = last_step - first_step + 1
    # Points are tracked with their position, so a repeated step or value is not
    # mistaken for a point already yielded.
    done = -1  # position of the last point yielded
    current = -1
    low: tuple[int, Point] | None = None
    high: tuple[int, Point] | None = None
    final: tuple[int, Point] | None = None

    def flush() -> Iterator[tuple[int, Point]]:
        for kept in sorted({k for k in (low, high) if k is not None}):
            if kept[0] > done:
                yield kept

    for position, point in enumerate(points):
        step, value = point
        bucket = (step - first_step) * buckets // span
        if bucket != current:
            for kept in flush():
                done = kept[0]
                yield kept[1]
            low = high = None
            current = bucket
        if position == 0:  # the first point always stays: a line starts where the run did
            done = 0
            yield point
        if _is_value(value):
            assert value is not None
            if low is None or value < (low[1][1] or 0.0):
                low = (position, point)
            if high is None or value > (high[1][1] or 0.0):
                high = (position, point)
        final = (position, point)
    for kept in flush():
        done = kept[0]
        yield kept[1]
    if final is not None and final[0] > done:  # and so does the last
        yield final[1]
