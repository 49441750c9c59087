"""The quickstart's model, registered as examples/quickstart.ipynb does, for the package tests.

Data preparation and training as tracked runs: the split logged as two dataset
artifacts, a GradientBoostingClassifier fitted on the training one and evaluated on the
test one, registered as ``cancer-clf`` with the training frame as reference data,
aliased ``champion``, promoted to production and, optionally, monitored once.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


def register_quickstart(mm: Any, *, monitor: bool = True) -> SimpleNamespace:
    """Register ``cancer-clf:1`` through the public API; return the model and its data."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    data = X.assign(target=y)
    with mm.track("prep", experiment="quickstart"):
        train, test = train_test_split(data, test_size=0.25, random_state=0,
                                       stratify=data.target)
        mm.log_artifact(train, name="cancer-train", kind="dataset")
        mm.log_artifact(test, name="cancer-test", kind="dataset")
    with mm.track("tuned", experiment="quickstart", tags={"team": "risk"}):
        train = mm.use_artifact("cancer-train", load=True)
        test = mm.use_artifact("cancer-test", load=True)
        X_train, y_train = train.drop(columns="target"), train.target
        X_test, y_test = test.drop(columns="target"), test.target
        model = GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0)
        model.fit(X_train, y_train)
        mm.log_metric("acc", accuracy_score(y_test, model.predict(X_test)))
        mm.evaluate(model, X_test, y_test, name="test")
        version = mm.register_model(model, "cancer-clf", alias="champion", owner="ana",
                                    description="GBM on the breast cancer data",
                                    tags={"team": "risk"}, reference_data=X_train)
    mm.promote_model("cancer-clf@champion", "production", comment="best accuracy so far")
    if monitor:
        mm.monitor("cancer-clf@production").log(X_test, predictions=model.predict(X_test),
                                                labels=y_test)
    return SimpleNamespace(model=model, X_test=X_test, y_test=y_test, version=version,
                           ref="cancer-clf@production")
