"""Curves on the unit square (ROC, precision-recall, calibration) over a cached frame.

These figures have fixed axes (0 to 1), ticks, labels and titles: only the curves and
the legend change. Each kind's frame is drawn once per process and kept as pixels
(matplotlib's blitting: ``copy_from_bbox`` / ``restore_region``); a figure restores
them and draws only its curves and legend, about a quarter of the cost of a full draw
(the text of ticks and labels is what a draw spends most on). That keeps a binary
report's four figures within ``mm.evaluate``'s 300 ms budget (benchmarks/bench_evaluate.py).
A lock per frame serialises figures of one kind: they share a canvas. Still no pyplot.
"""

from __future__ import annotations

import functools
import io
import threading
from typing import Any

# The same size, resolution and axes box as figures.py's other figures.
SIZE = (4.2, 3.4)
DPI = 90
AXES = (0.16, 0.15, 0.80, 0.74)
TICKS = (0.0, 0.5, 1.0)
FRAMES = {
    "roc": ("ROC curve", "false positive rate", "true positive rate", True),
    "precision_recall": ("Precision-recall", "recall", "precision", False),
    "calibration": ("Calibration", "mean predicted probability", "observed frequency", True),
}


def encode_png(canvas: Any) -> bytes:
    """Return the canvas's pixels as a PNG, as they are (no redraw)."""
    from PIL import Image

    renderer = canvas.get_renderer()
    size = (int(renderer.width), int(renderer.height))
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class UnitFrame:
    """A figure whose frame (axes, ticks, grid, labels, title, diagonal) is drawn once."""

    def __init__(self, title: str, xlabel: str, ylabel: str, diagonal: bool) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        # Any: matplotlib's stubs leave the blitting calls untyped
        self.figure: Any = Figure(figsize=SIZE, dpi=DPI)
        self.canvas: Any = FigureCanvasAgg(self.figure)
        self.axes: Any = self.figure.add_axes(AXES)
        ax = self.axes
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_autoscale_on(False)  # curves must not move the frame drawn once
        ax.set_xticks(TICKS)
        ax.set_yticks(TICKS)
        ax.grid(alpha=0.3)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        if diagonal:
            ax.plot([0, 1], [0, 1], linestyle="--", color="0.6", linewidth=1)
        self.canvas.draw()  # type: ignore[no-untyped-call]
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[no-untyped-call]
        self.lock = threading.Lock()

    def png(self, curves: list[tuple[list[float], list[float], str]], *, markers: bool,
            legend_loc: str) -> bytes:
        """Return the PNG of this frame with ``curves`` (x, y, label) and their legend."""
        with self.lock:
            self.canvas.restore_region(self.background)
            artists: list[Any] = []
            try:
                for i, (x, y, label) in enumerate(curves):
                    # Explicit colours: the axes' colour cycle would go on from the last figure.
                    (line,) = self.axes.plot(x, y, color=f"C{i % 10}", linewidth=1.6, label=label,
                                             marker="o" if markers else None, markersize=3)
                    artists.append(line)
                if artists:
                    artists.append(self.axes.legend(handles=list(artists), fontsize=7, loc=legend_loc))
                for artist in artists:
                    self.axes.draw_artist(artist)
                return encode_png(self.canvas)
            finally:
                for artist in artists:
                    artist.remove()


@functools.cache
def frame(kind: str) -> UnitFrame:
    """Return the frame of ``kind`` (``roc``, ``precision_recall``, ``calibration``),
    drawn on first use and kept for the process."""
    return UnitFrame(*FRAMES[kind])
