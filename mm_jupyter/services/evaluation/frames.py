"""Figures drawn over a cached frame: the ROC, precision-recall and calibration plots, and
the confusion matrix of a given set of classes.

In these figures only the data changes: the axes, ticks, tick labels, axis labels and
title stay. Each frame is drawn once per process and kept as pixels (matplotlib's
blitting: ``copy_from_bbox`` / ``restore_region``); a figure restores them and draws only
its data artists, about a quarter of the cost of a full draw (the text of ticks and labels
is what a draw spends most on). That keeps a binary report's four figures within
``mm.evaluate``'s 300 ms budget (benchmarks/bench_evaluate.py). A lock per frame
serialises figures of one frame: they share a canvas. Still no pyplot.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable
from typing import Any

SIZE = (4.2, 3.4)  # inches
MATRIX_SIZE = (4.2, 3.8)
DPI = 90
AXES = (0.16, 0.15, 0.80, 0.74)  # left, bottom, width, height: room for labels and title
TICKS = (0.0, 0.5, 1.0)
UNIT_FRAMES = {
    "roc": ("ROC curve", "false positive rate", "true positive rate", True),
    "precision_recall": ("Precision-recall", "recall", "precision", False),
    "calibration": ("Calibration", "mean predicted probability", "observed frequency", True),
}
MAX_TICK_LABELS = 20
MATRIX_FRAMES = 16  # confusion-matrix frames kept (one per set of class names)


def encode_png(canvas: Any) -> bytes:
    """Return the canvas's pixels as a PNG, as they are (no redraw, no metadata)."""
    from PIL import Image

    renderer = canvas.get_renderer()
    size = (int(renderer.width), int(renderer.height))
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class CachedFrame:
    """A figure whose frame is drawn once by ``setup(axes)``; data is drawn over a copy."""

    def __init__(self, setup: Callable[[Any], None], size: tuple[float, float] = SIZE) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        # Any: matplotlib's stubs leave the blitting calls untyped
        self.figure: Any = Figure(figsize=size, dpi=DPI)
        self.canvas: Any = FigureCanvasAgg(self.figure)
        self.axes: Any = self.figure.add_axes(AXES)
        setup(self.axes)
        self.axes.set_autoscale_on(False)  # data must not move the frame drawn once
        self.canvas.draw()  # type: ignore[no-untyped-call]
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[no-untyped-call]
        self.lock = threading.Lock()

    def png(self, draw: Callable[[Any], list[Any]]) -> bytes:
        """Return the PNG of the frame with the artists ``draw(axes)`` adds, then remove them."""
        with self.lock:
            self.canvas.restore_region(self.background)
            artists: list[Any] = []
            try:
                artists = draw(self.axes)
                for artist in artists:
                    self.axes.draw_artist(artist)
                return encode_png(self.canvas)
            finally:
                for artist in artists:
                    artist.remove()


def _unit_setup(title: str, xlabel: str, ylabel: str, diagonal: bool) -> Callable[[Any], None]:
    def setup(ax: Any) -> None:
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xticks(TICKS)
        ax.set_yticks(TICKS)
        ax.grid(alpha=0.3)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        if diagonal:
            ax.plot([0, 1], [0, 1], linestyle="--", color="0.6", linewidth=1)

    return setup


@functools.cache
def unit_frame(kind: str) -> CachedFrame:
    """Return the frame of ``kind`` (``roc``, ``precision_recall``, ``calibration``)."""
    return CachedFrame(_unit_setup(*UNIT_FRAMES[kind]))


def curves_png(kind: str, curves: list[tuple[list[float], list[float], str]], *, markers: bool,
               legend_loc: str) -> bytes:
    """Return the PNG of ``kind``'s frame with ``curves`` (x, y, label) and their legend."""

    def draw(ax: Any) -> list[Any]:
        artists: list[Any] = []
        for i, (x, y, label) in enumerate(curves):
            # Explicit colours: the axes' colour cycle would go on from the last figure.
            (line,) = ax.plot(x, y, color=f"C{i % 10}", linewidth=1.6, label=label,
                              marker="o" if markers else None, markersize=3)
            artists.append(line)
        if artists:
            artists.append(ax.legend(handles=list(artists), fontsize=7, loc=legend_loc))
        return artists

    return unit_frame(kind).png(draw)


@functools.lru_cache(maxsize=MATRIX_FRAMES)
def matrix_frame(names: tuple[str, ...]) -> CachedFrame:
    """Return the confusion-matrix frame of these class names (ticks, labels, title)."""
    n = len(names)

    def setup(ax: Any) -> None:
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)  # first class on top, as imshow draws it
        ax.set_aspect("equal")
        if n <= MAX_TICK_LABELS:
            rotate = n > 4
            ax.set_xticks(range(n), names, rotation=45 if rotate else 0,
                          ha="right" if rotate else "center")
            ax.set_yticks(range(n), names)
        else:
            ax.set_xticks([])
            ax.set_yticks([])
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title("Confusion matrix (share of true class)", fontsize=10)

    return CachedFrame(setup, MATRIX_SIZE)
