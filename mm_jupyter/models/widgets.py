"""The Register button below a tracked cell that fitted models (ipywidgets)."""

from __future__ import annotations

import html
from typing import Any

from mm_jupyter.models import flavors


def fitted_models(namespace: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Return ``{variable: model}`` for fitted models the cell bound."""
    found = {}
    for name in names:
        obj = namespace.get(name)
        if obj is not None and (flavors.is_fitted(obj) or flavors.is_torch_module(obj)):
            found[name] = obj
    return found


def register_panel(candidates: dict[str, Any], run_id: str) -> Any:
    """Return a widget with one Register row per model (name and alias asked)."""
    import ipywidgets as w

    rows = []
    for var, model in candidates.items():
        label = w.HTML(
            f"<b>{html.escape(var)}</b> <span style='color:#666'>"
            f"{html.escape(type(model).__qualname__)}</span>",
            layout=w.Layout(width="220px"),
        )
        name = w.Text(value=var, placeholder="model name", layout=w.Layout(width="180px"))
        alias = w.Text(placeholder="alias (optional)", layout=w.Layout(width="140px"))
        button = w.Button(description="Register", button_style="primary", icon="archive",
                          layout=w.Layout(width="110px"))
        status = w.HTML()

        def on_click(_: Any, model: Any = model, name: Any = name, alias: Any = alias,
                     status: Any = status, button: Any = button) -> None:
            from mm_jupyter.models.api import register_model

            try:
                version = register_model(model, name.value.strip(),
                                         alias=alias.value.strip() or None, run=run_id)
            except Exception as exc:  # shown to the user next to the button
                status.value = f"<span style='color:#c62828'>{html.escape(str(exc))}</span>"
                return
            button.disabled = True
            status.value = f"registered <code>{html.escape(version['ref'])}</code>"

        button.on_click(on_click)
        rows.append(w.HBox([label, name, alias, button, status]))
    return w.VBox(rows)
