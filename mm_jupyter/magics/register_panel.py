"""The Register button below a tracked cell that fitted models (ipywidgets)."""

from __future__ import annotations

import html
from typing import Any

from mm_jupyter.api.models import register_model
from mm_jupyter.services.models import flavors


def is_predictor(obj: Any) -> bool:
    """Return whether ``obj`` is a fitted model that predicts (what one registers).

    A fitted transformer (``StandardScaler``, ``PolynomialFeatures``) is not: it is a
    step, not a model. A scikit-learn ``Pipeline`` exposes ``predict`` only when its
    last step is a predictor, so a transformer-only pipeline is left out too.
    Never raises: a hostile object is simply no candidate.
    """
    try:
        if flavors.is_torch_module(obj):
            return True
        if not flavors.is_fitted(obj):
            return False
        return any(
            callable(getattr(obj, m, None)) for m in ("predict", "predict_proba")
        )
    except Exception:
        return False


def fitted_models(
    namespace: dict[str, Any], names: list[str], *, predictors_only: bool = True
) -> dict[str, Any]:
    """Return ``{variable: model}`` for fitted predictors the cell bound.

    ``predictors_only=False`` also returns fitted transformers (``StandardScaler``):
    not worth a Register button, but ``%mm register scaler`` should still link the
    run that fitted it.
    """
    found = {}
    for name in names:
        obj = namespace.get(name)
        try:
            keep = obj is not None and (
                is_predictor(obj)
                if predictors_only
                else flavors.is_fitted(obj) or flavors.is_torch_module(obj)
            )
        except Exception:  # a hostile object is no candidate
            keep = False
        if keep:
            found[name] = obj
    return found


def register_panel(candidates: dict[str, Any], run_id: str) -> Any:
    """Return one Register row for the cell's models (a picker when several).

    One button per cell, however many models it fitted: the picker lists them and
    the name field follows the pick.
    """
    # ipywidgets (~70 ms) loads only when a cell fitted a model: the tracked cell
    # imports this module for every cell (fitted_models), and its overhead is benchmarked.
    import ipywidgets as w

    def describe(var: str, model: Any) -> str:
        return f"{var} ({type(model).__qualname__})"

    items = list(candidates.items())
    if len(items) == 1:
        var, model = items[0]
        picker: Any = w.HTML(
            f"<b>{html.escape(var)}</b> <span style='color:#666'>"
            f"{html.escape(type(model).__qualname__)}</span>",
            layout=w.Layout(width="220px"),
        )
    else:
        picker = w.Dropdown(
            options=[(describe(v, m), v) for v, m in items],
            layout=w.Layout(width="220px"),
        )
    first = items[0][0] if items else ""
    name = w.Text(value=first, placeholder="model name", layout=w.Layout(width="180px"))
    alias = w.Text(placeholder="alias (optional)", layout=w.Layout(width="140px"))
    button = w.Button(description="Register", button_style="primary", icon="archive",
                      layout=w.Layout(width="110px"), disabled=not items)
    status = w.HTML()

    def chosen() -> str:
        return str(picker.value) if isinstance(picker, w.Dropdown) else first

    def on_pick(change: dict[str, Any]) -> None:
        name.value = str(change["new"])  # the variable name is the default model name
        status.value = ""
        button.disabled = False

    if isinstance(picker, w.Dropdown):
        picker.observe(on_pick, names="value")

    def on_click(_: Any) -> None:
        try:
            version = register_model(candidates[chosen()], name.value.strip(),
                                     alias=alias.value.strip() or None, run=run_id)
        except Exception as exc:  # shown to the user next to the button
            status.value = f"<span style='color:#c62828'>{html.escape(str(exc))}</span>"
            return
        button.disabled = True  # until another model is picked
        status.value = f"registered <code>{html.escape(version.ref)}</code>"

    button.on_click(on_click)
    return w.VBox([w.HBox([picker, name, alias, button, status])])
