"""``mm.evaluate``: score a model on a dataset and keep the report with the run."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from typing import Any

from mm_jupyter.display.evaluation import Evaluation
from mm_jupyter.services.runs.session import get_session

__all__ = ["evaluate"]

MAX_NAME = 100


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"name must be a non-empty string without surrounding spaces, not {name!r}")
    if len(name) > MAX_NAME or not name.isprintable():
        raise ValueError(f"name must be at most {MAX_NAME} printable characters: {name[:120]!r}")
    return name


def evaluate(
    model: Any,
    X: Any,
    y: Any,
    name: str = "test",
    task: str | None = None,
    labels: Sequence[Any] | Mapping[Any, Any] | None = None,
    *,
    importance: bool = False,
    importance_budget_s: float = 10.0,
) -> Evaluation:
    """Evaluate ``model`` on ``X``/``y`` and record the report on the active run.

    The task (``binary``, ``multiclass``, ``regression``) is inferred from the model
    and the targets unless ``task`` says it. Metrics are logged as ``<name>.<metric>``
    (``test.accuracy``, ``test.f1_macro``, ``test.f1.<class>``, ``test.roc_auc``,
    ``test.rmse``, ...) and the report (confusion matrix, classification report,
    ROC / precision-recall / calibration curves, residual plots) is stored as the
    artifact ``<run name>-<name>-report`` of kind ``report``, produced by the run.

    ``labels`` picks and orders the classes (the last is a binary task's positive
    class), or maps classes to display names. ``importance=True`` adds permutation
    importance (at most 2,000 rows, repeats cut to ``importance_budget_s``) and SHAP
    values when the ``shap`` package is installed.

    Outside a run nothing is recorded: the ``Evaluation`` is returned and says so.
    The model and the data are never modified.
    """
    if importlib.util.find_spec("sklearn") is None:  # a test dependency, not a runtime one
        raise ImportError("mm.evaluate needs scikit-learn: pip install scikit-learn")
    from mm_jupyter.services.evaluation.recording import record
    from mm_jupyter.services.evaluation.report import build_report

    report = build_report(
        model, X, y, name=_check_name(name), task=task, labels=labels,
        importance=importance, importance_budget_s=importance_budget_s,
    )
    where = record(get_session(), report)
    return Evaluation(report.data, report.figures, run_id=where.run_id, run_name=where.run_name,
                      artifact=where.artifact, note=where.note)
