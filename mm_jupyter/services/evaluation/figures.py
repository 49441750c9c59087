"""The report's figures as PNG bytes, drawn on matplotlib's Agg canvas.

Each figure is a ``matplotlib.figure.Figure`` with its own ``FigureCanvasAgg``: no
pyplot, so the user's current figure, backend and open-figure list are untouched
(a tracked cell would otherwise capture our figures as the user's). Axes sit at fixed
positions instead of ``tight_layout`` and each figure is drawn once, by the PNG writer:
the layout pass costs more than the drawing. The confusion matrix and the ROC,
precision-recall and calibration curves are drawn over a cached frame (``frames``): only
the regression and importance figures are drawn whole. PNGs carry no software or date
metadata, so the same report gives the same bytes (one blob, however often it is logged).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from typing import Any

from mm_jupyter.services.evaluation import frames

# Inches, dots per inch, and the axes box (left, bottom, width, height) with room for
# labels and title: one look for every figure of a report.
from mm_jupyter.services.evaluation.frames import AXES, DPI, SIZE

MAX_ANNOTATED = 15  # confusion matrices up to this many classes get a count per cell
MAX_BARS = 15


def text(value: str, limit: int = 24) -> str:
    """Return a label safe for matplotlib: short, and ``$`` not read as mathtext."""
    short = value if len(value) <= limit else value[: limit - 1] + "…"
    return short.replace("$", r"\$")


def render(draw: Callable[[Any, Any], None], *, size: tuple[float, float] = SIZE) -> bytes:
    """Return the PNG of a new figure after ``draw(figure, axes)``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes(AXES)
    draw(figure, axes)
    buffer = io.BytesIO()
    canvas.print_png(  # type: ignore[no-untyped-call]
        buffer, metadata={"Software": None}, pil_kwargs={"compress_level": 1}
    )
    return buffer.getvalue()


def confusion_matrix(labels: list[str], counts: list[list[int]], normalized: list[list[float]]) -> bytes:
    """Heatmap of the row-normalised matrix, each cell annotated with its count.

    No colour bar: the counts are written in the cells, and a second axes would cost as
    much as the matrix itself.
    """
    n = len(labels)

    def draw(ax: Any) -> list[Any]:
        artists = [ax.imshow(normalized, cmap="Blues", vmin=0.0, vmax=1.0)]
        if n <= MAX_ANNOTATED:
            for i in range(n):
                for j in range(n):
                    dark = normalized[i][j] > 0.5
                    artists.append(ax.text(j, i, str(counts[i][j]), ha="center", va="center",
                                           fontsize=8, color="white" if dark else "black"))
        return artists

    return frames.matrix_frame(tuple(text(label, 12) for label in labels)).png(draw)


def _curves(kind: str, curves: list[dict[str, Any]], x: str, y: str, area: str | None) -> bytes:
    drawn = []
    for curve in curves:
        label = text(curve["class"])
        if area is not None:
            label += f" ({curve[area]:.3f})"
        drawn.append((curve[x], curve[y], label))
    return frames.curves_png(
        kind, drawn, markers=kind == "calibration",
        legend_loc="lower left" if kind == "precision_recall" else "lower right",
    )


def roc(curves: list[dict[str, Any]]) -> bytes:
    """ROC curves with their AUC in the legend."""
    return _curves("roc", curves, "fpr", "tpr", "auc")


def precision_recall(curves: list[dict[str, Any]]) -> bytes:
    """Precision-recall curves with their average precision in the legend."""
    return _curves("precision_recall", curves, "recall", "precision", "average_precision")


def calibration(curves: list[dict[str, Any]]) -> bytes:
    """Reliability diagram: observed frequency against mean predicted probability."""
    return _curves("calibration", curves, "predicted", "observed", None)


def predicted_vs_actual(points: dict[str, Any]) -> bytes:
    """Scatter of predictions against the truth, with the identity line."""
    actual, predicted = points["actual"], points["predicted"]

    def draw(figure: Any, ax: Any) -> None:
        low, high = min(actual + predicted), max(actual + predicted)
        ax.plot([low, high], [low, high], linestyle="--", color="0.6", linewidth=1)
        ax.scatter(actual, predicted, s=6, alpha=0.5)
        ax.set_xlabel("actual")
        ax.set_ylabel("predicted")
        ax.set_title("Predicted vs actual", fontsize=10)

    return render(draw)


def residuals(points: dict[str, Any]) -> bytes:
    """Scatter of residuals (predicted - actual) against the predictions."""
    actual, predicted = points["actual"], points["predicted"]
    residual = [p - a for a, p in zip(actual, predicted, strict=True)]

    def draw(figure: Any, ax: Any) -> None:
        ax.axhline(0, linestyle="--", color="0.6", linewidth=1)
        ax.scatter(predicted, residual, s=6, alpha=0.5)
        ax.set_xlabel("predicted")
        ax.set_ylabel("residual (predicted − actual)")
        ax.set_title("Residuals", fontsize=10)

    return render(draw)


def residual_histogram(histogram: dict[str, Any]) -> bytes:
    """Histogram of all residuals."""
    edges, counts = histogram["edges"], histogram["counts"]

    def draw(figure: Any, ax: Any) -> None:
        widths = [b - a for a, b in itertools.pairwise(edges)]
        ax.bar(edges[:-1], counts, width=widths, align="edge", edgecolor="white", linewidth=0.5)
        ax.set_xlabel("residual (predicted − actual)")
        ax.set_ylabel("rows")
        ax.set_title("Residual distribution", fontsize=10)

    return render(draw)


def importance(result: dict[str, Any]) -> bytes:
    """Horizontal bars of the most important features."""
    features = result["features"][:MAX_BARS][::-1]

    def draw(figure: Any, ax: Any) -> None:
        names = [text(f["feature"], 18) for f in features]
        ax.barh(range(len(features)), [f["mean"] for f in features],
                xerr=[f.get("std", 0.0) for f in features] if result["method"] == "permutation" else None)
        ax.set_yticks(range(len(features)), names, fontsize=7)
        ax.set_xlabel("drop in score when shuffled" if result["method"] == "permutation"
                      else "mean |SHAP value|")
        ax.set_title("Permutation importance" if result["method"] == "permutation" else "SHAP summary",
                     fontsize=10)

    figure_axes = (0.3, 0.15, 0.66, 0.74)  # room for feature names on the left

    def draw_wide(figure: Any, ax: Any) -> None:
        ax.set_position(figure_axes)
        draw(figure, ax)

    return render(draw_wide)
