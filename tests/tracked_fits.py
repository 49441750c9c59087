"""Runs made by real scikit-learn fits in tracked cells (the ``ip`` fixture's shell).

``gbm``: a GradientBoostingClassifier fitted on iris (its model stored by autologging);
``nofit``: a cell that fits nothing; ``search``: a GridSearchCV over ``max_depth`` (1, 2,
3) x ``min_samples_leaf`` (1, 40) of a decision tree, whose 6 candidates are child runs.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

SETUP = (
    "from sklearn.datasets import load_iris\n"
    "from sklearn.ensemble import GradientBoostingClassifier\n"
    "from sklearn.model_selection import GridSearchCV\n"
    "from sklearn.tree import DecisionTreeClassifier\n"
    "X, y = load_iris(return_X_y=True)\n"
)
GBM = "clf = GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0).fit(X, y)"
SEARCH = (
    "search = GridSearchCV(DecisionTreeClassifier(random_state=0),"
    " {'max_depth': [1, 2, 3], 'min_samples_leaf': [1, 40]}, cv=3).fit(X, y)"
)
N_CANDIDATES = 6


def track(ip: Any, name: str, body: str) -> str:
    """Run ``body`` as ``%%mm_track --name name``; return the run's id."""
    result = ip.run_cell(f"%%mm_track --name {name}\n{body}")
    result.raise_error()
    from mm_jupyter.services.runs.autolog import wait_for_writes

    wait_for_writes()  # the model's bytes are stored after the cell
    import mm_jupyter as mm

    return str(mm.get_run(name).id)


def track_fits(ip: Any, *, search: bool = True) -> SimpleNamespace:
    """Record ``gbm``, ``nofit`` and (with ``search``) ``search``; return their ids."""
    ip.run_cell(SETUP).raise_error()
    made = SimpleNamespace()
    made.gbm = track(ip, "gbm", GBM)
    made.nofit = track(ip, "nofit", "x = 1")
    if search:
        made.search = track(ip, "search", SEARCH)
    return made
